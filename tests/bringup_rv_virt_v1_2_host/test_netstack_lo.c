/*
 * The netstack on lo alone (no device): ICMP echo answered within the poll
 * that sent the request, replies equal to their requests, 10,000 echoes in
 * order; the raw-socket path end to end, with a full socket queue and a
 * full lo queue each dropping and counting; UDP bind/send/recv; checksums
 * skipped on lo for the stack's own frames only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"

#define LOOP(d) NP_IPV4(127, 0, 0, d)
#define PROTO_EXP 253u /* RFC 3692 experimental */

static struct nt *lo_rig(void)
{
    struct nt *t = nt_new(false);
    assert_int_equal(nt_start(t), NS_OK);
    return t;
}

static void test_ping_answered_in_same_poll(void **state)
{
    (void)state;
    static const uint32_t dsts[] = {NP_IPV4(127, 0, 0, 1), NP_IPV4(127, 1, 2, 3)};
    for (unsigned k = 0; k < 2; k++) {
        struct nt *t = lo_rig();
        struct ns_ping_params p = {dsts[k], 0x1234, 1, 56, 1000, 1000};
        struct ns_ping_result r;
        t->now = 5000;
        assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
        ns_ping_get(&t->ns, &r);
        assert_int_equal(r.sent, 0);
        assert_int_equal(nt_poll(t), NS_OK);
        ns_ping_get(&t->ns, &r);
        assert_int_equal(r.sent, 1);
        assert_int_equal(r.received, 1);
        assert_int_equal(r.last_seq, 0);
        assert_int_equal(r.last_rtt_ms, 0);
        assert_true(r.done);
        /* A reply event from the address pinged, then done. */
        assert_int_equal(t->nev, 2);
        assert_int_equal(t->ev[0].type, NS_EV_PING_REPLY);
        assert_int_equal(t->ev[0].from, dsts[k]);
        assert_int_equal(t->ev[0].seq, 0);
        assert_int_equal(t->ev[1].type, NS_EV_PING_DONE);
        struct ns_counters c = nt_cnt(t);
        assert_int_equal(c.icmp_echo_in, 1);
        assert_int_equal(c.icmp_echo_out, 1);
        assert_int_equal(c.ping_bad, 0);
        /* Request and reply each crossed lo once each way. */
        assert_int_equal(c.tx_frames[NS_IF_LO], 2);
        assert_int_equal(c.rx_frames[NS_IF_LO], 2);
        assert_int_equal(t->tap[NS_IF_LO][NS_DIR_TX], 2);
        assert_int_equal(t->tap[NS_IF_LO][NS_DIR_RX], 2);
        assert_int_equal(lo_pending(&t->ns.lo), 0);
        nt_free(t);
    }
}

/* A request built by hand through a raw ICMP socket; the reply, heard by
 * the same socket, has the request's id, sequence and payload. */
