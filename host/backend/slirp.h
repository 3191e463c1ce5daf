/*
 * libslirp as a backend (backend.h) for the fake virtio-mmio device: QEMU's
 * user-mode network in this process, with no root and no interface of the
 * host's. It is built only when CMake found libslirp (Debian libslirp-dev,
 * whose pkg-config file needs libglib2.0-dev); then RVNET_HAVE_SLIRP is
 * defined for everything that links rvnet_host. Host only.
 *
 * The network is QEMU's usual one, and the restricted mode of QEMU's
 * `-netdev user,restrict=on`, so nothing the driver sends leaves the
 * process (libslirp's udp_input, tcp_input, icmp_input):
 *   10.0.2.0/24; the host (slirp itself) 10.0.2.2, MAC 52:55:0a:00:02:02;
 *   DNS 10.0.2.3 (not served: disable_dns); the DHCP pool from 10.0.2.15.
 *   slirp's own DHCP server answers (under restricted it sends no router
 *   and no DNS option), it answers ARP for 10.0.2.2 and .3, and ICMP echo
 *   to 10.0.2.2; its TFTP server serves cfg.tftp_dir when one is given.
 *   Nothing else is answered or forwarded, except the host forwards added
 *   with slirp_backend_add_tcp_forward (a listening socket on the host that
 *   slirp connects into the guest).
 *
 *   struct slirp_backend s;
 *   struct slirp_backend_cfg cfg;
 *   slirp_backend_cfg_defaults(&cfg);
 *   char why[160];
 *   if (slirp_backend_open(&s, &cfg, why, sizeof(why)) != 0) ...
 *   struct fake_backend be = slirp_backend_backend(&s);
 *   ... the main loop of backend.h ...
 *   fake_backend_close(&be);
 *
 * Time: libslirp asks for it through its clock_get_ns callback, which
 * answers the now_ms of the last poll (FAKE_CLOCK_MONOTONIC: the caller
 * gives CLOCK_MONOTONIC). Its timers (timer_new_opaque, timer_mod) are kept
 * here and fired from poll with slirp_handle_timer; its sockets are polled
 * through slirp_pollfds_fill / slirp_pollfds_poll: without blocking in
 * poll, with the timeout in wait. deadline is the earliest armed timer or
 * the timeout slirp_pollfds_fill asked for (at most 1 s: libslirp's own
 * cap, so an idle loop wakes once a second).
 */
#ifndef RVNET_HOST_SLIRP_H
#define RVNET_HOST_SLIRP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

#define SLIRP_BACKEND_NET 0x0a000200u        /* 10.0.2.0/24 */
#define SLIRP_BACKEND_HOST 0x0a000202u       /* 10.0.2.2: slirp */
#define SLIRP_BACKEND_DNS 0x0a000203u        /* 10.0.2.3 */
#define SLIRP_BACKEND_DHCP_START 0x0a00020fu /* 10.0.2.15: the first lease */
#define SLIRP_BACKEND_TIMERS 8u
#define SLIRP_BACKEND_FDS 64u
#define SLIRP_BACKEND_FRAME_MAX 1514u

struct slirp_backend_cfg {
    const char *tftp_dir; /* serve this directory over TFTP at 10.0.2.2; NULL: no TFTP */
    const char *bootfile; /* the DHCP boot file name (BOOTP file field); NULL: none */
};

/* No TFTP, no boot file. */
void slirp_backend_cfg_defaults(struct slirp_backend_cfg *cfg);

struct slirp_backend_stats {
    uint64_t tx_frames;    /* handed to slirp_input */
    uint64_t rx_frames;    /* frames slirp sent that the device took */
    uint64_t rx_refused;   /* ... that the device dropped (no buffer, link down) */
    uint64_t rx_bad_len;   /* ... shorter than 14 or longer than 1514 bytes: dropped here */
    uint64_t guest_errors; /* slirp's guest_error callback: the driver sent nonsense */
    uint64_t timers_full;  /* timer_new_opaque with every slot taken (the timer never fires) */
    uint64_t pollfds_full; /* sockets not polled in one round: more than SLIRP_BACKEND_FDS */
    uint64_t timers_fired; /* slirp_handle_timer calls */
    uint64_t poll_errors;  /* poll(2) failures reported to slirp as select_error */
};

struct slirp_backend_timer {
    bool used, armed;
    int id;          /* SlirpTimerId */
    void *cb_opaque; /* slirp's, handed back to slirp_handle_timer */
    uint64_t expire_ms;
};

struct Slirp; /* libslirp's (typedef struct Slirp Slirp) */

struct slirp_backend {
    struct Slirp *slirp; /* NULL when closed */
    struct fake_rx_sink sink;
    uint64_t now_ms;
    uint64_t deadline_ms;
    struct slirp_backend_timer timers[SLIRP_BACKEND_TIMERS];
    struct pollfd fds[SLIRP_BACKEND_FDS];
    unsigned nfds;
    bool waited; /* fds[] hold the revents of a wait: the next poll uses them */
    struct slirp_backend_stats stats;
    char guest_error[160]; /* the last guest_error message */
};

/* True when this build has libslirp (else open fails with -ENOSYS). */
bool slirp_backend_available(void);

/* libslirp's version string at run time ("4.7.0"), or "none". */
const char *slirp_backend_version(void);

/* A slirp instance as above. Returns 0, or a negative errno value with a
 * one-line reason in why (may be NULL): -ENOSYS without libslirp, -EINVAL
 * for a tftp_dir that is not a readable directory, -ENOMEM when slirp_new
 * fails. */
int slirp_backend_open(struct slirp_backend *s, const struct slirp_backend_cfg *cfg, char *why,
                       size_t why_len);

/* slirp as a backend (ctx = s). */
struct fake_backend slirp_backend_backend(struct slirp_backend *s);

/* A host forward (slirp_add_hostfwd): connections to host_addr:host_port
 * (e.g. 127.0.0.1, a port of the caller's) on the host are carried into
 * the guest's TCP port guest_port at 10.0.2.15. Returns 0, or -EADDRINUSE
 * when slirp could not listen there, -EBADF when closed. */
int slirp_backend_add_tcp_forward(struct slirp_backend *s, uint32_t host_addr, uint16_t host_port,
                                  uint16_t guest_port);

/* slirp's ARP table as libslirp prints it (slirp_neighbor_info), into buf;
 * "" when closed. For a caller that wants to show what slirp learned. */
void slirp_backend_neighbors(const struct slirp_backend *s, char *buf, size_t cap);

/* slirp_cleanup (the close op calls it); safe to call twice. */
void slirp_backend_close(struct slirp_backend *s);

#endif
