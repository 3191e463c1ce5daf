/*
 * The hand-over (ns_handover): the netstack brings virt0 up on the fake
 * device with the stub network behind it, gets a lease, and gives the live
 * frontend and the lease to a new owner, played here by the test with the
 * frontend's own calls and the DHCP client's. Frames the device delivered
 * after the last poll reach the new owner exactly once; the device saw one
 * initialisation; the netstack refuses to touch it afterwards (an error
 * and a counter, and not a register access), and keeps lo; the handed-over
 * client renews at T1 through the stub network, driven by the new owner.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netstack/handover.h"
#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define DNS NP_IPV4(10, 0, 2, 3)
#define MASK24 NP_IPV4(255, 255, 255, 0)
#define NFRAMES 5u

/* A bound host that has pinged the peer (so ARP knows it). */
static struct nt *bound_rig(uint32_t version, struct nt_inits *inits)
{
    struct nt *t = nt_wire(version, NULL, inits);
    t->cfg.dhcp = NS_DHCP_WIRE;
    t->cfg.dhcp_client.seed = 7;
    assert_int_equal(nt_start(t), NS_OK);
    t->now = 1000;
    nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    struct ns_ping_params p = {PEER, 0x55, 1, 16, 0, 5000};
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    nt_run_until(t, NS_EV_PING_DONE, 20);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    ns_ping_stop(&t->ns);
    assert_int_equal(r.received, 1); /* nothing left in the ring */
    return t;
}

/* A UDP frame to us carrying its sequence number. */
static size_t seq_frame(uint8_t *f, uint32_t seq)
{
    uint8_t data[8];
    np_put32(data, 0x5eb0f00du);
    np_put32(data + 4, seq);
    return nt_udp_frame(f, nt_our_mac, nt_peer_mac, PEER, OUR, 5000, 6000, data, sizeof(data));
}

/* The new owner's receive side: the sequence numbers, in order. */
struct owner {
    unsigned n, other;
    uint32_t seq[2 * NFRAMES];
    struct dhcp_client *dhcp;
    uint64_t now;
    enum dhcp_client_event ev;
};

static void owner_rx(void *ctx, const uint8_t *frame, size_t len)
{
    struct owner *o = ctx;
    struct np_udp_frame u;
    if (np_udp_frame_parse(frame, len, &u) == NP_OK && u.dst_port == 6000 && u.payload_len == 8 &&
        np_get32(u.payload) == 0x5eb0f00du) {
        if (o->n < 2 * NFRAMES)
            o->seq[o->n] = np_get32(u.payload + 4);
        o->n++;
        return;
    }
    o->other++;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    if (o->dhcp && dhcp_client_input_frame(o->dhcp, o->now, frame, len, &ev) == DHCP_OK &&
        ev != DHCP_CLIENT_EV_NONE)
        o->ev = ev;
}

