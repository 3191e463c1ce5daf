/*
 * nx-net: the world every subcommand runs in. The virtio-net frontend on
 * the fake virtio-mmio device, a backend behind the device (nx_backend.c),
 * lo and the netstack, set up by the bring-up module (bringup.h) on the
 * platform nx-net gives it (its console, clock and loop), and the loop that
 * polls them.
 *
 * Time. With the stub the clock is virtual: it starts at 0 and moves 1 ms
 * per poll, so the same command gives the same frames, the same output and
 * the same pcap bytes. With slirp and tap it is CLOCK_MONOTONIC in ms, and
 * between polls the loop sleeps in the backend's wait (poll(2)) until the
 * netstack's next deadline, the backend's, or the caller's budget: the
 * main loop of host/backend/backend.h.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nx_net.h"

/* Set by SIGINT and SIGTERM on a real backend: the loop ends, and the
 * orderly stop (the DHCP RELEASE) still runs. */
static volatile sig_atomic_t nx_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    nx_interrupted = 1;
}

/* Text lines go to stdout unless --json, where one object is printed at
 * the end instead. */
void nx_say(const struct nx_world *w, const char *fmt, ...)
{
    if (w->o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

int nx_fail_bringup(const struct nx_world *w)
{
    return nx_fail_step(w, bringup_fail_step(&w->bu), bringup_fail_reason(&w->bu));
}

int nx_fail_step(const struct nx_world *w, const char *step, const char *reason)
{
    /* Whatever the step waited for, a device that broke is why it failed. */
    if (w->broken)
        reason = "device-broken";
    if (w->o->json)
        printf("{\"ok\":false,%s,\"step\":\"%s\",\"reason\":\"%s\"}\n", nx_json_be(w), step,
               reason);
    else
        printf("SELFTEST: %s FAIL reason=%s\n", step, reason);
    return NX_EXIT_FAIL;
}

const char *nx_clock_name(const struct nx_world *w)
{
    return w->real ? "monotonic" : "virtual";
}

const char *nx_json_be(const struct nx_world *w)
{
    static char buf[80];
    char be[32];
    snprintf(buf, sizeof(buf), "\"backend\":\"%s\",\"clock\":\"%s\"",
             nx_backend_desc(w->o, be, sizeof(be)), nx_clock_name(w));
    return buf;
}

uint64_t nx_elapsed(const struct nx_world *w)
{
    return w->now - w->t0;
}

static void tap(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame, size_t len)
{
    struct nx_world *w = ctx;
    /* virt0's frames are written by the tee, as the device sees them; lo's
     * go into the same file here. lo hands each packet over twice (TX,
     * then RX); a capture of lo, as Linux writes one, shows it once. */
    if (!w->bk.tee_on || ifid != NS_IF_LO || dir == NS_DIR_RX)
        return;
    (void)pcap_tee_write(&w->bk.tee, frame, len);
}

/* serve's running log: each DHCP event as it happens, with the time since
 * the start, flushed (a test reads it while nx-net runs). */
static void print_event(const struct nx_world *w, const struct ns_event *ev)
{
    static const char *const names[] = {
        [NS_EV_DHCP_BOUND] = "BOUND",       [NS_EV_DHCP_RENEWED] = "RENEWED",
        [NS_EV_DHCP_CHANGED] = "CHANGED",   [NS_EV_DHCP_LOST] = "LOST",
        [NS_EV_DHCP_DECLINED] = "DECLINED", [NS_EV_DHCP_RELEASED] = "RELEASED",
    };
    if ((unsigned)ev->type >= sizeof(names) / sizeof(names[0]) || !names[ev->type])
        return;
    /* LOST and RELEASED carry no lease: name the one that ended. */
    const struct ns_event *l =
        ev->type == NS_EV_DHCP_LOST || ev->type == NS_EV_DHCP_RELEASED ? &w->lease : ev;
    char a[16], s[16];
    nx_say(w, "dhcp: %s addr=%s/%u server=%s lease=%us at %llu ms\n", names[ev->type],
           nx_ip_str(l->addr, a), l->prefix_len, nx_ip_str(l->server, s), l->lease_s,
           (unsigned long long)(w->now - w->t0));
    fflush(stdout);
}

static void event(void *ctx, const struct ns_event *ev)
{
    struct nx_world *w = ctx;
    if (ev->type == NS_EV_DHCP_BOUND || ev->type == NS_EV_DHCP_CHANGED) {
        w->bound = true;
        w->lease = *ev;
    } else if (ev->type == NS_EV_DHCP_LOST || ev->type == NS_EV_DHCP_RELEASED) {
        w->bound = false;
    }
    w->renewed += ev->type == NS_EV_DHCP_RENEWED;
    w->changed += ev->type == NS_EV_DHCP_CHANGED;
    w->lost += ev->type == NS_EV_DHCP_LOST;
    w->declined += ev->type == NS_EV_DHCP_DECLINED;
    w->released += ev->type == NS_EV_DHCP_RELEASED;
    if (w->print_events)
        print_event(w, ev);
}

/* The netstack reported virt0 broken (NS_ERR_DEVICE_BROKEN): say why, and
 * bring it back once (ns_virt0_restart: the frontend re-initialised on the
 * same DMA block, DHCP by INIT-REBOOT). A second break, or a restart that
 * fails, ends the run: w->broken makes nx_run return false. */
static void device_broken(struct nx_world *w)
{
    int why = ns_virt0_error(&w->ns);
    if (w->restarted) {
        fprintf(stderr, "nx-net: virt0 broke again (%s)\n", vnet_strerror(why));
        w->broken = true;
        return;
    }
    w->restarted = true;
    nx_say(w, "virtionet: broken (%s), restarting\n", vnet_strerror(why));
    int rc = ns_virt0_restart(&w->ns);
    if (rc != NS_OK) {
        fprintf(stderr, "nx-net: virt0 restart failed: %s (%s)\n", ns_strerror(rc),
                vnet_strerror(ns_virt0_error(&w->ns)));
        w->broken = true;
    }
}

/* One round of the loop: the backend (frames in, its timers), the
 * interrupt line, the netstack (frames out). */
static void poll_once(struct nx_world *w)
{
    (void)fake_backend_poll(&w->bk.be, w->now);
    if (w->dhcpd) {
        nx_dhcpd_poll(w); /* dhcp-server: the frontend without the netstack */
        return;
    }
    int rc = NS_OK;
    if (fake_vnet_irq_line(&w->h.fake))
        rc = ns_irq(&w->ns);
    int prc = ns_poll(&w->ns, w->now);
    /* NS_ERR_DEVICE is one frame skipped and counted: the device runs on. */
    if (rc == NS_ERR_DEVICE_BROKEN || prc == NS_ERR_DEVICE_BROKEN)
        device_broken(w);
}

/* Then time passes: on the virtual clock one millisecond; on the monotonic
 * clock the loop sleeps until something is due, never past `until`. */
static void pass_time(struct nx_world *w, uint64_t until)
{
    const struct fake_backend *be = &w->bk.be;
    if (!w->real) {
        w->now++;
        return;
    }
    uint64_t next = w->dhcpd ? UINT64_MAX : ns_next_deadline(&w->ns); /* the stub has no timers */
    uint64_t bnext = fake_backend_deadline(be);
    if (bnext < next)
        next = bnext;
    if (until < next)
        next = until;
    if (fake_vnet_irq_line(&w->h.fake))
        next = w->now; /* more in the ring: do not sleep */
    if (next > w->now)
        (void)fake_backend_wait(be, next - w->now);
    uint64_t t = nx_mono_ms();
    w->now = t > w->now ? t : w->now; /* never backwards (backend.h) */
}

bool nx_run(struct nx_world *w, bool (*done)(struct nx_world *w, void *arg), void *arg,
            uint64_t budget_ms)
{
    /* On the virtual clock the budget counts polls, 1 ms each: the golden
     * traces were recorded with time moving after the check. */
    if (!w->real) {
        for (uint64_t i = 0; i < budget_ms && !w->broken; i++) {
            poll_once(w);
            pass_time(w, 0);
            if (done && done(w, arg))
                return true;
        }
        return false;
    }
    uint64_t end = w->now + budget_ms;
    while (w->now < end && !w->broken && (!nx_interrupted || w->stopping)) {
        poll_once(w);
        if (done && done(w, arg))
            return true;
        pass_time(w, end);
    }
    return false;
}

/* --- the platform the bring-up module runs on (bringup.h) --- */

static void pf_puts(void *ctx, const char *s)
{
    const struct nx_world *w = ctx;
    if (!w->o->json)
        fputs(s, stdout);
}

struct pf_wait {
    bool (*done)(void *arg);
    void *arg;
};

static bool pf_wait_done(struct nx_world *w, void *arg)
{
    (void)w;
    const struct pf_wait *x = arg;
    return x->done(x->arg);
}

/* nx_run with the module's done() (on the virtual clock the timeout is a
 * count of polls: nx_run). */
static bool pf_run_until(void *ctx, bool (*done)(void *arg), void *arg, uint32_t timeout_ms)
{
    struct nx_world *w = ctx;
    struct pf_wait x = {done, arg};
    return nx_run(w, pf_wait_done, &x, timeout_ms);
}

int nx_world_prepare(struct nx_world *w, const struct nx_opts *o)
{
    memset(w, 0, sizeof(*w));
    w->o = o;
    w->pf = (struct bringup_platform){pf_puts, pf_run_until, NULL, w};
    char why[320];
    if (nx_backend_open(&w->bk, o, why, sizeof(why)) != 0) {
        fprintf(stderr, "nx-net: %s\n", why);
        return NX_EXIT_USAGE;
    }
    w->real = w->bk.real;
    if (w->real) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal; /* no SA_RESTART: the wait returns at once */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        w->now = nx_mono_ms();
    }
    w->t0 = w->now;
    return 0;
}

static int netstack_up(struct nx_world *w)
{
    struct bringup_config cfg;
    bringup_config_defaults(&cfg);
    cfg.ns.virt0 = &w->h.dev;
    cfg.ns.dhcp = w->o->have_static ? NS_DHCP_OFF : NS_DHCP_WIRE;
    cfg.ns.dhcp_client.probe.enabled = w->o->probe;
    cfg.ns.tap = tap;
    cfg.ns.tap_ctx = w;
    cfg.ns.event = event;
    cfg.ns.event_ctx = w;
    /* On the virtual clock a wait is a count of polls; on a real link DHCP
     * gives up after NX_REAL_DHCP_MS. */
    cfg.t.dhcp_ms = w->real ? NX_REAL_DHCP_MS : NX_STEP_LIMIT;
    cfg.t.ping_ms = NX_STEP_LIMIT;
    if (bringup_init(&w->bu, &w->ns, &cfg, &w->pf) != BRINGUP_OK)
        return nx_fail_bringup(w);
    w->ns_up = true;
    return bringup_lo(&w->bu) == BRINGUP_OK ? 0 : nx_fail_bringup(w);
}

int nx_world_open(struct nx_world *w)
{
    const struct nx_opts *o = w->o;
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, o->version);
    if (o->have_mac)
        memcpy(fc.mac, o->mac, 6);
    if (vnet_harness_open_cfg(&w->h, &fc, NULL) != 0)
        return nx_fail_step(w, "virtionet", "harness");
    fake_vnet_attach(&w->h.fake, &w->bk.be);
    if (w->real) {
        char desc[32];
        nx_say(w, "backend: %s clock=monotonic\n", nx_backend_desc(o, desc, sizeof(desc)));
    }
    int rc = vnet_harness_up(&w->h);
    if (rc != VNET_OK)
        return nx_fail_step(w, "virtionet", vnet_strerror(rc));
    bringup_say_device(&w->pf, &w->h.dev, NX_MMIO_BASE, NX_IRQ);
    return o->cmd->frontend_only ? 0 : netstack_up(w);
}

void nx_world_stop(struct nx_world *w)
{
    if (!w->ns_up || w->o->have_static)
        return;
    w->stopping = true;
    /* serve logs the RELEASED event as it comes (print_event): no line of
     * the module's then. */
    int rc = w->print_events ? bringup_release(&w->bu, NULL) : bringup_stop(&w->bu);
    /* The command's result stands; a stop that could not finish (the
     * RELEASE unresolved, a frame the device kept) is said on stderr. */
    if (rc != BRINGUP_OK)
        fprintf(stderr, "nx-net: the orderly stop: %s %s\n", bringup_fail_step(&w->bu),
                bringup_fail_reason(&w->bu));
}

int nx_world_close(struct nx_world *w)
{
    fake_vnet_attach(&w->h.fake, NULL);
    int rc = nx_backend_close(&w->bk);
    vnet_harness_close(&w->h);
    return rc;
}

uint64_t nx_drops(const struct ns_counters *c, const struct vnet_counters *v)
{
    /* The netstack's drop block (ns_drops), and what the frontend refused
     * or dropped below it. */
    return ns_drops(c) + v->tx_bad_len + v->tx_full + v->rx_len_over + v->rx_len_long +
           v->rx_len_short;
}
