/*
 * virtio-net frontend against the fake virtio-mmio device: init and
 * negotiation on both versions, header layouts, kick and acknowledge, and
 * every hostile-device case.
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

#define F(bit) VNET_FEATURE(VNET_F_##bit)

static struct vnet_harness *open_h(uint32_t version, const struct vnet_config *cfg)
{
    struct vnet_harness *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    assert_int_equal(vnet_harness_open(h, version, cfg), 0);
    return h;
}

static struct vnet_harness *up_h(uint32_t version, const struct vnet_config *cfg)
{
    struct vnet_harness *h = open_h(version, cfg);
    assert_int_equal(vnet_harness_up(h), VNET_OK);
    assert_int_equal(h->fake.violations, 0);
    return h;
}

static void close_h(struct vnet_harness *h)
{
    vnet_harness_close(h);
    free(h);
}

/* --- init and negotiation ---------------------------------------------- */

static void test_init_legacy_qemu_features(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(1, NULL);
    assert_int_equal(h->fake.cfg.features, 0x39bf8064u);
    /* Exactly MAC, STATUS and ANY_LAYOUT; VERSION_1 is invisible on legacy. */
    assert_int_equal(h->dev.negotiated, F(MAC) | F(STATUS) | F(ANY_LAYOUT));
    assert_int_equal(h->fake.regs.driver_features, F(MAC) | F(STATUS) | F(ANY_LAYOUT));
    assert_int_equal(h->dev.hdr_len, 10);
    assert_int_equal(h->fake.regs.status,
                     VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER | VNET_STATUS_DRIVER_OK);
    assert_int_equal(h->fake.regs.guest_page_size, 4096);
    assert_int_equal(h->fake.q[0].num, 16);
    assert_int_equal(h->fake.q[1].num, 16);
    assert_int_equal(h->fake.q[0].align, 4096);
    assert_int_not_equal(h->fake.q[0].pfn, 0);
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    assert_memory_equal(h->dev.mac, mac, 6);
    assert_true(h->dev.link_up);
    /* RX buffers were posted before DRIVER_OK and notified once, after it. */
    assert_int_equal(h->fake.q[0].notifies, 1);
    assert_int_equal(h->fake.q[1].notifies, 0);
    assert_int_equal(h->fake.stats.notifies_before_driver_ok, 0);
    assert_int_equal(h->dev.rxq.in_flight, 16);
    close_h(h);
}

static void test_init_modern_qemu_features(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(2, NULL);
    assert_int_equal(h->fake.cfg.features, 0x0000010130bf8024ull);
    /* Exactly MAC, STATUS and VERSION_1: RING_RESET, EVENT_IDX, offloads and
     * MRG_RXBUF are offered and refused. */
    assert_int_equal(h->dev.negotiated, F(MAC) | F(STATUS) | F(VERSION_1));
    assert_int_equal(h->fake.regs.driver_features, F(MAC) | F(STATUS) | F(VERSION_1));
    assert_int_equal(h->dev.hdr_len, 12);
    assert_int_equal(h->fake.regs.status, VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER |
                                              VNET_STATUS_FEATURES_OK | VNET_STATUS_DRIVER_OK);
    assert_int_equal(h->fake.q[0].ready, 1);
    assert_int_equal(h->fake.q[1].ready, 1);
    assert_int_equal(h->fake.q[0].notifies, 1);
    assert_int_equal(h->fake.stats.notifies_before_driver_ok, 0);
    close_h(h);
}

static void test_mac_from_device_or_fallback(void **state)
{
    (void)state;
    static const uint8_t qemu_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static const uint8_t ours[6] = {2, 0, 0, 0, 0, 1};
    for (uint32_t v = 1; v <= 2; v++) {
        /* MAC offered: the device's MAC is the MAC. */
        struct vnet_harness *h = open_h(v, NULL);
        memcpy(h->fake.cfg.mac, qemu_mac, 6);
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        assert_memory_equal(h->dev.mac, qemu_mac, 6);
        close_h(h);
        /* MAC not offered: the driver's deterministic MAC. */
        h = open_h(v, NULL);
        memcpy(h->fake.cfg.mac, qemu_mac, 6);
        h->fake.cfg.features &= ~F(MAC);
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        assert_memory_equal(h->dev.mac, ours, 6);
        assert_int_equal(h->dev.negotiated & F(MAC), 0);
        close_h(h);
    }
}

/* The accessors show what init learnt, on both versions, and follow the
 * state through BROKEN and a reset; NULL reads as nothing. */
static void test_accessors(void **state)
{
    (void)state;
    static const uint8_t qemu_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = open_h(v, NULL);
        memcpy(h->fake.cfg.mac, qemu_mac, 6);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_DOWN);
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_READY);
        assert_ptr_equal(vnet_mac(&h->dev), h->dev.mac);
        assert_memory_equal(vnet_mac(&h->dev), qemu_mac, 6);
        assert_int_equal(vnet_version(&h->dev), v);
        uint64_t offered = v == 2 ? FAKE_VNET_QEMU_MODERN_FEATURES : FAKE_VNET_QEMU_LEGACY_FEATURES;
        assert_int_equal(vnet_features_offered(&h->dev), offered);
        assert_int_equal(vnet_features_negotiated(&h->dev),
                         F(MAC) | F(STATUS) | (v == 2 ? F(VERSION_1) : F(ANY_LAYOUT)));
        assert_true(vnet_link_up(&h->dev));
        fake_vnet_set_link(&h->fake, false);
        assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
        assert_false(vnet_link_up(&h->dev));
        fake_vnet_needs_reset(&h->fake);
        assert_int_equal(vnet_irq(&h->dev, NULL), VNET_ERR_NEEDS_RESET);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_BROKEN);
        assert_int_equal(vnet_reset(&h->dev), VNET_OK);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_DOWN);
        close_h(h);
    }
    assert_int_equal(vnet_state(NULL), VNET_STATE_DOWN);
    assert_null(vnet_mac(NULL));
    assert_int_equal(vnet_features_offered(NULL), 0);
    assert_int_equal(vnet_features_negotiated(NULL), 0);
    assert_int_equal(vnet_version(NULL), 0);
    assert_false(vnet_link_up(NULL));
}

/* An ops wrapper that counts writes, to prove some paths touch nothing,
 * and can swallow one kind of barrier, to prove the fake's barrier model
 * turns a missing barrier into a failure. */
struct counting {
    struct vnet_ops inner;
    unsigned writes;
    bool drop_barrier;
    enum vnet_barrier drop;
    unsigned dropped;
    /* Status writes other than reset; from the status_or_from-th on (0:
     * never), Status reads with status_or ORed in, as a device that set
     * those bits would show it. */
    unsigned status_writes, status_or_from;
    uint32_t status_or;
    /* The fake's DEVICE_NEEDS_RESET fault is armed just before the
     * arm_at-th Status write (0: never), so it fires right after it. */
    struct fake_vnet *fake;
    unsigned arm_at;
};

static uint32_t c_read32(void *ctx, uint32_t off)
{
    struct counting *c = ctx;
    uint32_t v = c->inner.read32(c->inner.ctx, off);
    if (off == VNET_MMIO_STATUS && c->status_or_from && c->status_writes >= c->status_or_from)
        v |= c->status_or;
    return v;
}