static void handover(uint32_t version)
{
    struct nt_inits inits;
    struct nt *t = bound_rig(version, &inits);
    struct ns_counters c0 = nt_cnt(t);
    uint64_t resets = t->h.fake.stats.resets;
    assert_int_equal(inits.driver_ok, 1);
    assert_int_equal(inits.resets, 1);
    /* A packet held for an address nobody answers: dropped at hand-over. */
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 6001, q, 1), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &s, NP_IPV4(10, 0, 2, 77), 9, "held", 4), NS_OK);
    assert_true(ns_arp_pending(&t->ns));
    /* Frames the device delivers after the last poll, and their interrupt
     * taken by the netstack: they are in the ring, not yet polled. */
    uint8_t f[NS_FRAME_MAX];
    for (uint32_t i = 0; i < NFRAMES; i++)
        assert_int_equal(fake_vnet_inject(&t->h.fake, f, seq_frame(f, i)), 0);
    assert_int_equal(ns_irq(&t->ns), NS_OK);
    uint64_t delivered = t->h.fake.stats.rx_delivered;

    struct ns_handover ho;
    assert_int_equal(ns_handover(&t->ns, &ho), NS_OK);
    /* What moved. */
    assert_ptr_equal(ho.dev, &t->h.dev);
    assert_int_equal(vnet_state(ho.dev), VNET_STATE_READY);
    assert_int_equal(ho.virt0.addr, OUR);
    assert_int_equal(ho.virt0.mask, MASK24);
    assert_int_equal(ho.virt0.gw, PEER);
    assert_int_equal(ho.virt0.dns, DNS);
    assert_int_equal(ho.virt0.mtu, 1500);
    assert_memory_equal(ho.virt0.mac, nt_our_mac, 6);
    assert_int_equal(ho.now_ms, t->now);
    assert_true(ho.irq_seen);
    assert_int_equal(ho.dhcp_mode, NS_DHCP_WIRE);
    assert_int_equal(dhcp_client_state(&ho.dhcp), DHCP_CLIENT_BOUND);
    assert_non_null(dhcp_client_lease(&ho.dhcp));
    assert_int_equal(dhcp_client_lease(&ho.dhcp)->addr, OUR);
    assert_int_equal(ho.n_arp, 1);
    assert_int_equal(ho.arp[0].ip, PEER);
    assert_memory_equal(ho.arp[0].mac, nt_peer_mac, 6);
    assert_true(ho.arp[0].expire_ms > ho.now_ms);
    assert_int_equal(ho.arp_left, 0);
    assert_int_equal(ho.held_dropped, 1);
    assert_int_equal(nt_cnt(t).arp_unresolved, c0.arp_unresolved + 1);
    assert_false(ns_arp_pending(&t->ns));

    /* The new owner's first poll gets every frame once, in order. */
    struct owner o;
    memset(&o, 0, sizeof(o));
    unsigned got = 0;
    assert_int_equal(vnet_rx_poll(ho.dev, 64, owner_rx, &o, &got), VNET_OK);
    assert_int_equal(got, NFRAMES);
    assert_int_equal(o.n, NFRAMES);
    assert_int_equal(o.other, 0);
    for (uint32_t i = 0; i < NFRAMES; i++)
        assert_int_equal(o.seq[i], i);
    assert_int_equal(vnet_rx_poll(ho.dev, 64, owner_rx, &o, &got), VNET_OK);
    assert_int_equal(got, 0);
    assert_int_equal(t->h.fake.stats.rx_delivered, delivered);
    assert_int_equal(nt_cnt(t).rx_frames[NS_IF_VIRT0] + NFRAMES, delivered);
    /* One initialisation, before the hand-over, and none since. */
    assert_int_equal(inits.driver_ok, 1);
    assert_int_equal(inits.resets, 1);
    assert_int_equal(t->h.fake.stats.resets, resets);

    /* The netstack no longer touches it: each call refused and counted,
     * no register read, no frame sent, the interrupt left to the owner. */
    uint64_t reads = t->h.fake.stats.status_reads;
    uint64_t tx = t->h.fake.stats.tx_frames;
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, seq_frame(f, 99)), 0);
    assert_true(fake_vnet_irq_line(&t->h.fake));
    assert_int_equal(nt_poll(t), NS_ERR_HANDED_OVER);
    assert_int_equal(ns_irq(&t->ns), NS_ERR_HANDED_OVER);
    assert_true(fake_vnet_irq_line(&t->h.fake));
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "no", 2), NS_ERR_HANDED_OVER);
    assert_int_equal(ns_virt0_restart(&t->ns), NS_ERR_HANDED_OVER);
    assert_int_equal(ns_dhcp_release(&t->ns), NS_ERR_HANDED_OVER);
    struct ns_handover again;
    assert_int_equal(ns_handover(&t->ns, &again), NS_ERR_HANDED_OVER);
    struct ns_counters c1 = nt_cnt(t);
    assert_int_equal(c1.handover_refused, c0.handover_refused + 6);
    assert_int_equal(c1.tx_no_device, c0.tx_no_device + 1);
    assert_int_equal(t->h.fake.stats.status_reads, reads);
    assert_int_equal(t->h.fake.stats.tx_frames, tx);
    assert_int_equal(c1.rx_frames[NS_IF_VIRT0], c0.rx_frames[NS_IF_VIRT0]);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_STOPPED);
    assert_null(ns_dhcp_lease(&t->ns));
    /* The owner takes its interrupt and the frame. */
    uint32_t bits = 0;
    assert_int_equal(vnet_irq(ho.dev, &bits), VNET_OK);
    assert_int_not_equal(bits, 0);
    assert_int_equal(vnet_rx_poll(ho.dev, 64, owner_rx, &o, &got), VNET_OK);
    assert_int_equal(got, 1);
    assert_int_equal(o.seq[NFRAMES], 99);

    /* lo still works, and so does the host's own virt0 address (via lo). */
    static const uint32_t dsts[2] = {NS_LOOPBACK_ADDR, OUR};
    for (unsigned k = 0; k < 2; k++) {
        struct ns_ping_params p = {dsts[k], 0x66, 2, 16, 0, 100};
        struct ns_ping_result r;
        assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
        for (unsigned i = 0; i < 4; i++)
            assert_int_equal(nt_poll(t), NS_ERR_HANDED_OVER);
        ns_ping_get(&t->ns, &r);
        assert_int_equal(r.received, 2);
        ns_ping_stop(&t->ns);
    }
    assert_int_equal(t->h.fake.stats.tx_frames, tx);
    assert_int_equal(t->h.fake.violations, 0);
    nt_free(t);
}

static void test_handover_legacy(void **state)
{
    (void)state;
    handover(1);
}

static void test_handover_modern(void **state)
{
    (void)state;
    handover(2);
}

/* The handed-over client, driven by the new owner through the frontend:
 * at T1 it unicasts a REQUEST to the server, at the MAC the netstack
 * handed over, and the ACK makes it RENEWED, on the same device, with no
 * reset in between. */
