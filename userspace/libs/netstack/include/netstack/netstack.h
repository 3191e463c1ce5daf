/*
 * rvnet netstack: one IPv4 host with two interfaces, virt0 (a virtio-net
 * frontend the caller initialised) and lo (127.0.0.0/8).
 *
 *   struct ns_config cfg;
 *   ns_config_defaults(&cfg);
 *   cfg.virt0 = &dev;                      (or NULL: no device)
 *   cfg.lo_slots = lo_slots; cfg.lo_depth = 16;
 *   cfg.arp = arp; cfg.arp_hold = hold; cfg.arp_n = 8;
 *   cfg.dhcp = NS_DHCP_WIRE;               (or NS_DHCP_STUB, NS_DHCP_OFF)
 *   ns_init(&host, &cfg);
 *   main loop:   ns_poll(&host, now_ms);
 *   interrupt:   ns_irq(&host);            (acknowledges and flags, nothing more)
 *
 * ns_poll is where the work happens: it drains virt0's RX ring, runs the
 * timers (DHCP, ARP retries and expiry, ping), drains lo, and kicks virt0's
 * TX queue once for all it answered. Sends made outside poll (UDP, raw,
 * ns_dhcp_release) go out at once. Time is the caller's, in milliseconds;
 * nothing reads a clock, allocates or aborts. The netstack reaches the
 * device only through the virtio-net calls (vnet_rx_poll, vnet_send_queue,
 * vnet_send_kick, vnet_tx_reclaim, vnet_tx_free, vnet_irq and the
 * accessors), never its registers or the fields of struct vnet_dev.
 *
 * Every frame or packet the netstack drops increments exactly one named
 * drop counter (struct ns_counters; ns_drops sums them). Every fallible
 * call returns 0 or a negative enum ns_err.
 */
#ifndef NETSTACK_NETSTACK_H
#define NETSTACK_NETSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_client.h"
#include "loopback/loopback.h"
#include "virtio-net/virtio_net.h"

/* The stub server (dhcp-stub/dhcp_server.h), a test fixture, is only
 * pointed to here: a caller that runs NS_DHCP_STUB includes its header. */
struct dhcp_server;

#define NS_FRAME_MAX 1514u /* an Ethernet frame without FCS */
#define NS_MTU 1500u
#define NS_DGRAM_MAX 1480u           /* the largest IP payload in one frame */
#define NS_UDP_MAX 1472u             /* the largest UDP payload in one frame */
#define NS_LOOPBACK_ADDR 0x7f000001u /* 127.0.0.1: lo's address, the one a ping of lo goes to */

enum ns_err {
    NS_OK = 0,
    NS_ERR_INVAL = -1,      /* a NULL pointer or an impossible argument */
    NS_ERR_DOWN = -2,       /* the interface is down */
    NS_ERR_NO_ROUTE = -3,   /* no interface or gateway for that destination */
    NS_ERR_FULL = -4,       /* lo or a socket queue is full: dropped and counted */
    NS_ERR_AGAIN = -5,      /* virt0's TX ring is full: dropped and counted */
    NS_ERR_TOO_BIG = -6,    /* the payload does not fit one frame, or the buffer */
    NS_ERR_IN_USE = -7,     /* the UDP port is bound, or the socket already open */
    NS_ERR_EMPTY = -8,      /* nothing to receive */
    NS_ERR_NO_DEVICE = -9,  /* virt0 has no device */
    NS_ERR_ARP_FULL = -10,  /* every ARP entry is pending: dropped and counted */
    NS_ERR_BUSY = -11,      /* a ping is already running */
    NS_ERR_DEVICE = -12,    /* virt0's frontend returned an error (ns_virt0_error) */
    NS_ERR_NOT_FOUND = -13, /* no such ARP entry or socket */
    /* The next hop is being resolved and there is nowhere to hold the
     * packet (no cfg.arp_hold): dropped and counted in arp_hold_drop; the
     * ARP request is on its way. */
    NS_ERR_UNRESOLVED = -14,
    /* virt0's device is broken or asked for a reset (vnet_state BROKEN;
     * ns_virt0_error says why): nothing goes to it until ns_virt0_restart. */
    NS_ERR_DEVICE_BROKEN = -15,
    /* virt0's device was given away (ns_handover): the netstack no longer
     * touches it. */
    NS_ERR_HANDED_OVER = -16,
};

