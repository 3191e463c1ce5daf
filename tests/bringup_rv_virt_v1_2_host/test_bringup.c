/*
 * The bring-up module (userspace/libs/bringup) on a platform of the test's
 * own: a console that keeps every line, a virtual clock that moves 1 ms a
 * poll, and a run_until that polls the netstack on the frontend on the fake
 * virtio-mmio device, with the stub network (10.0.2.2) behind it. Checked:
 * the marker lines byte for byte, what each step sent and got (the stub's
 * counts), the failures' steps and reasons, the timeouts on the clock, the
 * interrupt mask around ns_init, the events passed on, the stub run
 * leaving no frame on the wire, and the argument and order checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bringup/bringup.h"
#include "netproto/netproto.h"
#include "stub_net.h"
#include "vnet_harness.h"

#define OUT_MAX 4096u

struct rig {
    struct vnet_harness h;
    struct stub_net peer;
    struct fake_backend be;
    struct ns_host ns;
    struct bringup bu;
    struct bringup_platform pf;
    struct bringup_config cfg;
    uint64_t now;
    uint64_t polls;
    char out[OUT_MAX];
    size_t out_len;
    int masked;         /* irq_mask(true) minus irq_mask(false) */
    unsigned mask_ons;  /* irq_mask(true) calls */
    unsigned events[8]; /* the caller's hook, per ns_event_type */
    uint64_t tx_at;     /* with the fake's auto_complete_tx off: the poll from which
                           run_until lets the device complete TX (0: never) */
};

static void rig_puts(void *ctx, const char *s)
{
    struct rig *r = ctx;
    size_t n = strlen(s);
    assert_true(r->out_len + n < OUT_MAX);
    memcpy(r->out + r->out_len, s, n + 1);
    r->out_len += n;
}

/* nx-net's loop on the virtual clock: the backend, the interrupt line, one
 * poll, a millisecond, then done(). */
static bool rig_run_until(void *ctx, bool (*done)(void *arg), void *arg, uint32_t timeout_ms)
{
    struct rig *r = ctx;
    for (uint64_t end_ms = r->now + timeout_ms; r->now < end_ms;) {
        (void)fake_backend_poll(&r->be, r->now);
        if (r->tx_at && r->polls >= r->tx_at)
            fake_vnet_process(&r->h.fake, true);
        if (fake_vnet_irq_line(&r->h.fake))
            (void)ns_irq(&r->ns);
        assert_int_equal(r->masked, 0); /* never polled while masked */
        assert_int_equal(ns_poll(&r->ns, r->now), NS_OK);
        r->polls++;
        r->now++;
        if (done(arg))
            return true;
    }
    return false;
}

static void rig_mask(void *ctx, bool masked)
{
    struct rig *r = ctx;
    r->masked += masked ? 1 : -1;
    r->mask_ons += masked;
    assert_true(r->masked == 0 || r->masked == 1);
}

static void rig_event(void *ctx, const struct ns_event *ev)
{
    struct rig *r = ctx;
    assert_true((unsigned)ev->type < 8u);
    r->events[ev->type]++;
}

/* A rig on a legacy (1) or modern (2) fake, the stub network behind it
 * serving srv (NULL: its defaults: router 10.0.2.2, DNS 10.0.2.3). */
static struct rig *rig_new(uint32_t version, const struct dhcp_server_config *srv)
{
    struct rig *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    assert_int_equal(vnet_harness_open(&r->h, version, NULL), 0);
    assert_int_equal(vnet_harness_up(&r->h), VNET_OK);
    assert_int_equal(stub_net_init(&r->peer, srv), 0);
    r->be = stub_net_backend(&r->peer);
    fake_vnet_attach(&r->h.fake, &r->be);
    r->pf = (struct bringup_platform){rig_puts, rig_run_until, rig_mask, r};
    bringup_config_defaults(&r->cfg);
    r->cfg.ns.virt0 = &r->h.dev;
    r->cfg.ns.event = rig_event;
    r->cfg.ns.event_ctx = r;
    r->now = 1000;
    return r;
}

