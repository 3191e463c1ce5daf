/*
 * Client timelines, as smoltcp and lwIP test theirs: each step is (time,
 * message in, message expected out), and every expected message is the
 * exact byte string the client must send, with its xid taken from the
 * test's own splitmix64 and its secs from the step. Before each step the
 * client is also polled one millisecond early and must send nothing, so
 * every retransmission time is asserted exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stddef.h>
#include <string.h>

#include "dhcp-stub/dhcp_client.h"
#include "netproto/udp.h"

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
#define ADDR NP_IPV4(10, 0, 2, 15)
#define SERVER NP_IPV4(10, 0, 2, 2)

enum in_kind { IN_NONE, IN_OFFER, IN_ACK, IN_NAK };
enum out_kind {
    OUT_NONE,
    OUT_DISCOVER,
    OUT_REQ_SELECT,
    OUT_REQ_REBOOT,
    OUT_REQ_RENEW,
    OUT_REQ_REBIND
};

struct step {
    uint64_t t_ms;
    enum in_kind in;
    enum out_kind out;
    int new_xid;   /* the message out starts a new exchange */
    uint16_t secs; /* of the message out */
    enum dhcp_client_state after;
    enum dhcp_client_event ev;
};

struct tl {
    struct dhcp_client c;
    uint64_t rng; /* the test's copy of the client's generator */
    uint32_t xid;
    uint32_t lease_s; /* what the replies offer */
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx tx;
};

static uint64_t next_rand64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint32_t next_rand32(uint64_t *s)
{
    return (uint32_t)(next_rand64(s) >> 32);
}

/* The wait after the k-th NAK in a row, computed here from the test's
 * copy of the generator: base = 1 s doubled per NAK up to 64 s, then a
 * uniform draw in [base/2, base]. */
static uint64_t nak_wait(struct tl *t, unsigned k)
{
    uint64_t base = 1000;
    for (unsigned i = 1; i < k && base < 64000; i++)
        base *= 2;
    if (base > 64000)
        base = 64000;
    return base / 2 + next_rand64(&t->rng) % (base - base / 2 + 1);
}

/* A client in INIT at time 0 (reboot_addr 0), or in INIT-REBOOT for
 * reboot_addr (RFC 2131 §3.2). */
static void tl_init_from(struct tl *t, uint32_t lease_s, uint64_t seed, uint32_t reboot_addr)
{
    memset(t, 0, sizeof *t);
    struct dhcp_client_config cfg;
    dhcp_client_config_defaults(&cfg);
    cfg.seed = seed;
    assert_int_equal(dhcp_client_init(&t->c, &cfg), DHCP_OK);
    if (reboot_addr == 0)
        assert_int_equal(dhcp_client_start(&t->c, 0), DHCP_OK);
    else
        assert_int_equal(dhcp_client_start_reboot(&t->c, 0, reboot_addr), DHCP_OK);
    t->rng = seed;
    t->lease_s = lease_s;
    t->tx.buf = t->buf;
    t->tx.cap = sizeof t->buf;
}

static void tl_init(struct tl *t, uint32_t lease_s, uint64_t seed)
{
    tl_init_from(t, lease_s, seed, 0);
}

/* What the client must send, per RFC 2131 table 5. */
static size_t expected(const struct tl *t, enum out_kind k, uint16_t secs, uint8_t *out)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.type = DHCP_REQUEST;
    m.xid = t->xid;
    m.secs = secs;
    memcpy(m.chaddr, mac, 6);
    m.client_id[0] = 1;
    memcpy(m.client_id + 1, mac, 6);
    m.client_id_len = 7;
    const uint8_t prl[] = {1, 3, 6, 51, 54, 58, 59};
    memcpy(m.prl, prl, sizeof prl);
    m.prl_len = sizeof prl;
    m.present = DHCP_HAVE_MAX_SIZE;
    m.max_size = 576;
    switch (k) {
    case OUT_DISCOVER:
        m.type = DHCP_DISCOVER;
        break;
    case OUT_REQ_SELECT:
        m.present |= DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
        m.requested_ip = ADDR;
        m.server_id = SERVER;
        break;
    case OUT_REQ_REBOOT:
        /* RFC 2131 §4.3.2: option 50, no server id, ciaddr 0, broadcast. */
        m.present |= DHCP_HAVE_REQUESTED_IP;
        m.requested_ip = ADDR;
        break;
    case OUT_REQ_RENEW:
    case OUT_REQ_REBIND:
        m.ciaddr = ADDR;
        break;
    case OUT_NONE:
        fail();
    }
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, out, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    return len;
}

static size_t reply(const struct tl *t, enum in_kind k, uint8_t *out)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREPLY;
    m.xid = t->xid;
    memcpy(m.chaddr, mac, 6);
    m.present = DHCP_HAVE_SERVER_ID;
    m.server_id = SERVER;
    if (k == IN_NAK) {
        m.type = DHCP_NAK;
    } else {
        m.type = k == IN_OFFER ? DHCP_OFFER : DHCP_ACK;
        m.yiaddr = ADDR;
        m.present |= DHCP_HAVE_LEASE | DHCP_HAVE_SUBNET_MASK;
        m.lease_s = t->lease_s;
        m.subnet_mask = NP_IPV4(255, 255, 255, 0);
    }
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, out, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    return len;
}

static void run(struct tl *t, const struct step *steps, size_t n)
{
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        const struct step *s = &steps[i];
        enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE, ev2 = DHCP_CLIENT_EV_NONE;
        if (s->t_ms > prev + 1 && s->out != OUT_NONE) {
            assert_int_equal(dhcp_client_poll(&t->c, s->t_ms - 1, &t->tx, &ev), DHCP_OK);
            if (t->tx.len != 0)
                fail_msg("step %zu: sent at %llu, 1 ms early", i,
                         (unsigned long long)(s->t_ms - 1));
        }
        if (s->in != IN_NONE) {
            uint8_t in[DHCP_MSG_BUILD_MAX];
            size_t len = reply(t, s->in, in);
            assert_int_equal(dhcp_client_input(&t->c, s->t_ms, in, len, &ev), DHCP_OK);
        }
        assert_int_equal(dhcp_client_poll(&t->c, s->t_ms, &t->tx, &ev2), DHCP_OK);
        if (ev2 != DHCP_CLIENT_EV_NONE)
            ev = ev2;
        if (ev != s->ev)
            fail_msg("step %zu at %llu: event %s, want %s", i, (unsigned long long)s->t_ms,
                     dhcp_client_event_name(ev), dhcp_client_event_name(s->ev));
        if (s->out == OUT_NONE) {
            assert_int_equal(t->tx.len, 0);
        } else {
            if (s->new_xid)
                t->xid = next_rand32(&t->rng);
            uint8_t want[DHCP_MSG_BUILD_MAX];
            size_t len = expected(t, s->out, s->secs, want);
            if (t->tx.len != len || memcmp(t->buf, want, len) != 0)
                fail_msg("step %zu at %llu: wrong bytes (xid %08x, want %08x)", i,
                         (unsigned long long)s->t_ms, (unsigned)np_get32(t->buf + 4),
                         (unsigned)t->xid);
            bool bcast = s->out != OUT_REQ_RENEW;
            assert_int_equal(t->tx.dest, bcast ? DHCP_DEST_BROADCAST : DHCP_DEST_UNICAST);
            assert_int_equal(t->tx.dst_ip, bcast ? NP_IPV4_BROADCAST : SERVER);
        }
        if (dhcp_client_state(&t->c) != s->after)
            fail_msg("step %zu at %llu: state %s, want %s", i, (unsigned long long)s->t_ms,
                     dhcp_client_state_name(dhcp_client_state(&t->c)),
                     dhcp_client_state_name(s->after));
        prev = s->t_ms;
    }
}

