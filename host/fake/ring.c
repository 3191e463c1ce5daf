/*
 * The device side of a split virtqueue (virtio 1.2 §2.7): taking buffers
 * from the avail ring through their descriptor chains, and returning them
 * through the used ring, in order or shuffled, with the armed faults.
 *
 * Everything read from the rings is the driver's: it is checked (index
 * distance, descriptor ids, chain length, buffer addresses, direction) and
 * a bad value is a violation that stops the queue for this pass.
 */
#include <stddef.h>
#include <string.h>

#include "fake_internal.h"

uint8_t *fake_ring_avail(const struct fake_vnet *f, unsigned qi)
{
    const struct fake_vnet_queue *q = &f->q[qi];
    return fake_gptr(f, q->driver, 6ull + 2ull * q->num);
}

uint8_t *fake_ring_desc(const struct fake_vnet *f, unsigned qi)
{
    const struct fake_vnet_queue *q = &f->q[qi];
    return fake_gptr(f, q->desc, 16ull * q->num);
}

uint8_t *fake_ring_used(const struct fake_vnet *f, unsigned qi)
{
    const struct fake_vnet_queue *q = &f->q[qi];
    return fake_gptr(f, q->device, 6ull + 8ull * q->num);
}

bool fake_queue_live(const struct fake_vnet *f, unsigned qi)
{
    const struct fake_vnet_queue *q = &f->q[qi];
    return fake_modern(f) ? q->ready != 0 : q->pfn != 0;
}

static bool out_get(const struct fake_vnet_queue *q, uint32_t id)
{
    return (q->outstanding[id / 32u] >> (id % 32u)) & 1u;
}

static void out_set(struct fake_vnet_queue *q, uint32_t id, bool on)
{
    if (on)
        q->outstanding[id / 32u] |= 1u << (id % 32u);
    else
        q->outstanding[id / 32u] &= ~(1u << (id % 32u));
}

/* The three parts of a ring of q->num entries lie in the window with the
 * alignment virtio 1.2 §2.7 requires. */
bool fake_ring_fits(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (q->num == 0 || q->num > f->cfg.queue_num_max || (q->num & (q->num - 1u)) != 0) {
        fake_violation(f, "queue %u: bad QueueNum %u (max %u)", qi, q->num, f->cfg.queue_num_max);
        return false;
    }
    if (!fake_ring_desc(f, qi) || !fake_ring_avail(f, qi) || !fake_ring_used(f, qi)) {
        fake_violation(f, "queue %u: ring outside the DMA window", qi);
        return false;
    }
    if ((q->desc & 15u) != 0 || (q->driver & 1u) != 0 || (q->device & 3u) != 0) {
        fake_violation(f, "queue %u: misaligned ring", qi);
        return false;
    }
    return true;
}

void fake_queue_reset(struct fake_vnet_queue *q)
{
    uint64_t notifies = q->notifies;
    /* The store's entries are only read below their counts, which this
     * clears: leaving the 64 KiB of arrays alone keeps a reset cheap. */
    memset(q, 0, offsetof(struct fake_vnet_queue, s));
    q->notifies = notifies;
}

static void maybe_scribble(struct fake_vnet *f, uint8_t *d)
{
    if (!fake_fault_take(f, FAKE_FAULT_DESC_SCRIBBLE))
        return;
    fake_st64(f, d, 0xdeadbeefdeadbeefull ^ fake_rand(f));
    fake_st32(f, d + 8, 0xffffffffu);
    fake_st16(f, d + 12, 0xffffu);
    fake_st16(f, d + 14, (uint16_t)fake_rand(f));
}

/* Walks the chain from c->head into c (virtio 1.2 §2.7.5): every segment
 * in the window, of the direction the queue needs, no loop. */
static int walk_chain(struct fake_vnet *f, unsigned qi, bool want_write, uint8_t *desc)
{
    struct fake_vnet_queue *q = &f->q[qi];
    struct fake_vnet_chain *c = &q->s.chain;
    uint32_t i = c->head;
    for (;;) {
        uint8_t *d = desc + 16u * i;
        uint64_t addr = fake_ld64(f, d);
        uint32_t len = fake_ld32(f, d + 8);
        uint16_t flags = fake_ld16(f, d + 12);
        uint16_t next = fake_ld16(f, d + 14);
        maybe_scribble(f, d);
        if (((flags & FAKE_DESC_F_WRITE) != 0) != want_write) {
            fake_violation(f, "queue %u: descriptor %u is %s", qi, i,
                           want_write ? "not device-writable" : "device-writable");
            return -1;
        }
        if (!fake_gptr(f, addr, len)) {
            fake_violation(f, "queue %u: descriptor %u buffer 0x%llx+%u outside the window", qi, i,
                           (unsigned long long)addr, len);
            return -1;
        }
        c->addr[c->nseg] = addr;
        c->len[c->nseg] = len;
        c->nseg++;
        c->total += len;
        if (!(flags & FAKE_DESC_F_NEXT))
            return 1;
        if (next >= q->num || c->nseg >= q->num) {
            fake_violation(f, "queue %u: descriptor chain from %u is broken or loops", qi, c->head);
            return -1;
        }
        i = next;
    }
}

