/*
 * Where QEMU 7.2's virtio-mmio net device does something the spec leaves
 * open, the fake does the same, shown by a scripted register sequence (no
 * frontend): QueueNumMax 1024; Status stored as written
 * (hw/virtio/virtio.c virtio_set_status), so a write from a stale copy
 * wipes a bit the device set; a refused FEATURES_OK drops the write that
 * carried it; and the writes that break the spec are still recorded as
 * driver violations, InterruptACK's undefined bits among them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_rig.h"

static void test_queue_num_max_is_1024(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct rig *r = rig_open(v);
        for (uint32_t q = 0; q < 2; q++) {
            wr(r, VNET_MMIO_QUEUE_SEL, q);
            assert_int_equal(rd(r, VNET_MMIO_QUEUE_NUM_MAX), 1024);
        }
        wr(r, VNET_MMIO_QUEUE_SEL, 2); /* no such queue */
        assert_int_equal(rd(r, VNET_MMIO_QUEUE_NUM_MAX), 0);
        rig_close(r);
    }
}

/* A driver may take all 1024 entries: one chain of 1024 descriptors, then
 * 1024 buffers in flight at once, held and released shuffled. */
static void test_a_1024_entry_queue_works(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    rig_features_ok(r);
    struct sq tx;
    sq_setup(r, &tx, 1, 1024, 0);
    /* One frame of 1012 bytes behind the header, one byte per descriptor. */
    const uint64_t chain = 32u * 1024u;
    tx_buffer(r, chain, 1012, 0x5a);
    for (uint16_t i = 0; i < 1024; i++)
        sq_desc(r, &tx, i, BASE + chain + i, 1, i < 1023 ? 1u : 0u, (uint16_t)(i + 1u));
    sq_post(r, &tx, 0);
    bar(r, VNET_BARRIER_WRITE);
    sq_publish(r, &tx);
    bar(r, VNET_BARRIER_FULL);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
    assert_int_equal(r->sent, 1);
    assert_int_equal(r->last_len, 1012);
    for (size_t i = 0; i < 1012; i++)
        assert_int_equal(r->last[i], 0x5a);
    assert_int_equal(sq_used_idx(r, &tx), 1);

    /* 1024 buffers, all in flight, completions held back a whole ring's worth. */
    r->f.knobs.ooo_window = 1024;
    const uint64_t bufs = 64u * 1024u;
    for (uint16_t i = 0; i < 1024; i++) {
        tx_buffer(r, bufs + 64u * i, 52, (uint8_t)i);
        sq_desc(r, &tx, i, BASE + bufs + 64u * i, 64, 0, 0);
        sq_post(r, &tx, i);
    }
    bar(r, VNET_BARRIER_WRITE);
    sq_publish(r, &tx);
    bar(r, VNET_BARRIER_FULL);
    wr(r, VNET_MMIO_QUEUE_NOTIFY, 1);
    assert_int_equal(r->sent, 1025);
    /* The window is full: one goes out, the other 1023 wait for a flush. */
    assert_int_equal(r->f.q[1].held_n, 1023);
    assert_int_equal(sq_used_idx(r, &tx), 2);
    fake_vnet_flush(&r->f);
    assert_int_equal(sq_used_idx(r, &tx), 1025);
    bar(r, VNET_BARRIER_READ);
    static uint8_t seen[1024];
    unsigned moved = 0;
    memset(seen, 0, sizeof(seen));
    for (uint16_t k = 1; k <= 1024; k++) {
        uint32_t id = sq_used_id(r, &tx, k);
        assert_true(id < 1024);
        assert_int_equal(seen[id], 0);
        seen[id] = 1;
        moved += id != (uint32_t)(k - 1u);
    }
    assert_true(moved > 0); /* shuffled, not in order */
    assert_int_equal(r->f.violations, 0);

    /* Beyond QueueNumMax: refused, the queue does not go live. */
    wr(r, VNET_MMIO_QUEUE_SEL, 0);
    wr(r, VNET_MMIO_QUEUE_NUM, 2048);
    wr(r, VNET_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(r, VNET_MMIO_QUEUE_READY), 0);
    assert_int_equal(r->f.violations, 1);
    assert_non_null(strstr(r->f.first_violation, "bad QueueNum 2048"));
    rig_close(r);
}

/* A device-set DEVICE_NEEDS_RESET before DRIVER_OK, and a driver that
 * writes DRIVER_OK from its own copy: the bit is gone from Status (QEMU
 * stores what is written), the device stays failed, and the write is a
 * violation. */
