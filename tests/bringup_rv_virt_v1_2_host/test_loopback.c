/*
 * The lo device alone: frames come back unchanged and in order, a full
 * queue and an impossible length each refuse, count and lose nothing
 * already queued, the budget bounds a poll, a send from inside the
 * callback is delivered in the same poll without overwriting the frame
 * being handed out, the ring wraps, and each frame's mark comes back with
 * it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "loopback/loopback.h"

struct rec {
    unsigned n;
    uint32_t seq[256];
    size_t len[256];
    unsigned bad;
    struct lo_dev *lo; /* for the re-entrant test */
    unsigned resend;
    int resend_rc;
};

static size_t fill(uint8_t *b, uint32_t seq)
{
    size_t len = 20u + (seq * 37u) % 1400u;
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(seq * 13u + i);
    b[0] = (uint8_t)(seq >> 8);
    b[1] = (uint8_t)seq;
    return len;
}

static void rec_fn(void *ctx, const uint8_t *f, size_t len)
{
    struct rec *r = ctx;
    uint8_t want[LO_FRAME_MAX];
    uint32_t seq = ((uint32_t)f[0] << 8) | f[1];
    size_t wl = fill(want, seq);
    if (wl != len || memcmp(want, f, len) != 0)
        r->bad++;
    if (r->n < 256) {
        r->seq[r->n] = seq;
        r->len[r->n] = len;
    }
    r->n++;
    if (r->lo && r->resend) {
        uint8_t b[LO_FRAME_MAX];
        size_t l = fill(b, seq + 100u);
        r->resend--;
        r->resend_rc = lo_send(r->lo, b, l);
    }
}

static void test_order_and_content(void **state)
{
    (void)state;
    struct lo_slot slots[LO_DEPTH_DEFAULT];
    struct lo_dev lo;
    struct rec r = {0};
    uint8_t b[LO_FRAME_MAX];
    assert_int_equal(lo_init(&lo, slots, LO_DEPTH_DEFAULT), LO_OK);
    /* Three rounds of 10 wrap the 16-slot ring. */
    for (uint32_t round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < 10; i++)
            assert_int_equal(lo_send(&lo, b, fill(b, round * 10u + i)), LO_OK);
        assert_int_equal(lo_pending(&lo), 10);
        unsigned got = 0;
        assert_int_equal(lo_poll(&lo, 64, rec_fn, &r, &got), LO_OK);
        assert_int_equal(got, 10);
        assert_int_equal(lo_pending(&lo), 0);
    }
    assert_int_equal(r.n, 30);
    assert_int_equal(r.bad, 0);
    for (unsigned i = 0; i < 30; i++)
        assert_int_equal(r.seq[i], i);
    struct lo_counters c;
    lo_counters(&lo, &c);
    assert_int_equal(c.tx_frames, 30);
    assert_int_equal(c.rx_frames, 30);
    assert_int_equal(c.tx_bytes, c.rx_bytes);
    assert_int_equal(c.drop_full, 0);
}

static void test_full_queue_drops_and_counts(void **state)
{
    (void)state;
    struct lo_slot slots[4];
    struct lo_dev lo;
    struct rec r = {0};
    uint8_t b[LO_FRAME_MAX];
    assert_int_equal(lo_init(&lo, slots, 4), LO_OK);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(lo_send(&lo, b, fill(b, i)), LO_OK);
    assert_int_equal(lo_send(&lo, b, fill(b, 4)), LO_ERR_FULL);
    assert_int_equal(lo_send(&lo, b, fill(b, 5)), LO_ERR_FULL);
    struct lo_counters c;
    lo_counters(&lo, &c);
    assert_int_equal(c.drop_full, 2);
    assert_int_equal(c.tx_frames, 4);
    /* What was queued is intact and in order; the refused ones never appear. */
    assert_int_equal(lo_poll(&lo, 64, rec_fn, &r, NULL), LO_OK);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.bad, 0);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(r.seq[i], i);
    /* And it works again. */
    assert_int_equal(lo_send(&lo, b, fill(b, 6)), LO_OK);
    assert_int_equal(lo_poll(&lo, 64, rec_fn, &r, NULL), LO_OK);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.seq[4], 6);
}

static void test_bad_lengths_and_args(void **state)
{
    (void)state;
    struct lo_slot slots[2];
    struct lo_dev lo;
    uint8_t b[LO_FRAME_MAX + 1] = {0};
    assert_int_equal(lo_init(&lo, slots, 0), LO_ERR_INVAL);
    assert_int_equal(lo_init(&lo, NULL, 2), LO_ERR_INVAL);
    assert_int_equal(lo_init(NULL, slots, 2), LO_ERR_INVAL);
    assert_int_equal(lo_init(&lo, slots, 2), LO_OK);
    assert_int_equal(lo_send(&lo, b, 0), LO_ERR_TOO_BIG);
    assert_int_equal(lo_send(&lo, b, LO_FRAME_MAX + 1), LO_ERR_TOO_BIG);
    assert_int_equal(lo_send(&lo, b, LO_FRAME_MAX), LO_OK);
    assert_int_equal(lo_send(&lo, NULL, 5), LO_ERR_INVAL);
    assert_int_equal(lo_poll(&lo, 1, NULL, NULL, NULL), LO_ERR_INVAL);
    struct lo_counters c;
    lo_counters(&lo, &c);
    assert_int_equal(c.drop_len, 2);
    assert_int_equal(c.tx_frames, 1);
    assert_string_equal(lo_strerror(LO_ERR_FULL), "full");
}

