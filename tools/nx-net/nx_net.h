/*
 * nx-net's parts (host only):
 *   nx_net.c    main: the table of subcommands and options, the checks
 *               made before anything is brought up, the usage texts
 *   nx_world.c  the world every subcommand runs in: the fake device with
 *               its backend, the frontend, the netstack, the clock and the
 *               loop that polls them, the orderly stop
 *   nx_seq.c    the bring-up sequence (lo up, DHCP, the pings, the marker
 *               lines) and `up`, in one place
 *   nx_cmds.c   the other subcommands
 *   nx_util.c   parsing and printing of addresses and bytes
 */
#ifndef RVNET_NX_NET_H
#define RVNET_NX_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netstack/netstack.h"
#include "pcap.h"
#include "stub_net.h"
#include "vnet_harness.h"

/* The slot the fake device stands for: QEMU's virt board puts the first
 * -device in the highest of its eight virtio-mmio slots. */
#define NX_MMIO_BASE 0x10008000u
#define NX_IRQ 8u
#define NX_ARP_N 8u
#define NX_SOCK_DEPTH 8u
#define NX_STEP_LIMIT 200000u /* virtual ms any one wait may take */
#define NX_LOOPBACK 0x7f000001u

/* Exit statuses. */
#define NX_EXIT_OK 0
#define NX_EXIT_FAIL 1  /* a step of the run failed (SELFTEST: ... FAIL) */
#define NX_EXIT_USAGE 2 /* nothing ran: bad arguments, or what they name cannot be opened */

struct nx_world;

/* The options a subcommand may take (struct nx_cmd.opts). */
enum nx_opt {
    NX_OPT_VIRTIO = 1u << 0,
    NX_OPT_PCAP = 1u << 1,
    NX_OPT_JSON = 1u << 2,
    NX_OPT_COUNT = 1u << 3,
    NX_OPT_PROTO = 1u << 4,
    NX_OPT_DST = 1u << 5,
    NX_OPT_HEX = 1u << 6,
};

struct nx_opts;

struct nx_cmd {
    const char *name;
    const char *synopsis;            /* what follows the name in the usage line */
    const char *help;                /* what it does, a few lines */
    unsigned opts;                   /* the NX_OPT_* it takes */
    bool needs_addr;                 /* one positional argument: an IPv4 address */
    int (*check)(struct nx_opts *o); /* arguments that need more than parsing; NULL: none */
    int (*run)(struct nx_world *w);
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
};

struct nx_world {
    const struct nx_opts *o;
    struct vnet_harness h;
    struct stub_net peer;
    struct fake_backend be; /* what is behind the fake device */
    struct pcap_out pcap;
    bool pcap_on;
    struct ns_host ns;
    struct lo_slot lo_slots[LO_DEPTH_DEFAULT];
    struct ns_arp_entry arp[NX_ARP_N];
    struct ns_frame arp_hold[NX_ARP_N];
    struct ns_raw_sock raw;
    struct ns_dgram raw_slots[NX_SOCK_DEPTH];
    uint64_t now;
    bool bound;
    struct ns_event lease;
};

/* nx_world.c */
void nx_say(const struct nx_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nx_fail_step(const struct nx_world *w, const char *step, const char *reason);
int nx_world_open(struct nx_world *w, const struct nx_opts *o);
void nx_world_close(struct nx_world *w);
/* Runs the loop until done(w, arg) is true or budget ms passed; done may
 * be NULL (run out the budget). Returns true when done said so. */
bool nx_run(struct nx_world *w, bool (*done)(struct nx_world *w, void *arg), void *arg,
            uint64_t budget_ms);
uint64_t nx_drops(const struct ns_counters *c, const struct vnet_counters *v);

/* nx_seq.c: the bring-up sequence */
int nx_seq_dhcp(struct nx_world *w);
int nx_seq_ping(struct nx_world *w, uint32_t dst, unsigned count, struct ns_ping_result *r);
int nx_cmd_up(struct nx_world *w);

/* nx_cmds.c */
int nx_cmd_if(struct nx_world *w);
int nx_cmd_dhcp(struct nx_world *w);
int nx_cmd_ping(struct nx_world *w);
int nx_cmd_sendraw(struct nx_world *w);

/* nx_util.c */
const char *nx_ip_str(uint32_t ip, char buf[16]);
const char *nx_ip_or_none(uint32_t ip, bool have, char buf[16]);
unsigned nx_prefix_len(uint32_t mask);
const char *nx_mac_str(const uint8_t m[6], char buf[18]);
int nx_parse_ip(const char *s, uint32_t *out);
int nx_parse_uint(const char *s, unsigned long max, unsigned long *out);
int nx_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len);

#endif
