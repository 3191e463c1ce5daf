/*
 * Bad input at every layer, into virt0 through the fake device and into
 * lo: short frames, bad checksums, wrong lengths, unknown protocols, frames
 * to another MAC, broadcast echo requests. Each case must raise its own
 * named counter by one, raise no other drop counter, send nothing, and
 * leave the stack working.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define MASK24 NP_IPV4(255, 255, 255, 0)

static const uint8_t zero6[6] = {0};

/* The IPv4 header checksum of f (an Ethernet frame), recomputed after a
 * mutation so that only the mutated rule is broken. */
static void fix_ip_csum(uint8_t *f)
{
    size_t ihl = (size_t)(f[14] & 0x0fu) * 4u;
    if (ihl < 20)
        ihl = 20;
    f[24] = f[25] = 0;
    np_put16(f + 24, np_inet_checksum(f + 14, ihl));
}

static size_t echo(uint8_t *f, uint32_t dst)
{
    return nt_echo_frame(f, nt_our_mac, nt_peer_mac, PEER, dst, 1, 2, 32);
}

enum where { VIRT0, LO };

struct bad_case {
    const char *name;
    enum where where;
    size_t counter; /* offsetof(struct ns_counters, ...) */
    unsigned drops; /* how many non-traffic counters move in all */
    size_t (*build)(uint8_t *f);
};

static size_t other_mac(uint8_t *f)
{
    size_t n = echo(f, OUR);
    memcpy(f, (const uint8_t[6]){0x02, 0x99, 0, 0, 0, 1}, 6);
    return n;
}

static size_t multicast_mac(uint8_t *f)
{
    size_t n = echo(f, OUR);
    memcpy(f, (const uint8_t[6]){0x01, 0x00, 0x5e, 0, 0, 1}, 6);
    return n;
}

static size_t ipv6_type(uint8_t *f)
{
    size_t n = echo(f, OUR);
    np_put16(f + 12, 0x86dd);
    return n;
}

static size_t arp_req(uint8_t *f)
{
    return nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, nt_peer_mac, PEER, zero6, OUR);
}

static size_t arp_short(uint8_t *f)
{
    arp_req(f);
    return 14 + 20;
}

static size_t arp_htype(uint8_t *f)
{
    size_t n = arp_req(f);
    np_put16(f + 14, 6);
    return n;
}

static size_t arp_op(uint8_t *f)
{
    size_t n = arp_req(f);
    np_put16(f + 20, 3);
    return n;
}

static size_t arp_bcast_sender(uint8_t *f)
{
    return nt_arp_frame(f, nt_bcast, NP_ARP_REQUEST, nt_bcast, PEER, zero6, OUR);
}

static size_t ip_short(uint8_t *f)
{
    echo(f, OUR);
    return 14 + 10;
}

static size_t ip_version(uint8_t *f)
{
    size_t n = echo(f, OUR);
    f[14] = 0x65;
    fix_ip_csum(f);
    return n;
}

static size_t ip_ihl(uint8_t *f)
{
    size_t n = echo(f, OUR);
    f[14] = 0x44;
    fix_ip_csum(f);
    return n;
}

static size_t ip_total_len(uint8_t *f)
{
    size_t n = echo(f, OUR);
    np_put16(f + 16, 1000);
    fix_ip_csum(f);
    return n;
}

static size_t ip_csum(uint8_t *f)
{
    size_t n = echo(f, OUR);
    f[25] ^= 0x5a;
    return n;
}

static size_t ip_frag(uint8_t *f)
{
    size_t n = echo(f, OUR);
    f[20] |= 0x20; /* MF */
    fix_ip_csum(f);
    return n;
}

static size_t ip_other_dst(uint8_t *f)
{
    return echo(f, NP_IPV4(10, 0, 2, 99));
}

static size_t ip_bcast_src(uint8_t *f)
{
    size_t n = echo(f, OUR);
    np_put32(f + 26, NP_IPV4_BROADCAST);
    fix_ip_csum(f);
    return n;
}

static size_t ip_proto(uint8_t *f)
{
    memset(f + 34, 0xab, 16);
    return nt_ip_frame(f, nt_our_mac, nt_peer_mac, 99, PEER, OUR, 16);
}

