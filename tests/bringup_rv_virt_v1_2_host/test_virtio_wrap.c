/*
 * Ring wrap-around: more than 65,536 + queue-size frames each way through
 * the fake device, queue sizes 8 and 256, legacy and modern, with the device
 * completing out of order, and the ring-full and ring-empty edges hit on the
 * way. Every frame is checked byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "vnet_harness.h"
#include "vnet_test_util.h"

/* A small deterministic generator for batch sizes and budgets. */
static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

struct rx_check {
    uint8_t *seen;
    uint32_t total;
    uint32_t frames, bad, dup;
};

static void rx_check_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct rx_check *c = ctx;
    uint8_t want[1514];
    c->frames++;
    if (len < 18) {
        c->bad++;
        return;
    }
    uint32_t seq = tu_seq(frame);
    if (seq >= c->total || len != tu_len(seq)) {
        c->bad++;
        return;
    }
    tu_frame(want, seq, len);
    if (memcmp(want, frame, len) != 0)
        c->bad++;
    if (c->seen[seq])
        c->dup++;
    c->seen[seq] = 1;
}

static void no_misbehaviour(const struct vnet_harness *h)
{
    struct vnet_counters c;
    vnet_counters(&h->dev, &c);
    assert_int_equal(
        c.rxq.used_id_range + c.rxq.used_unposted + c.rxq.used_duplicate + c.rxq.used_idx_jump, 0);
    assert_int_equal(
        c.txq.used_id_range + c.txq.used_unposted + c.txq.used_duplicate + c.txq.used_idx_jump, 0);
    assert_int_equal(c.rx_len_over + c.rx_len_short + c.rx_len_long, 0);
    assert_int_equal(h->fake.violations, 0);
}

static void wrap_tx(struct vnet_harness *h, uint32_t total, uint32_t seed)
{
    struct tu_txcap *cap = calloc(1, sizeof(*cap));
    assert_non_null(cap);
    vnet_harness_capture(h, tu_txcap_fn, cap);
    /* The device takes frames on notify but returns the slots only when
     * told to, so the driver runs into a full ring. */
    h->fake.knobs.auto_complete_tx = false;
    uint16_t size = h->dev.txq.size;
    uint32_t sent = 0, full_edges = 0, rounds = 0;
    uint8_t f[1514];
    while (sent < total) {
        assert_true(rounds < 10u * total); /* a ring that stops moving fails, not hangs */
        uint32_t batch = 1u + lcg(&seed) % (2u * size);
        for (uint32_t j = 0; j < batch && sent < total; j++) {
            int rc = vnet_send_queue(&h->dev, f, tu_frame(f, sent, tu_len(sent)));
            if (rc == VNET_ERR_AGAIN) {
                /* Full means exactly `size` slots in flight, no fewer. */
                assert_int_equal(h->dev.txq.in_flight, size);
                assert_int_equal(vnet_tx_free(&h->dev), 0);
                full_edges++;
                break;
            }
            assert_int_equal(rc, VNET_OK);
            sent++;
        }
        assert_int_equal(vnet_send_kick(&h->dev), VNET_OK);
        if (++rounds % 3u != 0)
            fake_vnet_process(&h->fake, true);
        unsigned n;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_OK);
    }
    fake_vnet_process(&h->fake, true);
    fake_vnet_flush(&h->fake);
    assert_int_equal(vnet_tx_reclaim(&h->dev, NULL), VNET_OK);
    assert_int_equal(h->dev.txq.in_flight, 0);
    assert_int_equal(cap->frames, total);
    assert_int_equal(cap->mismatches, 0);
    assert_true(full_edges > 0);
    assert_int_equal(h->dev.cnt.tx_frames, total);
    assert_int_equal(h->dev.cnt.tx_completed, total);
    /* The free-running indices went round the 16-bit space. */
    assert_int_equal(h->dev.txq.avail_idx, (uint16_t)total);
    assert_int_equal(h->dev.txq.last_used, (uint16_t)total);
    free(cap);
}

