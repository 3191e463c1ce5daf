/*
 * The netstack's side of issue 12's DHCP items, on the wire through the
 * fake virtio-mmio device with the stub network behind it: the RFC 5227 probe
 * (the frames byte for byte, BOUND exactly ANNOUNCE_WAIT after the last
 * probe, two announcements), a conflict (DECLINE byte for byte, DISCOVER
 * 10 s later), stub mode never probing, and RELEASE on an orderly stop
 * (ns_dhcp_release: unicast to the server's MAC from ARP, virt0
 * unconfigured).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define SEED 42u

static const uint8_t zero6[6] = {0};
static const uint8_t intruder[6] = {0x52, 0x54, 0x00, 0x66, 0x77, 0x88};

/* Every frame virt0 sent, in order, with the time it went. */
#define REC_MAX 64u
struct rec {
    struct nt *t;
    unsigned n;
    struct nt_frame f[REC_MAX];
    uint64_t at[REC_MAX];
};
static struct rec rec;

static void rec_tap(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame, size_t len)
{
    nt_tap_fn(ctx, ifid, dir, frame, len);
    if (ifid != NS_IF_VIRT0 || dir != NS_DIR_TX || rec.n >= REC_MAX)
        return;
    rec.f[rec.n].len = len;
    memcpy(rec.f[rec.n].b, frame, len);
    rec.at[rec.n] = rec.t->now;
    rec.n++;
}

static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static struct nt *wire(bool probe)
{
    struct nt *t = nt_wire(1, NULL, NULL);
    t->cfg.dhcp = NS_DHCP_WIRE;
    t->cfg.dhcp_client.seed = SEED;
    t->cfg.dhcp_client.probe.enabled = probe;
    t->cfg.tap = rec_tap;
    memset(&rec, 0, sizeof rec);
    rec.t = t;
    assert_int_equal(nt_start(t), NS_OK);
    t->now = 1000;
    return t;
}

/* One poll at t->now; the events it raised are those from `from` on. */
static void step(struct nt *t)
{
    assert_int_equal(nt_poll(t), NS_OK);
}

static bool saw(const struct nt *t, unsigned from, enum ns_event_type type)
{
    for (unsigned k = from; k < t->nev && k < NT_EV; k++)
        if (t->ev[k].type == type)
            return true;
    return false;
}

/* The 60-byte probe frame of RFC 5227 §2.1.1. */
static void expect_probe_frame(unsigned i)
{
    uint8_t want[60];
    memset(want, 0, sizeof want);
    memset(want, 0xff, 6);
    memcpy(want + 6, nt_our_mac, 6);
    want[12] = 0x08, want[13] = 0x06;
    const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1, 0x02, 0, 0,  0, 0, 1,
                             0, 0, 0, 0, 0, 0, 0, 0, 0,    0, 10, 0, 2, 15};
    memcpy(want + 14, arp, sizeof arp);
    assert_true(i < rec.n);
    assert_int_equal(rec.f[i].len, 60);
    assert_memory_equal(rec.f[i].b, want, 60);
}

static bool is_probe(unsigned i)
{
    return rec.f[i].len == 60 && rec.f[i].b[12] == 0x08 && rec.f[i].b[13] == 0x06 &&
           np_get32(rec.f[i].b + 14 + 14) == 0;
}

/* Polls 1 ms at a time until the client is CHECKING (the ACK came). */
static void run_to_checking(struct nt *t)
{
    for (int i = 0; i < 20 && ns_dhcp_state(&t->ns) != DHCP_CLIENT_CHECKING; i++, t->now++)
        step(t);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_CHECKING);
    t->now--; /* the poll that got the ACK */
}

/* The probe with nobody objecting (our own probe echoed back by the link
 * included): three probes, virt0 unconfigured meanwhile, BOUND exactly
 * ANNOUNCE_WAIT (2 s) after the last probe, then two announcements 2 s
 * apart (RFC 5227 §2.3). */