static void test_echo_reply_equals_request(void **state)
{
    (void)state;
    struct nt *t = lo_rig();
    struct ns_raw_sock s;
    struct ns_dgram q[4];
    uint8_t req[8 + 300], got[NS_DGRAM_MAX];
    size_t n, len;
    uint32_t src;
    assert_int_equal(ns_raw_open(&t->ns, &s, NP_IP_PROTO_ICMP, q, 4), NS_OK);
    /* Bound to 127.0.0.1: it hears only what is addressed there (the reply),
     * not the request to 127.1.2.3. */
    assert_int_equal(ns_raw_bind(&s, LOOP(1)), NS_OK);
    for (size_t i = 0; i < 300; i++)
        req[8 + i] = (uint8_t)(i ^ 0xa5);
    struct np_icmp m = {NP_ICMP_ECHO_REQUEST, 0, 0xbeef, 4242, NULL, 0};
    assert_int_equal(np_icmp_build(req, sizeof(req), &m, 300, &n), NP_OK);
    assert_int_equal(ns_raw_send(&t->ns, &s, NP_IPV4(127, 1, 2, 3), req, n), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_raw_recv(&s, got, sizeof(got), &len, &src), NS_OK);
    assert_int_equal(len, n);
    assert_int_equal(src, NP_IPV4(127, 1, 2, 3));
    struct np_icmp r;
    assert_int_equal(np_icmp_parse(got, len, &r), NP_OK); /* checksum verified */
    assert_int_equal(r.type, NP_ICMP_ECHO_REPLY);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.id, 0xbeef);
    assert_int_equal(r.seq, 4242);
    assert_int_equal(r.payload_len, 300);
    assert_memory_equal(r.payload, req + 8, 300);
    assert_int_equal(ns_raw_recv(&s, got, sizeof(got), &len, &src), NS_ERR_EMPTY);
    /* Open once; closed, it hears nothing more. */
    assert_int_equal(ns_raw_open(&t->ns, &s, NP_IP_PROTO_ICMP, q, 4), NS_ERR_IN_USE);
    assert_int_equal(ns_raw_close(&t->ns, &s), NS_OK);
    assert_int_equal(ns_raw_close(&t->ns, &s), NS_ERR_NOT_FOUND);
    assert_int_equal(ns_raw_send(&t->ns, &s, NP_IPV4(127, 1, 2, 3), req, n), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_raw_recv(&s, got, sizeof(got), &len, &src), NS_ERR_EMPTY);
    nt_free(t);
}

static void test_10000_echoes_in_order(void **state)
{
    (void)state;
    struct nt *t = lo_rig();
    struct ns_ping_params p = {LOOP(1), 7, 10000, 56, 0, 100};
    struct ns_ping_result r;
    t->cfg.event = NULL;
    t->ns.cfg.event = NULL;
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    for (unsigned i = 0; i < 10000; i++) {
        t->now = i;
        assert_int_equal(nt_poll(t), NS_OK);
        ns_ping_get(&t->ns, &r);
        if (r.sent != i + 1 || r.received != i + 1 || r.last_seq != i)
            fail_msg("echo %u: sent %u received %u last_seq %u", i, r.sent, r.received, r.last_seq);
    }
    ns_ping_get(&t->ns, &r);
    assert_true(r.done);
    assert_int_equal(r.out_of_order, 0);
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.rtt_max_ms, 0);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.icmp_echo_in, 10000);
    assert_int_equal(c.icmp_echo_out, 10000);
    assert_int_equal(c.ping_bad, 0);
    assert_int_equal(c.lo_full, 0);
    nt_free(t);
}

static size_t payload(uint8_t *b, unsigned i)
{
    size_t len = 1u + (i * 211u) % NS_DGRAM_MAX;
    for (size_t k = 0; k < len; k++)
        b[k] = (uint8_t)(i * 5u + k * 3u);
    return len;
}

struct raw_pair {
    struct nt *t;
    struct ns_raw_sock a, b;
    struct ns_dgram qa[4], qb[32];
};

static void raw_pair_open(struct raw_pair *rp, unsigned depth_b)
{
    rp->t = lo_rig();
    assert_int_equal(ns_raw_open(&rp->t->ns, &rp->a, PROTO_EXP, rp->qa, 4), NS_OK);
    assert_int_equal(ns_raw_open(&rp->t->ns, &rp->b, PROTO_EXP, rp->qb, depth_b), NS_OK);
    assert_int_equal(ns_raw_bind(&rp->a, LOOP(2)), NS_OK);
    assert_int_equal(ns_raw_bind(&rp->b, LOOP(1)), NS_OK);
}

static void expect_raw(struct ns_raw_sock *s, unsigned first, unsigned n)
{
    uint8_t want[NS_DGRAM_MAX], got[NS_DGRAM_MAX];
    size_t len;
    uint32_t src;
    for (unsigned i = first; i < first + n; i++) {
        size_t wl = payload(want, i);
        assert_int_equal(ns_raw_recv(s, got, sizeof(got), &len, &src), NS_OK);
        assert_int_equal(len, wl);
        assert_memory_equal(got, want, wl);
        assert_int_equal(src, LOOP(2));
    }
    assert_int_equal(ns_raw_recv(s, got, sizeof(got), &len, &src), NS_ERR_EMPTY);
}