static void test_budget(void **state)
{
    (void)state;
    struct lo_slot slots[8];
    struct lo_dev lo;
    struct rec r = {0};
    uint8_t b[LO_FRAME_MAX];
    unsigned got;
    assert_int_equal(lo_init(&lo, slots, 8), LO_OK);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(lo_send(&lo, b, fill(b, i)), LO_OK);
    assert_int_equal(lo_poll(&lo, 2, rec_fn, &r, &got), LO_OK);
    assert_int_equal(got, 2);
    assert_int_equal(lo_pending(&lo), 3);
    assert_int_equal(lo_poll(&lo, 0, rec_fn, &r, &got), LO_OK);
    assert_int_equal(got, 0);
    assert_int_equal(lo_poll(&lo, 10, rec_fn, &r, &got), LO_OK);
    assert_int_equal(got, 3);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.seq[4], 4);
}

/* The callback sends (an echo reply would): delivered in the same poll, and
 * with the queue full the sent frame is refused rather than overwriting the
 * one being handed out. */
struct marks {
    struct lo_dev *lo;
    unsigned n;
    bool seen[8];
};

static void mark_fn(void *ctx, const uint8_t *f, size_t len)
{
    struct marks *m = ctx;
    (void)f;
    (void)len;
    if (m->n < 8)
        m->seen[m->n] = lo_rx_marked(m->lo);
    m->n++;
}

/* Each frame's mark comes back with it, in order, through the wrap; lo_send
 * sends unmarked; the mark does not leak into the length; outside the
 * callback there is no frame out, so no mark. */
static void test_marks(void **state)
{
    (void)state;
    struct lo_slot slots[3];
    struct lo_dev lo;
    uint8_t b[LO_FRAME_MAX];
    struct rec r = {0};
    assert_int_equal(lo_init(&lo, slots, 3), LO_OK);
    assert_int_equal(lo_send(&lo, b, fill(b, 1)), LO_OK);
    assert_int_equal(lo_poll(&lo, 8, rec_fn, &r, NULL), LO_OK); /* head moves to 1 */
    static const bool want[] = {true, false, true, true, false};
    struct marks m = {&lo, 0, {false}};
    for (unsigned round = 0; round < 2; round++) {
        unsigned first = round * 3u, cnt = round == 0 ? 3u : 2u;
        for (unsigned i = 0; i < cnt; i++)
            assert_int_equal(want[first + i] ? lo_send_marked(&lo, b, fill(b, i), true)
                                             : lo_send(&lo, b, fill(b, i)),
                             LO_OK);
        assert_true(lo_pending(&lo) == 0 || !lo_rx_marked(&lo));
        assert_int_equal(lo_poll(&lo, 8, mark_fn, &m, NULL), LO_OK);
    }
    assert_int_equal(m.n, 5);
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(m.seen[i], want[i]);
    /* Marked or not, the length handed out is the one sent. */
    r.n = 0;
    assert_int_equal(lo_send_marked(&lo, b, fill(b, 7), true), LO_OK);
    assert_false(lo_rx_marked(&lo));
    assert_int_equal(lo_poll(&lo, 8, rec_fn, &r, NULL), LO_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.len[0], fill(b, 7));
    assert_int_equal(r.bad, 0);
    assert_false(lo_rx_marked(NULL));
}

static void test_send_from_callback(void **state)
{
    (void)state;
    struct lo_slot slots[3];
    struct lo_dev lo;
    struct rec r = {0};
    uint8_t b[LO_FRAME_MAX];
    assert_int_equal(lo_init(&lo, slots, 3), LO_OK);
    r.lo = &lo;
    r.resend = 1;
    assert_int_equal(lo_send(&lo, b, fill(b, 1)), LO_OK);
    assert_int_equal(lo_poll(&lo, 16, rec_fn, &r, NULL), LO_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.seq[0], 1);
    assert_int_equal(r.seq[1], 101);
    assert_int_equal(r.resend_rc, LO_OK);
    assert_int_equal(r.bad, 0);

    /* Full: the slot being handed out is still taken, so the send from the
     * callback is refused and counted, and every queued frame arrives intact. */
    r.resend = 1;
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(lo_send(&lo, b, fill(b, 10u + i)), LO_OK);
    assert_int_equal(lo_poll(&lo, 16, rec_fn, &r, NULL), LO_OK);
    assert_int_equal(r.resend_rc, LO_ERR_FULL);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.seq[2], 10);
    assert_int_equal(r.seq[4], 12);
    assert_int_equal(r.bad, 0);
    struct lo_counters c;
    lo_counters(&lo, &c);
    assert_int_equal(c.drop_full, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_content),
        cmocka_unit_test(test_full_queue_drops_and_counts),
        cmocka_unit_test(test_bad_lengths_and_args),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_send_from_callback),
        cmocka_unit_test(test_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