/* The lowest (most negative) code: every value from it to 0 is named. A new
 * code goes below it, and this moves to the new one. */
#define NS_ERR_LOWEST NS_ERR_HANDED_OVER

/* A short, stable name for an error code ("no-route", ...); "unknown" for any
 * other value. */
const char *ns_strerror(int err);

enum ns_ifid { NS_IF_VIRT0 = 0, NS_IF_LO = 1, NS_IF_COUNT = 2 };
enum ns_dir { NS_DIR_RX = 0, NS_DIR_TX = 1 };

/*
 * The tap: called with every frame that crosses an interface, before any
 * check on the way in and after it was accepted by the device on the way
 * out (a frame the device refused is not shown). virt0 frames are what the
 * virtio-net device carries (Ethernet II, no FCS); lo frames are Ethernet II
 * with all-zero addresses, and each appears twice, once TX and once RX.
 * The bytes are valid only during the call.
 */
typedef void (*ns_tap_fn)(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame,
                          size_t len);

enum ns_dhcp_mode {
    NS_DHCP_OFF = 0, /* virt0's address is set with ns_if_set_addr */
    NS_DHCP_WIRE,    /* the client talks through virt0 to whatever server is on the link */
    NS_DHCP_STUB,    /* the client talks to the in-process stub server; no frame leaves */
};

enum ns_event_type {
    NS_EV_DHCP_BOUND,    /* a lease configured virt0 */
    NS_EV_DHCP_RENEWED,  /* the same lease extended: virt0 unchanged */
    NS_EV_DHCP_CHANGED,  /* a renewal changed the address, mask, router or DNS: reconfigured */
    NS_EV_DHCP_LOST,     /* the lease expired or was refused: virt0 unconfigured */
    NS_EV_DHCP_DECLINED, /* the ARP probe found the offered address (addr) in use: DECLINE sent */
    NS_EV_DHCP_RELEASED, /* ns_dhcp_release gave the lease back: virt0 unconfigured */
    NS_EV_PING_REPLY,    /* an echo reply for the running ping */
    NS_EV_PING_DONE,     /* the ping sent its last request and got all replies or timed out */
};

/* Bits of ns_event.have for DHCP events: which options the server sent.
 * QEMU's slirp with restrict=on sends neither router nor DNS. */
#define NS_HAVE_MASK 1u   /* subnet mask option (else the classful mask was used) */
#define NS_HAVE_ROUTER 2u /* router option: gw is routers[0] */
#define NS_HAVE_DNS 4u    /* DNS option: dns is the first server */

struct ns_event {
    enum ns_event_type type;
    uint64_t now_ms;
    /* DHCP events: the lease (all zero for LOST) */
    uint32_t addr, mask, gw, dns, server, lease_s;
    uint8_t prefix_len; /* of mask: 24 for 255.255.255.0 */
    uint8_t have;       /* NS_HAVE_* */
    /* ping events */
    uint32_t from;
    uint16_t seq;
    uint32_t rtt_ms;
};

typedef void (*ns_event_fn)(void *ctx, const struct ns_event *ev);

/* One ARP cache entry and, beside it, room for the one packet held while
 * it resolves. Private: use ns_arp_lookup. */
struct ns_arp_entry {
    uint32_t ip;
    uint8_t mac[6];
    uint8_t state;        /* free, pending, resolved */
    uint8_t tries;        /* requests sent while pending */
    uint64_t deadline_ms; /* pending: next retry; resolved: expiry */
};