static size_t udp(uint8_t *f, uint16_t dport)
{
    return nt_udp_frame(f, nt_our_mac, nt_peer_mac, PEER, OUR, 5555, dport, "hello", 5);
}

static size_t udp_csum(uint8_t *f)
{
    size_t n = udp(f, 7);
    f[40] ^= 0x11;
    return n;
}

static size_t udp_len(uint8_t *f)
{
    size_t n = udp(f, 7);
    np_put16(f + 38, 500);
    return n;
}

static size_t udp_no_port(uint8_t *f)
{
    return udp(f, 4444);
}

static size_t icmp_csum(uint8_t *f)
{
    size_t n = echo(f, OUR);
    f[36] ^= 0x01;
    return n;
}

static size_t icmp_short(uint8_t *f)
{
    memset(f + 34, 0, 4);
    f[34] = 8;
    return nt_ip_frame(f, nt_our_mac, nt_peer_mac, NP_IP_PROTO_ICMP, PEER, OUR, 4);
}

static size_t echo_bcast(uint8_t *f)
{
    size_t n = echo(f, NP_IPV4_BROADCAST);
    memcpy(f, nt_bcast, 6);
    return n;
}

static size_t echo_subnet_bcast(uint8_t *f)
{
    size_t n = echo(f, NP_IPV4(10, 0, 2, 255));
    memcpy(f, nt_bcast, 6);
    return n;
}

static size_t icmp_timestamp(uint8_t *f)
{
    struct np_icmp m = {13, 0, 1, 1, NULL, 0};
    size_t n;
    memset(f + 42, 0, 12);
    assert_int_equal(np_icmp_build(f + 34, NS_FRAME_MAX - 34, &m, 12, &n), NP_OK);
    return nt_ip_frame(f, nt_our_mac, nt_peer_mac, NP_IP_PROTO_ICMP, PEER, OUR, n);
}

static size_t stray_echo_reply(uint8_t *f)
{
    struct np_icmp m = {NP_ICMP_ECHO_REPLY, 0, 0x4321, 1, NULL, 0};
    size_t n;
    memset(f + 42, 0x11, 16);
    assert_int_equal(np_icmp_build(f + 34, NS_FRAME_MAX - 34, &m, 16, &n), NP_OK);
    return nt_ip_frame(f, nt_our_mac, nt_peer_mac, NP_IP_PROTO_ICMP, PEER, OUR, n);
}

static size_t lo_tiny(uint8_t *f)
{
    memset(f, 0, 10);
    return 10;
}

/* An echo request from a multicast source (RFC 1122 §3.2.1.3: never a
 * valid source); answered, its reply would go to a group. */
static size_t ip_mcast_src(uint8_t *f)
{
    return nt_echo_frame(f, nt_our_mac, nt_peer_mac, NP_IPV4(224, 0, 0, 5), OUR, 1, 2, 32);
}

/* An echo request to a multicast group, in a frame to our MAC: the stack
 * joins no group, so ours() drops it before ICMP sees it (which is why
 * icmp_input has no multicast half in its smurf check). */
static size_t echo_mcast_dst(uint8_t *f)
{
    return nt_echo_frame(f, nt_our_mac, nt_peer_mac, PEER, NP_IPV4(224, 0, 0, 1), 1, 2, 32);
}

static size_t lo_echo_csum(uint8_t *f)
{
    size_t n =
        nt_echo_frame(f, zero6, zero6, NP_IPV4(127, 0, 0, 1), NP_IPV4(127, 0, 0, 1), 1, 1, 8);
    f[25] ^= 0xff;
    return n;
}

static size_t lo_other_dst(uint8_t *f)
{
    return nt_echo_frame(f, zero6, zero6, NP_IPV4(127, 0, 0, 1), NP_IPV4(10, 9, 9, 9), 1, 1, 8);
}

#define C(field) offsetof(struct ns_counters, field)

