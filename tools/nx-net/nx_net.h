/*
 * nx-net's parts (host only):
 *   nx_net.c    main: the table of subcommands and options, the checks
 *               made before anything is brought up, the usage texts
 *   nx_backend.c  what is behind the fake device (--backend), the pcap
 *               tee around it, the monotonic clock
 *   nx_world.c  the world every subcommand runs in: the fake device with
 *               its backend, the frontend, the netstack brought up by the
 *               bring-up module (userspace/libs/bringup) on nx-net's
 *               console and clock, the loop that polls them, the orderly
 *               stop
 *   nx_seq.c    the bring-up module's steps as nx-net runs them (DHCP or
 *               --static), and `up`: the sequence, then its summary
 *   nx_cmds.c   if, dhcp, ping, sendraw
 *   nx_serve.c  serve: stay up answering ARP, ICMP echo and UDP echo
 *   nx_dhcpd.c  dhcp-server: the stub DHCP server on a real (private) link
 *   nx_tftp.c   tftp get: a file over TFTP through a UDP socket of the stack
 *               (nx_tftp_out.c: the output file, written whole or not at all)
 *   nx_util.c   parsing and printing of addresses and bytes
 */
#ifndef RVNET_NX_NET_H
#define RVNET_NX_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bringup/bringup.h"
#include "netstack/netstack.h"
#include "pcap_tee.h"
#include "slirp.h"
#include "stub_net.h"
#include "tap.h"
#include "vnet_harness.h"

/* The slot the fake device stands for: QEMU's virt board puts the first
 * -device in the highest of its eight virtio-mmio slots. */
#define NX_MMIO_BASE 0x10008000u
#define NX_IRQ 8u
#define NX_SOCK_DEPTH 8u
#define NX_STEP_LIMIT 200000u  /* virtual ms any one wait may take */
#define NX_REAL_DHCP_MS 30000u /* on a real link: DHCP gives up after 30 s */
#define NX_LOOPBACK NS_LOOPBACK_ADDR

/* Exit statuses. */
#define NX_EXIT_OK 0
#define NX_EXIT_FAIL 1  /* a step of the run failed (SELFTEST: ... FAIL) */
#define NX_EXIT_USAGE 2 /* nothing ran: bad arguments, or what they name cannot be opened */

struct nx_world;
struct nx_dhcpd;

/* The options a subcommand may take (struct nx_cmd.opts). */
enum nx_opt {
    NX_OPT_VIRTIO = 1u << 0,
    NX_OPT_PCAP = 1u << 1,
    NX_OPT_JSON = 1u << 2,
    NX_OPT_COUNT = 1u << 3,
    NX_OPT_PROTO = 1u << 4,
    NX_OPT_DST = 1u << 5,
    NX_OPT_HEX = 1u << 6,
    NX_OPT_BACKEND = 1u << 7,
    NX_OPT_MAC = 1u << 8,
    NX_OPT_TFTP = 1u << 9,
    NX_OPT_SECONDS = 1u << 10,
    NX_OPT_STATIC = 1u << 11,
    NX_OPT_GW = 1u << 12,
    NX_OPT_UDP_ECHO = 1u << 13,
    NX_OPT_PROBE = 1u << 14,
    NX_OPT_NO_PROBE = 1u << 15,
    NX_OPT_OUTPUT = 1u << 16,
    NX_OPT_SERVER = 1u << 17,
    NX_OPT_BLKSIZE = 1u << 18,
    NX_OPT_WINDOWSIZE = 1u << 19,
    NX_OPT_MAX_SIZE = 1u << 20,
    NX_OPT_NO_OPTIONS = 1u << 21,
};

#define NX_WORDS_MAX 2u /* positional words after the command */

enum nx_backend_kind { NX_BE_STUB, NX_BE_SLIRP, NX_BE_TAP };

struct nx_opts;

struct nx_cmd {
    const char *name;
    const char *synopsis;            /* what follows the name in the usage line */
    const char *summary;             /* one line for nx-net --help */
    const char *help;                /* what it does, a few lines */
    unsigned opts;                   /* the NX_OPT_* it takes */
    bool needs_addr;                 /* one positional argument: an IPv4 address */
    unsigned words;                  /* or this many words, for check to read (o->words) */
    int (*check)(struct nx_opts *o); /* arguments that need more than parsing; NULL: none */
    int (*run)(struct nx_world *w);
    bool frontend_only; /* no netstack: the command works on the frontend itself */
};

struct nx_opts {
    const struct nx_cmd *cmd;
    unsigned seen; /* NX_OPT_* given on the command line */
    uint32_t version;
    const char *pcap;
    bool json;
    unsigned count;
    int proto;
    uint32_t addr; /* ping's ADDR, sendraw's --dst */
    uint8_t hex[NS_DGRAM_MAX];
    size_t hex_len;
    enum nx_backend_kind backend;
    char ifname[TAP_BACKEND_NAME_MAX + 1]; /* tap:IFNAME */
    const char *tftp_dir;                  /* slirp's TFTP directory */
    bool have_mac;
    uint8_t mac[6];
    unsigned seconds; /* serve */
    bool have_static; /* --static: no DHCP, this address */
    uint32_t st_addr, st_mask, st_gw;
    uint16_t udp_echo;               /* serve's UDP echo port; 0: none */
    bool probe;                      /* the RFC 5227 probe before BOUND (tap: on) */
    const char *words[NX_WORDS_MAX]; /* a command's words (nx_cmd.words) */
    unsigned nwords;
    /* tftp */
    const char *out;     /* -o: NULL for the default, "-" for stdout */
    bool have_server;    /* --server given */
    uint32_t server;     /* ... its address */
    unsigned blksize;    /* --blksize; 0: the default */
    unsigned windowsize; /* --windowsize; 0: none asked */
    bool have_max_size;
    uint64_t max_size;
    bool no_options; /* --no-options: a plain RFC 1350 RRQ */
};

