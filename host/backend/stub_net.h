/*
 * The stub network, a backend (backend.h) for the fake virtio-mmio device:
 * one peer, by default at 10.0.2.2 with MAC 52:55:0a:00:02:02 as QEMU's
 * slirp, that answers DHCP (with the dhcp-stub server), ARP for its
 * address, ICMP echo to its address, and TFTP read requests to its port 69
 * for a small built-in file set (below). Everything it answers it answers
 * at once, from inside tx, through the sink, so every frame crosses the
 * driver's real TX and RX rings. Virtual clock, no timers, no randomness:
 * the same run gives the same frames. Host only.
 *
 *   struct stub_net stub;
 *   stub_net_init(&stub, NULL);                  (slirp-like defaults)
 *   struct fake_backend be = stub_net_backend(&stub);
 *   fake_vnet_attach(&harness.fake, &be);
 *   fake_backend_poll(&be, now);                 (the DHCP server's clock)
 */
#ifndef RVNET_HOST_STUB_NET_H
#define RVNET_HOST_STUB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "dhcp-stub/dhcp_server.h"

/*
 * The TFTP server (RFC 1350), read requests in octet mode, with option
 * negotiation (RFC 2347) as QEMU's slirp does it: blksize (RFC 2348) granted
 * up to 1428, slirp's cap, and tsize (RFC 2349) answered with the file's
 * size; also timeout (RFC 2349, echoed) and windowsize (RFC 7440, granted up
 * to STUB_TFTP_WINDOW_MAX), which slirp lacks. Options it does not know, or
 * values out of range, it leaves out of the OACK; when none is left it
 * answers with DATA 1 at 512 bytes, as a server without options does.
 *
 * The files, built in and generated from their name and s->tftp_seed, so
 * the same request gives the same bytes on every run and host:
 *   hello.txt  34 bytes, the text "Hello from the rvnet stub network\n"
 *   zero.bin   0 bytes: one empty DATA block
 *   block.bin  182784 bytes = 357 * 512 = 128 * 1428: whole blocks at both
 *              sizes, so the file ends with an empty DATA block
 *   big.bin    4 MiB + 1234 bytes (2939 blocks of 1428)
 *   wrap.bin   33 MiB + 1000 bytes: 67586 blocks at 512, past 65535, so
 *              the block numbers wrap (to 0, as slirp and tftpd-hpa)
 * Any other name gets ERROR 1 "File not found"; a WRQ ERROR 2, another
 * mode than octet or a malformed request ERROR 4. The .bin files' bytes:
 * key = seed XOR FNV-1a-64(name); byte i is byte i % 8 (little-endian) of
 * splitmix64 of key + (i / 8 + 1) * 0x9e3779b97f4a7c15 (the finaliser of
 * Steele, Lea and Flood's SplitMix64: xor-shift 30, * 0xbf58476d1ce4e5b9,
 * xor-shift 27, * 0x94d049bb133111eb, xor-shift 31), so a script can
 * make them too (tests/bringup_rv_virt_v1_2_host/nx_net_tftp.sh does).
 *
 * One transfer at a time: each request gets a new transfer ID (its source
 * port, RFC 1350 §4: 49152 + (seed + n) mod 16384 for the n-th request)
 * and replaces the transfer before it. The stub has no timer: it sends a
 * window when the ACK of the one before arrives, and sends it again when
 * the same ACK comes again (the client's retransmission, which is its
 * timer: the stub loses nothing but what the device refuses). A datagram to
 * the transfer ID from another address or port gets ERROR 5 (never in
 * answer to an ERROR).
 */
#define STUB_TFTP_PORT 69u
/* The largest blksize granted: libslirp's TFTP server's cap, 1500 - 72. */
#define STUB_TFTP_BLKSIZE_MAX 1428u
/* The largest window granted: what one ns_poll takes from the device with
 * the default rx_budget (64), as the stub delivers a window at once. */
#define STUB_TFTP_WINDOW_MAX 64u
#define STUB_TFTP_SEED 0x7276746674707374ull /* "rvtftpst" */
#define STUB_TFTP_NFILES 5u

struct stub_tftp_file {
    const char *name;
    uint64_t size;
};