static void rig_free(struct rig *r)
{
    fake_vnet_attach(&r->h.fake, NULL);
    vnet_harness_close(&r->h);
    free(r);
}

static unsigned stub_releases(const struct rig *r)
{
    struct dhcp_server_stats s;
    dhcp_server_get_stats(&r->peer.dhcp, &s);
    return s.releases;
}

static void test_defaults(void **state)
{
    (void)state;
    struct bringup_config c;
    memset(&c, 0xa5, sizeof(c));
    bringup_config_defaults(&c);
    assert_int_equal(c.ns.dhcp, NS_DHCP_WIRE);
    assert_null(c.ns.virt0);
    assert_int_equal(c.t.dhcp_ms, 10000);
    assert_int_equal(c.t.ping_ms, 5000);
    assert_int_equal(c.t.stop_ms, 3000);
    bringup_config_defaults(NULL); /* does nothing */
}

/* The whole wire sequence: every marker line as nx-net prints it, the
 * frames the stub saw, the results returned, the RELEASE at the stop. */
static void test_sequence_markers(void **state)
{
    (void)state;
    for (uint32_t version = 1; version <= 2; version++) {
        struct rig *r = rig_new(version, NULL);
        bringup_say_device(&r->pf, &r->h.dev, 0x10008000u, 8);
        assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
        assert_int_equal(bringup_lo(&r->bu), BRINGUP_OK);
        assert_int_equal(r->mask_ons, 1);
        assert_int_equal(r->masked, 0);
        assert_null(ns_dhcp_lease(&r->ns));
        struct bringup_pings p;
        memset(&p, 0, sizeof(p));
        assert_int_equal(bringup_run(&r->bu, &p), BRINGUP_OK);
        assert_int_equal(p.lo.sent, 3);
        assert_int_equal(p.lo.received, 3);
        assert_int_equal(p.gw.sent, 3);
        assert_int_equal(p.gw.received, 3);
        assert_int_equal(r->peer.stats.icmp_replies, 3); /* lo's never left the host */
        const struct dhcp_lease *l = ns_dhcp_lease(&r->ns);
        assert_non_null(l);
        assert_int_equal(l->addr, NP_IPV4(10, 0, 2, 15));
        assert_int_equal(stub_releases(r), 0);
        assert_int_equal(bringup_stop(&r->bu), BRINGUP_OK);
        assert_int_equal(stub_releases(r), 1);
        assert_null(ns_dhcp_lease(&r->ns));
        char want[1024];
        snprintf(want, sizeof(want),
                 "virtionet: ready\n"
                 "virtionet: mmio=0x10008000 irq=8 mac=02:00:00:00:00:01 mtu=1500 virtio=%s\n"
                 "netstack: ready\n"
                 "netstack: lo up\n"
                 "netstack: virt0 dhcp addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3\n"
                 "SELFTEST: net lo ping ok\n"
                 "SELFTEST: net gw ping ok\n"
                 "netstack: virt0 dhcp released addr=10.0.2.15\n",
                 version == 2 ? "modern" : "legacy");
        assert_string_equal(r->out, want);
        assert_string_equal(bringup_fail_step(&r->bu), "");
        assert_string_equal(bringup_fail_reason(&r->bu), "");
        /* The host's event hook is still the caller's own. */
        assert_int_equal(r->events[NS_EV_DHCP_BOUND], 1);
        assert_int_equal(r->events[NS_EV_DHCP_RELEASED], 1);
        assert_int_equal(r->events[NS_EV_PING_DONE], 2);
        /* A second stop has no lease to give back: nothing sent, no line. */
        size_t len = r->out_len;
        assert_int_equal(bringup_stop(&r->bu), BRINGUP_OK);
        assert_int_equal(stub_releases(r), 1);
        assert_int_equal(r->out_len, len);
        rig_free(r);
    }
}