#define NONE_EV DHCP_CLIENT_EV_NONE

static void test_discover_retransmits_4_8_16_32_64(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 99);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {4000, IN_NONE, OUT_DISCOVER, 0, 4, DHCP_CLIENT_SELECTING, NONE_EV},
        {12000, IN_NONE, OUT_DISCOVER, 0, 12, DHCP_CLIENT_SELECTING, NONE_EV},
        {28000, IN_NONE, OUT_DISCOVER, 0, 28, DHCP_CLIENT_SELECTING, NONE_EV},
        {60000, IN_NONE, OUT_DISCOVER, 0, 60, DHCP_CLIENT_SELECTING, NONE_EV},
        {124000, IN_NONE, OUT_DISCOVER, 0, 124, DHCP_CLIENT_SELECTING, NONE_EV},
        /* Capped at 64 s from here on. */
        {188000, IN_NONE, OUT_DISCOVER, 0, 188, DHCP_CLIENT_SELECTING, NONE_EV},
        {252000, IN_NONE, OUT_DISCOVER, 0, 252, DHCP_CLIENT_SELECTING, NONE_EV},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
    assert_int_equal(dhcp_client_deadline(&t.c), 316000);
}

/* An OFFER for a retransmitted DISCOVER: its REQUEST repeats that
 * DISCOVER's secs (4), and so do the REQUEST's own retransmissions. */
static void test_request_repeats_discover_secs(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 5);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {4000, IN_NONE, OUT_DISCOVER, 0, 4, DHCP_CLIENT_SELECTING, NONE_EV},
        {6500, IN_OFFER, OUT_REQ_SELECT, 0, 4, DHCP_CLIENT_REQUESTING, NONE_EV},
        {10500, IN_NONE, OUT_REQ_SELECT, 0, 4, DHCP_CLIENT_REQUESTING, NONE_EV},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
}

