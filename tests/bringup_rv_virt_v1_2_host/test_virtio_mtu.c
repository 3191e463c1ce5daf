/*
 * The MTU (virtio 1.2 §5.1.3, §5.1.4): VIRTIO_NET_F_MTU negotiated when the
 * device offers it and every RX buffer holds a packet of that size; the
 * MTU the frontend runs with (vnet_mtu) is the smallest of the device's
 * (1500 without one) and what an RX buffer and a TX slot hold; TX refuses
 * and RX drops frames above it, counted. QEMU offers the feature with
 * host_mtu=.
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

#define F_MTU VNET_FEATURE(VNET_F_MTU)

struct rxcap {
    unsigned frames;
    size_t len;
    uint8_t buf[2048];
};

static void rxcap_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct rxcap *c = ctx;
    c->frames++;
    c->len = len;
    memcpy(c->buf, frame, len < sizeof(c->buf) ? len : sizeof(c->buf));
}

struct txlen {
    unsigned frames;
    size_t len;
};

static void txlen_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct txlen *t = ctx;
    (void)frame;
    t->frames++;
    t->len = len;
}

/* A device of that version offering mtu (0: no VIRTIO_NET_F_MTU), the
 * driver configured by cfg (NULL: defaults), brought up. */
static struct vnet_harness *up_mtu(uint32_t version, uint16_t mtu, const struct vnet_config *cfg)
{
    struct vnet_harness *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, version);
    if (mtu) {
        fc.features |= F_MTU;
        fc.mtu = mtu;
    }
    assert_int_equal(vnet_harness_open_cfg(h, &fc, cfg), 0);
    assert_int_equal(vnet_harness_up(h), VNET_OK);
    assert_int_equal(h->fake.violations, 0);
    return h;
}

static void close_h(struct vnet_harness *h)
{
    vnet_harness_close(h);
    free(h);
}

/* Frames of exactly mtu + 14 bytes cross both ways; one byte more is
 * refused on TX (counted, nothing reaches the device) and dropped on RX
 * (counted, the buffer posted again). */
static void check_edges(struct vnet_harness *h, unsigned mtu)
{
    static uint8_t f[2048];
    struct txlen tx = {0, 0};
    vnet_harness_capture(h, txlen_fn, &tx);
    size_t max = mtu + 14u;
    assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 1, max)), VNET_OK);
    assert_int_equal(tx.frames, 1);
    assert_int_equal(tx.len, max);
    struct vnet_counters c;
    vnet_counters(&h->dev, &c);
    uint64_t bad = c.tx_bad_len;
    assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 2, max + 1u)), VNET_ERR_TOO_BIG);
    assert_int_equal(tx.frames, 1);
    vnet_counters(&h->dev, &c);
    assert_int_equal(c.tx_bad_len, bad + 1u);

    struct rxcap rx = {0, 0, {0}};
    assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 3, max)), 0);
    assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_OK);
    assert_int_equal(rx.frames, 1);
    assert_int_equal(rx.len, max);
    assert_memory_equal(rx.buf, f, max);
    if (max + 1u + h->dev.hdr_len <= h->cfg.rx_buf_size) {
        /* A frame the buffer holds but the MTU does not: a device that
         * breaks §5.1.4.1, or a link that carries more than it said. */
        uint64_t longs = c.rx_len_long;
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 4, max + 1u)), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_ERR_RX_LEN);
        assert_int_equal(rx.frames, 1);
        vnet_counters(&h->dev, &c);
        assert_int_equal(c.rx_len_long, longs + 1u);
        assert_int_equal(h->dev.rxq.in_flight, h->dev.rxq.size);
    }
    assert_int_equal(h->fake.violations, 0);
}

/* No VIRTIO_NET_F_MTU: Ethernet's 1500, on both versions. */
static void test_mtu_default(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_mtu(v, 0, NULL);
        assert_int_equal(vnet_mtu(&h->dev), 1500);
        assert_int_equal(vnet_features_negotiated(&h->dev) & F_MTU, 0);
        check_edges(h, 1500);
        close_h(h);
    }
    assert_int_equal(vnet_mtu(NULL), 0);
}

/* QEMU's host_mtu=576: negotiated, and 576 it is, both ways. */
static void test_mtu_576(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_mtu(v, 576, NULL);
        assert_int_equal(vnet_mtu(&h->dev), 576);
        assert_int_equal(vnet_features_negotiated(&h->dev) & F_MTU, F_MTU);
        assert_int_equal(h->fake.regs.driver_features & F_MTU, F_MTU);
        check_edges(h, 576);
        close_h(h);
    }
}

/* host_mtu=9000 with the default 1536-byte buffers: not negotiated (§5.1.4.2:
 * a driver that negotiates it MUST supply buffers that hold an mtu-sized
 * packet), and the MTU is what a buffer holds: 1536 - 12 - 14 on modern,
 * 1536 - 10 - 14 on legacy. */
static void test_mtu_9000_cut_to_the_buffers(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_mtu(v, 9000, NULL);
        unsigned want = 1536u - (v == 2 ? 12u : 10u) - 14u;
        assert_int_equal(vnet_mtu(&h->dev), want);
        assert_int_equal(vnet_features_negotiated(&h->dev) & F_MTU, 0);
        check_edges(h, want);
        close_h(h);
    }
    /* Buffers of 9100 bytes both ways hold it: negotiated, 9000. */
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    cfg.rx_queue_size = 4;
    cfg.tx_queue_size = 4;
    cfg.rx_buf_size = 9100;
    cfg.tx_buf_size = 9100;
    struct vnet_harness *h = up_mtu(2, 9000, &cfg);
    assert_int_equal(vnet_mtu(&h->dev), 9000);
    assert_int_equal(vnet_features_negotiated(&h->dev) & F_MTU, F_MTU);
    close_h(h);
    /* RX buffers that hold it, TX slots that do not: negotiated (the RX
     * side is what the feature asks for), the MTU is the TX slot's. */
    cfg.tx_buf_size = 2000;
    h = up_mtu(2, 9000, &cfg);
    assert_int_equal(vnet_mtu(&h->dev), 2000u - 12u - 14u);
    assert_int_equal(vnet_features_negotiated(&h->dev) & F_MTU, F_MTU);
    check_edges(h, 2000u - 12u - 14u);
    close_h(h);
}

/* A device mtu below 68 breaks §5.1.4.1 (MUST be at least 68): not taken,
 * Ethernet's 1500 instead; small TX slots cut the MTU with or without the
 * feature. */
static void test_mtu_bad_device_value_and_small_slots(void **state)
{
    (void)state;
    struct vnet_harness *h = up_mtu(2, 60, NULL);
    assert_int_equal(vnet_mtu(&h->dev), 1500);
    assert_int_equal(vnet_features_negotiated(&h->dev) & F_MTU, 0);
    close_h(h);
    h = up_mtu(2, 68, NULL);
    assert_int_equal(vnet_mtu(&h->dev), 68);
    check_edges(h, 68);
    close_h(h);
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    cfg.tx_buf_size = 600;
    for (uint32_t v = 1; v <= 2; v++) {
        h = up_mtu(v, 0, &cfg);
        unsigned want = 600u - (v == 2 ? 12u : 10u) - 14u;
        assert_int_equal(vnet_mtu(&h->dev), want);
        check_edges(h, want);
        close_h(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mtu_default),
        cmocka_unit_test(test_mtu_576),
        cmocka_unit_test(test_mtu_9000_cut_to_the_buffers),
        cmocka_unit_test(test_mtu_bad_device_value_and_small_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