struct ns_frame {
    uint16_t len; /* 0: empty */
    uint8_t data[NS_FRAME_MAX];
};

struct ns_config {
    struct vnet_dev *virt0;    /* initialised by the caller (vnet_init); NULL: no device */
    uint8_t mac[6];            /* virt0's MAC when there is no device: 02:00:00:00:00:01 */
    struct lo_slot *lo_slots;  /* lo's queue: lo_depth slots (required) */
    unsigned lo_depth;         /* LO_DEPTH_DEFAULT */
    struct ns_arp_entry *arp;  /* the ARP cache: arp_n entries (required when virt0 is used) */
    struct ns_frame *arp_hold; /* arp_n frames held while resolving; NULL: hold nothing, and
                                  refuse a packet to an unresolved hop (NS_ERR_UNRESOLVED) */
    unsigned arp_n;
    uint32_t arp_ttl_ms;                   /* a resolved entry lives this long: 60000 */
    uint32_t arp_retry_ms;                 /* between requests while pending: 1000 */
    uint8_t arp_tries;                     /* requests before giving up: 3 */
    unsigned rx_budget;                    /* frames taken per interface per poll: 64 */
    enum ns_dhcp_mode dhcp;                /* NS_DHCP_OFF */
    struct dhcp_client_config dhcp_client; /* dhcp_client_config_defaults; mac is virt0's */
    /* NS_DHCP_STUB: the in-process server the client talks to, set up by the
     * caller (dhcp_server_init), and the function that serves it (pass
     * dhcp_server_input). Through a pointer, so an image that never runs
     * the stub, a test fixture, links none of it. */
    struct dhcp_server *stub;
    int (*stub_input)(struct dhcp_server *srv, uint64_t now_ms, const uint8_t *msg, size_t len,
                      struct dhcp_tx *reply);
    ns_tap_fn tap; /* NULL: none */
    void *tap_ctx;
    ns_event_fn event; /* NULL: none */
    void *event_ctx;
};

/* Defaults as listed above; no storage (the caller sets the pointers). */
void ns_config_defaults(struct ns_config *cfg);

/*
 * The counters: traffic first, then the drops. From NS_DROPS_FIRST to the
 * end every counter is one reason a frame or packet was dropped, on the
 * way in or out, and ns_drops sums them all; a new drop counter goes
 * there, any other counter above it (test_netstack_counters holds the
 * line). Every drop is counted in exactly one of them; the frontend's
 * and lo's drops are in their own counters (vnet_counters, lo_counters).
 */