static const struct bad_case cases[] = {
    {"other-mac", VIRT0, C(eth_not_ours), 1, other_mac},
    {"multicast-mac", VIRT0, C(eth_not_ours), 1, multicast_mac},
    {"ipv6-ethertype", VIRT0, C(eth_bad_type), 1, ipv6_type},
    {"arp-short", VIRT0, C(arp_bad), 1, arp_short},
    {"arp-htype", VIRT0, C(arp_bad), 1, arp_htype},
    {"arp-op", VIRT0, C(arp_bad), 1, arp_op},
    {"arp-bcast-sender", VIRT0, C(arp_bad_sender), 1, arp_bcast_sender},
    {"ip-short", VIRT0, C(ip_bad_header), 1, ip_short},
    {"ip-version", VIRT0, C(ip_bad_header), 1, ip_version},
    {"ip-ihl", VIRT0, C(ip_bad_header), 1, ip_ihl},
    {"ip-total-len", VIRT0, C(ip_bad_header), 1, ip_total_len},
    {"ip-checksum", VIRT0, C(ip_bad_checksum), 1, ip_csum},
    {"ip-fragment", VIRT0, C(ip_fragment), 1, ip_frag},
    {"ip-other-dst", VIRT0, C(ip_not_ours), 1, ip_other_dst},
    {"ip-bcast-src", VIRT0, C(ip_bad_src), 1, ip_bcast_src},
    {"ip-mcast-src", VIRT0, C(ip_bad_src), 1, ip_mcast_src},
    {"echo-mcast-dst", VIRT0, C(ip_not_ours), 1, echo_mcast_dst},
    {"ip-unknown-proto", VIRT0, C(ip_unknown_proto), 1, ip_proto},
    {"udp-checksum", VIRT0, C(udp_bad), 1, udp_csum},
    {"udp-length", VIRT0, C(udp_bad), 1, udp_len},
    {"udp-no-port", VIRT0, C(udp_no_port), 1, udp_no_port},
    {"icmp-checksum", VIRT0, C(icmp_bad), 1, icmp_csum},
    {"icmp-short", VIRT0, C(icmp_bad), 1, icmp_short},
    {"echo-broadcast", VIRT0, C(icmp_bcast_ignored), 2, echo_bcast},
    {"echo-subnet-broadcast", VIRT0, C(icmp_bcast_ignored), 2, echo_subnet_bcast},
    {"icmp-timestamp", VIRT0, C(icmp_other), 1, icmp_timestamp},
    {"stray-echo-reply", VIRT0, C(icmp_other), 1, stray_echo_reply},
    {"lo-tiny", LO, C(eth_bad_len), 1, lo_tiny},
    {"lo-arp", LO, C(eth_bad_type), 1, arp_req},
    {"lo-ip-checksum", LO, C(ip_bad_checksum), 1, lo_echo_csum},
    {"lo-other-dst", LO, C(ip_not_ours), 1, lo_other_dst},
};

#define NWORDS (sizeof(struct ns_counters) / sizeof(uint32_t))
#define TRAFFIC_WORDS (2u * NS_IF_COUNT) /* rx_frames[], tx_frames[] */

static void words(const struct nt *t, uint32_t *w)
{
    struct ns_counters c = nt_cnt(t);
    memcpy(w, &c, sizeof(c));
}

static struct nt *bad_rig(void)
{
    struct nt *t = nt_new(true);
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    /* Learn the peer, so a reply needs no resolution. */
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, arp_req(f)), 0);
    assert_int_equal(nt_poll(t), NS_OK);
    return t;
}

static void expect_echo_answered(struct nt *t)
{
    uint8_t f[NS_FRAME_MAX];
    struct np_eth e;
    struct np_ipv4 ip;
    struct np_icmp m;
    unsigned before = t->ncap;
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, echo(f, OUR)), 0);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, before + 1);
    const struct nt_frame *r = &t->cap[before];
    assert_int_equal(np_eth_parse(r->b, r->len, &e), NP_OK);
    assert_memory_equal(e.dst, nt_peer_mac, 6);
    assert_int_equal(np_ipv4_parse(e.payload, e.payload_len, &ip), NP_OK);
    assert_int_equal(ip.src, OUR);
    assert_int_equal(ip.dst, PEER);
    assert_int_equal(np_icmp_parse(ip.payload, ip.payload_len, &m), NP_OK);
    assert_int_equal(m.type, NP_ICMP_ECHO_REPLY);
    assert_int_equal(m.id, 1);
    assert_int_equal(m.seq, 2);
}