static void test_raw_path_unchanged_in_order(void **state)
{
    (void)state;
    struct raw_pair rp;
    uint8_t b[NS_DGRAM_MAX];
    raw_pair_open(&rp, 32);
    for (unsigned i = 0; i < 12; i++)
        assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, payload(b, i)), NS_OK);
    assert_int_equal(nt_poll(rp.t), NS_OK);
    expect_raw(&rp.b, 0, 12);
    /* a is bound to 127.0.0.2 and hears nothing sent to 127.0.0.1. */
    size_t len;
    assert_int_equal(ns_raw_recv(&rp.a, b, sizeof(b), &len, NULL), NS_ERR_EMPTY);
    struct ns_counters c = nt_cnt(rp.t);
    assert_int_equal(c.ip_unknown_proto, 0);
    assert_int_equal(c.raw_queue_full, 0);
    /* The largest payload fits; one byte more is refused before any copy. */
    assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, NS_DGRAM_MAX + 1), NS_ERR_TOO_BIG);
    assert_int_equal(nt_cnt(rp.t).tx_too_big, 1);
    nt_free(rp.t);
}

static void test_raw_socket_queue_full(void **state)
{
    (void)state;
    struct raw_pair rp;
    uint8_t b[NS_DGRAM_MAX];
    raw_pair_open(&rp, 4);
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, payload(b, i)), NS_OK);
    assert_int_equal(nt_poll(rp.t), NS_OK);
    assert_int_equal(ns_raw_drops(&rp.b), 2);
    assert_int_equal(nt_cnt(rp.t).raw_queue_full, 2);
    expect_raw(&rp.b, 0, 4); /* the first four, intact */
    /* The stack goes on working. */
    assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, payload(b, 6)), NS_OK);
    assert_int_equal(nt_poll(rp.t), NS_OK);
    expect_raw(&rp.b, 6, 1);
    assert_int_equal(ns_raw_drops(&rp.b), 2);
    nt_free(rp.t);
}

static void test_lo_queue_full(void **state)
{
    (void)state;
    struct raw_pair rp;
    uint8_t b[NS_DGRAM_MAX];
    raw_pair_open(&rp, 32);
    for (unsigned i = 0; i < LO_DEPTH_DEFAULT; i++)
        assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, payload(b, i)), NS_OK);
    assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, payload(b, 99)), NS_ERR_FULL);
    assert_int_equal(nt_cnt(rp.t).lo_full, 1);
    struct lo_counters lc;
    lo_counters(&rp.t->ns.lo, &lc);
    assert_int_equal(lc.drop_full, 1);
    assert_int_equal(nt_poll(rp.t), NS_OK);
    expect_raw(&rp.b, 0, LO_DEPTH_DEFAULT);
    /* And on. */
    assert_int_equal(ns_raw_send(&rp.t->ns, &rp.a, LOOP(1), b, payload(b, 20)), NS_OK);
    assert_int_equal(nt_poll(rp.t), NS_OK);
    expect_raw(&rp.b, 20, 1);
    nt_free(rp.t);
}

/* A full lo inside a poll: echo replies that do not fit are dropped and
 * counted, and the next poll answers again. */
static void test_lo_full_during_poll(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    t->cfg.lo_depth = 2;
    assert_int_equal(nt_start(t), NS_OK);
    struct ns_raw_sock s;
    struct ns_dgram q[8];
    uint8_t req[16], got[64];
    size_t n, len;
    assert_int_equal(ns_raw_open(&t->ns, &s, NP_IP_PROTO_ICMP, q, 8), NS_OK);
    struct np_icmp m = {NP_ICMP_ECHO_REQUEST, 0, 1, 0, NULL, 0};
    memset(req, 0, sizeof(req));
    assert_int_equal(np_icmp_build(req, sizeof(req), &m, 8, &n), NP_OK);
    /* Two requests fill lo; the first reply finds both slots taken. */
    assert_int_equal(ns_raw_send(&t->ns, &s, LOOP(1), req, n), NS_OK);
    assert_int_equal(ns_raw_send(&t->ns, &s, LOOP(1), req, n), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.icmp_echo_in, 2);
    assert_true(c.lo_full >= 1);
    assert_int_equal(c.icmp_echo_out + c.lo_full, 2);
    while (ns_raw_recv(&s, got, sizeof(got), &len, NULL) == NS_OK)
        ;
    struct ns_ping_params p = {LOOP(1), 9, 1, 8, 0, 0};
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 1);
    nt_free(t);
}