struct ns_counters {
    uint32_t rx_frames[NS_IF_COUNT]; /* frames taken from each interface */
    uint32_t tx_frames[NS_IF_COUNT]; /* frames each interface accepted */
    uint32_t arp_req_in, arp_rep_out, arp_req_out;
    uint32_t arp_probe_out; /* RFC 5227 probes sent for the DHCP client */
    uint32_t arp_not_ours;  /* a request for another address: merged (RFC 826), not answered */
    uint32_t arp_expired;   /* resolved entries that timed out */
    uint32_t icmp_echo_in, icmp_echo_out;
    uint32_t dhcp_in;          /* DHCP messages handed to the client */
    uint32_t dhcp_out;         /* DHCP messages sent (wire) or given to the stub */
    uint32_t dhcp_declined;    /* offered addresses the probe found in use */
    uint32_t irqs;             /* ns_irq calls that found bits set */
    uint32_t dev_errors;       /* errors returned by the virtio-net frontend (what it
                                  dropped, it counts itself) */
    uint32_t handover_refused; /* calls refused after ns_handover: a poll's virt0 part,
                                  ns_irq, a send to virt0 (also in tx_no_device), ... */
    /* --- drops, from NS_DROPS_FIRST on --- */
    uint32_t if_down;            /* frames in or out of a down interface */
    uint32_t eth_bad_len;        /* shorter than 14 or longer than 1514 bytes */
    uint32_t eth_not_ours;       /* virt0: to another unicast or a multicast MAC */
    uint32_t eth_bad_type;       /* EtherType neither IPv4 nor ARP (ARP on lo included) */
    uint32_t arp_bad;            /* not Ethernet/IPv4 ARP, short, bad op */
    uint32_t arp_bad_sender;     /* sender MAC broadcast or multicast */
    uint32_t arp_conflict;       /* someone else claims our address */
    uint32_t arp_cache_full;     /* no entry free or evictable: packet dropped */
    uint32_t arp_hold_drop;      /* a held packet replaced, or nowhere to hold one */
    uint32_t arp_unresolved;     /* held packet dropped: resolving gave up, or ns_handover */
    uint32_t ip_bad_header;      /* short, version, IHL, lengths */
    uint32_t ip_bad_checksum;    /* the header checksum does not verify */
    uint32_t ip_fragment;        /* fragments are not reassembled */
    uint32_t ip_bad_src;         /* source 0, broadcast or multicast (DHCP aside) */
    uint32_t ip_not_ours;        /* destination is not ours nor broadcast */
    uint32_t ip_unknown_proto;   /* no handler and no raw socket for the protocol */
    uint32_t ip_no_route;        /* output with no route */
    uint32_t icmp_bad;           /* short or bad checksum */
    uint32_t icmp_bcast_ignored; /* echo requests to broadcast or multicast: no reply */
    uint32_t icmp_other;         /* other ICMP types, stray echo replies: ignored */
    uint32_t udp_bad;            /* short, bad length, bad checksum */
    uint32_t udp_no_port;        /* no socket bound to the destination port */
    uint32_t udp_queue_full;     /* the socket's queue was full */
    uint32_t raw_queue_full;     /* a raw socket's queue was full */
    uint32_t lo_full;            /* lo's queue was full */
    uint32_t tx_full;            /* virt0's TX ring was full */
    uint32_t tx_no_device;       /* output to virt0 without a device (none, or handed over) */
    uint32_t tx_too_big;         /* payload too large for one frame */
    uint32_t tx_dev_refused;     /* output virt0's frontend refused (dev_errors says why) */
    uint32_t dhcp_dropped;       /* DHCP messages the client dropped (its stats say why) */
    uint32_t ping_bad;           /* echo replies for our id: wrong length, payload, seq or time */
};

/* The first drop counter of struct ns_counters. */
#define NS_DROPS_FIRST if_down

/* The sum of the drop counters (NS_DROPS_FIRST to the end); 0 for NULL. */
uint64_t ns_drops(const struct ns_counters *c);

/* A datagram queued on a socket. */
struct ns_dgram {
    uint32_t addr; /* the source address */
    uint16_t port; /* UDP: the source port; raw: 0 */
    uint16_t len;
    uint8_t data[NS_DGRAM_MAX];
};

/* A bounded FIFO of datagrams in caller-provided slots. Private. */
struct ns_queue {
    struct ns_dgram *slots;
    uint16_t depth, head, count;
    uint32_t drops; /* datagrams dropped because the queue was full */
};

/* What both kinds of socket begin with: the link in the host's list and
 * the queue. Private. */
struct ns_sock {
    struct ns_sock *next;
    struct ns_queue q;
};

struct ns_udp_sock {
    struct ns_sock s; /* first: the host's list links &s */
    uint16_t port;
};

struct ns_raw_sock {
    struct ns_sock s; /* first, likewise */
    uint8_t proto;
    uint32_t bound; /* 0: any; else the source of what it sends and the only destination it hears */
};

struct ns_ping_params {
    uint32_t dst;
    uint16_t id;
    uint16_t count;       /* requests to send, >= 1 */
    uint16_t payload_len; /* 8..NS_DGRAM_MAX-8: an 8-byte send time, then a pattern */
    uint32_t interval_ms; /* between requests; 0: one per poll */
    uint32_t timeout_ms;  /* after the last request */
};

