/*
 * The fake virtio-mmio device on its own, driven register by register
 * without the frontend: it must behave like QEMU 7.2 where the frontend's
 * tests rely on it, or those tests prove nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fake_rig.h"

static void test_identity_and_feature_words(void **state)
{
    (void)state;
    struct rig *r = rig_open(1);
    assert_int_equal(rd(r, VNET_MMIO_MAGIC_VALUE), 0x74726976u);
    assert_int_equal(rd(r, VNET_MMIO_VERSION), 1);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_ID), 1);
    wr(r, VNET_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_FEATURES), 0x39bf8064u);
    /* Legacy exposes only 32 feature bits. */
    wr(r, VNET_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_FEATURES), 0);
    rig_close(r);

    r = rig_open(2);
    assert_int_equal(rd(r, VNET_MMIO_VERSION), 2);
    wr(r, VNET_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_FEATURES), 0x30bf8024u);
    wr(r, VNET_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_FEATURES), 0x00000101u);
    /* The MAC in config space, byte by byte, and link up. */
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(fake_vnet_read8(&r->f, VNET_MMIO_CONFIG + i), mac[i]);
    assert_int_equal(fake_vnet_read16(&r->f, VNET_MMIO_CONFIG + 6), 1);
    assert_int_equal(r->f.violations, 0);
    rig_close(r);
}

static void test_status_sequence_enforced(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    /* DRIVER before ACKNOWLEDGE. */
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_DRIVER);
    assert_int_equal(r->f.violations, 1);
    wr(r, VNET_MMIO_STATUS, 0);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), 0);
    /* Clearing a bit without a reset. */
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_DRIVER);
    assert_int_equal(r->f.violations, 2);
    /* FEATURES_OK only for a subset that includes VERSION_1. */
    wr(r, VNET_MMIO_STATUS, 0);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 1u << 5);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 0);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER | VNET_STATUS_FEATURES_OK);
    assert_false(rd(r, VNET_MMIO_STATUS) & VNET_STATUS_FEATURES_OK);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER | VNET_STATUS_FEATURES_OK);
    assert_true(rd(r, VNET_MMIO_STATUS) & VNET_STATUS_FEATURES_OK);
    /* A notify before DRIVER_OK is counted, not obeyed. */
    wr(r, VNET_MMIO_QUEUE_NOTIFY, 1);
    assert_int_equal(r->f.stats.notifies_before_driver_ok, 1);
    assert_int_equal(r->f.q[1].notifies, 0);
    rig_close(r);
}

static void test_legacy_ignores_modern_registers_and_pfn0_resets(void **state)
{
    (void)state;
    struct rig *r = rig_open(1);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER);
    wr(r, VNET_MMIO_GUEST_PAGE_SIZE, 4096);
    wr(r, VNET_MMIO_QUEUE_SEL, 0);
    /* Modern-only registers do nothing on a legacy device. */
    wr(r, VNET_MMIO_QUEUE_DESC_LOW, 0x1000);
    wr(r, VNET_MMIO_QUEUE_READY, 1);
    assert_int_equal(r->f.q[0].desc, 0);
    assert_int_equal(r->f.q[0].ready, 0);
    unsigned v = r->f.violations;
    assert_true(v >= 2);
    /* A legacy queue: num, align, PFN; used ring at the aligned offset. */
    wr(r, VNET_MMIO_QUEUE_NUM, 8);
    wr(r, VNET_MMIO_QUEUE_ALIGN, 4096);
    wr(r, VNET_MMIO_QUEUE_PFN, (uint32_t)(BASE / 4096));
    assert_int_equal(rd(r, VNET_MMIO_QUEUE_PFN), BASE / 4096);
    assert_int_equal(r->f.q[0].driver, BASE + 128);
    assert_int_equal(r->f.q[0].device, BASE + 4096);
    assert_int_equal(r->f.violations, v);
    /* QueuePFN 0 resets the whole device. */
    uint64_t resets = r->f.stats.resets;
    wr(r, VNET_MMIO_QUEUE_PFN, 0);
    assert_int_equal(r->f.stats.resets, resets + 1);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), 0);
    assert_int_equal(rd(r, VNET_MMIO_QUEUE_PFN), 0);
    /* A ring outside the DMA window is refused. */
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE);
    wr(r, VNET_MMIO_QUEUE_NUM, 8);
    wr(r, VNET_MMIO_QUEUE_ALIGN, 4096);
    wr(r, VNET_MMIO_QUEUE_PFN, 1);
    assert_int_equal(rd(r, VNET_MMIO_QUEUE_PFN), 0);
    assert_int_equal(r->f.violations, v + 1);
    rig_close(r);
}

static void test_interrupt_level_and_config_generation(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    fake_vnet_raise(&r->f, VNET_INT_USED_BUFFER);
    assert_int_equal(rd(r, VNET_MMIO_INTERRUPT_STATUS), 1);
    /* Still asserted: reading does not acknowledge. */
    assert_int_equal(rd(r, VNET_MMIO_INTERRUPT_STATUS), 1);
    assert_true(fake_vnet_irq_line(&r->f));
    fake_vnet_raise(&r->f, VNET_INT_CONFIG_CHANGE);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_BUFFER);
    assert_int_equal(rd(r, VNET_MMIO_INTERRUPT_STATUS), VNET_INT_CONFIG_CHANGE);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_CONFIG_CHANGE);
    assert_false(fake_vnet_irq_line(&r->f));
    assert_int_equal(r->f.stats.irqs_raised, 1);

    uint32_t gen = rd(r, VNET_MMIO_CONFIG_GENERATION);
    fake_vnet_set_link(&r->f, false);
    assert_int_equal(rd(r, VNET_MMIO_CONFIG_GENERATION), gen + 1);
    assert_int_equal(fake_vnet_read16(&r->f, VNET_MMIO_CONFIG + 6), 0);
    /* Link down: the wire side drops what arrives, and says so. */
    uint8_t frame[60] = {0};
    assert_int_equal(fake_vnet_inject(&r->f, frame, sizeof(frame)), -1);
    assert_int_equal(r->f.stats.rx_dropped, 1);
    rig_close(r);
}