static void test_handed_over_client_renews(void **state)
{
    (void)state;
    struct nt_inits inits;
    struct nt *t = bound_rig(1, &inits);
    struct ns_handover ho;
    assert_int_equal(ns_handover(&t->ns, &ho), NS_OK);
    const struct dhcp_lease *l = dhcp_client_lease(&ho.dhcp);
    assert_non_null(l);
    uint64_t t1 = l->t1_ms, expire = l->expire_ms;
    assert_int_equal(dhcp_client_deadline(&ho.dhcp), t1);
    struct dhcp_server_stats s0;
    dhcp_server_get_stats(&t->peer.dhcp, &s0);

    struct owner o;
    memset(&o, 0, sizeof(o));
    o.dhcp = &ho.dhcp;
    o.now = t1;
    (void)fake_backend_poll(&t->be, t1);
    static uint8_t frame[NS_FRAME_MAX];
    struct dhcp_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.buf = frame + NP_UDP_FRAME_HLEN;
    tx.cap = DHCP_MSG_BUILD_MAX;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    assert_int_equal(dhcp_client_poll(&ho.dhcp, t1, &tx, &ev), DHCP_OK);
    assert_int_equal(dhcp_client_state(&ho.dhcp), DHCP_CLIENT_RENEWING);
    assert_int_equal(tx.dest, DHCP_DEST_UNICAST);
    assert_int_equal(tx.dst_ip, ho.arp[0].ip);
    size_t n;
    assert_int_equal(dhcp_tx_frame(&tx, ho.virt0.mac, ho.arp[0].mac, frame, sizeof(frame), &n),
                     DHCP_OK);
    assert_memory_equal(frame, nt_peer_mac, 6);
    assert_int_equal(vnet_send(ho.dev, frame, n), VNET_OK);
    unsigned got = 0;
    assert_int_equal(vnet_rx_poll(ho.dev, 64, owner_rx, &o, &got), VNET_OK);
    assert_int_equal(got, 1);
    assert_int_equal(o.ev, DHCP_CLIENT_EV_RENEWED);
    assert_int_equal(dhcp_client_state(&ho.dhcp), DHCP_CLIENT_BOUND);
    assert_true(dhcp_client_lease(&ho.dhcp)->expire_ms > expire);
    assert_int_equal(dhcp_client_lease(&ho.dhcp)->addr, OUR);
    struct dhcp_server_stats s1;
    dhcp_server_get_stats(&t->peer.dhcp, &s1);
    assert_int_equal(s1.requests, s0.requests + 1);
    assert_int_equal(s1.acks, s0.acks + 1);
    assert_int_equal(t->peer.stats.arp_replies, 1); /* the netstack's one, before */
    assert_int_equal(inits.driver_ok, 1);
    assert_int_equal(inits.resets, 1);
    assert_int_equal(t->h.fake.violations, 0);
    nt_free(t);
}

/* Nothing live to give: no device, a broken one, inside a poll. On error
 * nothing changes and out is untouched. */
static struct nt *poll_t;
static int poll_rc = 1;
static void handover_from_event(void *ctx, const struct ns_event *ev)
{
    (void)ctx;
    (void)ev;
    struct ns_handover ho;
    poll_rc = ns_handover(&poll_t->ns, &ho);
}

static void test_handover_refused(void **state)
{
    (void)state;
    static struct ns_handover ho;
    memset(&ho, 0xa5, sizeof(ho));
    struct nt *u = nt_new(false);
    assert_int_equal(nt_start(u), NS_OK);
    assert_int_equal(ns_handover(&u->ns, &ho), NS_ERR_NO_DEVICE);
    assert_int_equal(ns_handover(NULL, &ho), NS_ERR_INVAL);
    assert_int_equal(ns_handover(&u->ns, NULL), NS_ERR_INVAL);
    nt_free(u);

    struct nt *t = nt_new(true);
    assert_int_equal(nt_start(t), NS_OK);
    fake_vnet_needs_reset(&t->h.fake);
    assert_int_equal(ns_irq(&t->ns), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(ns_handover(&t->ns, &ho), NS_ERR_DEVICE_BROKEN);
    assert_int_equal(((const uint8_t *)&ho)[0], 0xa5);
    /* Brought back, it can go. */
    assert_int_equal(ns_virt0_restart(&t->ns), NS_OK);
    assert_int_equal(ns_handover(&t->ns, &ho), NS_OK);
    assert_ptr_equal(ho.dev, &t->h.dev);
    assert_int_equal(ho.dhcp_mode, NS_DHCP_OFF);
    assert_int_equal(dhcp_client_state(&ho.dhcp), DHCP_CLIENT_STOPPED);
    nt_free(t);

    struct nt *w = nt_new(true);
    w->cfg.dhcp = NS_DHCP_STUB;
    w->cfg.event = handover_from_event;
    poll_t = w;
    assert_int_equal(nt_start(w), NS_OK);
    assert_int_equal(nt_poll(w), NS_OK); /* BOUND raised inside the poll */
    assert_int_equal(poll_rc, NS_ERR_BUSY);
    nt_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handover_legacy),
        cmocka_unit_test(test_handover_modern),
        cmocka_unit_test(test_handed_over_client_renews),
        cmocka_unit_test(test_handover_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
