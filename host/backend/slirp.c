/*
 * The libslirp backend (see slirp.h). Without libslirp at configure time
 * (RVNET_HAVE_SLIRP 0) only the functions that say so are built.
 */
#include "slirp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef RVNET_HAVE_SLIRP
#define RVNET_HAVE_SLIRP 0
#endif

void slirp_backend_cfg_defaults(struct slirp_backend_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
}

#if RVNET_HAVE_SLIRP

#include <libslirp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS_PER_MS 1000000ll

bool slirp_backend_available(void)
{
    return true;
}

const char *slirp_backend_version(void)
{
    return slirp_version_string();
}

/* --- libslirp's callbacks (SlirpCb) ----------------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct slirp_backend *s = opaque;
    /* slirp builds at most if_mtu + 14 bytes (if_encap); anything else is
     * not a frame the device could carry. */
    if (len < 14u || len > SLIRP_BACKEND_FRAME_MAX) {
        s->stats.rx_bad_len++;
        return (ssize_t)len;
    }
    if (s->sink.deliver && s->sink.deliver(s->sink.ctx, buf, len) == 0)
        s->stats.rx_frames++;
    else
        s->stats.rx_refused++;
    /* "If the guest is not ready to receive a frame, the function can just
     * drop the data" (libslirp.h): a refused frame is not an I/O error. */
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    struct slirp_backend *s = opaque;
    s->stats.guest_errors++;
    snprintf(s->guest_error, sizeof(s->guest_error), "%s", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    const struct slirp_backend *s = opaque;
    return (int64_t)s->now_ms * NS_PER_MS;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct slirp_backend *s = opaque;
    for (unsigned i = 0; i < SLIRP_BACKEND_TIMERS; i++) {
        struct slirp_backend_timer *t = &s->timers[i];
        if (!t->used) {
            memset(t, 0, sizeof(*t));
            t->used = true;
            t->id = (int)id;
            t->cb_opaque = cb_opaque;
            return t;
        }
    }
    /* libslirp keeps whatever it is given and hands it back to timer_mod
     * and timer_free: a slot that is never armed stands for "no timer". */
    s->stats.timers_full++;
    return &s->timers[0] + SLIRP_BACKEND_TIMERS; /* one past the end: recognised below */
}

static struct slirp_backend_timer *timer_of(struct slirp_backend *s, void *timer)
{
    struct slirp_backend_timer *t = timer;
    if (t < s->timers || t >= s->timers + SLIRP_BACKEND_TIMERS)
        return NULL;
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    struct slirp_backend_timer *t = timer_of(opaque, timer);
    if (t)
        memset(t, 0, sizeof(*t));
}

/* expire_time is in ms on the clock of clock_get_ns (libslirp.h). */
static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
    struct slirp_backend_timer *t = timer_of(opaque, timer);
    if (!t)
        return;
    t->armed = true;
    t->expire_ms = expire_time < 0 ? 0 : (uint64_t)expire_time;
}

/* The fds are polled through slirp_pollfds_fill each round, so nothing is
 * kept per fd; libslirp calls these on every socket it opens and closes. */
static void cb_register_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque; /* single thread: the next poll sees whatever changed */
}

static const SlirpCb slirp_cbs = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

/* --- slirp's sockets, through poll(2) ----------------------------------------- */

static int add_poll(int fd, int events, void *opaque)
{
    struct slirp_backend *s = opaque;
    if (s->nfds >= SLIRP_BACKEND_FDS) {
        s->stats.pollfds_full++;
        return -1; /* libslirp then treats the socket as not ready this round */
    }
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    s->fds[s->nfds].fd = fd;
    s->fds[s->nfds].events = ev;
    s->fds[s->nfds].revents = 0;
    return (int)s->nfds++;
}

static int get_revents(int idx, void *opaque)
{
    const struct slirp_backend *s = opaque;
    if (idx < 0 || (unsigned)idx >= s->nfds)
        return 0;
    short r = s->fds[idx].revents;
    int ev = 0;
    if (r & POLLIN)
        ev |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        ev |= SLIRP_POLL_PRI;
    if (r & (POLLERR | POLLNVAL))
        ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        ev |= SLIRP_POLL_HUP;
    return ev;
}