static void test_every_layer(void **state)
{
    (void)state;
    struct nt *t = bad_rig();
    struct ns_udp_sock s;
    struct ns_dgram q[2];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 7, q, 2), NS_OK);
    expect_echo_answered(t);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct bad_case *bc = &cases[k];
        uint8_t f[NS_FRAME_MAX];
        uint32_t w0[NWORDS], w1[NWORDS];
        memset(f, 0, sizeof(f));
        size_t n = bc->build(f);
        words(t, w0);
        struct ns_counters c0 = nt_cnt(t);
        unsigned cap0 = t->ncap;
        if (bc->where == VIRT0)
            assert_int_equal(fake_vnet_inject(&t->h.fake, f, n), 0);
        else
            assert_int_equal(ns_lo_inject(&t->ns, f, n), NS_OK);
        assert_int_equal(nt_poll(t), NS_OK);
        words(t, w1);
        unsigned moved = 0;
        for (size_t i = TRAFFIC_WORDS; i < NWORDS; i++)
            moved += w1[i] - w0[i];
        size_t at = bc->counter / sizeof(uint32_t);
        if (w1[at] != w0[at] + 1 || moved != bc->drops || t->ncap != cap0)
            fail_msg("case %s: counter %u -> %u, %u counters moved (want %u), %u frames sent",
                     bc->name, w0[at], w1[at], moved, bc->drops, t->ncap - cap0);
        assert_int_equal(w1[bc->where == VIRT0 ? 0 : 1], w0[bc->where == VIRT0 ? 0 : 1] + 1);
        /* One frame dropped: the library's drop total moves by one. */
        struct ns_counters c1 = nt_cnt(t);
        if (ns_drops(&c1) != ns_drops(&c0) + 1)
            fail_msg("case %s: ns_drops %llu -> %llu", bc->name, (unsigned long long)ns_drops(&c0),
                     (unsigned long long)ns_drops(&c1));
    }
    size_t len;
    uint8_t got[64];
    assert_int_equal(ns_udp_recv(&s, got, sizeof(got), &len, NULL, NULL), NS_ERR_EMPTY);
    /* Still working. */
    expect_echo_answered(t);
    nt_free(t);
}

static void test_down_interface_drops(void **state)
{
    (void)state;
    struct nt *t = bad_rig();
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(ns_if_set_up(&t->ns, NS_IF_VIRT0, false), NS_OK);
    unsigned cap0 = t->ncap;
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, echo(f, OUR)), 0);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).if_down, 1);
    assert_int_equal(t->ncap, cap0);
    assert_int_equal(ns_if_set_up(&t->ns, NS_IF_VIRT0, true), NS_OK);
    expect_echo_answered(t);
    nt_free(t);
}

/* The device misbehaves: the frontend's error is reported by poll and
 * counted, and the stack carries on. */
static void test_device_error_counted(void **state)
{
    (void)state;
    struct nt *t = bad_rig();
    uint8_t f[NS_FRAME_MAX];
    fake_vnet_fault(&t->h.fake, FAKE_FAULT_RX_LEN_OVER, 1);
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, echo(f, OUR)), 0);
    assert_int_equal(nt_poll(t), NS_ERR_DEVICE);
    assert_int_equal(nt_cnt(t).dev_errors, 1);
    expect_echo_answered(t);
    nt_free(t);
}

/* Wire DHCP: garbage to port 68 reaches the client, which drops it; the
 * netstack counts both. */
static void test_dhcp_garbage(void **state)
{
    (void)state;
    struct nt *t = nt_new(true);
    uint8_t f[NS_FRAME_MAX];
    t->cfg.dhcp = NS_DHCP_WIRE;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK); /* DISCOVER */
    size_t n = nt_udp_frame(f, nt_bcast, nt_peer_mac, PEER, NP_IPV4_BROADCAST, 67, 68,
                            "not a bootp message", 19);
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, n), 0);
    assert_int_equal(nt_poll(t), NS_OK);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.dhcp_in, 1);
    assert_int_equal(c.dhcp_dropped, 1);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_SELECTING);
    nt_free(t);
}

/* virt0's TX ring fills inside one poll (two slots, four echo replies
 * owed): the netstack kicks the device, which takes what is queued, and
 * queues again, so every reply goes out, in order, and nothing counts as
 * tx_full. */
