/*
 * A Linux TAP device as a backend (backend.h) for the fake virtio-mmio
 * device: every frame the driver sends is written to the TAP, every frame
 * the TAP's Linux side sends is delivered to the driver. The TAP is given
 * by name and must exist (created by the caller: `ip tuntap add dev NAME
 * mode tap`, `ip link set NAME up`); this backend never creates, changes or
 * deletes an interface. Host only, Linux only.
 *
 *   struct tap_backend tap;
 *   char why[160];
 *   if (tap_backend_open(&tap, "rvtap0", why, sizeof(why)) != 0)
 *       ... print why; nothing was left behind ...
 *   struct fake_backend be = tap_backend_backend(&tap);
 *   ... the main loop of backend.h ...
 *   fake_backend_close(&be);
 *
 * The fd is non-blocking: tx never waits (a frame the TAP does not take at
 * once is dropped and counted, as a full queue on a wire would), poll reads
 * what is there and returns. wait is poll(2) on the fd with the timeout, so
 * an idle loop sleeps. Clock: FAKE_CLOCK_MONOTONIC (the peers are real).
 *
 * Frames: IFF_TAP | IFF_NO_PI, so each read or write is one Ethernet frame
 * without FCS and without a packet-information header. A frame from Linux
 * shorter than 14 bytes or longer than 1514 (an MTU above 1500 on the Linux
 * side) is dropped and counted in rx_bad_len: the driver's buffers hold
 * one 1514-byte frame.
 */
#ifndef RVNET_HOST_TAP_H
#define RVNET_HOST_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

#define TAP_BACKEND_NAME_MAX 15u    /* IFNAMSIZ - 1 */
#define TAP_BACKEND_FRAME_MAX 1514u /* the largest frame handed to the device */
#define TAP_BACKEND_RX_BUDGET 64u   /* frames read per poll; more are read at the next */

struct tap_backend_stats {
    uint64_t tx_frames;  /* written to the TAP */
    uint64_t tx_dropped; /* not taken at once (EAGAIN: Linux's queue is full) */
    uint64_t tx_errors;  /* any other write error (the interface went down, ...) */
    uint64_t rx_frames;  /* read from the TAP and delivered */
    uint64_t rx_bad_len; /* shorter than 14 or longer than TAP_BACKEND_FRAME_MAX */
    uint64_t rx_refused; /* delivered but dropped by the device (no buffer, link down) */
    uint64_t rx_errors;  /* read errors other than EAGAIN */
};

struct tap_backend {
    int fd; /* -1 when closed */
    int ifindex;
    char ifname[TAP_BACKEND_NAME_MAX + 1];
    struct fake_rx_sink sink;
    bool more; /* the last poll stopped at its budget: poll again at once */
    uint64_t now_ms;
    struct tap_backend_stats stats;
    uint8_t buf[65536]; /* one read; anything longer than a frame is counted and dropped */
};

/* True when s is a valid Linux interface name (dev_valid_name: 1 to 15
 * bytes, not "." or "..", no '/', ':' or white space). */
bool tap_backend_name_ok(const char *s);

/*
 * Attaches to the TAP interface `ifname`. Before anything is opened for
 * good, checks that the name is a valid interface name, that the interface
 * exists, is a TAP (not a TUN, not another kind of device) and is up.
 * Returns 0, or a negative errno value with a one-line reason in why
 * (which may be NULL), and then holds nothing:
 *   -EINVAL  not a valid interface name; not a TAP device
 *   -ENODEV  no such interface
 *   -ENETDOWN the interface is down
 *   -ENOENT  no /dev/net/tun (the tun module is not loaded)
 *   -EACCES  not allowed to open /dev/net/tun (0600 on some systems)
 *   -EPERM   not allowed to attach: the TAP has an owner or group that is
 *            not ours and we lack CAP_NET_ADMIN (a TAP made for this user
 *            with `ip tuntap add ... user USER` needs no root; one with
 *            neither owner nor group is open to anyone who may open
 *            /dev/net/tun: that is the tun driver's rule)
 *   -EBUSY   another process holds the TAP
 *   other    what open(2) or ioctl(2) said
 */
int tap_backend_open(struct tap_backend *t, const char *ifname, char *why, size_t why_len);

/* The TAP as a backend (ctx = t). */
struct fake_backend tap_backend_backend(struct tap_backend *t);

/* Closes the fd (the close op calls it); safe to call twice. */
void tap_backend_close(struct tap_backend *t);

#endif