static void c_write32(void *ctx, uint32_t off, uint32_t val)
{
    struct counting *c = ctx;
    c->writes++;
    if (off == VNET_MMIO_STATUS && val != 0 && ++c->status_writes == c->arm_at)
        fake_vnet_fault(c->fake, FAKE_FAULT_NEEDS_RESET_ON_STATUS, 1);
    c->inner.write32(c->inner.ctx, off, val);
}

static uint16_t c_read16(void *ctx, uint32_t off)
{
    struct counting *c = ctx;
    return c->inner.read16(c->inner.ctx, off);
}

static uint8_t c_read8(void *ctx, uint32_t off)
{
    struct counting *c = ctx;
    return c->inner.read8(c->inner.ctx, off);
}

static void c_barrier(void *ctx, enum vnet_barrier kind)
{
    struct counting *c = ctx;
    if (c->drop_barrier && kind == c->drop) {
        c->dropped++;
        return;
    }
    c->inner.barrier(c->inner.ctx, kind);
}

static uint64_t c_dma(void *ctx, const void *p)
{
    struct counting *c = ctx;
    return c->inner.dma_addr(c->inner.ctx, p);
}

static void c_delay(void *ctx, uint32_t us)
{
    struct counting *c = ctx;
    c->inner.delay_us(c->inner.ctx, us);
}

static void counting_ops(struct counting *c, const struct vnet_ops *inner, struct vnet_ops *out)
{
    c->inner = *inner;
    c->writes = 0;
    c->drop_barrier = false;
    c->dropped = 0;
    c->status_writes = 0;
    c->status_or_from = 0;
    c->status_or = 0;
    c->fake = NULL;
    c->arm_at = 0;
    *out = *inner;
    out->read32 = c_read32;
    out->write32 = c_write32;
    out->read16 = c_read16;
    out->read8 = c_read8;
    out->barrier = c_barrier;
    out->dma_addr = c_dma;
    out->delay_us = inner->delay_us ? c_delay : NULL;
    out->ctx = c;
}

static void test_probe_rejects_without_touching(void **state)
{
    (void)state;
    struct counting c;
    struct vnet_ops ops;
    struct vnet_mmio_info info;

    /* DeviceID 0: an empty slot, no error from probe, init refuses, no write. */
    struct vnet_harness *h = open_h(1, NULL);
    h->fake.cfg.device_id = 0;
    counting_ops(&c, &h->ops, &ops);
    assert_int_equal(vnet_mmio_probe(&ops, &info), VNET_OK);
    assert_int_equal(info.slot, VNET_SLOT_EMPTY);
    assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len),
                     VNET_ERR_NO_DEVICE);
    assert_int_equal(c.writes, 0);
    assert_int_equal(h->fake.regs.status, 0);

    /* Another kind of virtio device (block, 2): not ours, untouched. */
    h->fake.cfg.device_id = 2;
    assert_int_equal(vnet_mmio_probe(&ops, &info), VNET_OK);
    assert_int_equal(info.slot, VNET_SLOT_OTHER);
    assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len), VNET_ERR_NOT_NET);
    assert_int_equal(c.writes, 0);

    /* Wrong version. */
    h->fake.cfg.device_id = 1;
    h->fake.cfg.version = 3;
    assert_int_equal(vnet_mmio_probe(&ops, &info), VNET_ERR_VERSION);
    assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len), VNET_ERR_VERSION);
    assert_int_equal(c.writes, 0);
    close_h(h);
}

static uint32_t bad_magic_read32(void *ctx, uint32_t off)
{
    (void)ctx;
    return off == VNET_MMIO_MAGIC_VALUE ? 0x12345678u : 0u;
}

static void test_probe_bad_magic(void **state)
{
    (void)state;
    struct vnet_ops ops;
    memset(&ops, 0, sizeof(ops));
    ops.read32 = bad_magic_read32;
    struct vnet_mmio_info info;
    memset(&info, 0xa5, sizeof(info));
    struct vnet_mmio_info before = info;
    assert_int_equal(vnet_mmio_probe(&ops, &info), VNET_ERR_MAGIC);
    /* Output untouched on failure. */
    assert_memory_equal(&info, &before, sizeof(info));
}

static void test_modern_requires_version_1(void **state)
{
    (void)state;
    struct vnet_harness *h = open_h(2, NULL);
    h->fake.cfg.features &= ~F(VERSION_1);
    assert_int_equal(vnet_harness_up(h), VNET_ERR_FEATURES);
    assert_true(h->fake.regs.status & VNET_STATUS_FAILED);
    assert_false(h->fake.regs.status & VNET_STATUS_DRIVER_OK);
    assert_int_equal(h->dev.state, VNET_STATE_DOWN);
    close_h(h);
}

static void test_features_ok_refused(void **state)
{
    (void)state;
    struct vnet_harness *h = open_h(2, NULL);
    fake_vnet_fault(&h->fake, FAKE_FAULT_FEATURES_OK_REFUSE, 1);
    assert_int_equal(vnet_harness_up(h), VNET_ERR_FEATURES);
    assert_false(h->fake.regs.status & VNET_STATUS_FEATURES_OK);
    assert_false(h->fake.regs.status & VNET_STATUS_DRIVER_OK);
    /* FAILED written on what the device shows (0x83), not on the driver's
     * own idea of Status (0x8b, which QEMU drops whole: FAILED would never
     * land and FEATURES_OK would be set again). */
    assert_int_equal(h->fake.regs.status,
                     VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER | VNET_STATUS_FAILED);
    assert_int_equal(h->fake.violations, 0);
    close_h(h);
}

/* A device that fails (DEVICE_NEEDS_RESET) at each step of init: right
 * after the driver's k-th Status write. The driver must never write a
 * Status that clears the bit (virtio 1.2 §2.1.1), must not report success
 * nor notify, and must leave FAILED set on top of what the device shows. */
static void test_needs_reset_during_init(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        unsigned steps = v == 2 ? 4u : 3u; /* ACK, DRIVER, (FEATURES_OK,) DRIVER_OK */
        for (unsigned k = 1; k <= steps; k++) {
            struct vnet_harness *h = open_h(v, NULL);
            struct counting c;
            struct vnet_ops ops;
            counting_ops(&c, &h->ops, &ops);
            c.fake = &h->fake;
            c.arm_at = k;
            assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len),
                             VNET_ERR_NEEDS_RESET);
            uint32_t st = h->fake.regs.status;
            assert_true(st & VNET_STATUS_NEEDS_RESET);
            assert_true(st & VNET_STATUS_FAILED);
            assert_int_equal(st & VNET_STATUS_DRIVER_OK, k == steps ? VNET_STATUS_DRIVER_OK : 0);
            assert_int_equal(h->fake.violations, 0);
            assert_int_equal(vnet_state(&h->dev), VNET_STATE_DOWN);
            assert_int_equal(h->fake.q[0].notifies + h->fake.q[1].notifies, 0);
            assert_int_equal(h->dev.cnt.needs_reset, 1);
            /* A fresh init resets the device and works. */
            assert_int_equal(vnet_harness_up(h), VNET_OK);
            assert_int_equal(h->fake.violations, 0);
            close_h(h);
        }
    }
}

/* A device whose Status shows FAILED (only the driver may set it) from
 * the k-th write on: init stops there with VNET_ERR_BROKEN. */