static void test_udp_on_lo(void **state)
{
    (void)state;
    struct nt *t = lo_rig();
    struct ns_udp_sock a, b, c2;
    struct ns_dgram qa[2], qb[2];
    uint8_t buf[NS_UDP_MAX + 1], got[NS_UDP_MAX];
    size_t len;
    uint32_t src;
    uint16_t sport;
    assert_int_equal(ns_udp_bind(&t->ns, &a, 7, qa, 2), NS_OK);
    assert_int_equal(ns_udp_bind(&t->ns, &b, 9, qb, 2), NS_OK);
    assert_int_equal(ns_udp_bind(&t->ns, &c2, 7, qb, 2), NS_ERR_IN_USE);
    assert_int_equal(ns_udp_bind(&t->ns, &c2, 0, NULL, 2), NS_ERR_INVAL); /* no slots */
    /* A bound socket cannot be bound again, to another port either: it
     * keeps its port (the sends to 7 below reach it). */
    assert_int_equal(ns_udp_bind(&t->ns, &a, 11, qa, 2), NS_ERR_IN_USE);
    for (unsigned i = 0; i < 3; i++) {
        memset(buf, (int)i + 1, 100 + i); /* every byte sent is set */
        assert_int_equal(ns_udp_send(&t->ns, &b, LOOP(1), 7, buf, 100 + i), NS_OK);
    }
    assert_int_equal(ns_udp_send(&t->ns, &b, LOOP(1), 8, buf, 10), NS_OK); /* nobody on 8 */
    assert_int_equal(nt_poll(t), NS_OK);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.udp_queue_full, 1);
    assert_int_equal(c.udp_no_port, 1);
    assert_int_equal(c.udp_bad, 0);
    assert_int_equal(ns_udp_drops(&a), 1);
    /* Too small a buffer leaves the datagram queued. */
    assert_int_equal(ns_udp_recv(&a, got, 50, &len, &src, &sport), NS_ERR_TOO_BIG);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(ns_udp_recv(&a, got, sizeof(got), &len, &src, &sport), NS_OK);
        assert_int_equal(len, 100 + i);
        assert_int_equal(src, LOOP(1));
        assert_int_equal(sport, 9);
        assert_int_equal(got[0], i + 1);
    }
    assert_int_equal(ns_udp_recv(&a, got, sizeof(got), &len, &src, &sport), NS_ERR_EMPTY);
    /* Largest datagram fits, one more byte does not. */
    memset(buf, 0x3c, sizeof(buf));
    assert_int_equal(ns_udp_send(&t->ns, &b, LOOP(1), 7, buf, NS_UDP_MAX + 1), NS_ERR_TOO_BIG);
    assert_int_equal(ns_udp_send(&t->ns, &b, LOOP(1), 7, buf, NS_UDP_MAX), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_udp_recv(&a, got, sizeof(got), &len, NULL, NULL), NS_OK);
    assert_int_equal(len, NS_UDP_MAX);
    assert_memory_equal(got, buf, NS_UDP_MAX);
    /* Closed: the port no longer hears. */
    assert_int_equal(ns_udp_close(&t->ns, &a), NS_OK);
    assert_int_equal(ns_udp_close(&t->ns, &a), NS_ERR_NOT_FOUND);
    assert_int_equal(ns_udp_send(&t->ns, &b, LOOP(1), 7, buf, 1), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).udp_no_port, 2);
    nt_free(t);
}

