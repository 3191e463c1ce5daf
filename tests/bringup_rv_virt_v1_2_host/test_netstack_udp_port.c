/*
 * The netstack's ephemeral UDP ports (ns_udp_bind with port 0, netstack.h):
 * picked from the dynamic range of RFC 6335 §6, from a counter that starts
 * at 49152 plus the low 14 bits of the MAC, never a port a socket holds,
 * the same on every run; ns_udp_port says which. A socket on such a port
 * hears replies from any source port, which is how a TFTP client learns
 * its server's transfer ID (RFC 1350 §4).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"

#define LOOP1 NP_IPV4(127, 0, 0, 1)

static struct nt *rig_mac(uint8_t m4, uint8_t m5)
{
    struct nt *t = nt_new(false);
    t->cfg.mac[4] = m4;
    t->cfg.mac[5] = m5;
    assert_int_equal(nt_start(t), NS_OK);
    return t;
}

static uint16_t bind0(struct nt *t, struct ns_udp_sock *s, struct ns_dgram *q)
{
    assert_int_equal(ns_udp_bind(&t->ns, s, 0, q, 1), NS_OK);
    return ns_udp_port(s);
}

/* 02:00:00:00:00:01 starts at 49153; each pick is the next port, a closed
 * port is not taken again at once, a port bound by hand is skipped. */
static void test_sequence_from_the_mac(void **state)
{
    (void)state;
    for (unsigned run = 0; run < 2; run++) { /* the same on a second host */
        struct nt *t = rig_mac(0x00, 0x01);
        struct ns_udp_sock a, b, c, d, e, f;
        struct ns_dgram q[6];
        assert_int_equal(bind0(t, &a, &q[0]), 49153);
        assert_int_equal(bind0(t, &b, &q[1]), 49154);
        assert_int_equal(ns_udp_close(&t->ns, &a), NS_OK);
        assert_int_equal(bind0(t, &c, &q[2]), 49155);
        assert_int_equal(ns_udp_bind(&t->ns, &d, 49156, &q[3], 1), NS_OK);
        assert_int_equal(ns_udp_port(&d), 49156);
        assert_int_equal(bind0(t, &e, &q[4]), 49157);
        /* The closed 49153 is free for a bind by hand. */
        assert_int_equal(ns_udp_bind(&t->ns, &f, 49153, &q[5], 1), NS_OK);
        assert_int_equal(ns_udp_port(NULL), 0);
        nt_free(t);
    }
}

/* The low 14 bits of the MAC: 0x3fff starts at 65535, then wraps to the
 * bottom of the range; 0xc000 starts at 49152; 9a:bc at 49152 + 0x1abc. */
static void test_start_and_wrap(void **state)
{
    (void)state;
    struct ns_udp_sock s[3];
    struct ns_dgram q[3];
    struct nt *t = rig_mac(0x3f, 0xff);
    assert_int_equal(bind0(t, &s[0], &q[0]), 65535);
    assert_int_equal(bind0(t, &s[1], &q[1]), 49152);
    assert_int_equal(bind0(t, &s[2], &q[2]), 49153);
    nt_free(t);
    t = rig_mac(0xc0, 0x00);
    assert_int_equal(bind0(t, &s[0], &q[0]), 49152);
    nt_free(t);
    t = rig_mac(0x9a, 0xbc);
    assert_int_equal(bind0(t, &s[0], &q[0]), 49152 + 0x1abc);
    nt_free(t);
}

/* A refused bind takes no port: the next pick is the one it would have
 * had. A hand bind of a port an ephemeral socket holds is refused. */
static void test_refusals_take_no_port(void **state)
{
    (void)state;
    struct nt *t = rig_mac(0x00, 0x01);
    struct ns_udp_sock a, b;
    struct ns_dgram q[2];
    assert_int_equal(ns_udp_bind(&t->ns, &a, 0, NULL, 1), NS_ERR_INVAL);
    assert_int_equal(ns_udp_bind(&t->ns, &a, 0, q, 0), NS_ERR_INVAL);
    assert_int_equal(ns_udp_bind(NULL, &a, 0, q, 1), NS_ERR_INVAL);
    assert_int_equal(ns_udp_bind(&t->ns, NULL, 0, q, 1), NS_ERR_INVAL);
    assert_int_equal(bind0(t, &a, &q[0]), 49153);
    /* Already bound: refused, and it keeps its port. */
    assert_int_equal(ns_udp_bind(&t->ns, &a, 0, &q[0], 1), NS_ERR_IN_USE);
    assert_int_equal(ns_udp_port(&a), 49153);
    assert_int_equal(ns_udp_bind(&t->ns, &b, 49153, &q[1], 1), NS_ERR_IN_USE);
    assert_int_equal(bind0(t, &b, &q[1]), 49154);
    nt_free(t);
}

