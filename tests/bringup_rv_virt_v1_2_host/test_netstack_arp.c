/*
 * ARP on virt0 through the fake virtio-mmio device, with the test playing
 * the link: who-has for our address is answered, an unknown next hop is
 * resolved before the packet goes out (one packet held, the newest),
 * retries and giving up, expiry, a full cache, conflicts, the gratuitous
 * announcement, and the interrupt hook.
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

static const uint8_t zero6[6] = {0};

static struct nt *arp_rig(void)
{
    struct nt *t = nt_new(true);
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    return t;
}

static void inject(struct nt *t, const uint8_t *f, size_t len)
{
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, len), 0);
}

/* Captured frame i is an ARP packet: returns it parsed. */
static struct np_arp cap_arp(const struct nt *t, unsigned i, const uint8_t *edst)
{
    struct np_eth e;
    struct np_arp a;
    assert_true(i < t->ncap);
    assert_int_equal(np_eth_parse(t->cap[i].b, t->cap[i].len, &e), NP_OK);
    assert_int_equal(e.type, NP_ETHERTYPE_ARP);
    assert_memory_equal(e.dst, edst, 6);
    assert_memory_equal(e.src, nt_our_mac, 6);
    assert_int_equal(t->cap[i].len, 60); /* padded to the minimum frame */
    assert_int_equal(np_arp_parse(e.payload, e.payload_len, &a), NP_OK);
    return a;
}

static void test_gratuitous_arp_on_bind(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    /* Outside poll it goes out at once. */
    assert_int_equal(t->ncap, 1);
    struct np_arp a = cap_arp(t, 0, nt_bcast);
    assert_int_equal(a.op, NP_ARP_REQUEST);
    assert_int_equal(a.spa, OUR);
    assert_int_equal(a.tpa, OUR);
    assert_memory_equal(a.sha, nt_our_mac, 6);
    assert_memory_equal(a.tha, zero6, 6);
    assert_int_equal(t->tap[NS_IF_VIRT0][NS_DIR_TX], 1);
    nt_free(t);
}

static void test_who_has_answered(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    uint8_t f[NS_FRAME_MAX], mac[6];
    t->ncap = 0;
    inject(t, f, nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, nt_peer_mac, PEER, zero6, OUR));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 1);
    struct np_arp a = cap_arp(t, 0, nt_peer_mac);
    assert_int_equal(a.op, NP_ARP_REPLY);
    assert_memory_equal(a.sha, nt_our_mac, 6);
    assert_int_equal(a.spa, OUR);
    assert_memory_equal(a.tha, nt_peer_mac, 6);
    assert_int_equal(a.tpa, PEER);
    /* The asker was learned (RFC 826: the target adds the sender). */
    assert_int_equal(ns_arp_lookup(&t->ns, PEER, mac), NS_OK);
    assert_memory_equal(mac, nt_peer_mac, 6);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.arp_req_in, 1);
    assert_int_equal(c.arp_rep_out, 1);

    /* A who-has for someone else: no answer, the stranger is not learned. */
    static const uint8_t other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    inject(t, f,
           nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, other, NP_IPV4(10, 0, 2, 77), zero6,
                        NP_IPV4(10, 0, 2, 99)));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(nt_cnt(t).arp_not_ours, 1);
    assert_int_equal(ns_arp_lookup(&t->ns, NP_IPV4(10, 0, 2, 77), mac), NS_ERR_NOT_FOUND);

    /* Someone else claiming our address: counted, not learned, no reply. */
    inject(t, f, nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, other, OUR, zero6, OUR));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).arp_conflict, 1);
    assert_int_equal(t->ncap, 1);
    nt_free(t);
}

static void expect_udp(const struct nt *t, unsigned i, uint32_t dst, const char *data)
{
    struct np_udp_frame u;
    assert_true(i < t->ncap);
    assert_int_equal(np_udp_frame_parse(t->cap[i].b, t->cap[i].len, &u), NP_OK);
    assert_memory_equal(u.dst_mac, nt_peer_mac, 6);
    assert_memory_equal(u.src_mac, nt_our_mac, 6);
    assert_int_equal(u.src_ip, OUR);
    assert_int_equal(u.dst_ip, dst);
    assert_int_equal(u.dst_port, 9);
    assert_int_equal(u.payload_len, strlen(data));
    assert_memory_equal(u.payload, data, strlen(data));
}

static void test_resolve_before_send(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 1000, q, 1), NS_OK);
    t->ncap = 0;
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "first", 5), NS_OK);
    /* Only the request went out. */
    assert_int_equal(t->ncap, 1);
    struct np_arp a = cap_arp(t, 0, nt_bcast);
    assert_int_equal(a.op, NP_ARP_REQUEST);
    assert_int_equal(a.tpa, PEER);
    assert_int_equal(a.spa, OUR);
    /* A second packet while pending replaces the held one (one per entry). */
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "second", 6), NS_OK);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(nt_cnt(t).arp_hold_drop, 1);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 1);
    /* The reply releases the held packet with the learned MAC. */
    inject(t, f, nt_arp_frame(f, nt_our_mac, NP_ARP_REPLY, nt_peer_mac, PEER, nt_our_mac, OUR));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 2);
    expect_udp(t, 1, PEER, "second");
    /* Now resolved: straight out, no new request. */
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "third", 5), NS_OK);
    assert_int_equal(t->ncap, 3);
    expect_udp(t, 2, PEER, "third");
    /* Off the subnet goes through the gateway (10.0.2.2, known). */
    assert_int_equal(ns_udp_send(&t->ns, &s, NP_IPV4(192, 0, 2, 1), 9, "far", 3), NS_OK);
    assert_int_equal(t->ncap, 4);
    expect_udp(t, 3, NP_IPV4(192, 0, 2, 1), "far");
    assert_int_equal(nt_cnt(t).arp_req_out, 2); /* the gratuitous one and one resolution */
    nt_free(t);
}