/* Asks slirp which fds to watch; returns the timeout it wants, in ms. */
static uint32_t fill(struct slirp_backend *s)
{
    uint32_t timeout = UINT32_MAX;
    s->nfds = 0;
    slirp_pollfds_fill(s->slirp, &timeout, add_poll, s);
    return timeout;
}

static void fire_timers(struct slirp_backend *s)
{
    for (unsigned i = 0; i < SLIRP_BACKEND_TIMERS; i++) {
        struct slirp_backend_timer *t = &s->timers[i];
        if (t->used && t->armed && t->expire_ms <= s->now_ms) {
            t->armed = false; /* one-shot, as QEMU's timers: slirp re-arms it */
            s->stats.timers_fired++;
            slirp_handle_timer(s->slirp, (SlirpTimerId)t->id, t->cb_opaque);
        }
    }
}

static void update_deadline(struct slirp_backend *s)
{
    uint32_t timeout = fill(s);
    uint64_t d = timeout == UINT32_MAX ? UINT64_MAX : s->now_ms + timeout;
    for (unsigned i = 0; i < SLIRP_BACKEND_TIMERS; i++)
        if (s->timers[i].used && s->timers[i].armed && s->timers[i].expire_ms < d)
            d = s->timers[i].expire_ms;
    s->deadline_ms = d;
}

static int sl_poll(void *ctx, uint64_t now_ms)
{
    struct slirp_backend *s = ctx;
    if (!s->slirp)
        return -EBADF;
    s->now_ms = now_ms;
    fire_timers(s);
    int err = 0;
    if (!s->waited) {
        fill(s);
        if (poll(s->fds, s->nfds, 0) < 0) {
            err = errno == EINTR ? 0 : 1;
            s->stats.poll_errors += (uint64_t)err;
        }
    }
    s->waited = false;
    /* Reads what the sockets have, runs slirp's TCP timers on now_ms, and
     * sends what is queued for the guest (if_start) through send_packet. */
    slirp_pollfds_poll(s->slirp, err, get_revents, s);
    update_deadline(s);
    return 0;
}

static uint64_t sl_deadline(void *ctx)
{
    const struct slirp_backend *s = ctx;
    return s->slirp ? s->deadline_ms : UINT64_MAX;
}

static int sl_wait(void *ctx, uint64_t timeout_ms)
{
    struct slirp_backend *s = ctx;
    if (!s->slirp)
        return -EBADF;
    /* Filled again here: tx may have made sockets since the last poll. */
    fill(s);
    int ms = timeout_ms == FAKE_WAIT_FOREVER ? -1
             : timeout_ms > 3600000u         ? 3600000
                                             : (int)timeout_ms;
    int rc = poll(s->fds, s->nfds, ms);
    if (rc < 0) {
        int e = errno;
        for (unsigned i = 0; i < s->nfds; i++)
            s->fds[i].revents = 0;
        s->waited = true;
        return e == EINTR ? 0 : -e;
    }
    s->waited = true; /* the next poll hands these revents to slirp */
    return rc > 0 ? 1 : 0;
}

static void sl_bind(void *ctx, const struct fake_rx_sink *sink)
{
    struct slirp_backend *s = ctx;
    s->sink = *sink;
}

static void sl_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct slirp_backend *s = ctx;
    if (!s->slirp || len > SLIRP_BACKEND_FRAME_MAX)
        return;
    s->stats.tx_frames++;
    /* slirp may answer at once (ARP, DHCP, ICMP to 10.0.2.2): send_packet
     * is called from inside, which backend.h allows. */
    slirp_input(s->slirp, frame, (int)len);
}

static void sl_close_op(void *ctx)
{
    slirp_backend_close(ctx);
}

static const struct fake_backend_ops slirp_ops = {
    .name = "slirp",
    .clock = FAKE_CLOCK_MONOTONIC,
    .bind = sl_bind,
    .tx = sl_tx,
    .poll = sl_poll,
    .deadline = sl_deadline,
    .wait = sl_wait,
    .close = sl_close_op,
};

struct fake_backend slirp_backend_backend(struct slirp_backend *s)
{
    return (struct fake_backend){&slirp_ops, s};
}

static struct in_addr in4(uint32_t host_order)
{
    struct in_addr a;
    a.s_addr = htonl(host_order);
    return a;
}