/*
 * The checksum policy of lo (docs/netstack.md, "Checksums on lo"): a frame the stack built
 * itself is not summed again, one injected (or sent through a raw socket)
 * is. Both UDP datagrams below get their checksum spoilt while they sit in
 * lo's slot; the stack's own is delivered (its checksum is not read), the
 * injected copy of the same bytes is dropped as udp_bad. So is an ICMP
 * echo request with a wrong checksum sent through a raw socket.
 */
static void test_lo_checksums_of_own_frames_only_skipped(void **state)
{
    (void)state;
    struct nt *t = lo_rig();
    struct ns_udp_sock a, b;
    struct ns_dgram qa[2], qb[2];
    uint8_t buf[32], got[64], f[NS_FRAME_MAX];
    size_t len;
    assert_int_equal(ns_udp_bind(&t->ns, &a, 7, qa, 2), NS_OK);
    assert_int_equal(ns_udp_bind(&t->ns, &b, 9, qb, 2), NS_OK);
    memset(buf, 0x5a, sizeof(buf));
    assert_int_equal(ns_udp_send(&t->ns, &b, LOOP(1), 7, buf, sizeof(buf)), NS_OK);
    assert_int_equal(lo_pending(&t->ns.lo), 1);
    /* The frame as queued (the oldest slot; lo_init starts at slot 0):
     * Ethernet 14, IPv4 20, then the UDP checksum at UDP offset 6. */
    uint8_t *q = t->lo[0].data;
    size_t qlen = 14u + 20u + 8u + sizeof(buf);
    memcpy(f, q, qlen);
    q[14 + 20 + 6] ^= 0x01;
    f[14 + 20 + 6] ^= 0x01;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).udp_bad, 0);
    assert_int_equal(ns_udp_recv(&a, got, sizeof(got), &len, NULL, NULL), NS_OK);
    assert_int_equal(len, sizeof(buf));
    /* The same bytes injected: checked, dropped, counted. */
    assert_int_equal(ns_lo_inject(&t->ns, f, qlen), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(nt_cnt(t).udp_bad, 1);
    assert_int_equal(ns_udp_recv(&a, got, sizeof(got), &len, NULL, NULL), NS_ERR_EMPTY);
    /* A raw socket's ICMP bytes are the caller's: checked on lo. */
    struct ns_raw_sock ic;
    struct ns_dgram rq[2];
    uint8_t req[8 + 16];
    size_t n;
    memset(req, 0, sizeof(req));
    struct np_icmp m = {NP_ICMP_ECHO_REQUEST, 0, 0xbeef, 1, NULL, 0};
    assert_int_equal(np_icmp_build(req, sizeof(req), &m, 16, &n), NP_OK);
    req[2] ^= 0x10;
    assert_int_equal(ns_raw_open(&t->ns, &ic, NP_IP_PROTO_ICMP, rq, 2), NS_OK);
    assert_int_equal(ns_raw_send(&t->ns, &ic, LOOP(1), req, n), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.icmp_bad, 1);
    assert_int_equal(c.icmp_echo_in, 0);
    assert_int_equal(c.icmp_echo_out, 0);
    nt_free(t);
}

static void test_interface_down(void **state)
{
    (void)state;
    struct nt *t = lo_rig();
    struct ns_ping_params p = {LOOP(1), 1, 1, 8, 0, 0};
    struct ns_ping_result r;
    assert_int_equal(ns_if_set_up(&t->ns, NS_IF_LO, false), NS_OK);
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.received, 0);
    assert_int_equal(nt_cnt(t).if_down, 1);
    assert_int_equal(ns_if_set_up(&t->ns, NS_IF_LO, true), NS_OK);
    ns_ping_stop(&t->ns);
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 1);
    nt_free(t);
}

