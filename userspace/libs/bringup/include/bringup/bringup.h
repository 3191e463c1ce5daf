/*
 * rvnet bring-up: the sequence every rvnet bring-up runs, written once.
 * On a virtio-net device the caller initialised (vnet_init), it sets the
 * netstack up with storage of its own (lo's slots, the ARP cache and its
 * hold frames), checks lo, runs DHCP on virt0, pings lo and the gateway,
 * gives the lease back (the orderly stop), and can run DHCP again against
 * the in-process stub server. Each step prints its marker line through the
 * caller's console:
 *
 *   virtionet: ready                                  bringup_say_device
 *   virtionet: mmio=0x10008000 irq=8 mac=02:00:00:00:00:01 mtu=1500 virtio=legacy
 *   netstack: ready                                   bringup_init
 *   netstack: lo up                                   bringup_lo
 *   netstack: virt0 dhcp addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3   bringup_dhcp
 *   SELFTEST: net lo ping ok                          bringup_pings
 *   SELFTEST: net gw ping ok
 *   netstack: virt0 dhcp released addr=10.0.2.15      bringup_stop
 *   netstack: virt0 dhcp-stub addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3   bringup_stub_dhcp
 *
 * nx-net (tools/nx-net), the rv-virt images (platform/rv-virt) and the
 * size image (bench/size) run it; each gives only what is its own, in a
 * struct bringup_platform: the console, the clock, and the loop that polls
 * the host and waits (nx-net steps a virtual clock or sleeps on its
 * backend, the images sleep in wfi taking traps, the size image polls).
 * The steps are separate functions, so an image that calls only
 * bringup_init and bringup_dhcp links no ping and no stub server code
 * (with -ffunction-sections and --gc-sections), nor ns_strerror unless it
 * asks for a failure's reason.
 *
 *   static struct ns_host ns;
 *   static struct bringup bu;
 *   struct bringup_config cfg;
 *   bringup_config_defaults(&cfg);
 *   cfg.ns.virt0 = &dev;
 *   bringup_say_device(&pf, &dev, mmio_base, irq);
 *   rc = bringup_init(&bu, &ns, &cfg, &pf);      (then attach the interrupt: ns_irq(&ns))
 *   rc = bringup_lo(&bu);
 *   rc = bringup_run(&bu, &pings);               (DHCP, then the pings)
 *   rc = bringup_stop(&bu);                      (the RELEASE)
 *   on failure: "SELFTEST: <bringup_fail_step> FAIL reason=<bringup_fail_reason>"
 *
 * The module never polls by itself: every wait is pf->run_until, so what
 * ns_poll returns (a broken device) is the platform's to act on. It reads
 * no clock, allocates nothing and never aborts. Every
 * fallible call returns 0 or a negative enum bringup_err; on failure the
 * step and the reason for its FAIL line are kept (bringup_fail_step,
 * bringup_fail_reason), and what the caller passed for output is left
 * untouched (but for bringup_release's *released, false on any failure).
 */
#ifndef BRINGUP_BRINGUP_H
#define BRINGUP_BRINGUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_server.h"
#include "netstack/netstack.h"

enum bringup_err {
    BRINGUP_OK = 0,
    BRINGUP_ERR_INVAL = -1,    /* a NULL pointer, a platform without puts or run_until */
    BRINGUP_ERR_NETSTACK = -2, /* a netstack call refused: the reason is its ns_strerror */
    BRINGUP_ERR_LO_DOWN = -3,  /* lo is not up after ns_init */
    BRINGUP_ERR_NO_LEASE = -4, /* no lease before the DHCP timeout */
    BRINGUP_ERR_NO_REPLY = -5, /* a ping got fewer replies than it sent requests */
    BRINGUP_ERR_STUB = -6,     /* the stub server did not start (dhcp_server_init) */
    BRINGUP_ERR_STATE = -7, /* a step out of order: before bringup_init, or pings without a lease */
    /* The stop's wait ran out: the RELEASE still waits for the server's
     * MAC, or the device has not given back every TX buffer. */
    BRINGUP_ERR_STOP_TIMEOUT = -8,
};

/* The lowest (most negative) code: every value from it to 0 is named. A new
 * code goes below it, and this moves to the new one. */
#define BRINGUP_ERR_LOWEST BRINGUP_ERR_STOP_TIMEOUT

/* A short, stable name for an error code ("no-lease", ...); "unknown" for
 * any other value. */
const char *bringup_strerror(int err);