/* A server like slirp under restrict=on: no router, no DNS. The lease
 * line says none, and the gateway ping goes to the server itself. */
static void test_no_router(void **state)
{
    (void)state;
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.router = 0;
    sc.dns = 0;
    sc.always_broadcast = true;
    struct rig *r = rig_new(1, &sc);
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    assert_int_equal(bringup_run(&r->bu, NULL), BRINGUP_OK);
    assert_non_null(strstr(r->out, "netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none\n"));
    assert_int_equal(r->peer.stats.icmp_replies, 3); /* 10.0.2.2, the server */
    rig_free(r);
}

/* Nobody answers DHCP: the wait ends at the timeout on the platform's
 * clock, and the failure names the step. */
static void test_no_lease(void **state)
{
    (void)state;
    struct rig *r = rig_new(1, NULL);
    r->peer.answer_dhcp = false;
    r->cfg.t.dhcp_ms = 700;
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    uint64_t t0 = r->now;
    assert_int_equal(bringup_run(&r->bu, NULL), BRINGUP_ERR_NO_LEASE);
    assert_int_equal(r->now - t0, 700);
    assert_int_equal(r->polls, 700);
    assert_string_equal(bringup_fail_step(&r->bu), "netstack virt0 dhcp");
    assert_string_equal(bringup_fail_reason(&r->bu), "no-lease");
    assert_null(strstr(r->out, "dhcp addr="));
    assert_null(strstr(r->out, "SELFTEST"));
    /* No lease: the pings refuse to run, and a stop sends nothing. */
    assert_int_equal(bringup_pings(&r->bu, NULL), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_stop(&r->bu), BRINGUP_OK);
    assert_int_equal(stub_releases(r), 0);
    rig_free(r);
}

/* The gateway does not answer (a router nobody holds): NO_REPLY for the gw
 * step after a whole ping run, with what came back; and bringup_ping on
 * its own reports the run without judging it. */
static void test_no_reply(void **state)
{
    (void)state;
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.router = NP_IPV4(10, 0, 2, 9);
    sc.always_broadcast = true;
    struct rig *r = rig_new(1, &sc);
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    struct bringup_pings p;
    memset(&p, 0x5a, sizeof(p));
    struct bringup_pings before = p;
    assert_int_equal(bringup_run(&r->bu, &p), BRINGUP_ERR_NO_REPLY);
    assert_memory_equal(&p, &before, sizeof(p)); /* untouched on failure */
    assert_string_equal(bringup_fail_step(&r->bu), "net gw ping");
    assert_string_equal(bringup_fail_reason(&r->bu), "no-reply");
    assert_non_null(strstr(r->out, "SELFTEST: net lo ping ok\n"));
    assert_null(strstr(r->out, "gw ping ok"));
    struct ns_ping_result res;
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(10, 0, 2, 2), 2, &res), BRINGUP_OK);
    assert_int_equal(res.sent, 2);
    assert_int_equal(res.received, 2);
    assert_true(res.done);
    rig_free(r);
}

/* The stub run: the host set up anew (interrupt masked again), the lease
 * from the in-process server with no frame on the wire, its own marker;
 * virt0's frames of both hosts counted. */