static void test_status_is_stored_as_written(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    rig_features_ok(r);
    struct sq tx;
    sq_setup(r, &tx, 1, 8, 0);
    tx_buffer(r, 8192, 60, 1);
    sq_desc(r, &tx, 0, BASE + 8192, 72, 0, 0);
    sq_post(r, &tx, 0);
    bar(r, VNET_BARRIER_WRITE);
    sq_publish(r, &tx);
    bar(r, VNET_BARRIER_FULL);
    fake_vnet_needs_reset(&r->f);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | S_FOK | VNET_STATUS_NEEDS_RESET);
    assert_int_equal(rd(r, VNET_MMIO_INTERRUPT_STATUS), VNET_INT_CONFIG_CHANGE);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | S_FOK | S_DOK);
    assert_int_equal(r->f.violations, 1);
    assert_non_null(strstr(r->f.first_violation, "clears DEVICE_NEEDS_RESET"));
    /* Failed all the same: the frame is not taken, a kick changes nothing. */
    assert_int_equal(r->sent, 0);
    wr(r, VNET_MMIO_QUEUE_NOTIFY, 1);
    assert_int_equal(r->sent, 0);
    assert_int_equal(r->f.stats.notifies_before_driver_ok, 0);
    /* Clearing a bit the driver set is stored too, and recorded. */
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | S_FOK);
    assert_int_equal(r->f.violations, 2);
    /* A reset ends it: the same ring set up again moves the frame. */
    wr(r, VNET_MMIO_STATUS, 0);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), 0);
    rig_features_ok(r);
    memset(at(r, tx.avail), 0, 6u + 2u * 8u);
    memset(at(r, tx.used), 0, 6u + 8u * 8u);
    sq_setup(r, &tx, 1, 8, 0);
    sq_post(r, &tx, 0);
    bar(r, VNET_BARRIER_WRITE);
    sq_publish(r, &tx);
    bar(r, VNET_BARRIER_FULL);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
    assert_int_equal(r->sent, 1);
    assert_int_equal(r->f.violations, 2);
    rig_close(r);

    /* Legacy, and a device that fails right after the first Status write
     * (FAKE_FAULT_NEEDS_RESET_ON_STATUS). */
    r = rig_open(1);
    fake_vnet_fault(&r->f, FAKE_FAULT_NEEDS_RESET_ON_STATUS, 1);
    wr(r, VNET_MMIO_STATUS, S_ACK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | VNET_STATUS_NEEDS_RESET);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV);
    assert_int_equal(r->f.violations, 1);
    /* Written on top of the read-back value, the bit stays. */
    wr(r, VNET_MMIO_STATUS, 0);
    fake_vnet_fault(&r->f, FAKE_FAULT_NEEDS_RESET_ON_STATUS, 1);
    wr(r, VNET_MMIO_STATUS, S_ACK);
    wr(r, VNET_MMIO_STATUS, rd(r, VNET_MMIO_STATUS) | S_DRV);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | VNET_STATUS_NEEDS_RESET);
    assert_int_equal(r->f.violations, 1);
    rig_close(r);
}

/* After a refused FEATURES_OK, a write of the driver's copy with FAILED
 * (0x8b) makes neither FEATURES_OK nor FAILED appear; FAILED on the
 * read-back value (0x83) lands. */
static void test_refused_features_ok_stays_refused(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    fake_vnet_fault(&r->f, FAKE_FAULT_FEATURES_OK_REFUSE, 1);
    wr(r, VNET_MMIO_STATUS, S_ACK);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 1);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV);
    assert_int_equal(r->f.violations, 0);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | VNET_STATUS_FAILED); /* 0x8b */
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV);
    assert_int_equal(r->f.violations, 1);
    assert_non_null(strstr(r->f.first_violation, "again after the device refused it"));
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV);              /* still refused */
    wr(r, VNET_MMIO_STATUS, rd(r, VNET_MMIO_STATUS) | VNET_STATUS_FAILED); /* 0x83 */
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | VNET_STATUS_FAILED);
    /* A reset forgets the refusal. */
    wr(r, VNET_MMIO_STATUS, 0);
    unsigned v = r->f.violations;
    rig_features_ok(r);
    assert_int_equal(r->f.violations, v);
    rig_close(r);

    /* Refused for its features (no VERSION_1): other features are judged
     * afresh, as QEMU validates every write that sets FEATURES_OK. */
    r = rig_open(2);
    wr(r, VNET_MMIO_STATUS, S_ACK);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 1u << 5);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 1);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | S_FOK);
    assert_int_equal(r->f.violations, 0);
    rig_close(r);
}

static void test_interrupt_ack_undefined_bits(void **state)
{
    (void)state;
    struct rig *r = rig_open(2);
    fake_vnet_raise(&r->f, VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE);
    assert_int_equal(r->f.violations, 0);
    assert_false(fake_vnet_irq_line(&r->f));
    /* An undefined bit (here 2) is a violation, whatever InterruptStatus
     * showed; the defined bits are still acknowledged. */
    fake_vnet_raise(&r->f, VNET_INT_USED_BUFFER);
    wr(r, VNET_MMIO_INTERRUPT_ACK, 0x5);
    assert_int_equal(r->f.violations, 1);
    assert_non_null(strstr(r->f.first_violation, "InterruptACK 0x5 sets undefined bits"));
    assert_false(fake_vnet_irq_line(&r->f));
    wr(r, VNET_MMIO_INTERRUPT_ACK, 0x80000000u);
    assert_int_equal(r->f.violations, 2);
    rig_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_num_max_is_1024),
        cmocka_unit_test(test_a_1024_entry_queue_works),
        cmocka_unit_test(test_status_is_stored_as_written),
        cmocka_unit_test(test_refused_features_ok_stays_refused),
        cmocka_unit_test(test_interrupt_ack_undefined_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