/* The file set: STUB_TFTP_NFILES entries. */
extern const struct stub_tftp_file stub_tftp_files[STUB_TFTP_NFILES];

/* The built-in file of that name (NUL-terminated, exact), or NULL. */
const struct stub_tftp_file *stub_tftp_find(const char *name);

/* n bytes of f from off (off + n <= f->size) under seed, into buf. */
void stub_tftp_read(uint64_t seed, const struct stub_tftp_file *f, uint64_t off, uint8_t *buf,
                    size_t n);

/* The transfer under way (or the last one). Private. */
struct stub_tftp {
    bool active;
    const struct stub_tftp_file *file;
    uint32_t peer_ip;
    uint16_t peer_port;
    uint16_t tid;      /* our port for it */
    uint16_t blksize;  /* 512 unless granted */
    uint16_t window;   /* 1 unless granted */
    uint64_t acked;    /* blocks the client acknowledged */
    uint64_t sent;     /* the highest block sent */
    uint64_t nblocks;  /* size / blksize + 1: the last one short, maybe empty */
    uint32_t requests; /* requests answered so far: picks the next TID */
};

struct stub_net_stats {
    uint32_t frames_in;    /* frames handed to it (behind the device: the driver sent) */
    uint32_t dhcp_replies; /* OFFER/ACK/NAK delivered */
    uint32_t arp_replies;  /* ARP replies delivered */
    uint32_t icmp_replies; /* echo replies delivered */
    uint32_t ignored;      /* frames it had no answer for */
    uint32_t inject_fail;  /* answers the device refused */
    /* TFTP: what it sent (delivered or not: a refused one is in inject_fail
     * too), and what it took */
    uint32_t tftp_requests;   /* RRQs (and WRQs, refused) to port 69 */
    uint32_t tftp_oacks;      /* OACKs sent */
    uint32_t tftp_data;       /* DATA blocks sent, again ones included */
    uint32_t tftp_again;      /* ... of them sent again (a repeated ACK) */
    uint32_t tftp_errors_out; /* ERRORs sent */
    uint32_t tftp_errors_in;  /* ERRORs from the client: the transfer ended */
    uint32_t tftp_done;       /* transfers whose last block was acknowledged */
    uint32_t tftp_stale;      /* ACKs outside the window, or after the end: ignored */
};

struct stub_net {
    uint8_t mac[6];
    uint32_t ip;
    struct dhcp_server dhcp;
    uint64_t now_ms; /* of the last poll: the DHCP server's clock */
    bool answer_dhcp, answer_arp, answer_icmp, answer_tftp;
    uint64_t tftp_seed; /* the files' bytes and the TIDs: STUB_TFTP_SEED */
    struct stub_tftp tftp;
    uint16_t ip_id; /* of the TFTP frames it builds */
    struct fake_rx_sink sink;
    struct stub_net_stats stats;
};

/* srv NULL: the dhcp-stub defaults with always_broadcast on, as slirp
 * replies. Returns 0 or -1 (a bad server configuration). */
int stub_net_init(struct stub_net *s, const struct dhcp_server_config *srv);

/* The stub as a backend (ctx = s): every frame the driver sends goes to
 * stub_net_answer with the device's sink. */
struct fake_backend stub_net_backend(struct stub_net *s);

/*
 * The frame responder itself: one Ethernet frame that arrived at the stub
 * (a DHCP message to port 67, an ARP request for s->ip, an echo request to
 * s->ip, a TFTP datagram to s->ip's port 69 or to the transfer's ID) and
 * its answer, at once, through `to`. Returns true when it
 * answered; counts frames_in, the reply kind, ignored and inject_fail.
 * The DHCP server's clock is s->now_ms (the backend's poll sets it). The
 * backend calls it behind the device; a program on top of a frontend
 * (nx-net dhcp-server: TAP -> fake device -> frontend -> here -> frontend
 * -> TAP) calls it with frames from vnet_rx_poll and a sink that sends
 * through the frontend, with s->mac set to the frontend's MAC.
 */
bool stub_net_answer(struct stub_net *s, const uint8_t *frame, size_t len,
                     const struct fake_rx_sink *to);

#endif