struct ns_ping_result {
    bool active; /* started and not done */
    bool done;
    uint16_t sent, received;
    uint16_t last_seq;     /* of the last reply */
    uint32_t out_of_order; /* replies whose seq was not the one after the previous */
    uint32_t errors;       /* requests the stack refused (no route, full, ...) */
    uint32_t rtt_min_ms, rtt_max_ms, last_rtt_ms;
    uint64_t rtt_sum_ms;
};

struct ns_ping {
    struct ns_ping_params p;
    struct ns_ping_result r;
    uint64_t next_ms, last_tx_ms;
};

struct ns_iface {
    uint32_t addr, mask, gw, dns;
    uint8_t mac[6];
    bool up;
};

/* One host. Every field is private; use the functions below. */
struct ns_host {
    struct ns_config cfg;
    struct ns_iface ifs[NS_IF_COUNT];
    struct lo_dev lo;
    struct ns_sock *udp; /* of struct ns_udp_sock */
    struct ns_sock *raw; /* of struct ns_raw_sock */
    struct dhcp_client dhcp;
    bool dhcp_started;
    uint8_t announce_left; /* RFC 5227 §2.3: announcements still to send ... */
    uint64_t announce_ms;  /* ... and when the next is due */
    struct ns_ping ping;
    struct ns_counters cnt;
    uint64_t now_ms; /* of the current or last poll */
    uint16_t ip_id;
    uint16_t udp_next; /* the next ephemeral port to try; 0: none picked yet */
    bool in_poll, tx_queued;
    bool rx_more;               /* the last poll took a whole RX budget from virt0 */
    bool handed_over;           /* ns_handover gave virt0's device away (cfg.virt0 NULL) */
    int dev_err;                /* the frontend's last error (enum vnet_err), 0: none */
    volatile uint32_t irq_flag; /* set by ns_irq, cleared by ns_poll */
    uint8_t tx[NS_FRAME_MAX];   /* the one frame being built */
};

/*
 * Sets the host up: lo up at 127.0.0.1/8, virt0 up and unconfigured (MAC
 * from the device, else cfg->mac), the DHCP client initialised; DHCP starts
 * at the first poll. NS_ERR_INVAL for missing storage or a bad
 * configuration (NS_DHCP_STUB without cfg->stub and cfg->stub_input).
 */
int ns_init(struct ns_host *ns, const struct ns_config *cfg);

/*
 * The one entry point: virt0's RX, then the timers, then lo, then one TX
 * kick. The rest of the work is done whatever virt0 returns. Returns 0;
 * NS_ERR_DEVICE when virt0's frontend returned an error that leaves it
 * running (a bad used entry or length: the frame is skipped; dev_errors
 * counts it, ns_virt0_error says which); NS_ERR_DEVICE_BROKEN when virt0's
 * device is broken or asked for a reset: the netstack no longer calls it
 * (no RX, no TX: sends to it are refused and counted in tx_dev_refused)
 * until ns_virt0_restart brings it back.
 */
int ns_poll(struct ns_host *ns, uint64_t now_ms);

/* The earliest time a timer wants ns_poll (DHCP, ARP, ping); UINT64_MAX for
 * none. Frames arriving also need a poll: this is for sleeping. */
uint64_t ns_next_deadline(const struct ns_host *ns);

/*
 * True when a poll now has work already in hand, so a caller about to
 * sleep polls again first: the last poll took a whole rx_budget of frames
 * from virt0 (the device does not interrupt again for frames it already
 * announced), lo holds frames, or ns_irq ran since the last poll.
 */
bool ns_work_pending(const struct ns_host *ns);

/* For the virtio interrupt: vnet_irq (read and acknowledge) and a flag for
 * poll, nothing else. NS_ERR_NO_DEVICE without virt0; NS_ERR_DEVICE_BROKEN
 * when the device asked for a reset (DEVICE_NEEDS_RESET), NS_ERR_DEVICE for
 * another error of vnet_irq (both counted in dev_errors). */