static void wrap_rx(struct vnet_harness *h, uint32_t total, uint32_t seed)
{
    struct rx_check c = {calloc(total, 1), total, 0, 0, 0};
    assert_non_null(c.seen);
    uint16_t size = h->dev.rxq.size;
    uint32_t injected = 0, empty_polls = 0, starved = 0, rounds = 0;
    uint8_t f[1514];
    while (c.frames < total) {
        assert_true(rounds < 10u * total); /* a ring that stops moving fails, not hangs */
        uint32_t batch = lcg(&seed) % (2u * size + 1u);
        /* Keep the device's bounded backlog from overflowing: a drop there
         * would be the test's doing, not the driver's. */
        if (h->fake.pending_n + batch > FAKE_VNET_RX_PENDING_MAX / 2u)
            batch = 0;
        for (uint32_t j = 0; j < batch && injected < total; j++) {
            assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, injected, tu_len(injected))),
                             0);
            injected++;
        }
        if (h->fake.pending_n > 0)
            starved++; /* every buffer was full: the device is waiting for a refill */
        if (injected == total)
            fake_vnet_flush(&h->fake);
        unsigned budget = 1u + lcg(&seed) % (2u * size);
        unsigned got = 0;
        assert_int_equal(vnet_rx_poll(&h->dev, budget, rx_check_fn, &c, &got), VNET_OK);
        if (got == 0)
            empty_polls++;
        if (++rounds % 8u == 0) {
            /* Drain to the empty-ring edge: polls until one finds nothing. */
            do {
                assert_int_equal(vnet_rx_poll(&h->dev, 4u * size, rx_check_fn, &c, &got), VNET_OK);
            } while (got != 0);
            empty_polls++;
        }
        assert_true(injected <= total);
    }
    assert_int_equal(c.frames, total);
    assert_int_equal(c.bad, 0);
    assert_int_equal(c.dup, 0);
    for (uint32_t i = 0; i < total; i++)
        assert_int_equal(c.seen[i], 1);
    assert_true(empty_polls > 0);
    assert_true(starved > 0);
    assert_int_equal(h->dev.cnt.rx_frames, total);
    assert_int_equal(h->fake.stats.rx_dropped, 0);
    assert_int_equal(h->dev.rxq.in_flight, size);
    assert_int_equal(h->dev.rxq.last_used, (uint16_t)total);
    free(c.seen);
}

static void run_wrap(uint32_t version, uint16_t qsize)
{
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    cfg.rx_queue_size = qsize;
    cfg.tx_queue_size = qsize;
    struct vnet_harness *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    /* Completions come back shuffled, up to half a ring at a time. */
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, version);
    fc.knobs.ooo_window = qsize / 2u;
    fc.seed = 0x9e3779b97f4a7c15ull ^ qsize ^ version;
    assert_int_equal(vnet_harness_open_cfg(h, &fc, &cfg), 0);
    assert_int_equal(vnet_harness_up(h), VNET_OK);
    assert_int_equal(h->dev.txq.size, qsize);
    uint32_t total = 65536u + qsize + 1000u;
    wrap_tx(h, total, 1u + qsize);
    wrap_rx(h, total, 2u + qsize);
    no_misbehaviour(h);
    vnet_harness_close(h);
    free(h);
}

static void test_wrap_legacy_q8(void **state)
{
    (void)state;
    run_wrap(1, 8);
}

static void test_wrap_legacy_q256(void **state)
{
    (void)state;
    run_wrap(1, 256);
}

static void test_wrap_modern_q8(void **state)
{
    (void)state;
    run_wrap(2, 8);
}

static void test_wrap_modern_q256(void **state)
{
    (void)state;
    run_wrap(2, 256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_legacy_q8),
        cmocka_unit_test(test_wrap_legacy_q256),
        cmocka_unit_test(test_wrap_modern_q8),
        cmocka_unit_test(test_wrap_modern_q256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