/* The storage the module owns, sized for a bring-up host that talks to its
 * server and its gateway: lo's queue and a small ARP cache, each entry
 * with room for the one packet held while it resolves. A build may set
 * both smaller (platform/rv-virt's small image: 2 and 2, for its server
 * and gateway): they size struct bringup, so they must be the same for the
 * module's own files and every file that includes this header (the small
 * image builds the module for itself with them). */
#ifndef BRINGUP_LO_DEPTH
#define BRINGUP_LO_DEPTH LO_DEPTH_DEFAULT
#endif
#ifndef BRINGUP_ARP_N
#define BRINGUP_ARP_N 4u
#endif
/* The packet buffers among it: what a count of static RAM puts beside the
 * DMA block (bench/run.sh, P3). */
#define BRINGUP_BUFFER_BYTES                                                                       \
    (sizeof(struct lo_slot) * BRINGUP_LO_DEPTH + sizeof(struct ns_frame) * BRINGUP_ARP_N)

/* The pings of the sequence, the same on every platform: "rv" as the id, 3
 * requests of 56 bytes (ping(8)'s default), 10 ms apart, 1 s for the last
 * reply. */
#define BRINGUP_PING_ID 0x7276u
#define BRINGUP_PING_COUNT 3u
#define BRINGUP_PING_BYTES 56u
#define BRINGUP_PING_INTERVAL_MS 10u
#define BRINGUP_PING_WAIT_MS 1000u

/*
 * What the caller's platform gives. Every function gets ctx.
 *   puts      the console: writes s as it is; a line ends with "\n".
 *   run_until polls the host (ns_poll at the platform's time, acting on
 *             what it returns; ns_irq as the platform takes its interrupt)
 *             and waits between polls, until done(arg) is true (asked
 *             after each poll) or timeout_ms passed on the platform's
 *             clock. Returns true when done said so. The module reads no
 *             clock: every wait is one of these.
 *   irq_mask  optional (NULL: none): masks (true) and unmasks (false) the
 *             platform's interrupt around ns_init, for a platform whose
 *             interrupt handler calls ns_irq on this host.
 */
struct bringup_platform {
    void (*puts)(void *ctx, const char *s);
    bool (*run_until)(void *ctx, bool (*done)(void *arg), void *arg, uint32_t timeout_ms);
    void (*irq_mask)(void *ctx, bool masked);
    void *ctx;
};

/* How long each wait of the sequence may take, in ms. */
struct bringup_times {
    uint32_t dhcp_ms; /* for the lease: 10000 */
    uint32_t ping_ms; /* for each ping run to finish: 5000 */
    uint32_t stop_ms; /* for the RELEASE and every TX frame to leave: 3000 */
};

struct bringup_config {
    /* The host's configuration (ns_config_defaults, then dhcp NS_DHCP_WIRE):
     * the caller sets virt0 and whatever else it wants (tap, event, the DHCP
     * client's settings, NS_DHCP_OFF for an address set by hand). The
     * module puts in its storage (lo, the ARP cache) and nothing else: the
     * event hook stays the caller's (the module asks ns_dhcp_lease). */
    struct ns_config ns;
    struct bringup_times t;
};

/* Defaults as listed above; virt0 NULL. */
void bringup_config_defaults(struct bringup_config *cfg);

/* The stub server's storage, for bringup_stub_dhcp only: an image that
 * never runs the stub does not allocate it. */
struct bringup_stub {
    struct dhcp_server srv;
};

/* The results of bringup_pings: what each ping sent and got back. */
struct bringup_pings {
    struct ns_ping_result lo, gw;
};

/* One bring-up. Every field is private; use the functions below. */
struct bringup {
    struct ns_host *ns;
    const struct vnet_dev *dev; /* virt0's, from cfg.ns (NULL: none) */
    const struct bringup_platform *pf;
    struct bringup_times t;
    const char *fail_step, *fail_reason; /* reason NULL: ns_strerror(fail_ns) */
    int fail_ns;
    uint64_t rx_earlier; /* virt0 frames taken by the hosts set up before this one */
    struct lo_slot lo_slots[BRINGUP_LO_DEPTH];
    struct ns_arp_entry arp[BRINGUP_ARP_N];
    struct ns_frame arp_hold[BRINGUP_ARP_N];
};

/*
 * The device's marker lines, "virtionet: ready" and the one with its
 * address (mmio, 8 hex digits), interrupt, MAC, MTU and virtio-mmio
 * version, for a frontend vnet_init brought up.
 */
void bringup_say_device(const struct bringup_platform *pf, const struct vnet_dev *dev,
                        uint64_t mmio, uint32_t irq);