static void test_failed_shown_during_init(void **state)
{
    (void)state;
    for (unsigned k = 1; k <= 4; k++) {
        struct vnet_harness *h = open_h(2, NULL);
        struct counting c;
        struct vnet_ops ops;
        counting_ops(&c, &h->ops, &ops);
        c.status_or_from = k;
        c.status_or = VNET_STATUS_FAILED;
        assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len),
                         VNET_ERR_BROKEN);
        assert_int_equal(c.status_writes, k + 1); /* the k-th step, then FAILED */
        assert_int_equal(h->fake.regs.status & VNET_STATUS_FAILED, VNET_STATUS_FAILED);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_DOWN);
        close_h(h);
    }
}

#define F_PLATFORM (F(ACCESS_PLATFORM) | F(ORDER_PLATFORM))

static void traffic_still_flows(struct vnet_harness *h);

/* VIRTIO_F_ACCESS_PLATFORM and VIRTIO_F_ORDER_PLATFORM (virtio 1.2 §6.1:
 * the driver SHOULD accept them) are accepted as far as the ops table
 * vouches for them (vnet_ops.flags); the fake, like QEMU 7.2 with
 * iommu_platform=on, refuses FEATURES_OK without ACCESS_PLATFORM. */
static void test_platform_features(void **state)
{
    (void)state;
    static const struct {
        uint64_t offer;
        uint32_t flags;
        int rc;
        uint64_t accepted;
    } cases[] = {
        /* The fake's ops vouch for both: both accepted. */
        {F_PLATFORM, VNET_OPS_ACCESS_PLATFORM | VNET_OPS_ORDER_PLATFORM, VNET_OK, F_PLATFORM},
        {F(ACCESS_PLATFORM), VNET_OPS_ACCESS_PLATFORM | VNET_OPS_ORDER_PLATFORM, VNET_OK,
         F(ACCESS_PLATFORM)},
        {F(ORDER_PLATFORM), VNET_OPS_ACCESS_PLATFORM | VNET_OPS_ORDER_PLATFORM, VNET_OK,
         F(ORDER_PLATFORM)},
        /* Each only with its own flag. */
        {F_PLATFORM, VNET_OPS_ORDER_PLATFORM, VNET_ERR_PLATFORM, F(ORDER_PLATFORM)},
        /* ORDER_PLATFORM declined: this device works without it. */
        {F_PLATFORM, VNET_OPS_ACCESS_PLATFORM, VNET_OK, F(ACCESS_PLATFORM)},
        {F(ORDER_PLATFORM), 0, VNET_OK, 0},
        /* ACCESS_PLATFORM declined: refused, and said so. */
        {F(ACCESS_PLATFORM), 0, VNET_ERR_PLATFORM, 0},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vnet_harness *h = open_h(2, NULL);
        h->fake.cfg.features |= cases[i].offer;
        struct counting c;
        struct vnet_ops ops;
        counting_ops(&c, &h->ops, &ops);
        ops.flags = cases[i].flags;
        assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len), cases[i].rc);
        assert_int_equal(vnet_features_negotiated(&h->dev) & F_PLATFORM, cases[i].accepted);
        assert_int_equal(h->fake.violations, 0);
        if (cases[i].rc == VNET_OK) {
            assert_int_equal(h->fake.regs.driver_features & F_PLATFORM, cases[i].accepted);
            traffic_still_flows(h);
        } else {
            assert_int_equal(h->fake.regs.status,
                             VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER | VNET_STATUS_FAILED);
        }
        close_h(h);
    }
    /* Legacy has no feature word 1: neither is visible, nothing changes. */
    struct vnet_harness *h = open_h(1, NULL);
    h->fake.cfg.features |= F_PLATFORM;
    assert_int_equal(vnet_harness_up(h), VNET_OK);
    assert_int_equal(vnet_features_negotiated(&h->dev) & F_PLATFORM, 0);
    close_h(h);
    /* The fake's ops and the QEMU names of the bits. */
    struct vnet_ops fo;
    fake_vnet_ops(NULL, &fo);
    assert_int_equal(fo.flags, VNET_OPS_ACCESS_PLATFORM | VNET_OPS_ORDER_PLATFORM);
    char buf[64];
    vnet_features_str(F_PLATFORM, buf, sizeof(buf));
    assert_string_equal(buf, "ACCESS_PLATFORM ORDER_PLATFORM");
}

static void test_legacy_requires_any_layout(void **state)
{
    (void)state;
    struct vnet_harness *h = open_h(1, NULL);
    h->fake.cfg.features &= ~F(ANY_LAYOUT);
    assert_int_equal(vnet_harness_up(h), VNET_ERR_FEATURES);
    assert_true(h->fake.regs.status & VNET_STATUS_FAILED);
    close_h(h);
}

static void test_reset_that_never_finishes(void **state)
{
    (void)state;
    struct vnet_harness *h = open_h(1, NULL);
    h->fake.regs.status = VNET_STATUS_ACKNOWLEDGE; /* left over from a previous owner */
    fake_vnet_fault(&h->fake, FAKE_FAULT_RESET_STUCK, 1);
    assert_int_equal(vnet_harness_up(h), VNET_ERR_RESET);
    close_h(h);
}

/* A device whose reset takes time: Status shows its old value for 5000
 * reads after the write of 0. Slow is not broken: init waits (by time,
 * through the ops' delay) and the device works; it never sees a write
 * before its reset is done. */
static void test_slow_reset_is_waited_for(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = open_h(v, NULL);
        h->fake.regs.status = VNET_STATUS_ACKNOWLEDGE; /* left over from a previous owner */
        h->fake.cfg.reset_reads = 5000;
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        assert_int_equal(h->fake.violations, 0);
        assert_int_equal(h->fake.regs.reset_left, 0);
        traffic_still_flows(h);
        /* And again through vnet_reset, from a live device. */
        assert_int_equal(vnet_reset(&h->dev), VNET_OK);
        assert_int_equal(h->fake.regs.status, 0);
        assert_int_equal(h->fake.violations, 0);
        /* 5000 reads of the old value, a step of delay after each. */
        assert_int_equal(h->fake.stats.delay_us, 2u * 5000u * VNET_RESET_STEP_US);
        close_h(h);
    }
}

/* The reset wait is bounded by time: a device that never finishes is
 * given up on after exactly cfg.reset_timeout_us of the ops' delay (one
 * read per step, and one more), whatever the timeout; without delay_us the
 * same number of reads, back to back; a timeout of 0 is one read. */
static void test_reset_wait_bounded_by_time(void **state)
{
    (void)state;
    static const uint32_t timeouts[] = {1000000u, 25u, 9u, 0u};
    for (unsigned i = 0; i < 4; i++) {
        for (unsigned with_delay = 0; with_delay < 2; with_delay++) {
            struct vnet_config cfg;
            vnet_config_defaults(&cfg);
            cfg.reset_timeout_us = timeouts[i];
            struct vnet_harness *h = open_h(2, &cfg);
            h->fake.regs.status = VNET_STATUS_ACKNOWLEDGE;
            fake_vnet_fault(&h->fake, FAKE_FAULT_RESET_STUCK, 1);
            struct counting c;
            struct vnet_ops ops;
            counting_ops(&c, &h->ops, &ops);
            if (!with_delay)
                ops.delay_us = NULL;
            assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len),
                             VNET_ERR_RESET);
            uint32_t steps = (timeouts[i] + VNET_RESET_STEP_US - 1u) / VNET_RESET_STEP_US;
            /* The wait's reads, then the one of the FAILED write. */
            assert_int_equal(h->fake.stats.status_reads, steps + 1u + 2u);
            assert_int_equal(h->fake.stats.delay_us, with_delay ? timeouts[i] : 0u);
            close_h(h);
        }
    }
    /* Default: one second. */
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    assert_int_equal(cfg.reset_timeout_us, 1000000u);
    /* A reset of 3 reads: in time with 30 us, not with 20 us. */
    for (uint32_t t = 20; t <= 30; t += 10) {
        vnet_config_defaults(&cfg);
        cfg.reset_timeout_us = t;
        struct vnet_harness *h = open_h(1, &cfg);
        h->fake.regs.status = VNET_STATUS_ACKNOWLEDGE;
        h->fake.cfg.reset_reads = 3;
        assert_int_equal(vnet_harness_up(h), t == 30 ? VNET_OK : VNET_ERR_RESET);
        close_h(h);
    }
}