static void test_probe_on_the_wire_then_bound(void **state)
{
    (void)state;
    struct nt *t = wire(true);
    run_to_checking(t);
    unsigned probes = 0;
    uint64_t last_probe = 0, bound_at = 0;
    for (int i = 0; i < 20000 && bound_at == 0; i++) {
        unsigned n0 = rec.n, e0 = t->nev;
        step(t);
        for (unsigned k = n0; k < rec.n; k++) {
            if (is_probe(k)) {
                expect_probe_frame(k);
                probes++;
                last_probe = t->now;
                /* The link echoes it back: not a conflict. */
                assert_int_equal(fake_vnet_inject(&t->h.fake, rec.f[k].b, rec.f[k].len), 0);
            }
        }
        if (saw(t, e0, NS_EV_DHCP_BOUND)) {
            bound_at = t->now;
            break;
        }
        struct ns_if_info i0;
        assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i0), NS_OK);
        assert_int_equal(i0.addr, 0);
        t->now++;
    }
    assert_int_equal(probes, 3);
    assert_int_equal(bound_at, last_probe + 2000);
    assert_int_equal(nt_cnt(t).arp_probe_out, 3);
    assert_int_equal(nt_cnt(t).dhcp_declined, 0);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, OUR);
    /* The first announcement with BOUND, the second 2 s later. */
    unsigned ann = rec.n - 1;
    assert_int_equal(rec.at[ann], bound_at);
    assert_int_equal(np_get32(rec.f[ann].b + 28), OUR);
    assert_int_equal(np_get32(rec.f[ann].b + 38), OUR);
    assert_int_equal(ns_next_deadline(&t->ns), bound_at + 2000);
    t->now = bound_at + 1999;
    step(t);
    assert_int_equal(rec.n, ann + 1);
    t->now = bound_at + 2000;
    step(t);
    assert_int_equal(rec.n, ann + 2);
    assert_memory_equal(rec.f[ann + 1].b, rec.f[ann].b, rec.f[ann].len);
    t->now = bound_at + 10000;
    step(t);
    assert_int_equal(rec.n, ann + 2); /* two, no more */
    nt_free(t);
}

/* The DECLINE frame: Ethernet and IPv4 broadcast from 0.0.0.0, UDP 68 to
 * 67, the message of RFC 2131 table 5 with xid `xid`; IP id `ip_id`. */
static void expect_decline_frame(unsigned i, uint32_t xid, uint16_t ip_id)
{
    uint8_t want[NS_FRAME_MAX];
    memset(want, 0, sizeof want);
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.type = DHCP_DECLINE;
    m.xid = xid;
    memcpy(m.chaddr, nt_our_mac, 6);
    m.present = DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
    m.requested_ip = OUR;
    m.server_id = PEER;
    m.client_id[0] = 1;
    memcpy(m.client_id + 1, nt_our_mac, 6);
    m.client_id_len = 7;
    size_t len, n;
    assert_int_equal(dhcp_msg_build(&m, want + 42, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    struct np_udp u = {68, 67, false, NULL, 0};
    assert_int_equal(np_udp_build(want + 34, sizeof want - 34, &u, 0, NP_IPV4_BROADCAST, len, &n),
                     NP_OK);
    struct np_ipv4 h;
    memset(&h, 0, sizeof h);
    h.ttl = 64;
    h.proto = NP_IP_PROTO_UDP;
    h.id = ip_id;
    h.dst = NP_IPV4_BROADCAST;
    assert_int_equal(np_ipv4_build(want + 14, sizeof want - 14, &h, n, &n), NP_OK);
    struct np_eth e = {.type = NP_ETHERTYPE_IPV4};
    memset(e.dst, 0xff, 6);
    memcpy(e.src, nt_our_mac, 6);
    assert_int_equal(np_eth_build(want, sizeof want, &e, n, &n), NP_OK);
    assert_true(i < rec.n);
    assert_int_equal(rec.f[i].len, n);
    assert_memory_equal(rec.f[i].b, want, n);
    /* ciaddr 0 on the wire (offset 42 + 12). */
    assert_int_equal(np_get32(rec.f[i].b + 54), 0);
}

/* Runs a conflict: `arp` from another host arrives while CHECKING. The
 * DECLINE goes out in that poll (the probe waits drawn so far decide its
 * xid), the peer's stub server takes the address out of use, DISCOVER
 * follows exactly 10 s later. */
static void conflict_on_the_wire(const struct np_arp *a)
{
    struct nt *t = wire(true);
    run_to_checking(t);
    t->now++;
    step(t); /* perhaps the first probe */
    unsigned probes = nt_cnt(t).arp_probe_out;
    uint8_t f[NS_FRAME_MAX];
    size_t n = nt_arp_frame(f, a->op == NP_ARP_REPLY ? nt_our_mac : nt_bcast, a->op, a->sha, a->spa,
                            a->tha, a->tpa);
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, n), 0);
    unsigned n0 = rec.n, e0 = t->nev;
    t->now++;
    step(t);
    assert_true(saw(t, e0, NS_EV_DHCP_DECLINED));
    assert_int_equal(t->ev[t->nev - 1].addr, OUR);
    assert_int_equal(nt_cnt(t).dhcp_declined, 1);
    assert_int_equal(rec.n, n0 + 1);
    uint64_t rng = SEED;
    (void)next64(&rng); /* the DISCOVER's xid */
    (void)next64(&rng); /* PROBE_WAIT */
    for (unsigned k = 0; k < probes && k < 2; k++)
        (void)next64(&rng); /* the wait after each probe */
    expect_decline_frame(n0, (uint32_t)(next64(&rng) >> 32), 2);
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&t->peer.dhcp, &st);
    assert_int_equal(st.declines, 1);
    assert_false(dhcp_server_lease_held(&t->peer.dhcp, t->now, NULL));
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, 0);
    uint64_t declined = t->now;
    assert_int_equal(ns_next_deadline(&t->ns), declined + 10000);
    t->now = declined + 9999;
    step(t);
    assert_int_equal(rec.n, n0 + 1);
    t->now = declined + 10000;
    step(t);
    assert_int_equal(rec.n, n0 + 2);
    struct np_udp_frame u;
    assert_int_equal(np_udp_frame_parse(rec.f[n0 + 1].b, rec.f[n0 + 1].len, &u), NP_OK);
    assert_int_equal(u.payload[240 + 2], DHCP_DISCOVER);
    nt_free(t);
}