static void test_api_errors(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    struct ns_host h;
    t->cfg.lo_slots = NULL;
    assert_int_equal(ns_init(&h, &t->cfg), NS_ERR_INVAL);
    t->cfg.lo_slots = t->lo;
    t->cfg.lo_depth = 0;
    assert_int_equal(ns_init(&h, &t->cfg), NS_ERR_INVAL);
    t->cfg.lo_depth = 4;
    assert_int_equal(nt_start(t), NS_OK);
    struct ns_ping_params p = {LOOP(1), 1, 1, 7, 0, 0}; /* below the 8-byte stamp */
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_ERR_INVAL);
    p.payload_len = 8;
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_ERR_BUSY);
    /* No device: virt0 output is refused and counted. */
    assert_int_equal(
        ns_if_set_addr(&t->ns, NS_IF_VIRT0, NP_IPV4(10, 0, 2, 15), NP_IPV4(255, 255, 255, 0), 0),
        NS_OK);
    struct ns_udp_sock u;
    struct ns_dgram q[1];
    assert_int_equal(ns_udp_bind(&t->ns, &u, 5, q, 1), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &u, NP_IPV4(10, 0, 2, 2), 5, "x", 1), NS_ERR_NO_DEVICE);
    assert_int_equal(ns_udp_send(&t->ns, &u, NP_IPV4(8, 8, 8, 8), 5, "x", 1), NS_ERR_NO_ROUTE);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.tx_no_device, 1);
    assert_int_equal(c.ip_no_route, 1);
    assert_int_equal(ns_irq(&t->ns), NS_ERR_NO_DEVICE);
    assert_string_equal(ns_strerror(NS_ERR_NO_ROUTE), "no-route");
    assert_string_equal(ns_strerror(NS_ERR_NOT_FOUND), "not-found");
    assert_string_equal(ns_strerror(-99), "unknown");
    nt_free(t);
}

/* An echo reply for the running ping whose send stamp lies in the future
 * (a forged or corrupted reply: the helper sent nothing then) is refused
 * and counted in ping_bad, although id, seq, length and pattern are right;
 * a stamp equal to now is a reply with rtt 0. */
static size_t forged_reply(uint8_t *f, uint16_t id, uint16_t seq, uint64_t stamp)
{
    uint8_t *data = f + 34 + 8;
    for (unsigned i = 0; i < 8; i++)
        data[i] = (uint8_t)(stamp >> (56u - 8u * i));
    for (unsigned i = 8; i < 16; i++)
        data[i] = (uint8_t)(i * 7u + 1u); /* the helper's pattern */
    struct np_icmp m = {NP_ICMP_ECHO_REPLY, 0, id, seq, NULL, 0};
    size_t n;
    if (np_icmp_build(f + 34, NS_FRAME_MAX - 34, &m, 16, &n) != NP_OK)
        abort();
    static const uint8_t z[6] = {0};
    return nt_ip_frame(f, z, z, NP_IP_PROTO_ICMP, LOOP(1), LOOP(1), n);
}

static void test_ping_reply_from_the_future_refused(void **state)
{
    (void)state;
    struct nt *t = lo_rig();
    struct ns_ping_params p = {LOOP(1), 0x4242, 3, 16, 1000, 1000};
    struct ns_ping_result r;
    t->now = 5000;
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK); /* seq 0 sent and answered */
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 1);
    uint8_t f[NS_FRAME_MAX];
    assert_int_equal(ns_lo_inject(&t->ns, f, forged_reply(f, 0x4242, 0, 5001)), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 1);
    assert_int_equal(r.rtt_max_ms, 0);
    assert_int_equal(nt_cnt(t).ping_bad, 1);
    /* The same reply stamped now is good. */
    assert_int_equal(ns_lo_inject(&t->ns, f, forged_reply(f, 0x4242, 0, 5000)), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 2);
    assert_int_equal(nt_cnt(t).ping_bad, 1);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_reply_from_the_future_refused),
        cmocka_unit_test(test_ping_answered_in_same_poll),
        cmocka_unit_test(test_echo_reply_equals_request),
        cmocka_unit_test(test_10000_echoes_in_order),
        cmocka_unit_test(test_raw_path_unchanged_in_order),
        cmocka_unit_test(test_raw_socket_queue_full),
        cmocka_unit_test(test_lo_queue_full),
        cmocka_unit_test(test_lo_full_during_poll),
        cmocka_unit_test(test_udp_on_lo),
        cmocka_unit_test(test_lo_checksums_of_own_frames_only_skipped),
        cmocka_unit_test(test_interface_down),
        cmocka_unit_test(test_api_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