static void test_queue_size_cut_to_device_max(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = open_h(v, NULL);
        h->fake.cfg.queue_num_max = 12; /* not a power of two: the driver takes 8 */
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        assert_int_equal(h->dev.rxq.size, 8);
        assert_int_equal(h->dev.txq.size, 8);
        assert_int_equal(h->fake.q[0].num, 8);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);

        h = open_h(v, NULL);
        h->fake.cfg.queue_num_max = 0;
        assert_int_equal(vnet_harness_up(h), VNET_ERR_QUEUE);
        assert_true(h->fake.regs.status & VNET_STATUS_FAILED);
        close_h(h);
    }
}

static void test_bad_config_and_memory(void **state)
{
    (void)state;
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    cfg.rx_queue_size = 12;
    assert_int_equal(vnet_dma_size(&cfg), 0);
    vnet_config_defaults(&cfg);
    cfg.rx_buf_size = 1000; /* below 12 + 1514 */
    assert_int_equal(vnet_dma_size(&cfg), 0);
    vnet_config_defaults(&cfg);
    cfg.rx_queue_size = 512; /* above VNET_QUEUE_MAX */
    assert_int_equal(vnet_dma_size(&cfg), 0);

    struct vnet_harness *h = open_h(1, NULL);
    /* One byte short. */
    assert_int_equal(vnet_init(&h->dev, &h->ops, &h->cfg, h->window, vnet_dma_size(&h->cfg) - 1),
                     VNET_ERR_MEM);
    /* Not 4096-aligned in the device's address space. */
    assert_int_equal(vnet_init(&h->dev, &h->ops, &h->cfg, h->window + 16, h->window_len - 16),
                     VNET_ERR_MEM);
    assert_int_equal(h->fake.regs.status, 0);
    close_h(h);

    /* A legacy QueueAlign of 8192 needs the block 8192-aligned: refused up
     * front, device untouched, not half-way through the queue setup. */
    struct vnet_config big;
    vnet_config_defaults(&big);
    big.rx_queue_size = 256;
    big.tx_queue_size = 256;
    h = open_h(1, &big);
    vnet_config_defaults(&cfg);
    cfg.legacy_align = 8192;
    assert_true(vnet_dma_size(&cfg) + 4096 <= h->window_len);
    assert_int_equal(vnet_init(&h->dev, &h->ops, &cfg, h->window + 4096, h->window_len - 4096),
                     VNET_ERR_MEM);
    assert_int_equal(h->fake.regs.status, 0);
    assert_int_equal(vnet_init(&h->dev, &h->ops, &cfg, h->window, h->window_len), VNET_OK);
    assert_int_equal(h->fake.q[0].align, 8192);
    close_h(h);
}

/* --- frames both ways, both header layouts ----------------------------- */

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

static void test_header_layouts_carry_frames_exactly(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        /* The fake strips the header length it derives from the negotiated
         * features; a driver off by two bytes would shift every byte. */
        assert_int_equal(fake_vnet_hdr_len(&h->fake), v == 1 ? 10 : 12);
        struct tu_txcap tx = {0};
        vnet_harness_capture(h, tu_txcap_fn, &tx);
        uint8_t f[1514];
        for (uint32_t s = 0; s < 4; s++) {
            size_t len = tu_frame(f, s, tu_len(s));
            assert_int_equal(vnet_send(&h->dev, f, len), VNET_OK);
        }
        /* The largest and the smallest frames. */
        assert_int_equal(tx.frames, 4);
        assert_int_equal(tx.mismatches, 0);
        tu_frame(f, 77, 1514);
        struct rxcap rx = {0};
        assert_int_equal(fake_vnet_inject(&h->fake, f, 1514), 0);
        unsigned got = 0;
        assert_int_equal(vnet_rx_poll(&h->dev, 64, rxcap_fn, &rx, &got), VNET_OK);
        assert_int_equal(got, 1);
        assert_int_equal(rx.len, 1514);
        assert_memory_equal(rx.buf, f, 1514);
        tu_frame(f, 78, 14);
        assert_int_equal(fake_vnet_inject(&h->fake, f, 14), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, rxcap_fn, &rx, &got), VNET_OK);
        assert_int_equal(rx.len, 14);
        assert_memory_equal(rx.buf, f, 14);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);
    }
}

static void test_tx_length_errors(void **state)
{
    (void)state;
    struct vnet_harness *h = open_h(2, NULL);
    uint8_t f[1600] = {0};
    /* Before init: a state error, not a crash. */
    assert_int_equal(vnet_send(&h->dev, f, 60), VNET_ERR_STATE);
    assert_int_equal(vnet_harness_up(h), VNET_OK);
    assert_int_equal(vnet_send(&h->dev, f, 13), VNET_ERR_TOO_SHORT);
    assert_int_equal(vnet_send(&h->dev, f, 1515), VNET_ERR_TOO_BIG);
    assert_int_equal(vnet_send(&h->dev, NULL, 60), VNET_ERR_INVAL);
    assert_int_equal(h->dev.cnt.tx_bad_len, 2);
    assert_int_equal(h->dev.cnt.tx_frames, 0);
    assert_int_equal(h->fake.stats.tx_frames, 0);
    close_h(h);
}

/* Ring fields are little-endian on a modern device and in the guest's own
 * order on a legacy one (virtio 1.2 §2.4.3): on a big-endian host the two
 * layouts differ byte for byte, and the same frame must cross both. */
static void test_ring_byte_order_per_layout(void **state)
{
    (void)state;
    const uint16_t one = 1;
    const bool host_le = *(const uint8_t *)&one == 1;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        struct tu_txcap tx = {0};
        vnet_harness_capture(h, tu_txcap_fn, &tx);
        uint8_t f[100];
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 0, tu_len(0))), VNET_OK);
        assert_int_equal(tx.frames, 1);
        assert_int_equal(tx.mismatches, 0);
        const uint8_t *avail = h->window + (h->fake.q[1].driver - VNET_HARNESS_BASE);
        const uint8_t *desc = h->window + (h->fake.q[1].desc - VNET_HARNESS_BASE);
        bool le = v == 2 || host_le;
        /* avail->idx is 1; descriptor 0's len is header + frame. */
        uint32_t dlen = (v == 2 ? 12u : 10u) + (uint32_t)tu_len(0);
        if (le) {
            assert_int_equal(avail[2], 1);
            assert_int_equal(avail[3], 0);
            assert_int_equal(desc[8], dlen & 0xffu);
            assert_int_equal(desc[11], 0);
        } else {
            assert_int_equal(avail[2], 0);
            assert_int_equal(avail[3], 1);
            assert_int_equal(desc[8], 0);
            assert_int_equal(desc[11], dlen & 0xffu);
        }
        /* And back: a frame the device writes arrives byte-exact. */
        struct rxcap rx = {0};
        tu_frame(f, 9, 100);
        assert_int_equal(fake_vnet_inject(&h->fake, f, 100), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_OK);
        assert_int_equal(rx.len, 100);
        assert_memory_equal(rx.buf, f, 100);
        close_h(h);
    }
}