int slirp_backend_open(struct slirp_backend *s, const struct slirp_backend_cfg *cfg, char *why,
                       size_t why_len)
{
    memset(s, 0, sizeof(*s));
    s->deadline_ms = UINT64_MAX;
    struct slirp_backend_cfg c;
    if (cfg)
        c = *cfg;
    else
        slirp_backend_cfg_defaults(&c);
    if (c.tftp_dir) {
        struct stat st;
        if (stat(c.tftp_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
            access(c.tftp_dir, R_OK | X_OK) != 0) {
            if (why && why_len)
                snprintf(why, why_len, "the TFTP directory %s is not a readable directory",
                         c.tftp_dir);
            return -EINVAL;
        }
    }
    SlirpConfig sc;
    memset(&sc, 0, sizeof(sc));
    sc.version = 4;
    sc.restricted = 1; /* -netdev user,restrict=on: nothing leaves the process */
    sc.in_enabled = true;
    sc.vnetwork = in4(SLIRP_BACKEND_NET);
    sc.vnetmask = in4(0xffffff00u);
    sc.vhost = in4(SLIRP_BACKEND_HOST);
    sc.in6_enabled = false;
    sc.tftp_path = c.tftp_dir;
    /* tftp_server_name (option 66) stays NULL: the reply's siaddr is
     * 10.0.2.2 already, and libslirp 4.7's slirp_cleanup does not free its
     * copy of the name (a leak LeakSanitizer reports). */
    sc.bootfile = c.bootfile;
    sc.vdhcp_start = in4(SLIRP_BACKEND_DHCP_START);
    sc.vnameserver = in4(SLIRP_BACKEND_DNS);
    sc.disable_host_loopback = true; /* the guest may not reach the host's 127.0.0.1 */
    sc.enable_emu = false;
    sc.disable_dns = true; /* no DNS forwarding: no query leaves for the host's resolver */
    sc.disable_dhcp = false;
    s->slirp = slirp_new(&sc, &slirp_cbs, s);
    if (!s->slirp) {
        if (why && why_len)
            snprintf(why, why_len, "slirp_new failed (libslirp %s)", slirp_version_string());
        return -ENOMEM;
    }
    return 0;
}

int slirp_backend_add_tcp_forward(struct slirp_backend *s, uint32_t host_addr, uint16_t host_port,
                                  uint16_t guest_port)
{
    if (!s->slirp)
        return -EBADF;
    if (slirp_add_hostfwd(s->slirp, 0, in4(host_addr), host_port, in4(SLIRP_BACKEND_DHCP_START),
                          guest_port) != 0)
        return -EADDRINUSE;
    return 0;
}

void slirp_backend_neighbors(const struct slirp_backend *s, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    buf[0] = '\0';
    if (!s->slirp)
        return;
    char *info = slirp_neighbor_info(s->slirp);
    if (info) {
        snprintf(buf, cap, "%s", info);
        free(info); /* g_malloc'd; glib's allocator is the system's malloc (GLib >= 2.46) */
    }
}

void slirp_backend_close(struct slirp_backend *s)
{
    if (s->slirp)
        slirp_cleanup(s->slirp);
    s->slirp = NULL;
}

#else /* !RVNET_HAVE_SLIRP: this build has no libslirp */

bool slirp_backend_available(void)
{
    return false;
}

const char *slirp_backend_version(void)
{
    return "none";
}

int slirp_backend_open(struct slirp_backend *s, const struct slirp_backend_cfg *cfg, char *why,
                       size_t why_len)
{
    (void)cfg;
    memset(s, 0, sizeof(*s));
    if (why && why_len)
        snprintf(why, why_len,
                 "this build has no libslirp (install libslirp-dev and libglib2.0-dev, then "
                 "configure again)");
    return -ENOSYS;
}

struct fake_backend slirp_backend_backend(struct slirp_backend *s)
{
    (void)s;
    return (struct fake_backend){NULL, NULL};
}

int slirp_backend_add_tcp_forward(struct slirp_backend *s, uint32_t host_addr, uint16_t host_port,
                                  uint16_t guest_port)
{
    (void)s;
    (void)host_addr;
    (void)host_port;
    (void)guest_port;
    return -ENOSYS;
}

void slirp_backend_neighbors(const struct slirp_backend *s, char *buf, size_t cap)
{
    (void)s;
    if (cap)
        buf[0] = '\0';
}

void slirp_backend_close(struct slirp_backend *s)
{
    s->slirp = NULL;
}

#endif