int fake_ring_take(struct fake_vnet *f, unsigned qi, bool want_write)
{
    struct fake_vnet_queue *q = &f->q[qi];
    const uint8_t *avail = fake_ring_avail(f, qi);
    uint8_t *desc = fake_ring_desc(f, qi);
    if (!avail || !desc)
        return -1;
    uint16_t aidx = fake_ld16(f, avail + 2);
    uint16_t ahead = (uint16_t)(aidx - q->last_avail);
    if (ahead == 0)
        return 0;
    if (ahead > q->num) {
        fake_violation(f, "queue %u: avail idx %u is %u ahead of %u (size %u)", qi, aidx, ahead,
                       q->last_avail, q->num);
        return -1;
    }
    uint32_t head = fake_ld16(f, avail + 4 + 2u * (q->last_avail % q->num));
    q->last_avail++;
    if (head >= q->num) {
        fake_violation(f, "queue %u: avail ring names descriptor %u of %u", qi, head, q->num);
        return -1;
    }
    if (out_get(q, head)) {
        fake_violation(f, "queue %u: descriptor %u made available while the device holds it", qi,
                       head);
        return -1;
    }
    q->s.chain.head = head;
    q->s.chain.nseg = 0;
    q->s.chain.total = 0;
    int rc = walk_chain(f, qi, want_write, desc);
    if (rc == 1)
        out_set(q, head, true);
    return rc;
}

/* Writes one used entry, applying the armed id faults. Does not publish. */
static void used_put(struct fake_vnet *f, unsigned qi, uint32_t id, uint32_t len)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint8_t *used = fake_ring_used(f, qi);
    if (!used || q->num == 0)
        return;
    if (id < q->num)
        out_set(q, id, false);
    unsigned copies = 1;
    if (fake_fault_take(f, FAKE_FAULT_USED_ID_RANGE))
        id = q->num + 3u; /* the real buffer is never returned */
    else if (qi == FAKE_TXQ && fake_fault_take(f, FAKE_FAULT_USED_DUPLICATE))
        copies = 2;
    for (unsigned k = 0; k < copies; k++) {
        fake_late_put(f, qi, used, id, len);
        q->used_idx++;
    }
    if (qi == FAKE_TXQ && fake_fault_take(f, FAKE_FAULT_USED_ID_UNPOSTED)) {
        /* An extra entry naming an id the device does not hold. */
        uint32_t bogus = q->num - 1u;
        while (bogus > 0 && (out_get(q, bogus) || bogus == id))
            bogus--;
        fake_late_put(f, qi, used, bogus, 0);
        q->used_idx++;
    }
}

/* One held completion, picked by the seeded shuffle, goes to the ring. */
static void release_one(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    unsigned k = (unsigned)(fake_rand(f) % q->held_n);
    used_put(f, qi, q->s.held_id[k], q->s.held_len[k]);
    q->held_n--;
    q->s.held_id[k] = q->s.held_id[q->held_n];
    q->s.held_len[k] = q->s.held_len[q->held_n];
}

void fake_ring_complete(struct fake_vnet *f, unsigned qi, uint32_t id, uint32_t len)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (f->knobs.ooo_window <= 1u) {
        used_put(f, qi, id, len);
        return;
    }
    if (q->held_n < FAKE_VNET_QUEUE_NUM_MAX) {
        q->s.held_id[q->held_n] = id;
        q->s.held_len[q->held_n] = len;
        q->held_n++;
    } else {
        used_put(f, qi, id, len);
    }
    while (q->held_n > 0 && q->held_n >= f->knobs.ooo_window)
        release_one(f, qi);
}

void fake_ring_release_held(struct fake_vnet *f, unsigned qi)
{
    while (f->q[qi].held_n > 0)
        release_one(f, qi);
}

/* Makes written used entries visible: used->flags, used->idx, interrupt
 * unless the driver set VRING_AVAIL_F_NO_INTERRUPT (virtio 1.2 §2.7.7). */
void fake_ring_publish(struct fake_vnet *f, unsigned qi, uint16_t before)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (!fake_queue_live(f, qi))
        return;
    uint8_t *used = fake_ring_used(f, qi);
    const uint8_t *avail = fake_ring_avail(f, qi);
    if (!used || !avail)
        return;
    fake_flags_put(f, qi, used, q->no_notify ? FAKE_USED_F_NO_NOTIFY : 0u);
    if (q->used_idx == before)
        return;
    if (fake_fault_take(f, FAKE_FAULT_USED_IDX_JUMP))
        q->used_idx = (uint16_t)(q->used_idx + q->num + 1u);
    fake_idx_put(f, qi, used, q->used_idx);
    if (!(fake_ld16(f, avail) & FAKE_AVAIL_F_NO_INTERRUPT))
        fake_raise_bits(f, VNET_INT_USED_BUFFER);
}

void fake_vnet_used_idx_move(struct fake_vnet *f, unsigned qi, uint16_t n)
{
    if (qi >= FAKE_QUEUES)
        return;
    struct fake_vnet_queue *q = &f->q[qi];
    uint16_t before = q->used_idx;
    q->used_idx = (uint16_t)(q->used_idx + n);
    fake_ring_publish(f, qi, before);
}