static void test_missing_barriers_are_caught(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        /* No write barrier before avail->idx: the fake sees the RX ring
         * published in the same barrier interval as its entries. */
        struct vnet_harness *h = open_h(v, NULL);
        struct counting d;
        struct vnet_ops ops;
        counting_ops(&d, &h->ops, &ops);
        d.drop_barrier = true;
        d.drop = VNET_BARRIER_WRITE;
        assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len), VNET_OK);
        assert_true(d.dropped > 0);
        assert_true(h->fake.violations > 0);
        assert_non_null(strstr(h->fake.first_violation, "missing write barrier"));
        close_h(h);

        /* No read barrier between used->idx and the entries: the driver
         * reads entries the device has not made visible yet. */
        h = open_h(v, NULL);
        counting_ops(&d, &h->ops, &ops);
        d.drop_barrier = true;
        d.drop = VNET_BARRIER_READ;
        assert_int_equal(vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len), VNET_OK);
        assert_int_equal(h->fake.violations, 0);
        uint8_t f[64];
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 1, 64)), 0);
        unsigned got = 9;
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_ERR_USED_ID);
        assert_int_equal(got, 0);
        assert_true(d.dropped > 0);
        assert_true(h->dev.rxq.stats.used_id_range > 0);
        close_h(h);

        /* With every barrier in place the same steps are clean. */
        h = up_h(v, NULL);
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 1, 64)), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_OK);
        assert_int_equal(got, 1);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);
    }
}

/* --- kick and acknowledge ----------------------------------------------- */

static void test_one_notification_per_batch(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(2, NULL);
    uint8_t f[64];
    for (uint32_t s = 0; s < 5; s++)
        assert_int_equal(vnet_send_queue(&h->dev, f, tu_frame(f, s, 64)), VNET_OK);
    /* Nothing is visible to the device before the kick. */
    assert_int_equal(h->fake.q[1].notifies, 0);
    assert_int_equal(h->fake.stats.tx_frames, 0);
    assert_int_equal(vnet_send_kick(&h->dev), VNET_OK);
    assert_int_equal(h->fake.q[1].notifies, 1);
    assert_int_equal(h->fake.stats.tx_frames, 5);
    /* A kick with nothing new queued notifies nobody. */
    assert_int_equal(vnet_send_kick(&h->dev), VNET_OK);
    assert_int_equal(h->fake.q[1].notifies, 1);

    /* RX: three frames consumed, one notification for the refill. */
    uint64_t rx_before = h->fake.q[0].notifies;
    for (uint32_t s = 0; s < 3; s++)
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, s, 64)), 0);
    unsigned got = 0;
    assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_OK);
    assert_int_equal(got, 3);
    assert_int_equal(h->fake.q[0].notifies, rx_before + 1);
    /* An empty poll posts nothing and notifies nobody. */
    assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_OK);
    assert_int_equal(got, 0);
    assert_int_equal(h->fake.q[0].notifies, rx_before + 1);
    close_h(h);
}

/* The device's NO_NOTIFY in used->flags is what the driver reads after
 * the full barrier between publishing avail->idx and that read (virtio 1.2
 * §2.7.13.4); the fake shows a changed flag only after a FULL barrier
 * (barrier.c), so a driver without it keeps reading the old flag: it kicks
 * a device that asked not to be, or, worse, skips the kick of a device that
 * has cleared NO_NOTIFY and stopped polling, and the frame stalls. */
static void test_no_notify_suppresses_kicks(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        h->fake.q[1].no_notify = true;
        /* The device publishes NO_NOTIFY through used->flags of the TX ring. */
        fake_vnet_process(&h->fake, true);
        uint8_t f[64];
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 0, 64)), VNET_OK);
        assert_int_equal(h->fake.q[1].notifies, 0);
        assert_int_equal(h->dev.cnt.kicks_suppressed, 1);
        /* The device polls its ring when it suppresses notifications. */
        fake_vnet_process(&h->fake, true);
        assert_int_equal(h->fake.stats.tx_frames, 1);
        /* It clears NO_NOTIFY, looks once more, finds nothing, and stops
         * polling: from now on only a kick moves a frame. */
        h->fake.q[1].no_notify = false;
        fake_vnet_process(&h->fake, true);
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 1, 64)), VNET_OK);
        assert_int_equal(h->fake.q[1].notifies, 1);
        assert_int_equal(h->dev.cnt.kicks_suppressed, 1);
        assert_int_equal(h->fake.stats.tx_frames, 2);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);
    }
}

/* The stall on its own: the driver has seen NO_NOTIFY (a barrier of the
 * interrupt handler made it visible), the device then clears it and stops
 * polling. The next frame must be kicked, or it never leaves. */
static void test_kick_reaches_a_device_that_stopped_polling(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        h->fake.q[1].no_notify = true;
        fake_vnet_process(&h->fake, true);
        fake_vnet_raise(&h->fake, VNET_INT_CONFIG_CHANGE);
        assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
        uint8_t f[64];
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 0, 64)), VNET_OK);
        assert_int_equal(h->dev.cnt.kicks_suppressed, 1);
        fake_vnet_process(&h->fake, true); /* polled */
        assert_int_equal(h->fake.stats.tx_frames, 1);
        h->fake.q[1].no_notify = false;
        fake_vnet_process(&h->fake, true); /* one last look; now it sleeps */
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 1, 64)), VNET_OK);
        assert_int_equal(h->fake.q[1].notifies, 1);
        assert_int_equal(h->fake.stats.tx_frames, 2);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);
    }
}

static void test_irq_acknowledges_exactly_what_it_read(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(2, NULL);
    uint32_t bits = 0;
    fake_vnet_raise(&h->fake, VNET_INT_USED_BUFFER);
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, VNET_INT_USED_BUFFER);
    assert_int_equal(h->fake.stats.last_ack, VNET_INT_USED_BUFFER);
    assert_false(fake_vnet_irq_line(&h->fake));

    fake_vnet_raise(&h->fake, VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE);
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, 3);
    assert_int_equal(h->fake.stats.last_ack, 3);
    assert_false(fake_vnet_irq_line(&h->fake));

    /* A config change raised right after the read must survive the ACK. */
    fake_vnet_raise(&h->fake, VNET_INT_USED_BUFFER);
    h->fake.raise_on_status_read = VNET_INT_CONFIG_CHANGE;
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, VNET_INT_USED_BUFFER);
    assert_int_equal(h->fake.stats.last_ack, VNET_INT_USED_BUFFER);
    assert_true(fake_vnet_irq_line(&h->fake));
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, VNET_INT_CONFIG_CHANGE);
    assert_false(fake_vnet_irq_line(&h->fake));
    close_h(h);
}

/* The interrupt handler acknowledges, then the main loop reads the rings:
 * every completion the device made before raising the interrupt must be
 * seen. The fake lets used->idx read as it was at the driver's last read
 * barrier until the driver's next barrier after the ACK (barrier.c), so
 * without the barrier vnet_irq issues after InterruptACK the completion
 * stays hidden and the acknowledged interrupt is lost. */
