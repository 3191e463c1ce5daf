/*
 * The fake's barrier model on its own (host/fake/barrier.c), driven by a
 * scripted driver, one rule per test: what the driver reads of used->flags
 * and used->idx before and after each kind of barrier, and which register
 * writes need the ring published before the last barrier. The frontend's
 * side (deleting a barrier from it fails the suite) is in test_virtio_net.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_rig.h"

/* A modern device at DRIVER_OK with an RX queue of 8 (buffers posted: n)
 * and a TX queue of 8, the ring published correctly. */
static struct rig *live(unsigned rx_buffers, struct sq *rx, struct sq *tx)
{
    struct rig *r = rig_open(2);
    rig_features_ok(r);
    sq_setup(r, rx, 0, 8, 0);
    sq_setup(r, tx, 1, 8, 4096);
    for (uint16_t i = 0; i < rx_buffers; i++) {
        sq_desc(r, rx, i, BASE + 16384u + 2048u * i, 1526, 2 /* WRITE */, 0);
        sq_post(r, rx, i);
    }
    bar(r, VNET_BARRIER_WRITE);
    sq_publish(r, rx);
    bar(r, VNET_BARRIER_FULL);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
    assert_int_equal(r->f.violations, 0);
    return r;
}

/* virtio 1.2 §2.7.13.4: the driver reads used->flags after a full
 * barrier; before one it may read what the device wrote earlier. */
static void test_used_flags_seen_after_a_full_barrier(void **state)
{
    (void)state;
    struct sq rx, tx;
    struct rig *r = live(0, &rx, &tx);
    r->f.q[1].no_notify = true;
    fake_vnet_process(&r->f, false);
    assert_int_equal(sq_used_flags(r, &tx), 0);
    bar(r, VNET_BARRIER_READ);
    bar(r, VNET_BARRIER_WRITE);
    assert_int_equal(sq_used_flags(r, &tx), 0);
    bar(r, VNET_BARRIER_FULL);
    assert_int_equal(sq_used_flags(r, &tx), 1);
    /* The device clears it (it stops polling): still set until a FULL. */
    r->f.q[1].no_notify = false;
    fake_vnet_process(&r->f, false);
    assert_int_equal(sq_used_flags(r, &tx), 1);
    bar(r, VNET_BARRIER_WRITE);
    assert_int_equal(sq_used_flags(r, &tx), 1);
    bar(r, VNET_BARRIER_FULL);
    assert_int_equal(sq_used_flags(r, &tx), 0);
    /* Without the model, at once. */
    r->f.knobs.model_barriers = false;
    r->f.q[1].no_notify = true;
    fake_vnet_process(&r->f, false);
    assert_int_equal(sq_used_flags(r, &tx), 1);
    assert_int_equal(r->f.violations, 0);
    rig_close(r);
}

/* used->idx written, then the interrupt: after the ACK the driver reads
 * used->idx as of its last read (or full) barrier until its next one. */