static void test_stub_dhcp(void **state)
{
    (void)state;
    struct rig *r = rig_new(2, NULL);
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    assert_int_equal(bringup_run(&r->bu, NULL), BRINGUP_OK);
    assert_int_equal(bringup_stop(&r->bu), BRINGUP_OK);
    uint64_t rx_wire = bringup_virt0_rx(&r->bu);
    struct vnet_counters v;
    vnet_counters(&r->h.dev, &v);
    assert_int_equal(rx_wire, v.rx_frames);
    uint32_t frames_before = r->peer.stats.frames_in;
    static struct bringup_stub stub;
    size_t len = r->out_len;
    assert_int_equal(bringup_stub_dhcp(&r->bu, &r->cfg, &stub), BRINGUP_OK);
    assert_int_equal(r->mask_ons, 2);
    assert_string_equal(r->out + len,
                        "netstack: virt0 dhcp-stub addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3\n");
    assert_int_equal(r->peer.stats.frames_in, frames_before);
    struct dhcp_server_stats s;
    dhcp_server_get_stats(&stub.srv, &s);
    assert_int_equal(s.acks, 1);
    assert_int_equal(bringup_virt0_rx(&r->bu), rx_wire); /* the new host took none yet */
    /* Its RELEASE goes to the stub server, not the wire. */
    assert_int_equal(bringup_stop(&r->bu), BRINGUP_OK);
    dhcp_server_get_stats(&stub.srv, &s);
    assert_int_equal(s.releases, 1);
    assert_int_equal(stub_releases(r), 1);
    assert_int_equal(r->peer.stats.frames_in, frames_before);
    rig_free(r);
}

/* The stop right after DHCP: the server's MAC is not cached yet, so the
 * RELEASE waits for ARP, and the stop polls until it left; unanswered, it
 * polls stop_ms and no more, and says so (arp-pending). */
static void test_stop_waits_for_arp(void **state)
{
    (void)state;
    for (int answer = 1; answer >= 0; answer--) {
        struct rig *r = rig_new(1, NULL);
        r->cfg.t.stop_ms = 1500;
        assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
        assert_int_equal(bringup_dhcp(&r->bu), BRINGUP_OK);
        uint32_t arp_before = r->peer.stats.arp_replies;
        r->peer.answer_arp = answer != 0;
        uint64_t polls = r->polls;
        bool released = false;
        assert_int_equal(bringup_release(&r->bu, &released),
                         answer ? BRINGUP_OK : BRINGUP_ERR_STOP_TIMEOUT);
        assert_true(released);
        assert_null(strstr(r->out, "released")); /* bringup_release prints nothing */
        if (answer) {
            assert_int_equal(r->peer.stats.arp_replies, arp_before + 1);
            assert_int_equal(stub_releases(r), 1);
            assert_true(r->polls - polls < 10);
        } else {
            assert_int_equal(stub_releases(r), 0);
            assert_int_equal(r->polls - polls, 1500);
            assert_string_equal(bringup_fail_step(&r->bu), "netstack virt0 stop");
            assert_string_equal(bringup_fail_reason(&r->bu), "arp-pending");
        }
        assert_false(ns_arp_pending(&r->ns) && answer);
        rig_free(r);
    }
}

/* The device takes its time with TX (QEMU sends from a bottom half): the
 * stop polls until it gave the RELEASE's buffer back, and no longer; a
 * device that never does holds the stop stop_ms, and the stop says so
 * (tx-pending) instead of the released line. */
static void test_stop_waits_for_tx(void **state)
{
    (void)state;
    for (int late = 1; late >= 0; late--) {
        struct rig *r = rig_new(2, NULL);
        r->cfg.t.stop_ms = 800;
        assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
        assert_int_equal(bringup_run(&r->bu, NULL), BRINGUP_OK); /* the server's MAC cached */
        r->h.fake.knobs.auto_complete_tx = false;
        uint64_t polls = r->polls;
        r->tx_at = late ? polls + 7 : 0;
        assert_int_equal(bringup_stop(&r->bu), late ? BRINGUP_OK : BRINGUP_ERR_STOP_TIMEOUT);
        assert_true(!strstr(r->out, "netstack: virt0 dhcp released addr=10.0.2.15\n") == !late);
        struct vnet_counters v;
        vnet_counters(&r->h.dev, &v);
        if (late) {
            assert_int_equal(r->polls - polls, 8); /* the poll after the device's */
            assert_int_equal(v.tx_completed, v.tx_frames);
            assert_int_equal(stub_releases(r), 1);
        } else {
            assert_int_equal(r->polls - polls, 800);
            /* Never given back (the fake's backend had it at the notify). */
            assert_int_equal(v.tx_completed + 1, v.tx_frames);
            assert_int_equal(vnet_tx_in_flight(&r->h.dev), 1);
            assert_string_equal(bringup_fail_step(&r->bu), "netstack virt0 stop");
            assert_string_equal(bringup_fail_reason(&r->bu), "tx-pending");
        }
        rig_free(r);
    }
}