/* A host that has the address answers the probe (ARP reply, sender IP =
 * the address, unicast to us). */
static void test_conflict_reply_declines(void **state)
{
    (void)state;
    const struct np_arp a = {
        NP_ARP_REPLY, {0x52, 0x54, 0x00, 0x66, 0x77, 0x88}, OUR, {0x02, 0, 0, 0, 0, 1}, 0};
    conflict_on_the_wire(&a);
}

/* Another host probing for the same address (sender IP 0). */
static void test_conflict_other_probe_declines(void **state)
{
    (void)state;
    struct np_arp a;
    memset(&a, 0, sizeof a);
    a.op = NP_ARP_REQUEST;
    memcpy(a.sha, intruder, 6);
    a.tpa = OUR;
    conflict_on_the_wire(&a);
}

/* Stub mode never probes, whatever cfg says: BOUND in the first poll. */
static void test_stub_mode_never_probes(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    t->cfg.dhcp = NS_DHCP_STUB;
    t->cfg.dhcp_client.probe.enabled = true;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->nev, 1);
    assert_int_equal(t->ev[0].type, NS_EV_DHCP_BOUND);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_BOUND);
    assert_int_equal(nt_cnt(t).arp_probe_out, 0);
    nt_free(t);
}

/* The RELEASE frame: to the peer's MAC, from our address to the server,
 * UDP 68 to 67, RFC 2131 table 5: ciaddr ours, option 54, secs 0, no
 * option 50, 55 or 57. */