/*
 * Sets the host ns up with the module's storage (ns_init, with pf->irq_mask
 * around it) and prints "netstack: ready". DHCP, if configured, starts at
 * the first poll. Step "netstack": BRINGUP_ERR_NETSTACK (reason: ns_init's
 * error). BRINGUP_ERR_INVAL for NULL pointers or a platform without puts
 * or run_until (nothing is kept then).
 */
int bringup_init(struct bringup *bu, struct ns_host *ns, const struct bringup_config *cfg,
                 const struct bringup_platform *pf);

/* Checks that lo is up and prints "netstack: lo up". Step "netstack lo":
 * BRINGUP_ERR_LO_DOWN. */
int bringup_lo(struct bringup *bu);

/*
 * Waits up to t.dhcp_ms for a lease (ns_dhcp_lease, asked after each poll)
 * and prints "netstack: virt0 dhcp addr=A/PREFIX gw=G dns=D": the lease's
 * first router and DNS server, "none" when the server sent no such
 * option. Step "netstack virt0 dhcp": BRINGUP_ERR_NO_LEASE.
 */
int bringup_dhcp(struct bringup *bu);

/*
 * One ping run, with the sequence's parameters but `count` requests
 * (1..65535), waiting up to t.ping_ms for it to finish; no marker.
 * *out gets what came back whatever it was: BRINGUP_OK means the run
 * took place. Step "ping": BRINGUP_ERR_NETSTACK when ns_ping_start refused
 * (reason: its error), BRINGUP_ERR_INVAL for count 0.
 */
int bringup_ping(struct bringup *bu, uint32_t dst, unsigned count, struct ns_ping_result *out);

/*
 * On a lease: pings lo (127.0.0.1) and prints "SELFTEST: net lo ping ok",
 * then the gateway (the server itself when it offered no router, as
 * QEMU's slirp under restrict=on does) and prints "SELFTEST: net gw ping
 * ok". Each must get every reply. Steps "net lo ping", "net gw ping":
 * BRINGUP_ERR_NO_REPLY, or ns_ping_start's error. out may be NULL.
 */
int bringup_pings(struct bringup *bu, struct bringup_pings *out);

/* bringup_dhcp, then bringup_pings: the sequence on a host bringup_init
 * set up. */
int bringup_run(struct bringup *bu, struct bringup_pings *out);

/*
 * The orderly stop, before the platform exits, resets the device or hands
 * it on: ns_dhcp_release (RFC 2131 §4.4.6; nothing is sent without a
 * lease, and nothing with NS_DHCP_OFF), then polling, up to t.stop_ms,
 * while the RELEASE waits for the server's MAC (netstack.h) or virt0's
 * device holds TX buffers it has not given back (vnet_tx_in_flight: a
 * frame has left only then, virtio 1.2 §2.7.14; QEMU sends from a bottom
 * half after the notification, so an image that exits at once can lose
 * the last frames it counted as sent). This wait runs with or without a
 * lease. *released (may be NULL) tells whether a lease held was given
 * back. Prints nothing: for a caller that logs DHCP events itself. Steps
 * "netstack virt0 dhcp release": BRINGUP_ERR_NETSTACK when
 * ns_dhcp_release failed (reason: its error); "netstack virt0 stop":
 * BRINGUP_ERR_STOP_TIMEOUT when the wait ran out (reason "arp-pending" or
 * "tx-pending"; *released is set all the same).
 */
int bringup_release(struct bringup *bu, bool *released);

/* bringup_release, and "netstack: virt0 dhcp released addr=A" when a lease
 * was given back and every frame has left (no line on a timeout). */
int bringup_stop(struct bringup *bu);

/*
 * DHCP again, against the in-process stub server (a test fixture,
 * dhcp-stub/dhcp_server.h) in `stub`: the host set up anew on the same
 * device with cfg (its dhcp replaced by NS_DHCP_STUB), no frame leaves the
 * host; waits for the lease and prints "netstack: virt0 dhcp-stub
 * addr=...". Give the wire lease back first (bringup_stop). Steps
 * "netstack" (BRINGUP_ERR_STUB, or ns_init's error), "netstack virt0
 * dhcp-stub" (BRINGUP_ERR_NO_LEASE).
 */
int bringup_stub_dhcp(struct bringup *bu, const struct bringup_config *cfg,
                      struct bringup_stub *stub);

/* The frames the netstack took from virt0 in every host bringup_init and
 * bringup_stub_dhcp set up, the current one included. */
uint64_t bringup_virt0_rx(const struct bringup *bu);

/* The step that failed last and why, for "SELFTEST: <step> FAIL
 * reason=<reason>"; "" when none failed. */
const char *bringup_fail_step(const struct bringup *bu);
const char *bringup_fail_reason(const struct bringup *bu);

#endif
