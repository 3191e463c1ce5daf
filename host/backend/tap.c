/*
 * The TAP backend (see tap.h). Linux's tun driver (drivers/net/tun.c,
 * Documentation/networking/tuntap.rst): open /dev/net/tun, TUNSETIFF with
 * IFF_TAP | IFF_NO_PI and the interface's name attaches the fd to it; then
 * each read(2) is one frame Linux sent out of the interface and each
 * write(2) one frame Linux receives on it.
 */
#define _GNU_SOURCE /* struct ifreq's ifr_name in <net/if.h> */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TAP_ETH_HLEN 14u

/* Writes the reason (fmt with the arguments) and returns -err. */
static int fail(char *why, size_t why_len, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t why_len, int err, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return -err;
}

/* Linux's rule for an interface name (dev_valid_name in net/core/dev.c). */
bool tap_backend_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TAP_BACKEND_NAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
            return false;
    }
    return true;
}

/* The interface's flags through any socket (SIOCGIFFLAGS needs no
 * privilege). Returns 0 or a negative errno value. */
static int if_flags(const char *name, short *flags)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, name, strlen(name));
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr) == 0 ? 0 : -errno;
    close(s);
    if (rc == 0)
        *flags = ifr.ifr_flags;
    return rc;
}

/* TUNSETIFF's errors, as tun_set_iff returns them for an existing device. */
static int attach_error(char *why, size_t why_len, int err, const char *name)
{
    switch (err) {
    case EINVAL:
        return fail(why, why_len, EINVAL,
                    "%s is not a TAP device (a TUN, or another kind of interface)", name);
    case EPERM:
        return fail(why, why_len, EPERM,
                    "not allowed to attach to %s: needs root or CAP_NET_ADMIN, or a TAP made for "
                    "this user (ip tuntap add dev %s mode tap user USER)",
                    name, name);
    case EBUSY:
        return fail(why, why_len, EBUSY, "%s is held by another process", name);
    default:
        return fail(why, why_len, err, "attaching to %s: %s", name, strerror(err));
    }
}

int tap_backend_open(struct tap_backend *t, const char *ifname, char *why, size_t why_len)
{
    memset(t, 0, sizeof(*t));
    t->fd = -1;
    if (!ifname || !tap_backend_name_ok(ifname))
        return fail(why, why_len, EINVAL, "'%s' is not an interface name (1 to 15 characters)",
                    ifname ? ifname : "");
    memcpy(t->ifname, ifname, strlen(ifname) + 1);
    /* TUNSETIFF with a name that does not exist would create a TAP of that
     * name: this backend only attaches, so the name must be there first. */
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0)
        return fail(why, why_len, ENODEV,
                    "no interface %s (create it: ip tuntap add dev %s mode tap; ip link set %s up)",
                    ifname, ifname, ifname);
    short flags = 0;
    int rc = if_flags(ifname, &flags);
    if (rc != 0)
        return fail(why, why_len, -rc, "cannot read the flags of %s: %s", ifname, strerror(-rc));
    if (!(flags & IFF_UP))
        return fail(why, why_len, ENETDOWN, "%s is down (ip link set %s up)", ifname, ifname);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENODEV || e == ENXIO)
            return fail(why, why_len, ENOENT,
                        "no /dev/net/tun (load the tun module: modprobe tun), needed for %s",
                        ifname);
        if (e == EACCES || e == EPERM)
            return fail(why, why_len, EACCES,
                        "not allowed to open /dev/net/tun for %s: needs root or CAP_NET_ADMIN "
                        "(or a TAP made for this user and a /dev/net/tun it may open)",
                        ifname);
        return fail(why, why_len, e, "cannot open /dev/net/tun for %s: %s", ifname, strerror(e));
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, ifname, strlen(ifname));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        int e = errno;
        close(fd);
        return attach_error(why, why_len, e, ifname);
    }
    /* The interface went away between the check and the attach, and the
     * ioctl made a new one: closing the fd removes it again (it is not
     * persistent), so nothing is left behind. */
    if (if_nametoindex(ifname) != idx) {
        close(fd);
        return fail(why, why_len, ENODEV, "%s went away while attaching", ifname);
    }
    t->fd = fd;
    t->ifindex = (int)idx;
    return 0;
}

void tap_backend_close(struct tap_backend *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

static void tap_bind(void *ctx, const struct fake_rx_sink *sink)
{
    struct tap_backend *t = ctx;
    t->sink = *sink;
}

static void tap_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct tap_backend *t = ctx;
    if (t->fd < 0) {
        t->stats.tx_errors++;
        return;
    }
    /* One write is one frame; the tun driver never takes part of one. */
    ssize_t n = write(t->fd, frame, len);
    if (n == (ssize_t)len)
        t->stats.tx_frames++;
    else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        t->stats.tx_dropped++;
    else
        t->stats.tx_errors++;
}

static int tap_poll(void *ctx, uint64_t now_ms)
{
    struct tap_backend *t = ctx;
    t->now_ms = now_ms;
    t->more = false;
    if (t->fd < 0)
        return -EBADF;
    for (unsigned i = 0; i < TAP_BACKEND_RX_BUDGET; i++) {
        ssize_t n = read(t->fd, t->buf, sizeof(t->buf));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return 0;
            t->stats.rx_errors++;
            return -errno;
        }
        if ((size_t)n < TAP_ETH_HLEN || (size_t)n > TAP_BACKEND_FRAME_MAX) {
            t->stats.rx_bad_len++;
            continue;
        }
        if (t->sink.deliver && t->sink.deliver(t->sink.ctx, t->buf, (size_t)n) == 0)
            t->stats.rx_frames++;
        else
            t->stats.rx_refused++;
    }
    t->more = true;
    return 0;
}

static uint64_t tap_deadline(void *ctx)
{
    const struct tap_backend *t = ctx;
    /* Frames left behind by the budget: poll again without sleeping. The
     * fd stays readable, so wait would return at once anyway. */
    return t->more ? t->now_ms : UINT64_MAX;
}

static int tap_wait(void *ctx, uint64_t timeout_ms)
{
    struct tap_backend *t = ctx;
    if (t->fd < 0)
        return -EBADF;
    struct pollfd p = {t->fd, POLLIN, 0};
    int ms = timeout_ms == FAKE_WAIT_FOREVER  ? -1
             : timeout_ms > (uint64_t)INT_MAX ? INT_MAX
                                              : (int)timeout_ms;
    int rc = poll(&p, 1, ms);
    if (rc < 0)
        return errno == EINTR ? 0 : -errno;
    return rc > 0 ? 1 : 0;
}

static void tap_close_op(void *ctx)
{
    tap_backend_close(ctx);
}

static const struct fake_backend_ops tap_ops = {
    .name = "tap",
    .clock = FAKE_CLOCK_MONOTONIC,
    .bind = tap_bind,
    .tx = tap_tx,
    .poll = tap_poll,
    .deadline = tap_deadline,
    .wait = tap_wait,
    .close = tap_close_op,
};

struct fake_backend tap_backend_backend(struct tap_backend *t)
{
    return (struct fake_backend){&tap_ops, t};
}