int ns_irq(struct ns_host *ns);

/* True when ns_irq ran since the last poll. */
bool ns_irq_pending(const struct ns_host *ns);

/* The last error virt0's frontend returned to the netstack (an enum
 * vnet_err: vnet_strerror names it), kept until ns_virt0_restart succeeds;
 * 0 when none. A VNET_ERR_BROKEN that only repeats an earlier error does
 * not replace it, so this is the cause. */
int ns_virt0_error(const struct ns_host *ns);

/*
 * Brings virt0 back after NS_ERR_DEVICE_BROKEN (or restarts a live
 * device): vnet_reinit (reset, then the init of virtio 1.2 §3.1.1 with the
 * same ops, configuration and DMA block; frames in the rings are lost).
 * The ARP cache is kept. With DHCP on the wire, the client restarts: with
 * a lease it reboots it (RFC 2131 §3.2, INIT-REBOOT: a broadcast REQUEST
 * for the same address), virt0 is unconfigured meanwhile and
 * NS_EV_DHCP_LOST raised, and the ACK raises NS_EV_DHCP_BOUND; without
 * one it starts over with a DISCOVER. A static address (NS_DHCP_OFF) is
 * announced again. Call it outside ns_poll (NS_ERR_BUSY inside).
 * NS_ERR_NO_DEVICE without virt0; NS_ERR_DEVICE when the device does not
 * come back (ns_virt0_error says why; it may be called again).
 */
int ns_virt0_restart(struct ns_host *ns);

struct ns_if_info {
    uint32_t addr, mask, gw, dns;
    uint8_t mac[6];
    bool up;
    uint16_t mtu; /* the IP packet size it carries: lo NS_MTU; virt0 the frontend's
                     (vnet_mtu), at most NS_MTU */
};

int ns_if_get(const struct ns_host *ns, enum ns_ifid ifid, struct ns_if_info *out);

/* Sets an address statically (gw only on virt0; 0: none). On virt0 a
 * non-zero address is announced with a gratuitous ARP (RFC 5227 §3). */
int ns_if_set_addr(struct ns_host *ns, enum ns_ifid ifid, uint32_t addr, uint32_t mask,
                   uint32_t gw);

int ns_if_set_up(struct ns_host *ns, enum ns_ifid ifid, bool up);

/* Puts a whole frame on lo as if this host had sent it (tools, tests,
 * fuzzing), checked like virt0's input, checksums included (docs/netstack.md,
 * "Checksums on lo"). NS_ERR_FULL when lo is full, NS_ERR_TOO_BIG for 0 or
 * more than LO_FRAME_MAX bytes. */
int ns_lo_inject(struct ns_host *ns, const void *frame, size_t len);

/* The resolved MAC of ip, if the cache holds one. NS_ERR_NOT_FOUND else. */
int ns_arp_lookup(const struct ns_host *ns, uint32_t ip, uint8_t mac[6]);

/* UDP: bind a port (1..65535) over `depth` caller-provided slots, or port 0
 * for an ephemeral one from the dynamic range (RFC 6335 §6) bound by no
 * other socket: a counter from 49152 + the low 14 bits of virt0's MAC (49153
 * for 02:00:00:00:00:01), each later pick the next port (65535 wraps to
 * 49152), so the same binds give the same ports on every run. A socket hears
 * every source address and port (a TFTP client learns its server's TID,
 * RFC 1350 §4). NS_ERR_IN_USE: port bound, socket bound, or range full. */
#define NS_UDP_EPHEMERAL_MIN 49152u
#define NS_UDP_EPHEMERAL_MAX 65535u
int ns_udp_bind(struct ns_host *ns, struct ns_udp_sock *s, uint16_t port, struct ns_dgram *slots,
                unsigned depth);