static void test_empty_slot(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    r->f.cfg.device_id = 0;
    assert_int_equal(rd(r, VNET_MMIO_MAGIC_VALUE), 0x74726976u);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_ID), 0);
    assert_int_equal(rd(r, VNET_MMIO_DEVICE_FEATURES), 0);
    wr(r, VNET_MMIO_STATUS, VNET_STATUS_ACKNOWLEDGE);
    assert_int_equal(r->f.regs.status, 0);
    assert_int_equal(r->f.violations, 1);
    rig_close(r);
}

static void test_cfg_defaults_and_checks(void **state)
{
    (void)state;
    uint8_t *mem = aligned_alloc(4096, MEMLEN);
    assert_non_null(mem);
    struct fake_vnet f;
    struct fake_vnet_cfg cfg;
    fake_vnet_cfg_defaults(&cfg, 2);
    assert_int_equal(cfg.features, FAKE_VNET_QEMU_MODERN_FEATURES);
    assert_true(cfg.link_up);
    assert_true(cfg.knobs.auto_complete_tx && cfg.knobs.model_barriers);
    assert_null(cfg.mem);
    /* No window, a version that does not exist, a QueueNumMax beyond the
     * fake's arrays: refused, nothing allocated. */
    assert_int_equal(fake_vnet_init(&f, &cfg), -1);
    assert_null(f.pending);
    cfg.mem = mem;
    cfg.mem_len = MEMLEN;
    cfg.mem_base = BASE;
    cfg.version = 3;
    assert_int_equal(fake_vnet_init(&f, &cfg), -1);
    cfg.version = 2;
    cfg.queue_num_max = FAKE_VNET_QUEUE_NUM_MAX + 1u;
    assert_int_equal(fake_vnet_init(&f, &cfg), -1);
    /* The cfg is what the device shows. */
    cfg.queue_num_max = 64;
    cfg.link_up = false;
    cfg.mtu = 9000;
    assert_int_equal(fake_vnet_init(&f, &cfg), 0);
    assert_int_equal(fake_vnet_read32(&f, VNET_MMIO_QUEUE_NUM_MAX), 64);
    assert_int_equal(fake_vnet_read16(&f, VNET_MMIO_CONFIG + 6), 0);
    assert_int_equal(fake_vnet_read16(&f, VNET_MMIO_CONFIG + 10), 9000);
    /* reinit: a fresh device on the same store; pending frames are gone. */
    fake_vnet_set_link(&f, true);
    uint8_t frame[60] = {0};
    assert_int_equal(fake_vnet_inject(&f, frame, sizeof(frame)), 0);
    assert_int_equal(f.pending_n, 1);
    void *store = f.pending;
    fake_vnet_cfg_defaults(&cfg, 1);
    cfg.mem = mem;
    cfg.mem_len = MEMLEN;
    cfg.mem_base = BASE;
    assert_int_equal(fake_vnet_reinit(&f, &cfg), 0);
    assert_ptr_equal(f.pending, store);
    assert_int_equal(f.pending_n, 0);
    assert_int_equal(fake_vnet_read32(&f, VNET_MMIO_VERSION), 1);
    assert_int_equal(f.regs.config_generation, 0);
    assert_int_equal(f.violations, 0);
    fake_vnet_free(&f);
    free(mem);
}

/* A reset that takes time (cfg.reset_reads): Status shows its old value
 * for that many reads, then 0; a write before that is a violation. The
 * fake's own delay counter is what the ops' delay_us adds. */
static void test_slow_reset(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    r->f.cfg.reset_reads = 3;
    wr(r, VNET_MMIO_STATUS, S_ACK);
    wr(r, VNET_MMIO_STATUS, 0);
    wr(r, VNET_MMIO_STATUS, S_ACK);
    assert_int_equal(r->f.violations, 1);
    assert_non_null(strstr(r->f.first_violation, "while the reset is in progress"));
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), 0);
    wr(r, VNET_MMIO_STATUS, S_ACK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK);
    assert_int_equal(r->f.violations, 1);
    /* A reset of a device at 0 has nothing to show. */
    rig_close(r);
    r = rig_open(1);
    r->f.cfg.reset_reads = 3;
    wr(r, VNET_MMIO_STATUS, 0);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), 0);
    struct vnet_ops ops;
    fake_vnet_ops(&r->f, &ops);
    ops.delay_us(ops.ctx, 7);
    ops.delay_us(ops.ctx, 5);
    assert_int_equal(r->f.stats.delay_us, 12);
    rig_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_and_feature_words),
        cmocka_unit_test(test_status_sequence_enforced),
        cmocka_unit_test(test_legacy_ignores_modern_registers_and_pfn0_resets),
        cmocka_unit_test(test_interrupt_level_and_config_generation),
        cmocka_unit_test(test_empty_slot),
        cmocka_unit_test(test_cfg_defaults_and_checks),
        cmocka_unit_test(test_slow_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