static void test_completions_seen_after_the_interrupt(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        uint8_t f[64];
        uint32_t bits = 0;
        unsigned n = 0;
        /* RX: a frame arrives, the line rises, the handler runs, the
         * poll finds the frame. */
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 1, 64)), 0);
        assert_true(fake_vnet_irq_line(&h->fake));
        assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
        assert_int_equal(bits, VNET_INT_USED_BUFFER);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &n), VNET_OK);
        assert_int_equal(n, 1);
        /* TX: the completion of a sent frame is reclaimed after the
         * handler. */
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 2, 64)), VNET_OK);
        assert_true(fake_vnet_irq_line(&h->fake));
        assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_OK);
        assert_int_equal(n, 1);
        assert_int_equal(h->dev.txq.in_flight, 0);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);
    }
}

static void test_spurious_irq_changes_nothing(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(1, NULL);
    uint8_t f[64];
    assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 0, 64)), VNET_OK);
    /* The TX completion raised the line; the handler takes that one. */
    assert_true(fake_vnet_irq_line(&h->fake));
    assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
    assert_false(fake_vnet_irq_line(&h->fake));
    assert_int_equal(h->dev.cnt.irqs, 1);
    struct vnet_vq rxq = h->dev.rxq, txq = h->dev.txq;
    uint64_t acks = h->fake.stats.acks;
    uint32_t bits = 99;
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, 0);
    assert_int_equal(h->dev.cnt.irqs_spurious, 1);
    assert_int_equal(h->dev.cnt.irqs, 1);
    assert_int_equal(h->fake.stats.acks, acks);
    assert_memory_equal(&h->dev.rxq, &rxq, sizeof(rxq));
    assert_memory_equal(&h->dev.txq, &txq, sizeof(txq));
    assert_int_equal(h->dev.state, VNET_STATE_READY);
    close_h(h);
}

/* InterruptStatus bits other than 0 (used buffer) and 1 (config change)
 * are undefined: the driver ignores them and never writes them to
 * InterruptACK (virtio 1.2 §4.2.2.2); with no defined bit the interrupt is
 * spurious. */
static void test_irq_ignores_undefined_bits(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(2, NULL);
    uint32_t bits = 0;
    fake_vnet_raise(&h->fake, 0x5);
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, VNET_INT_USED_BUFFER);
    assert_int_equal(h->fake.stats.last_ack, VNET_INT_USED_BUFFER);
    assert_int_equal(h->dev.cnt.irqs, 1);
    assert_int_equal(h->fake.violations, 0);

    /* Bit 2 alone, left over from the 0x5: nothing defined, nothing
     * acknowledged, counted as spurious. */
    uint64_t acks = h->fake.stats.acks;
    bits = 99;
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, 0);
    assert_int_equal(h->fake.stats.acks, acks);
    assert_int_equal(h->dev.cnt.irqs, 1);
    assert_int_equal(h->dev.cnt.irqs_spurious, 1);
    assert_int_equal(h->fake.violations, 0);

    /* All ones: both defined bits, and only they, acknowledged. */
    fake_vnet_raise(&h->fake, 0xffffffffu);
    assert_int_equal(vnet_irq(&h->dev, &bits), VNET_OK);
    assert_int_equal(bits, VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE);
    assert_int_equal(h->fake.stats.last_ack, VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE);
    assert_int_equal(h->dev.cnt.irqs, 2);
    assert_int_equal(h->dev.cnt.config_changes, 1);
    assert_int_equal(h->fake.violations, 0);
    assert_int_equal(vnet_state(&h->dev), VNET_STATE_READY);
    close_h(h);
}

static void test_link_change_through_config_interrupt(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        assert_true(h->dev.link_up);
        uint32_t gen = h->fake.regs.config_generation;
        fake_vnet_set_link(&h->fake, false);
        assert_true(fake_vnet_irq_line(&h->fake));
        assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
        assert_false(h->dev.link_up);
        assert_int_equal(h->dev.cnt.config_changes, 1);
        if (v == 2)
            assert_int_equal(h->fake.regs.config_generation, gen + 1);
        fake_vnet_set_link(&h->fake, true);
        assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
        assert_true(h->dev.link_up);
        close_h(h);
    }
}

/* Config space read while the device updates it (virtio 1.2 §2.5.1): the
 * fields are read again until ConfigGeneration is the same before and
 * after. A device that changes it once gives the settled values; one that
 * never settles gives VNET_ERR_CONFIG after exactly VNET_CONFIG_TRIES
 * tries. Each try of init's reads the MAC (6 bytes) and the status (one
 * 16-bit read): a torn read spoils one try. */
static void test_config_generation_retry(void **state)
{
    (void)state;
    static const uint8_t qemu_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static const struct {
        unsigned torn;
        int rc;
        uint64_t gen_reads;
    } cases[] = {
        {1, VNET_OK, 4}, /* changed once, then settled */
        {7, VNET_OK, 4}, /* a whole try torn */
        {8, VNET_OK, 6}, /* two tries */
        {(VNET_CONFIG_TRIES - 1u) * 7u, VNET_OK, 2u * VNET_CONFIG_TRIES}, /* the last try */
        {(VNET_CONFIG_TRIES - 1u) * 7u + 1u, VNET_ERR_CONFIG, 2u * VNET_CONFIG_TRIES},
        {1000, VNET_ERR_CONFIG, 2u * VNET_CONFIG_TRIES}, /* never settles */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vnet_harness *h = open_h(2, NULL);
        memcpy(h->fake.cfg.mac, qemu_mac, 6);
        fake_vnet_set_link(&h->fake, false);
        fake_vnet_fault(&h->fake, FAKE_FAULT_CONFIG_TORN, cases[i].torn);
        uint64_t gen0 = h->fake.stats.generation_reads;
        assert_int_equal(vnet_harness_up(h), cases[i].rc);
        assert_int_equal(h->fake.stats.generation_reads - gen0, cases[i].gen_reads);
        if (cases[i].rc == VNET_OK) {
            assert_memory_equal(vnet_mac(&h->dev), qemu_mac, 6);
            assert_false(vnet_link_up(&h->dev));
            assert_int_equal(h->fake.fault_armed[FAKE_FAULT_CONFIG_TORN], 0);
        } else {
            assert_true(h->fake.regs.status & VNET_STATUS_FAILED);
        }
        close_h(h);
    }
    /* The same on a config change: a torn read of the link status, then the
     * settled one. */
    struct vnet_harness *h = up_h(2, NULL);
    fake_vnet_set_link(&h->fake, false);
    fake_vnet_fault(&h->fake, FAKE_FAULT_CONFIG_TORN, 1);
    assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
    assert_false(vnet_link_up(&h->dev));
    assert_memory_equal(vnet_mac(&h->dev), h->fake.cfg.mac, 6);
    fake_vnet_set_link(&h->fake, true);
    fake_vnet_fault(&h->fake, FAKE_FAULT_CONFIG_TORN, 1000);
    assert_int_equal(vnet_irq(&h->dev, NULL), VNET_ERR_CONFIG);
    close_h(h);
}

/* --- a hostile device ---------------------------------------------------- */

static void send_one(struct vnet_harness *h, uint32_t seq)
{
    uint8_t f[64];
    assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, seq, 64)), VNET_OK);
}

