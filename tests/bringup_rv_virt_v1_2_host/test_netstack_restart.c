/*
 * virt0's device breaking, and coming back: the netstack on the fake
 * device with the stub network behind it. A broken used ring and a
 * DEVICE_NEEDS_RESET each give NS_ERR_DEVICE_BROKEN with the frontend's
 * own error kept, the device is left alone until ns_virt0_restart, which
 * initialises it once more and reboots the lease (RFC 2131 §3.2), and
 * traffic flows again. A restart that fails says why and may be retried.
 * And ns_work_pending, which tells a caller about to sleep to poll again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define MASK24 NP_IPV4(255, 255, 255, 0)

static struct nt *wire_rig(uint32_t version, struct nt_inits *inits)
{
    struct nt *t = nt_wire(version, NULL, inits);
    t->cfg.dhcp = NS_DHCP_WIRE;
    t->cfg.dhcp_client.seed = 42;
    assert_int_equal(nt_start(t), NS_OK);
    t->now = 1000;
    nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    return t;
}

static void expect_ping(struct nt *t)
{
    struct ns_ping_params p = {PEER, 0x99, 2, 32, 100, 1000};
    struct ns_ping_result r;
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    nt_run_until(t, NS_EV_PING_DONE, 50);
    ns_ping_get(&t->ns, &r);
    ns_ping_stop(&t->ns);
    assert_int_equal(r.sent, 2);
    assert_int_equal(r.received, 2);
    assert_int_equal(r.errors, 0);
}

static struct dhcp_server_stats srv_stats(const struct nt *t)
{
    struct dhcp_server_stats s;
    dhcp_server_get_stats(&t->peer.dhcp, &s);
    return s;
}

/* While broken, a poll touches nothing: no register read, no notify. */
static void expect_left_alone(struct nt *t, int vnet_err)
{
    uint64_t reads = t->h.fake.stats.status_reads;
    uint64_t notifies = t->h.fake.q[0].notifies + t->h.fake.q[1].notifies;
    uint32_t errors = nt_cnt(t).dev_errors;
    assert_int_equal(nt_poll(t), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(nt_poll(t), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(t->h.fake.stats.status_reads, reads);
    assert_int_equal(t->h.fake.q[0].notifies + t->h.fake.q[1].notifies, notifies);
    assert_int_equal(nt_cnt(t).dev_errors, errors); /* said once, not once a poll */
    assert_int_equal(ns_virt0_error(&t->ns), vnet_err);
    /* Sends to it are refused and counted. */
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    uint32_t refused = nt_cnt(t).tx_dev_refused;
    assert_int_equal(ns_udp_bind(&t->ns, &s, 4000, q, 1), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 7, "x", 1), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(nt_cnt(t).tx_dev_refused, refused + 1);
    assert_int_equal(ns_udp_close(&t->ns, &s), NS_OK);
}

/* The restart: one more init, the lease rebooted with a broadcast REQUEST
 * (no DISCOVER), the same address again, and traffic. */
static void restart_and_check(struct nt *t, const struct nt_inits *inits)
{
    uint64_t resets = t->h.fake.stats.resets;
    struct dhcp_server_stats s0 = srv_stats(t);
    unsigned nev = t->nev;
    assert_int_equal(ns_virt0_restart(&t->ns), NS_OK);
    assert_int_equal(inits->driver_ok, 2);
    assert_int_equal(t->h.fake.stats.resets, resets + 1);
    assert_int_equal(vnet_state(&t->h.dev), VNET_STATE_READY);
    assert_int_equal(ns_virt0_error(&t->ns), VNET_OK);
    /* Unconfigured until the ACK, and the caller is told. */
    assert_int_equal(t->nev, nev + 1);
    assert_int_equal(t->ev[nev].type, NS_EV_DHCP_LOST);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, 0);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_INIT_REBOOT);
    unsigned k = nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    assert_int_equal(t->ev[k].addr, OUR);
    struct dhcp_server_stats s1 = srv_stats(t);
    assert_int_equal(s1.discovers, s0.discovers);
    assert_int_equal(s1.requests, s0.requests + 1);
    assert_int_equal(s1.acks, s0.acks + 1);
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, OUR);
    expect_ping(t);
    /* The frontend's counters carried on across the init: they agree with
     * the netstack's and with what the fake moved. */
    struct vnet_counters v;
    vnet_counters(&t->h.dev, &v);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.rx_frames[NS_IF_VIRT0], v.rx_frames);
    assert_int_equal(c.rx_frames[NS_IF_VIRT0], t->h.fake.stats.rx_delivered);
    assert_int_equal(c.tx_frames[NS_IF_VIRT0], v.tx_frames);
    assert_int_equal(t->h.fake.violations, 0);
}