/* The backend behind the fake device, teed to --pcap when given. */
struct nx_backend {
    enum nx_backend_kind kind;
    bool open, real, tee_on;
    struct stub_net stub;
    struct slirp_backend slirp;
    struct tap_backend tap;
    struct pcap_tee tee;
    struct fake_backend inner; /* stub, slirp or tap */
    struct fake_backend be;    /* what the device sees: inner, or the tee around it */
};

struct nx_world {
    const struct nx_opts *o;
    struct vnet_harness h;
    struct nx_backend bk;
    bool real;     /* the monotonic clock (slirp, tap), else the virtual one (stub) */
    bool stopping; /* the orderly stop runs: a signal no longer ends the loop */
    uint64_t t0;   /* the clock when the world was opened */
    struct ns_host ns;
    struct bringup bu;          /* the sequence, with lo's and the ARP cache's storage */
    struct bringup_platform pf; /* nx-net's console, clock and loop, for bu */
    struct ns_raw_sock raw;
    struct ns_dgram raw_slots[NX_SOCK_DEPTH];
    uint64_t now;
    bool bound;
    struct ns_event lease;
    bool print_events;      /* DHCP events as they happen (serve) */
    struct nx_dhcpd *dhcpd; /* dhcp-server: polled instead of the netstack */
    unsigned renewed, changed, lost, declined, released;
    bool ns_up;     /* the netstack was initialised */
    bool restarted; /* virt0 broke once and was restarted */
    bool broken;    /* it broke again, or the restart failed: the run fails */
};

/* nx_backend.c */
int nx_backend_parse(const char *spec, struct nx_opts *o, char *why, size_t why_len);
const char *nx_backend_desc(const struct nx_opts *o, char *buf, size_t cap);
int nx_backend_open(struct nx_backend *b, const struct nx_opts *o, char *why, size_t why_len);
int nx_backend_close(struct nx_backend *b); /* -1 when the pcap file could not be written */
void nx_backend_report(const struct nx_backend *b, const struct nx_opts *o);
uint64_t nx_mono_ms(void);

/* nx_world.c */
void nx_say(const struct nx_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nx_fail_step(const struct nx_world *w, const char *step, const char *reason);
/* nx_fail_step with the step and reason the bring-up module kept. */
int nx_fail_bringup(const struct nx_world *w);
/* Opens the backend (and the pcap file): before any output, so a failure
 * prints one line on stderr and leaves nothing behind. Returns 0 or
 * NX_EXIT_USAGE. */
int nx_world_prepare(struct nx_world *w, const struct nx_opts *o);
/* The frontend and the netstack up, with their marker lines. */
int nx_world_open(struct nx_world *w);
/* The orderly stop: in wire mode a lease held is given back (RFC 2131
 * §4.4.6: ns_dhcp_release), polling while the RELEASE waits for ARP, at
 * most 3 s (virtual on the stub). */
void nx_world_stop(struct nx_world *w);
/* Closes everything; returns -1 when the pcap file could not be written. */
int nx_world_close(struct nx_world *w);
/* "clock":"virtual" or "clock":"monotonic" and the backend, for JSON. */
const char *nx_json_be(const struct nx_world *w);
const char *nx_clock_name(const struct nx_world *w);
/* Milliseconds since the world was opened. */
uint64_t nx_elapsed(const struct nx_world *w);
/* Runs the loop until done(w, arg) is true or budget ms passed; done may
 * be NULL (run out the budget). Returns true when done said so. */
bool nx_run(struct nx_world *w, bool (*done)(struct nx_world *w, void *arg), void *arg,
            uint64_t budget_ms);
uint64_t nx_drops(const struct ns_counters *c, const struct vnet_counters *v);

/* nx_seq.c: the bring-up sequence's steps (bringup.h) as nx-net runs them */
int nx_seq_dhcp(struct nx_world *w);
/* --static's address, or DHCP. */
int nx_seq_address(struct nx_world *w);
int nx_cmd_up(struct nx_world *w);

/* nx_cmds.c */
int nx_cmd_if(struct nx_world *w);
int nx_cmd_dhcp(struct nx_world *w);
int nx_cmd_ping(struct nx_world *w);
int nx_cmd_sendraw(struct nx_world *w);

/* nx_serve.c */
int nx_cmd_serve(struct nx_world *w);

/* nx_dhcpd.c */
int nx_cmd_dhcp_server(struct nx_world *w);
void nx_dhcpd_poll(struct nx_world *w);

/* nx_tftp.c */
int nx_tftp_value(enum nx_opt bit, const char *s, struct nx_opts *o);
int nx_tftp_check(struct nx_opts *o);
int nx_cmd_tftp(struct nx_world *w);

/* nx_util.c */
const char *nx_ip_str(uint32_t ip, char buf[16]);
const char *nx_ip_or_none(uint32_t ip, bool have, char buf[16]);
unsigned nx_prefix_len(uint32_t mask);
const char *nx_mac_str(const uint8_t m[6], char buf[18]);
int nx_parse_ip(const char *s, uint32_t *out);
int nx_parse_uint(const char *s, unsigned long max, unsigned long *out);
int nx_parse_mac(const char *s, uint8_t mac[6]);
int nx_parse_prefix(const char *s, uint32_t *addr, uint32_t *mask);
int nx_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len);

#endif