/* After a fault, ordinary traffic must still flow both ways, byte-exact. */
static void traffic_still_flows(struct vnet_harness *h)
{
    uint8_t f[200];
    struct rxcap rx = {0};
    struct tu_txcap tx = {0};
    tx.next_seq = 1000;
    vnet_harness_capture(h, tu_txcap_fn, &tx);
    /* TX */
    for (uint32_t s = 1000; s < 1040; s++) {
        uint8_t big[1514];
        size_t len = tu_frame(big, s, tu_len(s));
        int rc = vnet_send(&h->dev, big, len);
        if (rc == VNET_ERR_AGAIN) {
            fake_vnet_process(&h->fake, true);
            rc = vnet_send(&h->dev, big, len);
        }
        assert_int_equal(rc, VNET_OK);
        unsigned n;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_OK);
    }
    assert_int_equal(tx.frames, 40);
    assert_int_equal(tx.mismatches, 0);
    /* RX */
    for (uint32_t s = 0; s < 40; s++) {
        size_t len = tu_frame(f, s, 60 + s);
        assert_int_equal(fake_vnet_inject(&h->fake, f, len), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, rxcap_fn, &rx, NULL), VNET_OK);
        assert_int_equal(rx.len, len);
        assert_memory_equal(rx.buf, f, len);
    }
    assert_int_equal(rx.frames, 40);
}

static void test_hostile_used_id_out_of_range(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        /* TX */
        fake_vnet_fault(&h->fake, FAKE_FAULT_USED_ID_RANGE, 1);
        send_one(h, 0);
        unsigned n = 9;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_ERR_USED_ID);
        assert_int_equal(n, 0);
        assert_int_equal(h->dev.txq.stats.used_id_range, 1);
        /* The slot the device never returned stays in flight: not reused. */
        assert_int_equal(h->dev.txq.in_flight, 1);
        /* RX */
        fake_vnet_fault(&h->fake, FAKE_FAULT_USED_ID_RANGE, 1);
        uint8_t f[64];
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 1, 64)), 0);
        unsigned got = 9;
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_ERR_USED_ID);
        assert_int_equal(got, 0);
        assert_int_equal(h->dev.rxq.stats.used_id_range, 1);
        assert_int_equal(h->dev.cnt.rx_frames, 0);
        assert_int_equal(h->dev.state, VNET_STATE_READY);
        traffic_still_flows(h);
        close_h(h);
    }
}

/* Four frames sent, the device holding three completions back (an
 * out-of-order window of 4): the fourth send releases one, with the armed
 * fault, while three more stay in flight, so the extra entry is within
 * what the device may return and is judged entry by entry. */
static void send_four_held(struct vnet_harness *h, enum fake_vnet_fault fault)
{
    h->fake.knobs.ooo_window = 4;
    for (uint32_t s = 0; s < 3; s++)
        send_one(h, s);
    fake_vnet_fault(&h->fake, fault, 1);
    send_one(h, 3);
    assert_int_equal(h->fake.q[1].held_n, 3);
}

/* The rest of the held completions, then ordinary in-order completion. */
static void release_held(struct vnet_harness *h)
{
    fake_vnet_flush(&h->fake);
    unsigned n = 0;
    assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_OK);
    assert_int_equal(n, 3);
    assert_int_equal(h->dev.txq.in_flight, 0);
    h->fake.knobs.ooo_window = 0;
}

static void test_hostile_used_id_not_in_flight(void **state)
{
    (void)state;
    struct vnet_harness *h = up_h(2, NULL);
    send_four_held(h, FAKE_FAULT_USED_ID_UNPOSTED);
    unsigned n = 0;
    assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_ERR_USED_ID);
    assert_int_equal(n, 1); /* the real completion still counts */
    assert_int_equal(h->dev.txq.stats.used_unposted, 1);
    assert_int_equal(h->dev.txq.in_flight, 3);
    release_held(h);
    traffic_still_flows(h);
    close_h(h);
}

static void test_hostile_duplicate_completion(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        send_four_held(h, FAKE_FAULT_USED_DUPLICATE);
        unsigned n = 0;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_ERR_USED_ID);
        assert_int_equal(n, 1);
        assert_int_equal(h->dev.txq.stats.used_duplicate, 1);
        assert_int_equal(h->dev.cnt.tx_completed, 1);
        assert_int_equal(h->dev.txq.in_flight, 3);
        release_held(h);
        traffic_still_flows(h);
        close_h(h);
    }
}

/* With a single buffer in flight, the same extra entry moves used->idx by
 * two: more than the device holds, so the ring is broken, not skipped. */
static void test_hostile_extra_entry_beyond_in_flight(void **state)
{
    (void)state;
    static const enum fake_vnet_fault faults[] = {FAKE_FAULT_USED_DUPLICATE,
                                                  FAKE_FAULT_USED_ID_UNPOSTED};
    for (unsigned i = 0; i < 2; i++) {
        struct vnet_harness *h = up_h(2, NULL);
        fake_vnet_fault(&h->fake, faults[i], 1);
        send_one(h, 0);
        unsigned n = 9;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_ERR_USED_IDX);
        assert_int_equal(n, 0);
        assert_int_equal(h->dev.txq.stats.used_idx_jump, 1);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_BROKEN);
        close_h(h);
    }
}

/* Issue 12's case: a full lap completed (used slots 0..15 name ids
 * 0..15), then three frames the device holds (ids 0, 1, 2), then used->idx
 * moved by 5 with no new entry. The five entries it covers are the last
 * lap's, and three name buffers in flight: taken as completions, the next
 * send would reuse a slot the device still owns. A move larger than what
 * is in flight is a broken device: nothing consumed, ring broken. */
static void test_hostile_used_idx_replays_last_lap(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        uint8_t f[64];
        for (uint32_t s = 0; s < 16; s++)
            assert_int_equal(vnet_send_queue(&h->dev, f, tu_frame(f, s, 64)), VNET_OK);
        assert_int_equal(vnet_send_kick(&h->dev), VNET_OK);
        unsigned n = 0;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_OK);
        assert_int_equal(n, 16);
        h->fake.knobs.auto_complete_tx = false;
        for (uint32_t s = 16; s < 19; s++)
            assert_int_equal(vnet_send_queue(&h->dev, f, tu_frame(f, s, 64)), VNET_OK);
        assert_int_equal(vnet_send_kick(&h->dev), VNET_OK);
        assert_int_equal(h->fake.q[1].wait_n, 3);
        fake_vnet_used_idx_move(&h->fake, 1, 5);
        n = 9;
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_ERR_USED_IDX);
        assert_int_equal(n, 0);
        assert_int_equal(h->dev.txq.in_flight, 3);
        assert_int_equal(h->dev.cnt.tx_completed, 16);
        assert_int_equal(h->dev.txq.stats.used_idx_jump, 1);
        assert_int_equal(vnet_state(&h->dev), VNET_STATE_BROKEN);
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 19, 64)), VNET_ERR_BROKEN);
        assert_int_equal(h->fake.violations, 0);
        /* Exactly what is in flight is still a move the device may make. */
        assert_int_equal(vnet_reset(&h->dev), VNET_OK);
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        h->fake.knobs.auto_complete_tx = false;
        for (uint32_t s = 0; s < 3; s++)
            assert_int_equal(vnet_send_queue(&h->dev, f, tu_frame(f, s, 64)), VNET_OK);
        assert_int_equal(vnet_send_kick(&h->dev), VNET_OK);
        fake_vnet_process(&h->fake, true);
        assert_int_equal(vnet_tx_reclaim(&h->dev, &n), VNET_OK);
        assert_int_equal(n, 3);
        h->fake.knobs.auto_complete_tx = true;
        traffic_still_flows(h);
        close_h(h);
    }
}