/* The port the socket was last bound to (the one port 0 picked); 0 for NULL. */
uint16_t ns_udp_port(const struct ns_udp_sock *s);
int ns_udp_close(struct ns_host *ns, struct ns_udp_sock *s);
/* Sends from the socket's port to dst:dport. NS_ERR_TOO_BIG above what dst's
 * interface carries: NS_UDP_MAX on lo, 28 bytes less than ns_if_info.mtu on
 * virt0 (counted in tx_too_big; nothing is built). */
int ns_udp_send(struct ns_host *ns, struct ns_udp_sock *s, uint32_t dst, uint16_t dport,
                const void *data, size_t len);
/* Takes the oldest datagram: NS_ERR_EMPTY, or NS_ERR_TOO_BIG when cap is
 * smaller than it (it stays queued). src and sport may be NULL. */
int ns_udp_recv(struct ns_udp_sock *s, void *buf, size_t cap, size_t *len, uint32_t *src,
                uint16_t *sport);

/*
 * Raw sockets, the spec's raw send/recv path. A socket for IP protocol
 * `proto` hears every IPv4 packet of that protocol addressed to this host
 * (when bound: only to the bound address), as a copy: ICMP is still
 * answered by the stack. Send builds the IPv4 header (source: the bound
 * address, else the outgoing interface's) around the payload: at most 20
 * bytes less than the interface's MTU (ns_if_info.mtu), else NS_ERR_TOO_BIG.
 */
int ns_raw_open(struct ns_host *ns, struct ns_raw_sock *s, uint8_t proto, struct ns_dgram *slots,
                unsigned depth);
int ns_raw_bind(struct ns_raw_sock *s, uint32_t addr);
int ns_raw_close(struct ns_host *ns, struct ns_raw_sock *s);
int ns_raw_send(struct ns_host *ns, struct ns_raw_sock *s, uint32_t dst, const void *data,
                size_t len);
int ns_raw_recv(struct ns_raw_sock *s, void *buf, size_t cap, size_t *len, uint32_t *src);
/* Datagrams dropped by a socket because its queue was full. */
uint32_t ns_udp_drops(const struct ns_udp_sock *s);
uint32_t ns_raw_drops(const struct ns_raw_sock *s);

/* Ping: requests go out from the next poll on, one per interval (0: one
 * per poll); replies are counted in the result and reported as
 * NS_EV_PING_REPLY. NS_ERR_BUSY while one runs. */
int ns_ping_start(struct ns_host *ns, const struct ns_ping_params *p);
void ns_ping_stop(struct ns_host *ns);
void ns_ping_get(const struct ns_host *ns, struct ns_ping_result *out);

void ns_counters(const struct ns_host *ns, struct ns_counters *out);

/* The DHCP client's state, and its lease (NULL when none). */
enum dhcp_client_state ns_dhcp_state(const struct ns_host *ns);
const struct dhcp_lease *ns_dhcp_lease(const struct ns_host *ns);

/*
 * Orderly stop of DHCP (RFC 2131 §4.4.6): the client stops, and when it
 * held a lease its RELEASE goes to the server (wire: UDP unicast through
 * virt0 from our address, the server's MAC from ARP; stub: to the stub
 * server), virt0 is unconfigured and NS_EV_DHCP_RELEASED is raised. DHCP
 * stays stopped until ns_init. Without a lease nothing is sent. Call it
 * outside ns_poll; it uses the time of the last poll. If the server's MAC
 * is not cached, the RELEASE waits for ARP like any packet: keep polling
 * while ns_arp_pending() (at most arp_tries * arp_retry_ms, 3 s by
 * default) so it can go out. Returns what sending returned (0 also when
 * the packet is held for ARP), NS_ERR_INVAL for a NULL host; with
 * NS_DHCP_OFF it does nothing and returns 0; after ns_handover,
 * NS_ERR_HANDED_OVER (the client went with the device).
 */
int ns_dhcp_release(struct ns_host *ns);

/* True while some packet waits for its next hop's ARP reply. */
bool ns_arp_pending(const struct ns_host *ns);

/* ns_handover, which gives virt0's device to another stack: netstack/handover.h. */

#endif