/* Every one of the 16384 dynamic ports once, then NS_ERR_IN_USE; a port
 * closed is the one the next bind gets. */
static void test_whole_range(void **state)
{
    (void)state;
    enum { N = NS_UDP_EPHEMERAL_MAX - NS_UDP_EPHEMERAL_MIN + 1 };
    struct nt *t = rig_mac(0x12, 0x34);
    struct ns_udp_sock *s = calloc(N + 1, sizeof(*s));
    uint8_t *seen = calloc(N, 1);
    struct ns_dgram q; /* shared: nothing is received here */
    assert_non_null(s);
    assert_non_null(seen);
    for (unsigned i = 0; i < N; i++) {
        uint16_t p = bind0(t, &s[i], &q);
        assert_true(p >= NS_UDP_EPHEMERAL_MIN);
        assert_int_equal(seen[p - NS_UDP_EPHEMERAL_MIN], 0);
        seen[p - NS_UDP_EPHEMERAL_MIN] = 1;
    }
    assert_int_equal(ns_udp_bind(&t->ns, &s[N], 0, &q, 1), NS_ERR_IN_USE);
    assert_int_equal(ns_udp_close(&t->ns, &s[777]), NS_OK);
    assert_int_equal(bind0(t, &s[N], &q), ns_udp_port(&s[777]));
    free(seen);
    free(s);
    nt_free(t);
}

/* The client's first datagram goes to port 69; the answers come from
 * other ports (a server's transfer IDs), and the ephemeral socket hears
 * each with its source port. */
static void test_hears_any_source_port(void **state)
{
    (void)state;
    struct nt *t = rig_mac(0x00, 0x01);
    struct ns_udp_sock cl, srv, tid1, tid2;
    struct ns_dgram qc[4], qs[1], q1[1], q2[1];
    assert_int_equal(ns_udp_bind(&t->ns, &srv, 69, qs, 1), NS_OK);
    assert_int_equal(ns_udp_bind(&t->ns, &tid1, 3001, q1, 1), NS_OK);
    assert_int_equal(ns_udp_bind(&t->ns, &tid2, 3002, q2, 1), NS_OK);
    assert_int_equal(ns_udp_bind(&t->ns, &cl, 0, qc, 4), NS_OK);
    assert_int_equal(ns_udp_port(&cl), 49153);
    assert_int_equal(ns_udp_send(&t->ns, &cl, LOOP1, 69, "rrq", 3), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    uint8_t buf[16];
    size_t len;
    uint32_t src;
    uint16_t sport;
    assert_int_equal(ns_udp_recv(&srv, buf, sizeof(buf), &len, &src, &sport), NS_OK);
    assert_int_equal(sport, 49153);
    assert_int_equal(ns_udp_send(&t->ns, &tid1, LOOP1, sport, "one", 3), NS_OK);
    assert_int_equal(ns_udp_send(&t->ns, &tid2, LOOP1, sport, "two", 3), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(ns_udp_recv(&cl, buf, sizeof(buf), &len, &src, &sport), NS_OK);
    assert_int_equal(sport, 3001);
    assert_memory_equal(buf, "one", 3);
    assert_int_equal(ns_udp_recv(&cl, buf, sizeof(buf), &len, &src, &sport), NS_OK);
    assert_int_equal(sport, 3002);
    assert_int_equal(src, LOOP1);
    assert_int_equal(nt_cnt(t).udp_no_port, 0);
    assert_int_equal(nt_cnt(t).udp_queue_full, 0);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence_from_the_mac), cmocka_unit_test(test_start_and_wrap),
        cmocka_unit_test(test_refusals_take_no_port), cmocka_unit_test(test_whole_range),
        cmocka_unit_test(test_hears_any_source_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