/* Without hold storage the packet that starts a resolution cannot wait
 * for it: the request goes out, the packet is dropped, counted and
 * refused; once the reply is in, sending works. */
static void test_no_hold_storage_refuses(void **state)
{
    (void)state;
    struct nt *t = nt_new(true);
    t->cfg.arp_hold = NULL;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 1000, q, 1), NS_OK);
    t->ncap = 0;
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "first", 5), NS_ERR_UNRESOLVED);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(cap_arp(t, 0, nt_bcast).op, NP_ARP_REQUEST);
    assert_int_equal(nt_cnt(t).arp_hold_drop, 1);
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "again", 5), NS_ERR_UNRESOLVED);
    assert_int_equal(t->ncap, 1); /* the entry is pending: no second request */
    assert_int_equal(nt_cnt(t).arp_hold_drop, 2);
    assert_false(ns_arp_pending(&t->ns)); /* nothing is held */
    inject(t, f, nt_arp_frame(f, nt_our_mac, NP_ARP_REPLY, nt_peer_mac, PEER, nt_our_mac, OUR));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "third", 5), NS_OK);
    assert_int_equal(t->ncap, 2);
    expect_udp(t, 1, PEER, "third");
    nt_free(t);
}

static void test_retries_then_give_up(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    const uint32_t silent = NP_IPV4(10, 0, 2, 3);
    assert_int_equal(ns_udp_bind(&t->ns, &s, 1000, q, 1), NS_OK);
    t->ncap = 0;
    t->now = 0;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &s, silent, 9, "x", 1), NS_OK);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(ns_next_deadline(&t->ns), 1000);
    t->now = 999;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 1);
    t->now = 1000;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 2);
    /* Each retry is arp_retry_ms after the one before: polled at the edge,
     * 1 ms early nothing goes, on time the request does. */
    assert_int_equal(ns_next_deadline(&t->ns), 2000);
    t->now = 1999;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 2);
    t->now = 2000;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 3); /* three requests in all (arp_tries) */
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(cap_arp(t, i, nt_bcast).tpa, silent);
    /* Then the last wait, and the entry gives up exactly on time. */
    assert_int_equal(ns_next_deadline(&t->ns), 3000);
    t->now = 2999;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).arp_unresolved, 0);
    t->now = 3000;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, 3);
    assert_int_equal(nt_cnt(t).arp_unresolved, 1);
    assert_int_equal(ns_next_deadline(&t->ns), UINT64_MAX);
    nt_free(t);
}

static void test_entry_expires(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    uint8_t f[NS_FRAME_MAX], mac[6];
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 1000, q, 1), NS_OK);
    t->now = 100;
    inject(t, f, nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, nt_peer_mac, PEER, zero6, OUR));
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_arp_lookup(&t->ns, PEER, mac), NS_OK);
    t->now = 100 + 60000 - 1;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_arp_lookup(&t->ns, PEER, mac), NS_OK);
    t->now = 100 + 60000;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_arp_lookup(&t->ns, PEER, mac), NS_ERR_NOT_FOUND);
    assert_int_equal(nt_cnt(t).arp_expired, 1);
    /* The next packet resolves again. */
    t->ncap = 0;
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 9, "x", 1), NS_OK);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(cap_arp(t, 0, nt_bcast).tpa, PEER);
    nt_free(t);
}

static void test_cache_full(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 1000, q, 1), NS_OK);
    for (unsigned i = 0; i < NT_ARP; i++)
        assert_int_equal(ns_udp_send(&t->ns, &s, NP_IPV4(10, 0, 2, 100 + i), 9, "x", 1), NS_OK);
    /* Every entry is pending: none may be evicted, the packet is dropped. */
    assert_int_equal(ns_udp_send(&t->ns, &s, NP_IPV4(10, 0, 2, 200), 9, "x", 1), NS_ERR_ARP_FULL);
    assert_int_equal(nt_cnt(t).arp_cache_full, 1);
    nt_free(t);
}

/* The interrupt hook reads and acknowledges, and flags; poll does the work
 * and clears the flag. */
static void test_irq_only_acks(void **state)
{
    (void)state;
    struct nt *t = arp_rig();
    uint8_t f[NS_FRAME_MAX];
    inject(t, f, nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, nt_peer_mac, PEER, zero6, OUR));
    assert_true(fake_vnet_irq_line(&t->h.fake));
    t->ncap = 0;
    assert_int_equal(ns_irq(&t->ns), NS_OK);
    assert_false(fake_vnet_irq_line(&t->h.fake));
    assert_true(ns_irq_pending(&t->ns));
    assert_int_equal(t->ncap, 0); /* nothing answered from the handler */
    assert_int_equal(nt_cnt(t).rx_frames[NS_IF_VIRT0], 0);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_false(ns_irq_pending(&t->ns));
    assert_int_equal(t->ncap, 1);
    assert_int_equal(nt_cnt(t).irqs, 1);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gratuitous_arp_on_bind),
        cmocka_unit_test(test_who_has_answered),
        cmocka_unit_test(test_resolve_before_send),
        cmocka_unit_test(test_no_hold_storage_refuses),
        cmocka_unit_test(test_retries_then_give_up),
        cmocka_unit_test(test_entry_expires),
        cmocka_unit_test(test_cache_full),
        cmocka_unit_test(test_irq_only_acks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