static void test_request_retries_then_init(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 5);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        /* The OFFER's xid is kept for the REQUEST, and so are the secs of
         * the DISCOVER, on every retransmission (RFC 2131 §4.4.1). */
        {1500, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {5500, IN_NONE, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {13500, IN_NONE, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {29500, IN_NONE, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {61500, IN_NONE, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        /* Four retries spent: INIT, a new DISCOVER with a new xid. */
        {125500, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
}

static void test_renew_rebind_expire_timeline(void **state)
{
    (void)state;
    /* Lease 3600 s: T1 1800 s, T2 3150 s. RENEWING retries after half the
     * time to T2, REBINDING after half the time to expiry, at least 60 s
     * each (RFC 2131 §4.4.5). Nothing answers after the ACK. */
    struct tl t;
    tl_init(&t, 3600, 11);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {0, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
        {1800000, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
        {2475000, IN_NONE, OUT_REQ_RENEW, 0, 675, DHCP_CLIENT_RENEWING, NONE_EV},
        {2812500, IN_NONE, OUT_REQ_RENEW, 0, 1012, DHCP_CLIENT_RENEWING, NONE_EV},
        {2981250, IN_NONE, OUT_REQ_RENEW, 0, 1181, DHCP_CLIENT_RENEWING, NONE_EV},
        {3065625, IN_NONE, OUT_REQ_RENEW, 0, 1265, DHCP_CLIENT_RENEWING, NONE_EV},
        /* Half of 84.375 s is under the 60 s minimum. */
        {3125625, IN_NONE, OUT_REQ_RENEW, 0, 1325, DHCP_CLIENT_RENEWING, NONE_EV},
        /* T2: REBINDING broadcasts the same request. */
        {3150000, IN_NONE, OUT_REQ_REBIND, 0, 1350, DHCP_CLIENT_REBINDING, NONE_EV},
        {3375000, IN_NONE, OUT_REQ_REBIND, 0, 1575, DHCP_CLIENT_REBINDING, NONE_EV},
        {3487500, IN_NONE, OUT_REQ_REBIND, 0, 1687, DHCP_CLIENT_REBINDING, NONE_EV},
        {3547500, IN_NONE, OUT_REQ_REBIND, 0, 1747, DHCP_CLIENT_REBINDING, NONE_EV},
        /* Expiry with no server: LOST, INIT, and a fresh DISCOVER. */
        {3600000, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, DHCP_CLIENT_EV_LOST},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
    assert_null(dhcp_client_lease(&t.c));
}

static void test_nak_while_renewing_then_lease_again(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 12);
    const struct step s1[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {10, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {20, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
        /* The lease started when the REQUEST went out, at 10 ms. */
        {1800010, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
        /* NAK: LOST and INIT (RFC 2131 §4.4.5), DISCOVER after the wait
         * of a first NAK. */
        {1801000, IN_NAK, OUT_NONE, 0, 0, DHCP_CLIENT_INIT, DHCP_CLIENT_EV_LOST},
    };
    run(&t, s1, sizeof s1 / sizeof s1[0]);
    uint64_t at = 1801000 + nak_wait(&t, 1);
    const struct step s2[] = {
        {at, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {at + 100, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {at + 200, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
    };
    run(&t, s2, sizeof s2 / sizeof s2[0]);
    assert_int_equal(dhcp_client_lease(&t.c)->addr, ADDR);
    assert_int_equal(dhcp_client_deadline(&t.c), at + 100 + 1800000);
}

/*
 * Issue 12: a server that OFFERs and then NAKs every REQUEST drove 1,004
 * DISCOVER/REQUEST pairs within one millisecond. Each NAK in a row now
 * waits base/2..base before the next DISCOVER, base = 1 s doubling to
 * 64 s, drawn from the seed: the n-th cycle starts exactly where the
 * test's own generator says, nothing goes out a millisecond earlier, and
 * an hour of such a server costs 60 cycles instead of millions.
 */
static void test_nak_backs_off_doubling_to_64_s(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 23);
    uint64_t at = 0;
    unsigned cycles = 0;
    for (unsigned k = 1; at < 3600000; k++, cycles++) {
        const struct step cycle[] = {
            {at, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
            {at, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
            {at, IN_NAK, OUT_NONE, 0, 0, DHCP_CLIENT_INIT, NONE_EV},
        };
        run(&t, cycle, 3);
        uint64_t wait = nak_wait(&t, k);
        uint64_t base = k >= 7 ? 64000 : 1000u << (k - 1);
        assert_true(wait >= base / 2 && wait <= base);
        assert_int_equal(dhcp_client_deadline(&t.c), at + wait);
        at += wait;
    }
    /* 0.5..1 + 1..2 + ... + 32..64 s for the first seven, then 32..64 s. */
    assert_true(cycles >= 56 && cycles <= 114);
}

/* The count of NAKs in a row restarts with each lease: after a BOUND the
 * next NAK waits as a first one does (0.5 to 1 s). */
static void test_nak_count_restarts_after_a_lease(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 24);
    const struct step s1[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {0, IN_NAK, OUT_NONE, 0, 0, DHCP_CLIENT_INIT, NONE_EV},
    };
    run(&t, s1, 3);
    uint64_t at = nak_wait(&t, 1);
    const struct step s2[] = {
        {at, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {at, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {at, IN_NAK, OUT_NONE, 0, 0, DHCP_CLIENT_INIT, NONE_EV},
    };
    run(&t, s2, 3);
    at += nak_wait(&t, 2);
    const struct step s3[] = {
        {at, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {at, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {at, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
        {at + 1800000, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
        {at + 1800000, IN_NAK, OUT_NONE, 0, 0, DHCP_CLIENT_INIT, DHCP_CLIENT_EV_LOST},
    };
    run(&t, s3, sizeof s3 / sizeof s3[0]);
    uint64_t wait = nak_wait(&t, 1);
    assert_true(wait >= 500 && wait <= 1000);
    assert_int_equal(dhcp_client_deadline(&t.c), at + 1800000 + wait);
}

/*
 * RFC 2131 §4.4.5: a renewed lease runs from the time the DHCPREQUEST that
 * got the ACK was sent, not from T1. The three timelines of issue 12, each
 * from a lease of 86400 s bound at 0 with the server silent at T1
 * (43200 s): RENEWING retransmits after half the time to T2, REBINDING
 * starts at T2 (75600 s).
 */
static void renew_silently_to_t2(struct tl *t)
{
    const struct step bind[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {0, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
        {43200000, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
        {59400000, IN_NONE, OUT_REQ_RENEW, 0, 16200, DHCP_CLIENT_RENEWING, NONE_EV},
        {67500000, IN_NONE, OUT_REQ_RENEW, 0, 24300, DHCP_CLIENT_RENEWING, NONE_EV},
        {71550000, IN_NONE, OUT_REQ_RENEW, 0, 28350, DHCP_CLIENT_RENEWING, NONE_EV},
        {73575000, IN_NONE, OUT_REQ_RENEW, 0, 30375, DHCP_CLIENT_RENEWING, NONE_EV},
        {74587500, IN_NONE, OUT_REQ_RENEW, 0, 31387, DHCP_CLIENT_RENEWING, NONE_EV},
        {75093750, IN_NONE, OUT_REQ_RENEW, 0, 31893, DHCP_CLIENT_RENEWING, NONE_EV},
        {75346875, IN_NONE, OUT_REQ_RENEW, 0, 32146, DHCP_CLIENT_RENEWING, NONE_EV},
        {75473437, IN_NONE, OUT_REQ_RENEW, 0, 32273, DHCP_CLIENT_RENEWING, NONE_EV},
        {75536718, IN_NONE, OUT_REQ_RENEW, 0, 32336, DHCP_CLIENT_RENEWING, NONE_EV},
        /* Half of 63.282 s is under the minimum: 60 s, then T2. */
        {75596718, IN_NONE, OUT_REQ_RENEW, 0, 32396, DHCP_CLIENT_RENEWING, NONE_EV},
        {75600000, IN_NONE, OUT_REQ_REBIND, 0, 32400, DHCP_CLIENT_REBINDING, NONE_EV},
    };
    tl_init(t, 86400, 70);
    run(t, bind, sizeof bind / sizeof bind[0]);
}

/* The lease held after a renewal: start, T1 and expiry, and nothing due
 * before T1 (in particular no LOST on the next poll). */
static void expect_renewed_lease(struct tl *t, uint64_t now, uint64_t start, uint32_t lease_s)
{
    const struct dhcp_lease *l = dhcp_client_lease(&t->c);
    assert_non_null(l);
    assert_int_equal(l->lease_s, lease_s);
    assert_int_equal(l->start_ms, start);
    assert_int_equal(l->t1_ms, start + lease_s * 500u);
    assert_int_equal(l->expire_ms, start + lease_s * 1000u);
    assert_true(l->expire_ms > now);
    assert_int_equal(dhcp_client_deadline(&t->c), l->t1_ms);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&t->c, now + 1, &t->tx, &ev), DHCP_OK);
    assert_int_equal(ev, NONE_EV);
    assert_int_equal(t->tx.len, 0);
    assert_int_equal(dhcp_client_poll(&t->c, l->t1_ms - 1, &t->tx, &ev), DHCP_OK);
    assert_int_equal(ev, NONE_EV);
    assert_int_equal(t->tx.len, 0);
    assert_int_equal(dhcp_client_state(&t->c), DHCP_CLIENT_BOUND);
}

/* An ACK with lease 3600 to the REBINDING request sent at 75600 s arrives
 * at 75600.1 s: RENEWED, running from 75600 s to 79200 s. (From T1 it
 * would have expired at 46800 s, before it arrived, and the next poll
 * would have reported LOST.) */
static void test_rebinding_ack_runs_from_its_request(void **state)
{
    (void)state;
    struct tl t;
    renew_silently_to_t2(&t);
    t.lease_s = 3600;
    const struct step ack[] = {
        {75600100, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_RENEWED},
    };
    run(&t, ack, 1);
    expect_renewed_lease(&t, 75600100, 75600000, 3600);
    /* And the next renewal comes at the new T1, 77400 s. */
    const struct step next[] = {
        {77400000, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
    };
    run(&t, next, 1);
}

/* A RENEWING retransmission (59400 s) answered by an ACK with lease 3600:
 * the lease runs from 59400 s, not from T1 (where it would already have
 * expired, and the client would have gone LOST at once). */
static void test_renewing_retransmission_ack_runs_from_it(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 86400, 71);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {0, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
        {43200000, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
        {59400000, IN_NONE, OUT_REQ_RENEW, 0, 16200, DHCP_CLIENT_RENEWING, NONE_EV},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
    t.lease_s = 3600;
    const struct step ack[] = {
        {59400100, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_RENEWED},
    };
    run(&t, ack, 1);
    expect_renewed_lease(&t, 59400100, 59400000, 3600);
}

/* An ACK at T2 itself with lease 43200: the lease is extended to
 * 75600 + 43200 s. (From T1 it would have ended at 86400 s, exactly where
 * the old one did: no extension at all.) */
static void test_ack_at_t2_extends_the_lease(void **state)
{
    (void)state;
    struct tl t;
    renew_silently_to_t2(&t);
    t.lease_s = 43200;
    const struct step ack[] = {
        {75600000, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_RENEWED},
    };
    run(&t, ack, 1);
    expect_renewed_lease(&t, 75600000, 75600000, 43200);
    assert_int_equal(dhcp_client_lease(&t.c)->expire_ms, 118800000u);
}

static void test_init_reboot_retransmits_then_init(void **state)
{
    (void)state;
    /* INIT-REBOOT with nothing answering: the REQUEST for the previous
     * address goes out at 0, 4, 12, 28 and 60 s, like any retransmission,
     * and after the four retries the client falls back to INIT. */
    struct tl t;
    tl_init_from(&t, 3600, 14, ADDR);
    const struct step steps[] = {
        {0, IN_NONE, OUT_REQ_REBOOT, 1, 0, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {4000, IN_NONE, OUT_REQ_REBOOT, 0, 4, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {12000, IN_NONE, OUT_REQ_REBOOT, 0, 12, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {28000, IN_NONE, OUT_REQ_REBOOT, 0, 28, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {60000, IN_NONE, OUT_REQ_REBOOT, 0, 60, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {124000, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
    assert_null(dhcp_client_lease(&t.c));
}

static void test_init_reboot_ack_after_retransmit(void **state)
{
    (void)state;
    /* An ACK to the retransmitted REQUEST binds; the lease runs from the
     * first REQUEST of the exchange (0 ms), the conservative choice. */
    struct tl t;
    tl_init_from(&t, 3600, 15, ADDR);
    const struct step steps[] = {
        {0, IN_NONE, OUT_REQ_REBOOT, 1, 0, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {4000, IN_NONE, OUT_REQ_REBOOT, 0, 4, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {5000, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
    assert_int_equal(dhcp_client_lease(&t.c)->addr, ADDR);
    assert_int_equal(dhcp_client_lease(&t.c)->start_ms, 0);
    assert_int_equal(dhcp_client_deadline(&t.c), 1800000);
}

static void test_clock_stepping_back_gives_secs_zero(void **state)
{
    (void)state;
    /* Regression: an OFFER handed in with a time before the DISCOVER's
     * made the REQUEST's secs wrap to 65535. It must be 0. */
    struct tl t;
    tl_init(&t, 3600, 16);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&t.c, 10000, &t.tx, &ev), DHCP_OK);
    t.xid = np_get32(t.buf + 4);
    uint8_t in[DHCP_MSG_BUILD_MAX];
    size_t len = reply(&t, IN_OFFER, in);
    assert_int_equal(dhcp_client_input(&t.c, 5000, in, len, &ev), DHCP_OK);
    assert_int_equal(dhcp_client_poll(&t.c, 5000, &t.tx, &ev), DHCP_OK);
    uint8_t want[DHCP_MSG_BUILD_MAX];
    size_t wlen = expected(&t, OUT_REQ_SELECT, 0, want);
    assert_int_equal(t.tx.len, wlen);
    assert_memory_equal(t.buf, want, wlen);
}

static void test_late_poll_passes_every_timer(void **state)
{
    (void)state;
    /* A poll long after expiry (a suspended guest) goes BOUND, RENEWING,
     * REBINDING, LOST, INIT in one call and sends one DISCOVER. */
    struct tl t;
    tl_init(&t, 3600, 13);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
        {0, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
    };
    run(&t, steps, sizeof steps / sizeof steps[0]);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&t.c, 10000000, &t.tx, &ev), DHCP_OK);
    assert_int_equal(ev, DHCP_CLIENT_EV_LOST);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_SELECTING);
    assert_int_equal(t.tx.len > 0, 1);
    assert_int_equal(t.buf[240 + 2], DHCP_DISCOVER);
}

static void test_jitter_seeded_and_bounded(void **state)
{
    (void)state;
    /* With jitter on, the n-th interval is 4 s * 2^(n-1) (cap 64 s) plus
     * (r % 2001) - 1000 ms, r the next 64-bit output of the generator
     * after the xid: computed here independently. */
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct dhcp_client_config cfg;
        dhcp_client_config_defaults(&cfg);
        cfg.seed = seed;
        cfg.jitter = true;
        struct dhcp_client c;
        assert_int_equal(dhcp_client_init(&c, &cfg), DHCP_OK);
        assert_int_equal(dhcp_client_start(&c, 0), DHCP_OK);
        uint8_t buf[DHCP_MSG_BUILD_MAX];
        struct dhcp_tx tx = {.buf = buf, .cap = sizeof buf};
        enum dhcp_client_event ev;
        uint64_t s = seed, now = 0, base = 4000;
        (void)next_rand32(&s); /* the xid */
        for (int i = 0; i < 7; i++) {
            assert_int_equal(dhcp_client_poll(&c, now, &tx, &ev), DHCP_OK);
            assert_true(tx.len > 0);
            uint64_t z = (s += 0x9e3779b97f4a7c15u);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
            z ^= z >> 31;
            uint64_t want = now + base + z % 2001 - 1000;
            assert_int_equal(dhcp_client_deadline(&c), want);
            assert_true(want >= now + base - 1000 && want <= now + base + 1000);
            now = want;
            base = base * 2 > 64000 ? 64000 : base * 2;
        }
    }
}

/* One reply built for the client's current xid. */
static size_t ack_with(const struct tl *t, uint32_t present, uint32_t lease, uint32_t t1,
                       uint32_t t2, uint8_t *out)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREPLY;
    m.type = DHCP_ACK;
    m.xid = t->xid;
    memcpy(m.chaddr, mac, 6);
    m.yiaddr = ADDR;
    m.present = DHCP_HAVE_SERVER_ID | present;
    m.server_id = SERVER;
    m.lease_s = lease;
    m.t1_s = t1;
    m.t2_s = t2;
    m.subnet_mask = NP_IPV4(255, 255, 255, 0);
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, out, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    return len;
}

/* Brings a client to REQUESTING at time 0 and delivers the given ACK. */
static const struct dhcp_lease *bind_with(struct tl *t, uint32_t present, uint32_t lease,
                                          uint32_t t1, uint32_t t2)
{
    tl_init(t, 3600, 21);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
    };
    run(t, steps, 2);
    uint8_t in[DHCP_MSG_BUILD_MAX];
    size_t len = ack_with(t, present, lease, t1, t2, in);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_input(&t->c, 0, in, len, &ev), DHCP_OK);
    assert_int_equal(ev, DHCP_CLIENT_EV_BOUND);
    return dhcp_client_lease(&t->c);
}

static void test_ack_without_mask_gets_classful_mask(void **state)
{
    (void)state;
    struct tl t;
    const struct dhcp_lease *l = bind_with(&t, DHCP_HAVE_LEASE, 3600, 0, 0);
    /* 10.0.2.15 is class A: /8, flagged so the caller can tell. */
    assert_true(l->mask_from_class);
    assert_int_equal(l->mask, NP_IPV4(255, 0, 0, 0));
    assert_int_equal(l->prefix_len, 8);
}

/* A lease shorter than the minimum (here 1 s) is raised to it (20 s). */
static void test_short_lease_raised_to_minimum(void **state)
{
    (void)state;
    struct tl t;
    const struct dhcp_lease *l = bind_with(&t, DHCP_HAVE_LEASE | DHCP_HAVE_SUBNET_MASK, 1, 0, 0);
    assert_int_equal(l->lease_s, 20);
    assert_int_equal(l->t1_ms, 10000);
    assert_int_equal(l->t2_ms, 17500);
    assert_int_equal(l->expire_ms, 20000);
    assert_int_equal(dhcp_client_deadline(&t.c), 10000);
}

/* Hands the client a reply with lease_s that it must drop with want; the
 * client is unchanged but for rx_rejected. */
static void expect_dropped(struct tl *t, uint64_t now, enum in_kind k, uint32_t lease_s, int want)
{
    uint32_t keep = t->lease_s;
    t->lease_s = lease_s;
    uint8_t in[DHCP_MSG_BUILD_MAX];
    size_t len = reply(t, k, in);
    t->lease_s = keep;
    struct dhcp_client before = t->c;
    enum dhcp_client_event ev = NONE_EV;
    assert_int_equal(dhcp_client_input(&t->c, now, in, len, &ev), want);
    assert_memory_equal(&t->c, &before, offsetof(struct dhcp_client, stats));
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t->c, &st);
    assert_int_equal(st.rx_rejected, before.stats.rx_rejected + 1);
}

/* Lease 0 is not acted on in any state (issue 12): an OFFER with it is
 * dropped and SELECTING goes on retransmitting; an ACK with it is dropped
 * and REQUESTING retransmits its REQUEST (then INIT after the retries, as
 * with no answer); in RENEWING the lease held stays and renewing goes on. */
static void test_lease_zero_never_acted_on(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 22);
    const struct step s1[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
    };
    run(&t, s1, 1);
    expect_dropped(&t, 100, IN_OFFER, 0, DHCP_CLIENT_ERR_LEASE_ZERO);
    const struct step s2[] = {
        {4000, IN_NONE, OUT_DISCOVER, 0, 4, DHCP_CLIENT_SELECTING, NONE_EV},
        {4100, IN_OFFER, OUT_REQ_SELECT, 0, 4, DHCP_CLIENT_REQUESTING, NONE_EV},
    };
    run(&t, s2, 2);
    expect_dropped(&t, 4200, IN_ACK, 0, DHCP_CLIENT_ERR_LEASE_ZERO);
    const struct step s3[] = {
        {8100, IN_NONE, OUT_REQ_SELECT, 0, 4, DHCP_CLIENT_REQUESTING, NONE_EV},
        {8200, IN_ACK, OUT_NONE, 0, 0, DHCP_CLIENT_BOUND, DHCP_CLIENT_EV_BOUND},
        /* The lease runs from the first REQUEST, at 4.1 s: T1 at 1804.1 s. */
        {1804100, IN_NONE, OUT_REQ_RENEW, 1, 0, DHCP_CLIENT_RENEWING, NONE_EV},
    };
    run(&t, s3, 3);
    expect_dropped(&t, 1804200, IN_ACK, 0, DHCP_CLIENT_ERR_LEASE_ZERO);
    assert_int_equal(dhcp_client_lease(&t.c)->expire_ms, 4100 + 3600000);
    const struct step s4[] = {
        {2479100, IN_NONE, OUT_REQ_RENEW, 0, 675, DHCP_CLIENT_RENEWING, NONE_EV},
    };
    run(&t, s4, 1);
}

static void test_lease_infinite_never_renews(void **state)
{
    (void)state;
    struct tl t;
    const struct dhcp_lease *l =
        bind_with(&t, DHCP_HAVE_LEASE | DHCP_HAVE_SUBNET_MASK, DHCP_LEASE_INFINITE, 0, 0);
    assert_int_equal(l->lease_s, DHCP_LEASE_INFINITE);
    assert_int_equal(l->expire_ms, DHCP_NEVER);
    assert_int_equal(dhcp_client_deadline(&t.c), DHCP_NEVER);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&t.c, UINT64_MAX - 1, &t.tx, &ev), DHCP_OK);
    assert_int_equal(t.tx.len, 0);
    assert_int_equal(ev, DHCP_CLIENT_EV_NONE);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_BOUND);
}

static void test_t1_t2_options_and_inconsistent_values(void **state)
{
    (void)state;
    struct tl t;
    uint32_t both = DHCP_HAVE_LEASE | DHCP_HAVE_T1 | DHCP_HAVE_T2;
    /* Consistent options are used as given. */
    const struct dhcp_lease *l = bind_with(&t, both, 1000, 300, 600);
    assert_int_equal(l->t1_ms, 300000);
    assert_int_equal(l->t2_ms, 600000);
    /* T1 >= T2: both defaults (500 s and 875 s). */
    l = bind_with(&t, both, 1000, 600, 600);
    assert_int_equal(l->t1_ms, 500000);
    assert_int_equal(l->t2_ms, 875000);
    /* T2 >= lease: both defaults. */
    l = bind_with(&t, both, 1000, 300, 1000);
    assert_int_equal(l->t1_ms, 500000);
    assert_int_equal(l->t2_ms, 875000);
    /* T1 alone, beyond the default T2: defaults. */
    l = bind_with(&t, DHCP_HAVE_LEASE | DHCP_HAVE_T1, 1000, 900, 0);
    assert_int_equal(l->t1_ms, 500000);
    /* Regression: T1 = 0 would renew at once and again after every ACK;
     * it breaks 0 < T1 and both defaults apply. */
    l = bind_with(&t, both, 1000, 0, 600);
    assert_int_equal(l->t1_ms, 500000);
    assert_int_equal(l->t2_ms, 875000);
    /* T1 alone, below the default T2: used. */
    l = bind_with(&t, DHCP_HAVE_LEASE | DHCP_HAVE_T1, 1000, 100, 0);
    assert_int_equal(l->t1_ms, 100000);
    assert_int_equal(l->t2_ms, 875000);
}

static void test_renewal_with_new_parameters_is_changed(void **state)
{
    (void)state;
    struct tl t;
    bind_with(&t, DHCP_HAVE_LEASE | DHCP_HAVE_SUBNET_MASK, 1000, 0, 0);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&t.c, 500000, &t.tx, &ev), DHCP_OK);
    t.xid = np_get32(t.buf + 4);
    uint8_t in[DHCP_MSG_BUILD_MAX];
    /* Same address, but now without a mask: the mask changes to /8. */
    size_t len = ack_with(&t, DHCP_HAVE_LEASE, 1000, 0, 0, in);
    assert_int_equal(dhcp_client_input(&t.c, 500000, in, len, &ev), DHCP_OK);
    assert_int_equal(ev, DHCP_CLIENT_EV_CHANGED);
    /* And the next renewal with the same reply again is RENEWED, even
     * with a different lease time. */
    assert_int_equal(dhcp_client_poll(&t.c, 1000000, &t.tx, &ev), DHCP_OK);
    t.xid = np_get32(t.buf + 4);
    len = ack_with(&t, DHCP_HAVE_LEASE, 2000, 0, 0, in);
    assert_int_equal(dhcp_client_input(&t.c, 1000000, in, len, &ev), DHCP_OK);
    assert_int_equal(ev, DHCP_CLIENT_EV_RENEWED);
}

static void test_ack_from_other_server_rejected(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 30);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
    };
    run(&t, steps, 2);
    struct dhcp_msg m;
    uint8_t in[DHCP_MSG_BUILD_MAX];
    size_t len = ack_with(&t, DHCP_HAVE_LEASE, 3600, 0, 0, in);
    assert_int_equal(dhcp_msg_parse(in, len, &m), DHCP_OK);
    m.server_id = NP_IPV4(10, 0, 2, 9);
    assert_int_equal(dhcp_msg_build(&m, in, sizeof in, &len), DHCP_OK);
    struct dhcp_client before = t.c;
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_input(&t.c, 0, in, len, &ev), DHCP_CLIENT_ERR_SERVER_ID);
    assert_memory_equal(&t.c, &before, offsetof(struct dhcp_client, stats));
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t.c, &st);
    assert_int_equal(st.rx_rejected, before.stats.rx_rejected + 1);
}

/* dnsmasq may unicast the OFFER to yiaddr and our MAC before we own the
 * address; frames to another MAC or port, or from a port not 67, are not
 * ours. */
static void test_unicast_offer_frame_accepted(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 40);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
    };
    run(&t, steps, 1);
    uint8_t frame[NP_ETH_MAX_FRAME];
    size_t plen = reply(&t, IN_OFFER, frame + NP_UDP_FRAME_HLEN);
    struct dhcp_tx tx = {.buf = frame + NP_UDP_FRAME_HLEN,
                         .cap = sizeof frame - NP_UDP_FRAME_HLEN,
                         .len = plen,
                         .dest = DHCP_DEST_UNICAST_CHADDR,
                         .src_ip = SERVER,
                         .dst_ip = ADDR,
                         .src_port = 67,
                         .dst_port = 68};
    memcpy(tx.dst_mac, mac, 6);
    const uint8_t server_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    size_t flen;
    assert_int_equal(dhcp_tx_frame(&tx, server_mac, NULL, frame, sizeof frame, &flen), DHCP_OK);
    struct dhcp_client before = t.c;
    enum dhcp_client_event ev;
    /* Another MAC: not ours. */
    frame[5] ^= 1;
    assert_int_equal(dhcp_client_input_frame(&t.c, 0, frame, flen, &ev), DHCP_CLIENT_ERR_NOT_OURS);
    frame[5] ^= 1;
    /* A broken IP checksum: a bad frame. */
    frame[NP_ETH_HLEN + 10] ^= 1;
    assert_int_equal(dhcp_client_input_frame(&t.c, 0, frame, flen, &ev), DHCP_CLIENT_ERR_FRAME);
    frame[NP_ETH_HLEN + 10] ^= 1;
    /* Port 69 instead of 68 (UDP checksum off so only the port differs). */
    uint8_t *udp = frame + NP_ETH_HLEN + NP_IPV4_HLEN;
    uint8_t save[NP_UDP_HLEN];
    memcpy(save, udp, sizeof save);
    udp[3] = 69;
    udp[6] = udp[7] = 0;
    assert_int_equal(dhcp_client_input_frame(&t.c, 0, frame, flen, &ev), DHCP_CLIENT_ERR_NOT_OURS);
    memcpy(udp, save, sizeof save);
    /* From port 68, not the server's 67 (another client's broadcast). */
    udp[1] = 68;
    udp[6] = udp[7] = 0;
    assert_int_equal(dhcp_client_input_frame(&t.c, 0, frame, flen, &ev), DHCP_CLIENT_ERR_NOT_OURS);
    memcpy(udp, save, sizeof save);
    assert_memory_equal(&t.c, &before, offsetof(struct dhcp_client, stats));
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t.c, &st);
    assert_int_equal(st.rx_not_ours, 3);
    assert_int_equal(st.rx_malformed, 1);
    assert_int_equal(st.rx_ok, 0);
    /* The real frame: accepted although its IP destination is not ours yet. */
    assert_int_equal(dhcp_client_input_frame(&t.c, 0, frame, flen, &ev), DHCP_OK);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_REQUESTING);
}

/* QEMU's slirp always answers to 255.255.255.255 at ff:ff:ff:ff:ff:ff from
 * 52:55:0a:00:02:02, in 590-byte frames: accepted, as is the ACK after. */
static void test_broadcast_frames_accepted(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 86400, 41);
    const struct step steps[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
    };
    run(&t, steps, 1);
    const uint8_t server_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    enum in_kind kinds[2] = {IN_OFFER, IN_ACK};
    for (int i = 0; i < 2; i++) {
        uint8_t frame[NP_ETH_MAX_FRAME];
        memset(frame, 0, sizeof frame);
        size_t plen = reply(&t, kinds[i], frame + NP_UDP_FRAME_HLEN);
        /* slirp pads its BOOTP replies to 548 bytes: a 590-byte frame. */
        assert_true(plen <= 548);
        struct dhcp_tx tx = {.buf = frame + NP_UDP_FRAME_HLEN,
                             .cap = sizeof frame - NP_UDP_FRAME_HLEN,
                             .len = 548,
                             .dest = DHCP_DEST_BROADCAST,
                             .src_ip = SERVER,
                             .dst_ip = NP_IPV4_BROADCAST,
                             .src_port = 67,
                             .dst_port = 68};
        memset(tx.dst_mac, 0xff, 6);
        size_t flen;
        assert_int_equal(dhcp_tx_frame(&tx, server_mac, NULL, frame, sizeof frame, &flen), DHCP_OK);
        assert_int_equal(flen, 590);
        enum dhcp_client_event ev;
        assert_int_equal(dhcp_client_input_frame(&t.c, 0, frame, flen, &ev), DHCP_OK);
        assert_int_equal(ev, i == 0 ? DHCP_CLIENT_EV_NONE : DHCP_CLIENT_EV_BOUND);
        if (i == 0) {
            assert_int_equal(dhcp_client_poll(&t.c, 0, &t.tx, &ev), DHCP_OK);
            assert_int_equal(t.buf[240 + 2], DHCP_REQUEST);
        }
    }
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_BOUND);
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t.c, &st);
    assert_int_equal(st.rx_ok, 2);
}

static void test_output_buffer_too_small_changes_nothing(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 50);
    struct dhcp_client before = t.c;
    uint8_t small[299];
    struct dhcp_tx tx = {.buf = small, .cap = sizeof small, .len = 4242};
    enum dhcp_client_event ev = (enum dhcp_client_event)9;
    assert_int_equal(dhcp_client_poll(&t.c, 0, &tx, &ev), DHCP_ERR_NOSPACE);
    assert_memory_equal(&t.c, &before, sizeof before);
    assert_int_equal(tx.len, 4242);
    assert_int_equal(ev, 9);
}

/* dhcp_client_init refuses every configuration that could not work,
 * each one alone, and accepts the defaults. */
static void test_config_checked(void **state)
{
    (void)state;
    struct dhcp_client c;
    struct dhcp_client_config cfg;
    for (int k = 0; k < 8; k++) {
        dhcp_client_config_defaults(&cfg);
        assert_int_equal(dhcp_client_init(&c, &cfg), DHCP_OK);
        switch (k) {
        case 0:
            cfg.retrans_initial_ms = 0;
            break;
        case 1:
            cfg.retrans_max_ms = cfg.retrans_initial_ms - 1;
            break;
        case 2:
            cfg.renew_min_ms = 0;
            break;
        case 3:
            cfg.min_lease_s = 0;
            break;
        case 4:
            cfg.max_msg_size = 575;
            break;
        case 5:
            cfg.mac[0] |= 1; /* a multicast MAC */
            break;
        case 6:
            cfg.nak_backoff_ms = 0; /* would restart at once after a NAK */
            break;
        default:
            cfg.nak_backoff_max_ms = cfg.nak_backoff_ms - 1;
            break;
        }
        if (dhcp_client_init(&c, &cfg) != DHCP_ERR_INVAL)
            fail_msg("configuration %d accepted", k);
    }
    assert_int_equal(dhcp_client_init(NULL, &cfg), DHCP_ERR_INVAL);
    assert_int_equal(dhcp_client_init(&c, NULL), DHCP_ERR_INVAL);
}

/* A NAK for the current xid with, or without, option 54. */
static size_t nak_msg(const struct tl *t, bool with_server_id, uint8_t *out)
{
    size_t len = reply(t, IN_NAK, out);
    if (with_server_id)
        return len;
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(out, len, &m), DHCP_OK);
    m.present &= ~DHCP_HAVE_SERVER_ID;
    assert_int_equal(dhcp_msg_build(&m, out, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    return len;
}

/* RFC 2131 table 3: a DHCPNAK MUST carry the server identifier. One
 * without it is dropped (rx_rejected) in REQUESTING, RENEWING, REBINDING
 * and INIT-REBOOT alike; the same NAK with it sends the client to INIT. */
static void test_nak_without_server_id_dropped(void **state)
{
    (void)state;
    struct tl t;
    tl_init(&t, 3600, 25);
    const struct step s1[] = {
        {0, IN_NONE, OUT_DISCOVER, 1, 0, DHCP_CLIENT_SELECTING, NONE_EV},
        {0, IN_OFFER, OUT_REQ_SELECT, 0, 0, DHCP_CLIENT_REQUESTING, NONE_EV},
    };
    run(&t, s1, 2);
    uint8_t in[DHCP_MSG_BUILD_MAX];
    enum dhcp_client_event ev;
    const enum dhcp_client_state states[3] = {DHCP_CLIENT_REQUESTING, DHCP_CLIENT_RENEWING,
                                              DHCP_CLIENT_REBINDING};
    const uint64_t when[3] = {0, 1800000, 3150000};
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            /* to T1 (a new exchange), then to T2 */
            assert_int_equal(dhcp_client_poll(&t.c, when[i], &t.tx, &ev), DHCP_OK);
            t.xid = np_get32(t.buf + 4);
        }
        assert_int_equal(dhcp_client_state(&t.c), states[i]);
        size_t len = nak_msg(&t, false, in);
        struct dhcp_client before = t.c;
        assert_int_equal(dhcp_client_input(&t.c, when[i], in, len, &ev),
                         DHCP_CLIENT_ERR_NO_SERVER_ID);
        assert_memory_equal(&t.c, &before, offsetof(struct dhcp_client, stats));
        assert_int_equal(t.c.stats.rx_rejected, before.stats.rx_rejected + 1);
        if (i == 0) {
            /* Bind, for the renewal states. */
            len = reply(&t, IN_ACK, in);
            assert_int_equal(dhcp_client_input(&t.c, 0, in, len, &ev), DHCP_OK);
            assert_int_equal(ev, DHCP_CLIENT_EV_BOUND);
        }
    }
    size_t len = nak_msg(&t, true, in);
    assert_int_equal(dhcp_client_input(&t.c, 3150000, in, len, &ev), DHCP_OK);
    assert_int_equal(ev, DHCP_CLIENT_EV_LOST);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_INIT);

    /* INIT-REBOOT too. */
    tl_init_from(&t, 3600, 26, ADDR);
    assert_int_equal(dhcp_client_poll(&t.c, 0, &t.tx, &ev), DHCP_OK);
    t.xid = np_get32(t.buf + 4);
    len = nak_msg(&t, false, in);
    assert_int_equal(dhcp_client_input(&t.c, 0, in, len, &ev), DHCP_CLIENT_ERR_NO_SERVER_ID);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_INIT_REBOOT);
}