static void test_hostile_rx_lengths(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        uint8_t f[64];
        unsigned got = 9;
        fake_vnet_fault(&h->fake, FAKE_FAULT_RX_LEN_OVER, 1);
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 1, 64)), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_ERR_RX_LEN);
        assert_int_equal(got, 0);
        assert_int_equal(h->dev.cnt.rx_len_over, 1);
        fake_vnet_fault(&h->fake, FAKE_FAULT_RX_LEN_SHORT, 1);
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 2, 64)), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_ERR_RX_LEN);
        assert_int_equal(got, 0);
        assert_int_equal(h->dev.cnt.rx_len_short, 1);
        /* A frame longer than Ethernet allows, though it fits the buffer:
         * not handed up (a caller's 1514-byte buffer must be enough). */
        uint8_t big[1600];
        size_t blen = h->cfg.rx_buf_size - (v == 1 ? 10u : 12u);
        assert_true(blen > 1514);
        memset(big, 0x5a, sizeof(big));
        assert_int_equal(fake_vnet_inject(&h->fake, big, blen), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 64, NULL, NULL, &got), VNET_ERR_RX_LEN);
        assert_int_equal(got, 0);
        assert_int_equal(h->dev.cnt.rx_len_long, 1);
        assert_int_equal(h->dev.cnt.rx_frames, 0);
        /* Every buffer was recycled: every RX buffer is posted again. */
        assert_int_equal(h->dev.rxq.in_flight, h->dev.rxq.size);
        traffic_still_flows(h);
        close_h(h);
    }
}

/* One batch with a bad RX length and a bad used id, in either order: the
 * whole batch is processed (the good frame delivered, both counted, every
 * buffer posted again) and vnet_rx_poll returns the graver error, the bad
 * id, as its header says. */
static void test_rx_poll_reports_the_graver_error(void **state)
{
    (void)state;
    for (unsigned order = 0; order < 2; order++) {
        struct vnet_harness *h = up_h(2, NULL);
        uint8_t f[64];
        static const enum fake_vnet_fault faults[2] = {FAKE_FAULT_RX_LEN_OVER,
                                                       FAKE_FAULT_USED_ID_RANGE};
        fake_vnet_fault(&h->fake, faults[order], 1);
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 1, 64)), 0);
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 2, 64)), 0);
        fake_vnet_fault(&h->fake, faults[1 - order], 1);
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, 3, 64)), 0);
        struct rxcap rx = {0};
        unsigned got = 9;
        assert_int_equal(vnet_rx_poll(&h->dev, 64, rxcap_fn, &rx, &got), VNET_ERR_USED_ID);
        assert_int_equal(got, 1);
        assert_int_equal(rx.frames, 1);
        assert_int_equal(tu_seq(rx.buf), 2);
        assert_int_equal(h->dev.cnt.rx_len_over, 1);
        assert_int_equal(h->dev.rxq.stats.used_id_range, 1);
        /* The id fault lost one buffer for good (the device never returns
         * it); the others are posted again. */
        assert_int_equal(h->dev.rxq.in_flight, h->dev.rxq.size);
        close_h(h);
    }
}

static void test_hostile_used_idx_jump(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        fake_vnet_fault(&h->fake, FAKE_FAULT_USED_IDX_JUMP, 1);
        send_one(h, 0);
        assert_int_equal(vnet_tx_reclaim(&h->dev, NULL), VNET_ERR_USED_IDX);
        assert_int_equal(h->dev.txq.stats.used_idx_jump, 1);
        assert_int_equal(h->dev.state, VNET_STATE_BROKEN);
        uint8_t f[64];
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 1, 64)), VNET_ERR_BROKEN);
        assert_int_equal(vnet_rx_poll(&h->dev, 8, NULL, NULL, NULL), VNET_ERR_BROKEN);
        /* Reset and init again: the device works. */
        assert_int_equal(vnet_reset(&h->dev), VNET_OK);
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        traffic_still_flows(h);
        close_h(h);
    }
}

static void test_hostile_needs_reset(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        fake_vnet_needs_reset(&h->fake);
        uint32_t bits = 0;
        assert_int_equal(vnet_irq(&h->dev, &bits), VNET_ERR_NEEDS_RESET);
        assert_int_equal(bits, VNET_INT_CONFIG_CHANGE);
        assert_int_equal(h->dev.cnt.needs_reset, 1);
        assert_int_equal(h->dev.state, VNET_STATE_BROKEN);
        assert_false(fake_vnet_irq_line(&h->fake));
        uint8_t f[64];
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 1, 64)), VNET_ERR_BROKEN);
        assert_int_equal(vnet_harness_up(h), VNET_OK);
        traffic_still_flows(h);
        close_h(h);
    }
}

static void test_hostile_descriptor_scribble(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v, NULL);
        /* The device overwrites every descriptor it consumes: the driver
         * never reads one back, so traffic is unaffected. */
        fake_vnet_fault(&h->fake, FAKE_FAULT_DESC_SCRIBBLE, 100000);
        traffic_still_flows(h);
        traffic_still_flows(h);
        assert_int_equal(h->fake.violations, 0);
        close_h(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_legacy_qemu_features),
        cmocka_unit_test(test_init_modern_qemu_features),
        cmocka_unit_test(test_mac_from_device_or_fallback),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_probe_rejects_without_touching),
        cmocka_unit_test(test_probe_bad_magic),
        cmocka_unit_test(test_modern_requires_version_1),
        cmocka_unit_test(test_features_ok_refused),
        cmocka_unit_test(test_needs_reset_during_init),
        cmocka_unit_test(test_failed_shown_during_init),
        cmocka_unit_test(test_legacy_requires_any_layout),
        cmocka_unit_test(test_platform_features),
        cmocka_unit_test(test_reset_that_never_finishes),
        cmocka_unit_test(test_slow_reset_is_waited_for),
        cmocka_unit_test(test_reset_wait_bounded_by_time),
        cmocka_unit_test(test_queue_size_cut_to_device_max),
        cmocka_unit_test(test_bad_config_and_memory),
        cmocka_unit_test(test_header_layouts_carry_frames_exactly),
        cmocka_unit_test(test_tx_length_errors),
        cmocka_unit_test(test_ring_byte_order_per_layout),
        cmocka_unit_test(test_missing_barriers_are_caught),
        cmocka_unit_test(test_one_notification_per_batch),
        cmocka_unit_test(test_no_notify_suppresses_kicks),
        cmocka_unit_test(test_kick_reaches_a_device_that_stopped_polling),
        cmocka_unit_test(test_irq_acknowledges_exactly_what_it_read),
        cmocka_unit_test(test_completions_seen_after_the_interrupt),
        cmocka_unit_test(test_spurious_irq_changes_nothing),
        cmocka_unit_test(test_irq_ignores_undefined_bits),
        cmocka_unit_test(test_link_change_through_config_interrupt),
        cmocka_unit_test(test_config_generation_retry),
        cmocka_unit_test(test_hostile_used_id_out_of_range),
        cmocka_unit_test(test_hostile_used_id_not_in_flight),
        cmocka_unit_test(test_hostile_duplicate_completion),
        cmocka_unit_test(test_hostile_rx_lengths),
        cmocka_unit_test(test_hostile_used_idx_jump),
        cmocka_unit_test(test_rx_poll_reports_the_graver_error),
        cmocka_unit_test(test_hostile_extra_entry_beyond_in_flight),
        cmocka_unit_test(test_hostile_used_idx_replays_last_lap),
        cmocka_unit_test(test_hostile_needs_reset),
        cmocka_unit_test(test_hostile_descriptor_scribble),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