static void expect_release_frame(unsigned i, uint32_t xid, uint16_t ip_id)
{
    uint8_t want[NS_FRAME_MAX];
    memset(want, 0, sizeof want);
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.type = DHCP_RELEASE;
    m.xid = xid;
    m.ciaddr = OUR;
    memcpy(m.chaddr, nt_our_mac, 6);
    m.present = DHCP_HAVE_SERVER_ID;
    m.server_id = PEER;
    m.client_id[0] = 1;
    memcpy(m.client_id + 1, nt_our_mac, 6);
    m.client_id_len = 7;
    size_t len, n;
    assert_int_equal(dhcp_msg_build(&m, want + 42, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    struct np_udp u = {68, 67, false, NULL, 0};
    assert_int_equal(np_udp_build(want + 34, sizeof want - 34, &u, OUR, PEER, len, &n), NP_OK);
    struct np_ipv4 h;
    memset(&h, 0, sizeof h);
    h.ttl = 64;
    h.proto = NP_IP_PROTO_UDP;
    h.id = ip_id;
    h.src = OUR;
    h.dst = PEER;
    assert_int_equal(np_ipv4_build(want + 14, sizeof want - 14, &h, n, &n), NP_OK);
    struct np_eth e = {.type = NP_ETHERTYPE_IPV4};
    memcpy(e.dst, nt_peer_mac, 6);
    memcpy(e.src, nt_our_mac, 6);
    assert_int_equal(np_eth_build(want, sizeof want, &e, n, &n), NP_OK);
    assert_true(i < rec.n);
    assert_int_equal(rec.f[i].len, n);
    assert_memory_equal(rec.f[i].b, want, n);
}

/* RFC 2131 §4.4.6 on an orderly stop: the server's MAC is not cached, so
 * ns_dhcp_release sends an ARP request and holds the RELEASE; the peer's
 * reply lets it go, the peer's server frees the lease, virt0 is
 * unconfigured, DHCP stays stopped. */
static void test_release_on_the_wire(void **state)
{
    (void)state;
    struct nt *t = wire(false);
    for (int i = 0; i < 20 && ns_dhcp_state(&t->ns) != DHCP_CLIENT_BOUND; i++, t->now++)
        step(t);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_BOUND);
    assert_true(dhcp_server_lease_held(&t->peer.dhcp, t->now, NULL));
    uint8_t mac[6];
    assert_int_equal(ns_arp_lookup(&t->ns, PEER, mac), NS_ERR_NOT_FOUND);
    unsigned n0 = rec.n, e0 = t->nev;
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_true(saw(t, e0, NS_EV_DHCP_RELEASED));
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, 0);
    assert_int_equal(i.gw, 0);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_STOPPED);
    assert_null(ns_dhcp_lease(&t->ns));
    /* Only the ARP request went, from our address still. */
    assert_int_equal(rec.n, n0 + 1);
    assert_int_equal(np_get16(rec.f[n0].b + 12), NP_ETHERTYPE_ARP);
    assert_int_equal(np_get32(rec.f[n0].b + 28), OUR);
    assert_int_equal(np_get32(rec.f[n0].b + 38), PEER);
    assert_true(ns_arp_pending(&t->ns));
    /* The peer answered at once (into the RX ring): the next poll sends. */
    t->now++;
    step(t);
    assert_false(ns_arp_pending(&t->ns));
    assert_int_equal(rec.n, n0 + 2);
    uint64_t rng = SEED;
    (void)next64(&rng); /* the DISCOVER's xid */
    expect_release_frame(n0 + 1, (uint32_t)(next64(&rng) >> 32), 2);
    assert_false(dhcp_server_lease_held(&t->peer.dhcp, t->now, NULL));
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&t->peer.dhcp, &st);
    assert_int_equal(st.releases, 1);
    assert_int_equal(st.ignored, 0);
    /* Stopped for good: no DISCOVER, and a second call sends nothing. */
    t->now += 100000;
    step(t);
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_int_equal(rec.n, n0 + 2);
    nt_free(t);
}

/* With the server's MAC cached the RELEASE goes out within the call. */
static void test_release_with_server_mac_cached(void **state)
{
    (void)state;
    struct nt *t = wire(false);
    for (int i = 0; i < 20 && ns_dhcp_state(&t->ns) != DHCP_CLIENT_BOUND; i++, t->now++)
        step(t);
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(
        fake_vnet_inject(&t->h.fake, f,
                         nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, nt_peer_mac, PEER, zero6, OUR)),
        0);
    step(t); /* learns the peer, answers it */
    unsigned n0 = rec.n;
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_false(ns_arp_pending(&t->ns));
    assert_int_equal(rec.n, n0 + 1);
    uint64_t rng = SEED;
    (void)next64(&rng);
    expect_release_frame(n0, (uint32_t)(next64(&rng) >> 32), 2);
    nt_free(t);
}

/* Stub mode: the RELEASE reaches the in-process server. No lease, or DHCP
 * off: nothing happens. */
static void test_release_stub_and_nothing_held(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    t->cfg.dhcp = NS_DHCP_STUB;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_true(dhcp_server_lease_held(&t->stub, 0, NULL));
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_false(dhcp_server_lease_held(&t->stub, 0, NULL));
    assert_int_equal(t->ev[t->nev - 1].type, NS_EV_DHCP_RELEASED);
    unsigned ev = t->nev;
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_int_equal(t->nev, ev);
    nt_free(t);

    /* Released before the first poll: DHCP never starts. */
    t = nt_new(true);
    t->cfg.dhcp = NS_DHCP_WIRE;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 0);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_STOPPED);
    assert_int_equal(ns_next_deadline(&t->ns), UINT64_MAX);
    nt_free(t);

    t = nt_new(false);
    assert_int_equal(nt_start(t), NS_OK); /* NS_DHCP_OFF */
    assert_int_equal(ns_dhcp_release(&t->ns), NS_OK);
    assert_int_equal(t->nev, 0);
    assert_int_equal(ns_dhcp_release(NULL), NS_ERR_INVAL);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_on_the_wire_then_bound),
        cmocka_unit_test(test_conflict_reply_declines),
        cmocka_unit_test(test_conflict_other_probe_declines),
        cmocka_unit_test(test_stub_mode_never_probes),
        cmocka_unit_test(test_release_on_the_wire),
        cmocka_unit_test(test_release_with_server_mac_cached),
        cmocka_unit_test(test_release_stub_and_nothing_held),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