/* The first message a default client with this MAC (and seed) sends. */
static uint32_t first_xid(const uint8_t *m, uint64_t seed, bool initial_delay, uint64_t *sent_at)
{
    struct dhcp_client_config cfg;
    dhcp_client_config_defaults(&cfg);
    memcpy(cfg.mac, m, 6);
    cfg.seed = seed;
    cfg.initial_delay = initial_delay;
    struct dhcp_client c;
    assert_int_equal(dhcp_client_init(&c, &cfg), DHCP_OK);
    assert_int_equal(dhcp_client_start(&c, 0), DHCP_OK);
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx tx = {.buf = buf, .cap = sizeof buf};
    enum dhcp_client_event ev;
    *sent_at = dhcp_client_deadline(&c);
    if (*sent_at > 0) {
        assert_int_equal(dhcp_client_poll(&c, *sent_at - 1, &tx, &ev), DHCP_OK);
        assert_int_equal(tx.len, 0);
    }
    assert_int_equal(dhcp_client_poll(&c, *sent_at, &tx, &ev), DHCP_OK);
    assert_true(tx.len > 0);
    assert_int_equal(buf[240 + 2], DHCP_DISCOVER);
    assert_int_equal(np_get16(buf + 8), 0); /* secs: the delay is not counted */
    return np_get32(buf + 4);
}