static void broken_used_ring(uint32_t version)
{
    struct nt_inits inits;
    struct nt *t = wire_rig(version, &inits);
    expect_ping(t);
    /* used->idx jumps past what the device holds: the ring is garbage. */
    fake_vnet_used_idx_move(&t->h.fake, VNET_RX_QUEUE, (uint16_t)(t->h.cfg.rx_queue_size + 1u));
    assert_int_equal(nt_poll(t), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(vnet_state(&t->h.dev), VNET_STATE_BROKEN);
    assert_int_equal(ns_virt0_error(&t->ns), VNET_ERR_USED_IDX);
    assert_int_equal(nt_cnt(t).dev_errors, 1);
    expect_left_alone(t, VNET_ERR_USED_IDX);
    restart_and_check(t, &inits);
    nt_free(t);
}

static void test_broken_used_ring_legacy(void **state)
{
    (void)state;
    broken_used_ring(1);
}

static void test_broken_used_ring_modern(void **state)
{
    (void)state;
    broken_used_ring(2);
}

/* DEVICE_NEEDS_RESET arrives with a config-change interrupt: ns_irq
 * acknowledges it and says so, and the poll agrees. */
static void test_needs_reset_then_restart(void **state)
{
    (void)state;
    struct nt_inits inits;
    struct nt *t = wire_rig(2, &inits);
    fake_vnet_needs_reset(&t->h.fake);
    assert_true(fake_vnet_irq_line(&t->h.fake));
    assert_int_equal(ns_irq(&t->ns), NS_ERR_DEVICE_BROKEN);
    assert_false(fake_vnet_irq_line(&t->h.fake)); /* acknowledged all the same */
    assert_int_equal(ns_virt0_error(&t->ns), VNET_ERR_NEEDS_RESET);
    expect_left_alone(t, VNET_ERR_NEEDS_RESET);
    restart_and_check(t, &inits);
    nt_free(t);
}

/* The device does not come back (its reset never completes): the restart
 * says so, polls keep saying so, and a second restart brings it back. */
static void test_restart_that_fails(void **state)
{
    (void)state;
    struct nt_inits inits;
    struct nt *t = wire_rig(1, &inits);
    fake_vnet_needs_reset(&t->h.fake);
    assert_int_equal(ns_irq(&t->ns), NS_ERR_DEVICE_BROKEN);
    fake_vnet_fault(&t->h.fake, FAKE_FAULT_RESET_STUCK, 1);
    assert_int_equal(ns_virt0_restart(&t->ns), NS_ERR_DEVICE);
    assert_int_equal(ns_virt0_error(&t->ns), VNET_ERR_RESET);
    assert_int_not_equal(vnet_state(&t->h.dev), VNET_STATE_READY);
    assert_int_equal(nt_poll(t), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(ns_virt0_error(&t->ns), VNET_ERR_RESET);
    assert_int_equal(inits.driver_ok, 1);
    restart_and_check(t, &inits);
    nt_free(t);
}

/* Restarting inside a poll (from an event callback) is refused. */
static struct nt *busy_t;
static int busy_rc = 1;
static void restart_from_event(void *ctx, const struct ns_event *ev)
{
    (void)ctx;
    (void)ev;
    busy_rc = ns_virt0_restart(&busy_t->ns);
}

static void test_restart_inside_poll_is_busy(void **state)
{
    (void)state;
    struct nt *t = nt_new(true);
    t->cfg.dhcp = NS_DHCP_STUB;
    t->cfg.event = restart_from_event;
    busy_t = t;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK); /* BOUND, from inside the poll */
    assert_int_equal(busy_rc, NS_ERR_BUSY);
    assert_int_equal(ns_virt0_restart(NULL), NS_ERR_INVAL);
    nt_free(t);
    struct nt *u = nt_new(false);
    assert_int_equal(nt_start(u), NS_OK);
    assert_int_equal(ns_virt0_restart(&u->ns), NS_ERR_NO_DEVICE);
    nt_free(u);
}

/* A static address is announced again after the restart; the client of a
 * lease not yet bound starts over with a DISCOVER. */
static void test_restart_static_and_unbound(void **state)
{
    (void)state;
    struct nt *t = nt_new(true);
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    unsigned cap0 = t->ncap;
    assert_int_equal(ns_virt0_restart(&t->ns), NS_OK);
    assert_int_equal(t->ncap, cap0 + 1);
    struct np_eth e;
    struct np_arp a;
    assert_int_equal(np_eth_parse(t->cap[cap0].b, t->cap[cap0].len, &e), NP_OK);
    assert_int_equal(np_arp_parse(e.payload, e.payload_len, &a), NP_OK);
    assert_int_equal(a.spa, OUR);
    assert_int_equal(a.tpa, OUR);
    nt_free(t);

    struct nt_inits inits;
    struct nt *w = nt_new(false);
    assert_int_equal(vnet_harness_open(&w->h, 1, NULL), 0);
    assert_int_equal(nt_up_counted(&w->h, &inits), VNET_OK);
    w->have_dev = true;
    assert_int_equal(stub_net_init(&w->peer, NULL), 0);
    w->peer.answer_dhcp = false;
    w->be = stub_net_backend(&w->peer);
    fake_vnet_attach(&w->h.fake, &w->be);
    w->cfg.virt0 = &w->h.dev;
    w->cfg.dhcp = NS_DHCP_WIRE;
    assert_int_equal(nt_start(w), NS_OK);
    assert_int_equal(nt_poll(w), NS_OK); /* DISCOVER */
    assert_int_equal(ns_dhcp_state(&w->ns), DHCP_CLIENT_SELECTING);
    unsigned nev = w->nev;
    assert_int_equal(ns_virt0_restart(&w->ns), NS_OK);
    assert_int_equal(w->nev, nev); /* nothing was configured: no LOST */
    assert_int_equal(ns_dhcp_state(&w->ns), DHCP_CLIENT_INIT);
    w->peer.answer_dhcp = true;
    nt_run_until(w, NS_EV_DHCP_BOUND, 20);
    assert_int_equal(inits.driver_ok, 2);
    nt_free(w);
}

/* The budget used up on virt0, lo holding frames, an interrupt taken: each
 * is work a caller must poll for before it sleeps. */
static void test_work_pending(void **state)
{
    (void)state;
    struct nt *t = nt_new(true);
    t->cfg.rx_budget = 2;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    assert_false(ns_work_pending(&t->ns));
    uint8_t f[NS_FRAME_MAX];
    for (uint16_t seq = 0; seq < 3; seq++)
        assert_int_equal(fake_vnet_inject(&t->h.fake, f,
                                          nt_echo_frame(f, nt_our_mac, nt_peer_mac, PEER,
                                                        NP_IPV4(10, 0, 2, 99), 1, seq, 8)),
                         0);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).rx_frames[NS_IF_VIRT0], 2);
    assert_true(ns_work_pending(&t->ns));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).rx_frames[NS_IF_VIRT0], 3);
    assert_false(ns_work_pending(&t->ns));
    /* lo: three frames queued, two taken a poll. */
    for (uint16_t seq = 0; seq < 3; seq++) {
        size_t n = nt_echo_frame(f, nt_bcast, nt_bcast, NP_IPV4(127, 0, 0, 1), NP_IPV4(10, 9, 9, 9),
                                 1, seq, 8);
        memset(f, 0, 12);
        assert_int_equal(ns_lo_inject(&t->ns, f, n), NS_OK);
    }
    assert_true(ns_work_pending(&t->ns));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_true(ns_work_pending(&t->ns));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_false(ns_work_pending(&t->ns));
    /* An interrupt: pending until the next poll. */
    fake_vnet_raise(&t->h.fake, VNET_INT_USED_BUFFER);
    assert_int_equal(ns_irq(&t->ns), NS_OK);
    assert_true(ns_work_pending(&t->ns));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_false(ns_work_pending(&t->ns));
    assert_false(ns_work_pending(NULL));
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_broken_used_ring_legacy),
        cmocka_unit_test(test_broken_used_ring_modern),
        cmocka_unit_test(test_needs_reset_then_restart),
        cmocka_unit_test(test_restart_that_fails),
        cmocka_unit_test(test_restart_inside_poll_is_busy),
        cmocka_unit_test(test_restart_static_and_unbound),
        cmocka_unit_test(test_work_pending),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