/* The wait is for the ring, not for the counters: a restart
 * (ns_virt0_restart, vnet_reinit) loses the frame the device held, so
 * tx_completed stays one short of tx_frames for good, yet nothing is held
 * and the stop after it has nothing to wait for. */
static void test_stop_after_restart(void **state)
{
    (void)state;
    struct rig *r = rig_new(1, NULL);
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    assert_int_equal(bringup_run(&r->bu, NULL), BRINGUP_OK);
    r->h.fake.knobs.auto_complete_tx = false;
    struct ns_ping_result res;
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(10, 0, 2, 2), 1, &res), BRINGUP_OK);
    assert_int_equal(vnet_tx_in_flight(&r->h.dev), 1);
    assert_int_equal(ns_virt0_restart(&r->ns), NS_OK);
    struct vnet_counters v;
    vnet_counters(&r->h.dev, &v);
    assert_int_equal(v.tx_completed + 1, v.tx_frames);
    assert_int_equal(vnet_tx_in_flight(&r->h.dev), 0);
    uint64_t polls = r->polls;
    assert_int_equal(bringup_stop(&r->bu), BRINGUP_OK); /* the lease went with the restart */
    assert_int_equal(r->polls, polls);
    rig_free(r);
}

/* A stub server that cannot start, a stub run without a lease. */
static void test_stub_failures(void **state)
{
    (void)state;
    struct rig *r = rig_new(1, NULL);
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    assert_int_equal(bringup_stub_dhcp(&r->bu, &r->cfg, NULL), BRINGUP_ERR_INVAL);
    assert_string_equal(bringup_fail_step(&r->bu), "netstack");
    static struct bringup_stub stub;
    r->cfg.t.dhcp_ms = 0; /* the stub answers at the first poll; 0 polls is none */
    assert_int_equal(bringup_stub_dhcp(&r->bu, &r->cfg, &stub), BRINGUP_ERR_NO_LEASE);
    assert_string_equal(bringup_fail_step(&r->bu), "netstack virt0 dhcp-stub");
    assert_string_equal(bringup_fail_reason(&r->bu), "no-lease");
    rig_free(r);
}

/* ns_init refuses (a host without lo storage cannot be made here, so a
 * stub mode without a server: dhcp NS_DHCP_STUB in the caller's cfg). */
static void test_init_failures(void **state)
{
    (void)state;
    struct rig *r = rig_new(1, NULL);
    r->cfg.ns.dhcp = NS_DHCP_STUB; /* no stub given: ns_init says inval */
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_ERR_NETSTACK);
    assert_string_equal(bringup_fail_step(&r->bu), "netstack");
    assert_string_equal(bringup_fail_reason(&r->bu), "inval");
    assert_int_equal(r->masked, 0); /* unmasked on the way out too */
    assert_null(strstr(r->out, "netstack: ready"));
    /* The platform must have its three functions. */
    r->cfg.ns.dhcp = NS_DHCP_WIRE;
    struct bringup_platform bad = r->pf;
    bad.run_until = NULL;
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &bad), BRINGUP_ERR_INVAL);
    bad = r->pf;
    bad.puts = NULL;
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &bad), BRINGUP_ERR_INVAL);
    assert_int_equal(bringup_init(NULL, &r->ns, &r->cfg, &r->pf), BRINGUP_ERR_INVAL);
    assert_int_equal(bringup_init(&r->bu, NULL, &r->cfg, &r->pf), BRINGUP_ERR_INVAL);
    assert_int_equal(bringup_init(&r->bu, &r->ns, NULL, &r->pf), BRINGUP_ERR_INVAL);
    /* Without irq_mask (NULL: the platform has none) it works. */
    bad = r->pf;
    bad.irq_mask = NULL;
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &bad), BRINGUP_OK);
    rig_free(r);
}