/* Issue 12: every host used seed 1 and so the same first xid
 * (0x910a2dec) whatever its MAC. The default seed (0) is now the MAC read
 * as a 48-bit big-endian number, so the generator's first output differs
 * for every MAC; an explicit seed still wins. */
static void test_default_seed_comes_from_the_mac(void **state)
{
    (void)state;
    static const uint8_t mac2[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    uint64_t at, s;
    struct dhcp_client_config cfg;
    dhcp_client_config_defaults(&cfg);
    assert_int_equal(cfg.seed, 0);
    assert_false(cfg.initial_delay);
    uint32_t a = first_xid(mac, 0, false, &at);
    assert_int_equal(at, 0);
    uint32_t b = first_xid(mac2, 0, false, &at);
    s = 0x020000000001u;
    assert_int_equal(a, next_rand32(&s));
    assert_int_equal(a, 0x740bd00au); /* the xid docs/dhcp-stub.md quotes */
    s = 0x020000000002u;
    assert_int_equal(b, next_rand32(&s));
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, 0x910a2decu);
    /* The same MAC gives the same xid (deterministic), and seed 1 gives
     * the old one whatever the MAC. */
    assert_int_equal(first_xid(mac, 0, false, &at), a);
    assert_int_equal(first_xid(mac, 1, false, &at), 0x910a2decu);
    assert_int_equal(first_xid(mac2, 1, false, &at), 0x910a2decu);
}

