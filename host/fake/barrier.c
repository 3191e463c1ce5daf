/*
 * The barrier model: what a driver could see of the rings on a weakly
 * ordered machine, with the device running beside it, given the barriers
 * it issues (virtio 1.2 §2.7.13 and §2.7.14). The fake runs in program
 * order, so without this a missing barrier would pass unnoticed. Each rule
 * is a reordering RISC-V's RVWMO allows, at the one point where it loses
 * data or a wakeup; a driver with the barriers the spec asks for never
 * sees any of it.
 *
 *  - Used entries (§2.7.14: read used->idx, then a read barrier, then the
 *    entries): an entry the device writes reads as a poison id until the
 *    driver's next READ or FULL barrier, while used->idx is visible at once.
 *  - Avail publishes (§2.7.13.2-3: entries, a write barrier, then the
 *    index): at each WRITE or FULL barrier, and when the device looks at a
 *    queue, an avail->idx that moved since the previous barrier must not
 *    cover a ring entry or descriptor that also changed since then.
 *  - Register writes that let the device look (DRIVER_OK, QueueNotify):
 *    avail->idx must have been stored before the driver's last WRITE or
 *    FULL barrier, or the device may see the write before the index, look,
 *    find nothing and wait for a kick that never comes.
 *  - The notify decision (§2.7.13.4: the index store, a full barrier, then
 *    the read of used->flags): used->flags as the device writes it becomes
 *    what the driver reads only at a FULL barrier. Without one, the load
 *    may be performed before the store of avail->idx is visible: the driver
 *    reads a NO_NOTIFY the device has since cleared, skips the kick, and
 *    the device, which cleared the flag, looked once and saw nothing new,
 *    sleeps: the frame stalls.
 *  - After the interrupt acknowledge (used->idx written, then the interrupt
 *    raised; the driver reads InterruptStatus, writes InterruptACK, then
 *    reads the ring): at an ACK of the used-buffer bit, used->idx reads as
 *    it was at the driver's last READ or FULL barrier until its next one;
 *    without a barrier after the ACK the driver's load may be performed
 *    before it, finds nothing new, and the acknowledged interrupt is lost.
 */
#include <string.h>

#include "fake_internal.h"

#define LATE_MAX (2u * FAKE_VNET_QUEUE_NUM_MAX)

void fake_late_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint32_t id, uint32_t len)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint32_t slot = q->used_idx % q->num;
    uint8_t *e = used + 4 + 8u * slot;
    if (!f->knobs.model_barriers || q->late_n == LATE_MAX) {
        /* Model off, or never reached by a driver that reads its ring:
         * write through. */
        fake_st32(f, e, id);
        fake_st32(f, e + 4, len);
        return;
    }
    fake_st32(f, e, FAKE_POISON);
    fake_st32(f, e + 4, FAKE_POISON);
    q->s.late_slot[q->late_n] = slot;
    q->s.late_id[q->late_n] = id;
    q->s.late_len[q->late_n] = len;
    q->late_n++;
}

/* Entries the device wrote become visible to the driver. */
static void late_flush(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint8_t *used = q->num ? fake_ring_used(f, qi) : NULL;
    for (unsigned i = 0; used && i < q->late_n; i++) {
        uint8_t *e = used + 4 + 8u * q->s.late_slot[i];
        fake_st32(f, e, q->s.late_id[i]);
        fake_st32(f, e + 4, q->s.late_len[i]);
    }
    q->late_n = 0;
}

void fake_avail_snapshot(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    const uint8_t *avail = fake_ring_avail(f, qi);
    const uint8_t *desc = fake_ring_desc(f, qi);
    q->snap_valid = f->knobs.model_barriers && avail && desc && q->num <= FAKE_VNET_QUEUE_NUM_MAX;
    if (!q->snap_valid)
        return;
    q->snap_avail_idx = fake_ld16(f, avail + 2);
    memcpy(q->s.snap_ring, avail + 4, 2u * q->num);
    memcpy(q->s.snap_desc, desc, 16u * q->num);
}

/* Since the last snapshot: if avail->idx moved, the entries it now covers
 * (ring slots and their descriptors) must be as they were then. */