static void test_used_idx_after_the_ack_needs_a_barrier(void **state)
{
    (void)state;
    struct sq rx, tx;
    struct rig *r = live(4, &rx, &tx);
    uint8_t frame[60];
    memset(frame, 0x11, sizeof(frame));
    assert_int_equal(fake_vnet_inject(&r->f, frame, sizeof(frame)), 0);
    assert_int_equal(sq_used_idx(r, &rx), 1); /* visible at once to a poller */
    assert_int_equal(rd(r, VNET_MMIO_INTERRUPT_STATUS), VNET_INT_USED_BUFFER);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_BUFFER);
    assert_int_equal(sq_used_idx(r, &rx), 0); /* as at the last barrier */
    bar(r, VNET_BARRIER_READ);
    assert_int_equal(sq_used_idx(r, &rx), 1);
    assert_int_equal(sq_used_id(r, &rx, 0), 0);
    /* Never older than what the last barrier let the driver see. */
    assert_int_equal(fake_vnet_inject(&r->f, frame, sizeof(frame)), 0);
    assert_int_equal(fake_vnet_inject(&r->f, frame, sizeof(frame)), 0);
    assert_int_equal(sq_used_idx(r, &rx), 3);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_BUFFER);
    assert_int_equal(sq_used_idx(r, &rx), 1);
    bar(r, VNET_BARRIER_FULL);
    assert_int_equal(sq_used_idx(r, &rx), 3);
    /* A WRITE barrier orders no load: still hidden after one. */
    assert_int_equal(fake_vnet_inject(&r->f, frame, sizeof(frame)), 0);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_BUFFER);
    bar(r, VNET_BARRIER_WRITE);
    assert_int_equal(sq_used_idx(r, &rx), 3);
    bar(r, VNET_BARRIER_READ);
    assert_int_equal(sq_used_idx(r, &rx), 4);
    /* Acknowledging only a config change hides nothing. */
    sq_desc(r, &rx, 0, BASE + 16384u, 1526, 2, 0);
    sq_post(r, &rx, 0);
    bar(r, VNET_BARRIER_WRITE);
    sq_publish(r, &rx);
    bar(r, VNET_BARRIER_FULL);
    wr(r, VNET_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(fake_vnet_inject(&r->f, frame, sizeof(frame)), 0);
    wr(r, VNET_MMIO_INTERRUPT_ACK, VNET_INT_CONFIG_CHANGE);
    assert_int_equal(sq_used_idx(r, &rx), 5);
    assert_int_equal(r->f.violations, 0);
    rig_close(r);
}

/* 0: no barrier after the index; 1: a full one; 2: a write one. */
static void barrier_after_publish(struct rig *r, unsigned with)
{
    if (with)
        bar(r, with == 1 ? VNET_BARRIER_FULL : VNET_BARRIER_WRITE);
}

/* Ring published, then the register write that lets the device look:
 * avail->idx must be stored before a barrier that precedes the write. */
static void test_register_write_after_publish_needs_a_barrier(void **state)
{
    (void)state;
    for (unsigned with = 0; with < 3; with++) {
        /* DRIVER_OK after the RX ring is published. */
        struct rig *r = rig_open(2);
        rig_features_ok(r);
        struct sq rx, tx;
        sq_setup(r, &rx, 0, 8, 0);
        sq_desc(r, &rx, 0, BASE + 16384u, 1526, 2, 0);
        sq_post(r, &rx, 0);
        bar(r, VNET_BARRIER_WRITE);
        sq_publish(r, &rx);
        barrier_after_publish(r, with);
        wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
        assert_int_equal(r->f.violations, with ? 0u : 1u);
        if (!with)
            assert_non_null(strstr(r->f.first_violation,
                                   "queue 0: avail->idx 1 stored after the last barrier, "
                                   "before the DRIVER_OK write"));
        rig_close(r);

        /* QueueNotify after the TX ring is published. */
        r = rig_open(2);
        rig_features_ok(r);
        sq_setup(r, &tx, 1, 8, 4096);
        bar(r, VNET_BARRIER_FULL);
        wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
        tx_buffer(r, 32768, 60, 7);
        sq_desc(r, &tx, 0, BASE + 32768u, 72, 0, 0);
        sq_post(r, &tx, 0);
        bar(r, VNET_BARRIER_WRITE);
        sq_publish(r, &tx);
        barrier_after_publish(r, with);
        wr(r, VNET_MMIO_QUEUE_NOTIFY, 1);
        assert_int_equal(r->sent, 1);
        assert_int_equal(r->f.violations, with ? 0u : 1u);
        if (!with)
            assert_non_null(strstr(r->f.first_violation,
                                   "queue 1: avail->idx 1 stored after the last barrier, "
                                   "before the QueueNotify write"));
        rig_close(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_used_flags_seen_after_a_full_barrier),
        cmocka_unit_test(test_used_idx_after_the_ack_needs_a_barrier),
        cmocka_unit_test(test_register_write_after_publish_needs_a_barrier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