/* RFC 2131 §4.4.1: "The client SHOULD wait a random time between one and
 * ten seconds" before the first DISCOVER. With cfg.initial_delay the wait
 * is 1000 + r % 9001 ms, r the generator's first output (the xid is the
 * second); the DISCOVER goes out exactly then, not a millisecond before,
 * and its secs count from then. */
static void test_initial_delay_from_the_seed(void **state)
{
    (void)state;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint64_t seed = 1; seed <= 64; seed++) {
        uint64_t at, s = seed;
        uint32_t xid = first_xid(mac, seed, true, &at);
        assert_int_equal(at, 1000 + next_rand64(&s) % 9001);
        assert_int_equal(xid, next_rand32(&s));
        lo = at < lo ? at : lo;
        hi = at > hi ? at : hi;
    }
    assert_true(lo >= 1000 && hi <= 10000 && hi - lo > 5000);
    /* INIT-REBOOT waits the same way; its REQUEST has secs 0. */
    struct tl t;
    memset(&t, 0, sizeof t);
    struct dhcp_client_config cfg;
    dhcp_client_config_defaults(&cfg);
    cfg.seed = 9;
    cfg.initial_delay = true;
    assert_int_equal(dhcp_client_init(&t.c, &cfg), DHCP_OK);
    assert_int_equal(dhcp_client_start_reboot(&t.c, 500, ADDR), DHCP_OK);
    t.rng = 9;
    uint64_t at = 500 + 1000 + next_rand64(&t.rng) % 9001;
    t.lease_s = 3600;
    t.tx.buf = t.buf;
    t.tx.cap = sizeof t.buf;
    const struct step steps[] = {
        {at, IN_NONE, OUT_REQ_REBOOT, 1, 0, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
        {at + 4000, IN_NONE, OUT_REQ_REBOOT, 0, 4, DHCP_CLIENT_INIT_REBOOT, NONE_EV},
    };
    run(&t, steps, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discover_retransmits_4_8_16_32_64),
        cmocka_unit_test(test_request_repeats_discover_secs),
        cmocka_unit_test(test_request_retries_then_init),
        cmocka_unit_test(test_renew_rebind_expire_timeline),
        cmocka_unit_test(test_nak_while_renewing_then_lease_again),
        cmocka_unit_test(test_nak_backs_off_doubling_to_64_s),
        cmocka_unit_test(test_nak_count_restarts_after_a_lease),
        cmocka_unit_test(test_rebinding_ack_runs_from_its_request),
        cmocka_unit_test(test_renewing_retransmission_ack_runs_from_it),
        cmocka_unit_test(test_ack_at_t2_extends_the_lease),
        cmocka_unit_test(test_init_reboot_retransmits_then_init),
        cmocka_unit_test(test_init_reboot_ack_after_retransmit),
        cmocka_unit_test(test_clock_stepping_back_gives_secs_zero),
        cmocka_unit_test(test_late_poll_passes_every_timer),
        cmocka_unit_test(test_jitter_seeded_and_bounded),
        cmocka_unit_test(test_ack_without_mask_gets_classful_mask),
        cmocka_unit_test(test_short_lease_raised_to_minimum),
        cmocka_unit_test(test_lease_zero_never_acted_on),
        cmocka_unit_test(test_lease_infinite_never_renews),
        cmocka_unit_test(test_t1_t2_options_and_inconsistent_values),
        cmocka_unit_test(test_renewal_with_new_parameters_is_changed),
        cmocka_unit_test(test_ack_from_other_server_rejected),
        cmocka_unit_test(test_unicast_offer_frame_accepted),
        cmocka_unit_test(test_broadcast_frames_accepted),
        cmocka_unit_test(test_output_buffer_too_small_changes_nothing),
        cmocka_unit_test(test_config_checked),
        cmocka_unit_test(test_nak_without_server_id_dropped),
        cmocka_unit_test(test_default_seed_comes_from_the_mac),
        cmocka_unit_test(test_initial_delay_from_the_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