void fake_avail_check(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (!q->snap_valid || !fake_queue_live(f, qi))
        return;
    const uint8_t *avail = fake_ring_avail(f, qi);
    const uint8_t *desc = fake_ring_desc(f, qi);
    if (!avail || !desc)
        return;
    uint16_t now = fake_ld16(f, avail + 2);
    uint16_t n = (uint16_t)(now - q->snap_avail_idx);
    if (n == 0 || n > q->num)
        return; /* nothing new, or a bad index the device reports elsewhere */
    for (uint16_t i = 0; i < n; i++) {
        uint32_t slot = (uint16_t)(q->snap_avail_idx + i) % q->num;
        uint16_t head = fake_ld16(f, avail + 4 + 2u * slot);
        bool ring_changed = memcmp(avail + 4 + 2u * slot, q->s.snap_ring + 2u * slot, 2) != 0;
        bool desc_changed =
            head < q->num && memcmp(desc + 16u * head, q->s.snap_desc + 16u * head, 16) != 0;
        if (ring_changed || desc_changed) {
            fake_violation(f,
                           "queue %u: avail->idx %u published entries written after the last "
                           "barrier (missing write barrier)",
                           qi, now);
            return;
        }
    }
}

void fake_order_check(struct fake_vnet *f, unsigned qi, const char *what)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (!q->snap_valid || !fake_queue_live(f, qi))
        return;
    const uint8_t *avail = fake_ring_avail(f, qi);
    uint16_t now = avail ? fake_ld16(f, avail + 2) : q->snap_avail_idx;
    if (now != q->snap_avail_idx)
        fake_violation(f,
                       "queue %u: avail->idx %u stored after the last barrier, before the %s "
                       "write (missing barrier before it)",
                       qi, now, what);
}

void fake_flags_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint16_t flags)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (!f->knobs.model_barriers) {
        fake_st16(f, used, flags);
        return;
    }
    if (flags != q->flags_dev)
        q->flags_stale = true;
    q->flags_dev = flags;
}

static void flags_flush(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint8_t *used = q->flags_stale && q->num ? fake_ring_used(f, qi) : NULL;
    if (used)
        fake_st16(f, used, q->flags_dev);
    q->flags_stale = false;
}

void fake_idx_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint16_t idx)
{
    fake_st16(f, used + 2, idx);
    f->q[qi].idx_hidden = false;
}

void fake_ack_model(struct fake_vnet *f, uint32_t bits)
{
    if (!f->knobs.model_barriers || !(bits & VNET_INT_USED_BUFFER))
        return;
    for (unsigned qi = 0; qi < FAKE_QUEUES; qi++) {
        struct fake_vnet_queue *q = &f->q[qi];
        uint8_t *used = fake_queue_live(f, qi) ? fake_ring_used(f, qi) : NULL;
        if (!used || q->used_idx == q->idx_seen)
            continue;
        fake_st16(f, used + 2, q->idx_seen);
        q->idx_hidden = true;
    }
}

/* After a READ or FULL barrier the driver reads used->idx as it is. */
static void idx_flush(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint8_t *used = q->idx_hidden && q->num ? fake_ring_used(f, qi) : NULL;
    /* Unless someone else (a fuzz target playing the device) wrote it since. */
    if (used && fake_ld16(f, used + 2) == q->idx_seen)
        fake_st16(f, used + 2, q->used_idx);
    q->idx_hidden = false;
    q->idx_seen = q->used_idx;
}

void fake_vnet_barrier(struct fake_vnet *f, enum vnet_barrier kind)
{
    for (unsigned qi = 0; qi < FAKE_QUEUES; qi++) {
        if (kind == VNET_BARRIER_READ || kind == VNET_BARRIER_FULL) {
            late_flush(f, qi);
            idx_flush(f, qi);
        }
        if (kind == VNET_BARRIER_FULL)
            flags_flush(f, qi);
        if (kind == VNET_BARRIER_WRITE || kind == VNET_BARRIER_FULL) {
            fake_avail_check(f, qi);
            fake_avail_snapshot(f, qi);
        }
    }
}