static void test_tx_ring_full_kicks_and_retries(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    struct vnet_config vc;
    vnet_config_defaults(&vc);
    vc.tx_queue_size = 2;
    assert_int_equal(vnet_harness_open(&t->h, 1, &vc), 0);
    assert_int_equal(vnet_harness_up(&t->h), VNET_OK);
    t->have_dev = true;
    vnet_harness_capture(&t->h, nt_cap_fn, t);
    t->cfg.virt0 = &t->h.dev;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, arp_req(f)), 0);
    assert_int_equal(nt_poll(t), NS_OK);
    unsigned cap0 = t->ncap;
    for (uint16_t seq = 0; seq < 4; seq++)
        assert_int_equal(
            fake_vnet_inject(&t->h.fake, f,
                             nt_echo_frame(f, nt_our_mac, nt_peer_mac, PEER, OUR, 1, seq, 32)),
            0);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ncap, cap0 + 4);
    for (unsigned i = 0; i < 4; i++) {
        struct np_eth e;
        struct np_ipv4 ip;
        struct np_icmp m;
        const struct nt_frame *r = &t->cap[cap0 + i];
        assert_int_equal(np_eth_parse(r->b, r->len, &e), NP_OK);
        assert_int_equal(np_ipv4_parse(e.payload, e.payload_len, &ip), NP_OK);
        assert_int_equal(np_icmp_parse(ip.payload, ip.payload_len, &m), NP_OK);
        assert_int_equal(m.type, NP_ICMP_ECHO_REPLY);
        assert_int_equal(m.seq, i);
    }
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.tx_full, 0);
    assert_int_equal(c.icmp_echo_out, 4);
    assert_int_equal(c.dev_errors, 0);
    /* The netstack made room before it queued: the frontend never had to
     * refuse a frame. */
    struct vnet_counters v;
    vnet_counters(&t->h.dev, &v);
    assert_int_equal(v.tx_full, 0);
    nt_free(t);
}

/* A device that takes TX frames and never completes them: the ring stays
 * full after the reclaim, the kick and the second reclaim, so the frame is
 * dropped, counted once in tx_full and refused with NS_ERR_AGAIN; once the
 * device completes, sending works again. */
static void test_tx_ring_stays_full(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    struct vnet_config vc;
    vnet_config_defaults(&vc);
    vc.tx_queue_size = 2;
    assert_int_equal(vnet_harness_open(&t->h, 1, &vc), 0);
    assert_int_equal(vnet_harness_up(&t->h), VNET_OK);
    t->have_dev = true;
    vnet_harness_capture(&t->h, nt_cap_fn, t);
    t->cfg.virt0 = &t->h.dev;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(fake_vnet_inject(&t->h.fake, f, arp_req(f)), 0);
    assert_int_equal(nt_poll(t), NS_OK); /* learns the peer, reclaims */
    t->h.fake.knobs.auto_complete_tx = false;
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 7, q, 1), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 7, "a", 1), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 7, "b", 1), NS_OK);
    uint64_t kicks = t->h.fake.q[1].notifies;
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 7, "c", 1), NS_ERR_AGAIN);
    /* Both frames were kicked when sent: the policy's kick had nothing new
     * to publish, and notified nobody. */
    assert_int_equal(t->h.fake.q[1].notifies, kicks);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.tx_full, 1);
    assert_int_equal(c.dev_errors, 0);
    struct vnet_counters v;
    vnet_counters(&t->h.dev, &v);
    assert_int_equal(v.tx_full, 1);
    assert_int_equal(v.tx_frames, t->h.fake.stats.tx_frames);
    fake_vnet_process(&t->h.fake, true);
    assert_int_equal(ns_udp_send(&t->ns, &s, PEER, 7, "d", 1), NS_OK);
    assert_int_equal(nt_cnt(t).tx_full, 1);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_layer),
        cmocka_unit_test(test_down_interface_drops),
        cmocka_unit_test(test_device_error_counted),
        cmocka_unit_test(test_dhcp_garbage),
        cmocka_unit_test(test_tx_ring_full_kicks_and_retries),
        cmocka_unit_test(test_tx_ring_stays_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