/* Every step before bringup_init is refused; bad arguments to a step. */
static void test_order_and_args(void **state)
{
    (void)state;
    static struct bringup bu; /* zero: never set up */
    struct ns_ping_result res;
    struct bringup_stub *stub = NULL;
    assert_int_equal(bringup_dhcp(&bu), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_lo(&bu), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_pings(&bu, NULL), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_run(&bu, NULL), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_ping(&bu, 1, 1, &res), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_release(&bu, NULL), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_stop(&bu), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_stub_dhcp(&bu, NULL, stub), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_dhcp(NULL), BRINGUP_ERR_STATE);
    assert_int_equal(bringup_virt0_rx(NULL), 0);
    assert_string_equal(bringup_fail_step(NULL), "");
    assert_string_equal(bringup_fail_reason(&bu), "");
    bringup_say_device(NULL, NULL, 0, 0); /* nothing to print to: nothing */

    struct rig *r = rig_new(1, NULL);
    r->peer.answer_dhcp = false; /* virt0 stays unconfigured */
    assert_int_equal(bringup_init(&r->bu, &r->ns, &r->cfg, &r->pf), BRINGUP_OK);
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(127, 0, 0, 1), 0, &res), BRINGUP_ERR_INVAL);
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(127, 0, 0, 1), 70000, &res), BRINGUP_ERR_INVAL);
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(127, 0, 0, 1), 1, NULL), BRINGUP_ERR_INVAL);
    assert_string_equal(bringup_fail_step(&r->bu), "ping");
    /* virt0 unconfigured: the run takes place and gets nothing back,
     * which the result says. */
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(10, 0, 2, 2), 2, &res), BRINGUP_OK);
    assert_true(res.done);
    assert_int_equal(res.sent, 2);
    assert_int_equal(res.received, 0);
    /* A ping of the caller's own still running: ns_ping_start's reason. */
    struct ns_ping_params p = {NP_IPV4(127, 0, 0, 1), 1, 1, 8, 0, 0};
    assert_int_equal(ns_ping_start(&r->ns, &p), NS_OK);
    assert_int_equal(bringup_ping(&r->bu, NP_IPV4(127, 0, 0, 1), 1, &res), BRINGUP_ERR_NETSTACK);
    assert_string_equal(bringup_fail_step(&r->bu), "ping");
    assert_string_equal(bringup_fail_reason(&r->bu), "busy");
    rig_free(r);
}

/* The device line for another slot, MAC and MTU, in 8 hex digits. */
static void test_device_line(void **state)
{
    (void)state;
    struct rig *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, 2);
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    memcpy(fc.mac, mac, 6);
    assert_int_equal(vnet_harness_open_cfg(&r->h, &fc, NULL), 0);
    assert_int_equal(vnet_harness_up(&r->h), VNET_OK);
    r->pf = (struct bringup_platform){rig_puts, rig_run_until, NULL, r};
    bringup_say_device(&r->pf, &r->h.dev, 0x1000a000u, 3);
    assert_string_equal(r->out, "virtionet: ready\n"
                                "virtionet: mmio=0x1000a000 irq=3 mac=52:54:00:ab:cd:ef mtu=1500 "
                                "virtio=modern\n");
    vnet_harness_close(&r->h);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),           cmocka_unit_test(test_sequence_markers),
        cmocka_unit_test(test_no_router),          cmocka_unit_test(test_no_lease),
        cmocka_unit_test(test_no_reply),           cmocka_unit_test(test_stub_dhcp),
        cmocka_unit_test(test_stop_waits_for_arp), cmocka_unit_test(test_stop_waits_for_tx),
        cmocka_unit_test(test_stop_after_restart), cmocka_unit_test(test_stub_failures),
        cmocka_unit_test(test_init_failures),      cmocka_unit_test(test_order_and_args),
        cmocka_unit_test(test_device_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
