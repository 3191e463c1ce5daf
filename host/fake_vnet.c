/*
 * A register-level fake virtio-mmio network device (see fake_vnet.h).
 *
 * Written from the virtio 1.2 spec (§2.7 split virtqueues, §4.2 virtio-mmio,
 * §5.1 network device) and from what QEMU 7.2's virtio-mmio/virtio-net do on
 * the points the spec leaves open:
 *  - legacy (Version 1) hides feature word 1 and has no FEATURES_OK check;
 *    QueuePFN 0 resets the whole device; the used ring starts at
 *    align_up(avail + 4 + 2 * num, QueueAlign);
 *  - the used length of a TX buffer is 0;
 *  - the RX header is written as flags 0, gso NONE, all zero; num_buffers
 *    (bytes 10-11 of the 12-byte header) is left as the driver left it,
 *    because QEMU writes it only with MRG_RXBUF;
 *  - InterruptStatus stays set until acknowledged (a level-triggered line).
 *
 * Ring fields are little-endian on a modern device and in the guest's (here:
 * the host's) byte order on a legacy one.
 */
#include "fake_vnet.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUES 2u
#define RXQ 0u
#define TXQ 1u
#define F_VERSION_1 (1ull << 32)
#define F_MRG_RXBUF (1ull << 15)
#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u
#define AVAIL_F_NO_INTERRUPT 1u
#define NET_HDR_LEN_LEGACY 10u
#define NET_HDR_LEN_MODERN 12u
#define ETH_MAX_FRAME 1514u

/* --- observation ---------------------------------------------------------- */

__attribute__((format(printf, 2, 3))) static void violation(struct fake_vnet *f, const char *fmt,
                                                            ...)
{
    if (f->violations++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->first_violation, sizeof(f->first_violation), fmt, ap);
        va_end(ap);
    }
}

static void raise_bits(struct fake_vnet *f, uint32_t bits)
{
    if (bits == 0)
        return;
    if (f->int_status == 0)
        f->stats.irqs_raised++;
    f->int_status |= bits;
}

static uint64_t xorshift(struct fake_vnet *f)
{
    uint64_t x = f->rng ? f->rng : 0x2545f4914f6cdd1dull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    f->rng = x;
    return x;
}

/* --- guest memory ---------------------------------------------------------- */

/* Host pointer for [addr, addr+len) of the window, or NULL when any byte of
 * it lies outside. */
static uint8_t *gptr(const struct fake_vnet *f, uint64_t addr, uint64_t len)
{
    if (addr < f->mem_base)
        return NULL;
    uint64_t off = addr - f->mem_base;
    if (off > f->mem_len || len > f->mem_len - off)
        return NULL;
    return f->mem + off;
}

static bool modern(const struct fake_vnet *f)
{
    return f->version >= 2u;
}

/* Ring byte order: little-endian (modern) or the guest's own (legacy). */
static uint16_t ld16(const struct fake_vnet *f, const uint8_t *p)
{
    if (modern(f))
        return (uint16_t)(p[0] | (p[1] << 8));
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static uint32_t ld32(const struct fake_vnet *f, const uint8_t *p)
{
    if (modern(f))
        return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
               ((uint32_t)p[3] << 24);
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t ld64(const struct fake_vnet *f, const uint8_t *p)
{
    if (modern(f))
        return (uint64_t)ld32(f, p) | ((uint64_t)ld32(f, p + 4) << 32);
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void st16(const struct fake_vnet *f, uint8_t *p, uint16_t v)
{
    if (modern(f)) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        return;
    }
    memcpy(p, &v, 2);
}

static void st32(const struct fake_vnet *f, uint8_t *p, uint32_t v)
{
    if (modern(f)) {
        for (unsigned i = 0; i < 4; i++)
            p[i] = (uint8_t)(v >> (8 * i));
        return;
    }
    memcpy(p, &v, 4);
}

static void st64(const struct fake_vnet *f, uint8_t *p, uint64_t v)
{
    if (modern(f)) {
        st32(f, p, (uint32_t)v);
        st32(f, p + 4, (uint32_t)(v >> 32));
        return;
    }
    memcpy(p, &v, 8);
}

/* --- queues ----------------------------------------------------------------- */

static bool queue_live(const struct fake_vnet *f, unsigned qi)
{
    const struct fake_vnet_queue *q = &f->q[qi];
    return modern(f) ? q->ready != 0 : q->pfn != 0;
}

static bool driver_ok(const struct fake_vnet *f)
{
    return (f->status & VNET_STATUS_DRIVER_OK) != 0 &&
           (f->status & (VNET_STATUS_FAILED | VNET_STATUS_NEEDS_RESET)) == 0;
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

/* Checks that the three parts of a ring of q->num entries lie in the window
 * with the alignment virtio 1.2 §2.7 requires. */
static bool ring_fits(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (q->num == 0 || q->num > f->queue_num_max || (q->num & (q->num - 1u)) != 0) {
        violation(f, "queue %u: bad QueueNum %u (max %u)", qi, q->num, f->queue_num_max);
        return false;
    }
    if (!gptr(f, q->desc, 16ull * q->num) || !gptr(f, q->driver, 6ull + 2ull * q->num) ||
        !gptr(f, q->device, 6ull + 8ull * q->num)) {
        violation(f, "queue %u: ring outside the DMA window", qi);
        return false;
    }
    if ((q->desc & 15u) != 0 || (q->driver & 1u) != 0 || (q->device & 3u) != 0) {
        violation(f, "queue %u: misaligned ring", qi);
        return false;
    }
    return true;
}

static void reset_queue(struct fake_vnet_queue *q)
{
    uint64_t notifies = q->notifies;
    memset(q, 0, sizeof(*q));
    q->notifies = notifies;
}

static void device_reset(struct fake_vnet *f)
{
    f->status = 0;
    f->dev_features_sel = 0;
    f->drv_features_sel = 0;
    f->driver_features = 0;
    f->queue_sel = 0;
    f->int_status = 0;
    for (unsigned i = 0; i < QUEUES; i++)
        reset_queue(&f->q[i]);
    f->stats.resets++;
    /* Frames queued on the wire side stay queued, as in QEMU's net queue. */
}

static void maybe_scribble(struct fake_vnet *f, uint8_t *d)
{
    if (f->fault_armed[FAKE_FAULT_DESC_SCRIBBLE] == 0)
        return;
    f->fault_armed[FAKE_FAULT_DESC_SCRIBBLE]--;
    st64(f, d, 0xdeadbeefdeadbeefull ^ xorshift(f));
    st32(f, d + 8, 0xffffffffu);
    st16(f, d + 12, 0xffffu);
    st16(f, d + 14, (uint16_t)xorshift(f));
}

/* Takes the next available buffer of queue qi: its head id and, gathered
 * through its chain, up to cap bytes of it (TX) or the list of writable
 * segments (RX). Returns 1 when one was taken, 0 when none is available,
 * -1 on a protocol violation (the queue stops). */
struct chain {
    uint32_t head;
    unsigned nseg;
    uint64_t addr[FAKE_VNET_QUEUE_NUM_MAX];
    uint32_t len[FAKE_VNET_QUEUE_NUM_MAX];
    uint64_t total;
};

static int take_avail(struct fake_vnet *f, unsigned qi, bool want_write, struct chain *c)
{
    struct fake_vnet_queue *q = &f->q[qi];
    const uint8_t *avail = gptr(f, q->driver, 6ull + 2ull * q->num);
    uint8_t *desc = gptr(f, q->desc, 16ull * q->num);
    if (!avail || !desc)
        return -1;
    uint16_t aidx = ld16(f, avail + 2);
    uint16_t ahead = (uint16_t)(aidx - q->last_avail);
    if (ahead == 0)
        return 0;
    if (ahead > q->num) {
        violation(f, "queue %u: avail idx %u is %u ahead of %u (size %u)", qi, aidx, ahead,
                  q->last_avail, q->num);
        return -1;
    }
    uint32_t head = ld16(f, avail + 4 + 2u * (q->last_avail % q->num));
    q->last_avail++;
    if (head >= q->num) {
        violation(f, "queue %u: avail ring names descriptor %u of %u", qi, head, q->num);
        return -1;
    }
    if (out_get(q, head)) {
        violation(f, "queue %u: descriptor %u made available while the device holds it", qi, head);
        return -1;
    }
    c->head = head;
    c->nseg = 0;
    c->total = 0;
    uint32_t i = head;
    for (;;) {
        uint8_t *d = desc + 16u * i;
        uint64_t addr = ld64(f, d);
        uint32_t len = ld32(f, d + 8);
        uint16_t flags = ld16(f, d + 12);
        uint16_t next = ld16(f, d + 14);
        maybe_scribble(f, d);
        if (((flags & DESC_F_WRITE) != 0) != want_write) {
            violation(f, "queue %u: descriptor %u is %s", qi, i,
                      want_write ? "not device-writable" : "device-writable");
            return -1;
        }
        if (!gptr(f, addr, len)) {
            violation(f, "queue %u: descriptor %u buffer 0x%llx+%u outside the window", qi, i,
                      (unsigned long long)addr, len);
            return -1;
        }
        c->addr[c->nseg] = addr;
        c->len[c->nseg] = len;
        c->nseg++;
        c->total += len;
        if (!(flags & DESC_F_NEXT))
            break;
        if (next >= q->num || c->nseg >= q->num) {
            violation(f, "queue %u: descriptor chain from %u is broken or loops", qi, head);
            return -1;
        }
        i = next;
    }
    out_set(q, head, true);
    return 1;
}

static void avail_check(struct fake_vnet *f, unsigned qi);
static void avail_snapshot(struct fake_vnet *f, unsigned qi);

/* Writes a poison entry at the next used slot and keeps the real one back
 * until the driver's next read barrier (see fake_vnet_barrier). */
static void late_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint32_t id, uint32_t len)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint32_t slot = q->used_idx % q->num;
    uint8_t *e = used + 4 + 8u * slot;
    if (!f->model_barriers || q->late_n == sizeof(q->late_id) / sizeof(q->late_id[0])) {
        /* Model off, or never reached by a driver that reads its ring:
         * write through. */
        st32(f, e, id);
        st32(f, e + 4, len);
        return;
    }
    st32(f, e, 0xffffffffu);
    st32(f, e + 4, 0xffffffffu);
    q->late_slot[q->late_n] = slot;
    q->late_id[q->late_n] = id;
    q->late_len[q->late_n] = len;
    q->late_n++;
}

/* Writes one used entry, applying the armed id faults. Does not publish. */
static void used_put(struct fake_vnet *f, unsigned qi, uint32_t id, uint32_t len)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint8_t *used = gptr(f, q->device, 6ull + 8ull * q->num);
    if (!used || q->num == 0)
        return;
    if (id < q->num)
        out_set(q, id, false);
    unsigned copies = 1;
    if (f->fault_armed[FAKE_FAULT_USED_ID_RANGE]) {
        f->fault_armed[FAKE_FAULT_USED_ID_RANGE]--;
        id = q->num + 3u; /* the real buffer is never returned */
    } else if (qi == TXQ && f->fault_armed[FAKE_FAULT_USED_DUPLICATE]) {
        f->fault_armed[FAKE_FAULT_USED_DUPLICATE]--;
        copies = 2;
    }
    for (unsigned k = 0; k < copies; k++) {
        late_put(f, qi, used, id, len);
        q->used_idx++;
    }
    if (qi == TXQ && f->fault_armed[FAKE_FAULT_USED_ID_UNPOSTED]) {
        /* An extra entry naming an id the device does not hold. */
        uint32_t bogus = q->num - 1u;
        while (bogus > 0 && (out_get(q, bogus) || bogus == id))
            bogus--;
        f->fault_armed[FAKE_FAULT_USED_ID_UNPOSTED]--;
        late_put(f, qi, used, bogus, 0);
        q->used_idx++;
    }
}

/* Queues a completion, or holds it back for out-of-order release. */
static void complete(struct fake_vnet *f, unsigned qi, uint32_t id, uint32_t len)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (f->ooo_window <= 1u) {
        used_put(f, qi, id, len);
        return;
    }
    if (q->held_n < FAKE_VNET_QUEUE_NUM_MAX) {
        q->held_id[q->held_n] = id;
        q->held_len[q->held_n] = len;
        q->held_n++;
    } else {
        used_put(f, qi, id, len);
    }
    while (q->held_n > 0 && q->held_n >= f->ooo_window) {
        unsigned k = (unsigned)(xorshift(f) % q->held_n);
        used_put(f, qi, q->held_id[k], q->held_len[k]);
        q->held_n--;
        q->held_id[k] = q->held_id[q->held_n];
        q->held_len[k] = q->held_len[q->held_n];
    }
}

/* Makes written used entries visible: used->idx, used->flags, interrupt. */
static void publish(struct fake_vnet *f, unsigned qi, uint16_t before)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (!queue_live(f, qi))
        return;
    uint8_t *used = gptr(f, q->device, 6ull + 8ull * q->num);
    const uint8_t *avail = gptr(f, q->driver, 6ull + 2ull * q->num);
    if (!used || !avail)
        return;
    st16(f, used, q->no_notify ? 1u : 0u);
    if (q->used_idx == before)
        return;
    if (f->fault_armed[FAKE_FAULT_USED_IDX_JUMP]) {
        f->fault_armed[FAKE_FAULT_USED_IDX_JUMP]--;
        q->used_idx = (uint16_t)(q->used_idx + q->num + 1u);
    }
    st16(f, used + 2, q->used_idx);
    if (!(ld16(f, avail) & AVAIL_F_NO_INTERRUPT))
        raise_bits(f, VNET_INT_USED_BUFFER);
}

unsigned fake_vnet_hdr_len(const struct fake_vnet *f)
{
    return (f->driver_features & (F_VERSION_1 | F_MRG_RXBUF)) ? NET_HDR_LEN_MODERN
                                                              : NET_HDR_LEN_LEGACY;
}

/* TX: takes every available buffer, strips and checks the header, hands the
 * frame to the port; completes it now or leaves it waiting. */
static void take_tx(struct fake_vnet *f)
{
    struct fake_vnet_queue *q = &f->q[TXQ];
    static struct chain c; /* large; the fake is single-threaded */
    uint8_t frame[NET_HDR_LEN_MODERN + FAKE_VNET_FRAME_MAX];
    if (!driver_ok(f) || !queue_live(f, TXQ))
        return;
    unsigned hl = fake_vnet_hdr_len(f);
    for (;;) {
        int rc = take_avail(f, TXQ, false, &c);
        if (rc <= 0)
            return;
        size_t n = 0;
        bool bad = false;
        for (unsigned s = 0; s < c.nseg && !bad; s++) {
            if (c.len[s] > sizeof(frame) - n) {
                bad = true;
                break;
            }
            memcpy(frame + n, gptr(f, c.addr[s], c.len[s]), c.len[s]);
            n += c.len[s];
        }
        if (bad || n < hl + 14u || n > hl + ETH_MAX_FRAME) {
            violation(f, "tx: buffer %u of %llu bytes is not a header and a frame", c.head,
                      (unsigned long long)c.total);
        } else {
            static const uint8_t zero[NET_HDR_LEN_MODERN];
            /* Without offloads, num_buffers aside, the header is all zero
             * (virtio 1.2 §5.1.6.2). */
            if (memcmp(frame, zero, NET_HDR_LEN_LEGACY) != 0)
                violation(f, "tx: buffer %u has a non-zero virtio-net header", c.head);
            f->stats.tx_frames++;
            if (f->on_tx)
                f->on_tx(f->port_ctx, frame + hl, n - hl);
        }
        if (f->auto_complete_tx || q->wait_n >= FAKE_VNET_QUEUE_NUM_MAX)
            complete(f, TXQ, c.head, 0);
        else
            q->wait_id[q->wait_n++] = (uint16_t)c.head;
    }
}

static void complete_waiting_tx(struct fake_vnet *f)
{
    struct fake_vnet_queue *q = &f->q[TXQ];
    for (unsigned i = 0; i < q->wait_n; i++)
        complete(f, TXQ, q->wait_id[i], 0);
    q->wait_n = 0;
}

/* RX: writes queued frames into available buffers. */
static void deliver_rx(struct fake_vnet *f)
{
    static struct chain c;
    if (!driver_ok(f) || !queue_live(f, RXQ))
        return;
    unsigned hl = fake_vnet_hdr_len(f);
    while (f->pending_n > 0) {
        int rc = take_avail(f, RXQ, true, &c);
        if (rc <= 0)
            return;
        const uint8_t *frame = f->pending[f->pending_head];
        size_t flen = f->pending_len[f->pending_head];
        f->pending_head = (f->pending_head + 1u) % FAKE_VNET_RX_PENDING_MAX;
        f->pending_n--;
        if (c.total < hl + flen) {
            violation(f, "rx: buffer %u of %llu bytes is too small for %zu", c.head,
                      (unsigned long long)c.total, hl + flen);
            f->stats.rx_dropped++;
            complete(f, RXQ, c.head, 0);
            continue;
        }
        /* Header (flags 0, gso NONE, the rest 0; num_buffers untouched), then
         * the frame, scattered over the chain. */
        size_t pos = 0; /* byte position in header + frame */
        const size_t total = hl + flen;
        for (unsigned s = 0; s < c.nseg && pos < total; s++) {
            uint8_t *dst = gptr(f, c.addr[s], c.len[s]);
            size_t room = c.len[s];
            while (room > 0 && pos < total) {
                size_t n;
                if (pos < NET_HDR_LEN_LEGACY) {
                    n = NET_HDR_LEN_LEGACY - pos;
                    n = n < room ? n : room;
                    memset(dst, 0, n);
                } else if (pos < hl) {
                    n = hl - pos; /* num_buffers: left alone */
                    n = n < room ? n : room;
                } else {
                    n = total - pos;
                    n = n < room ? n : room;
                    memcpy(dst, frame + (pos - hl), n);
                }
                dst += n;
                room -= n;
                pos += n;
            }
        }
        uint32_t len = (uint32_t)(hl + flen);
        if (f->fault_armed[FAKE_FAULT_RX_LEN_OVER]) {
            f->fault_armed[FAKE_FAULT_RX_LEN_OVER]--;
            len = (uint32_t)c.total + 100u;
        } else if (f->fault_armed[FAKE_FAULT_RX_LEN_SHORT]) {
            f->fault_armed[FAKE_FAULT_RX_LEN_SHORT]--;
            len = hl + 5u;
        }
        f->stats.rx_delivered++;
        complete(f, RXQ, c.head, len);
    }
}

/* Runs the device: takes TX, delivers RX, publishes both rings. */
static void run(struct fake_vnet *f, bool poll_tx, bool poll_rx, bool complete_tx)
{
    uint16_t before[QUEUES] = {f->q[RXQ].used_idx, f->q[TXQ].used_idx};
    /* What the device is about to read must have been ordered by a barrier. */
    for (unsigned i = 0; i < QUEUES; i++)
        avail_check(f, i);
    if (poll_tx)
        take_tx(f);
    if (complete_tx)
        complete_waiting_tx(f);
    if (poll_rx)
        deliver_rx(f);
    for (unsigned i = 0; i < QUEUES; i++)
        publish(f, i, before[i]);
}

/* --- the barrier model ------------------------------------------------------- */

/* Entries the device wrote become visible to the driver. */
static void late_flush(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    uint8_t *used = q->num ? gptr(f, q->device, 6ull + 8ull * q->num) : NULL;
    for (unsigned i = 0; used && i < q->late_n; i++) {
        uint8_t *e = used + 4 + 8u * q->late_slot[i];
        st32(f, e, q->late_id[i]);
        st32(f, e + 4, q->late_len[i]);
    }
    q->late_n = 0;
}

/* The avail side as it is now, for the next check. */
static void avail_snapshot(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    const uint8_t *avail = gptr(f, q->driver, 6ull + 2ull * q->num);
    const uint8_t *desc = gptr(f, q->desc, 16ull * q->num);
    q->snap_valid = f->model_barriers && avail && desc && q->num <= FAKE_VNET_QUEUE_NUM_MAX;
    if (!q->snap_valid)
        return;
    q->snap_avail_idx = ld16(f, avail + 2);
    memcpy(q->snap_ring, avail + 4, 2u * q->num);
    memcpy(q->snap_desc, desc, 16u * q->num);
}

/* Since the last snapshot: if avail->idx moved, the entries it now covers
 * (ring slots and their descriptors) must be as they were then. */
static void avail_check(struct fake_vnet *f, unsigned qi)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (!q->snap_valid || !queue_live(f, qi))
        return;
    const uint8_t *avail = gptr(f, q->driver, 6ull + 2ull * q->num);
    const uint8_t *desc = gptr(f, q->desc, 16ull * q->num);
    if (!avail || !desc)
        return;
    uint16_t now = ld16(f, avail + 2);
    uint16_t n = (uint16_t)(now - q->snap_avail_idx);
    if (n == 0 || n > q->num)
        return; /* nothing new, or a bad index the device reports elsewhere */
    for (uint16_t i = 0; i < n; i++) {
        uint32_t slot = (uint16_t)(q->snap_avail_idx + i) % q->num;
        uint16_t head = ld16(f, avail + 4 + 2u * slot);
        bool ring_changed = memcmp(avail + 4 + 2u * slot, q->snap_ring + 2u * slot, 2) != 0;
        bool desc_changed =
            head < q->num && memcmp(desc + 16u * head, q->snap_desc + 16u * head, 16) != 0;
        if (ring_changed || desc_changed) {
            violation(f,
                      "queue %u: avail->idx %u published entries written after the last "
                      "barrier (missing write barrier)",
                      qi, now);
            return;
        }
    }
}

void fake_vnet_barrier(struct fake_vnet *f, enum vnet_barrier kind)
{
    for (unsigned qi = 0; qi < QUEUES; qi++) {
        if (kind == VNET_BARRIER_READ || kind == VNET_BARRIER_FULL)
            late_flush(f, qi);
        if (kind == VNET_BARRIER_WRITE || kind == VNET_BARRIER_FULL) {
            avail_check(f, qi);
            avail_snapshot(f, qi);
        }
    }
}

/* --- public API ------------------------------------------------------------- */

/* One pending store kept from the last fake_vnet_free (host tests are
 * single-threaded). */
static uint8_t (*spare_pending)[FAKE_VNET_FRAME_MAX];

int fake_vnet_init(struct fake_vnet *f, uint32_t version, void *mem, size_t mem_len, uint64_t base)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    memset(f, 0, sizeof(*f));
    /* A slot is always written before it is read, so the store need not be
     * zeroed; and the last one freed is reused, so a loop that opens and
     * closes fakes (the fuzz target) does not map and unmap 2 MiB each time. */
    if (spare_pending) {
        f->pending = spare_pending;
        spare_pending = NULL;
    } else {
        f->pending = malloc(FAKE_VNET_RX_PENDING_MAX * sizeof(*f->pending));
    }
    if (!f->pending)
        return -1;
    f->version = version;
    f->device_id = VNET_MMIO_DEVICE_ID_NET;
    f->features = version >= 2u ? FAKE_VNET_QEMU_MODERN_FEATURES : FAKE_VNET_QEMU_LEGACY_FEATURES;
    memcpy(f->mac, mac, sizeof(mac));
    f->net_status = 1;
    f->queue_num_max = FAKE_VNET_QUEUE_NUM_MAX;
    f->mem = mem;
    f->mem_len = mem_len;
    f->mem_base = base;
    f->auto_complete_tx = true;
    f->model_barriers = true;
    f->rng = 0x2545f4914f6cdd1dull;
    return 0;
}

void fake_vnet_free(struct fake_vnet *f)
{
    if (!spare_pending)
        spare_pending = f->pending;
    else
        free(f->pending);
    f->pending = NULL;
}

/* Config space bytes (virtio 1.2 §5.1.4): mac[6], status, max_virtqueue_pairs,
 * mtu. Multi-byte fields are little-endian (modern) or guest order (legacy). */
static void config_bytes(const struct fake_vnet *f, uint8_t cfg[12])
{
    memcpy(cfg, f->mac, 6);
    st16(f, cfg + 6, f->net_status);
    st16(f, cfg + 8, 1);
    st16(f, cfg + 10, 1500);
}

static bool config_read(struct fake_vnet *f, uint32_t off, unsigned width, uint8_t *out)
{
    uint8_t cfg[12];
    if (off < VNET_MMIO_CONFIG || off - VNET_MMIO_CONFIG + width > sizeof(cfg)) {
        violation(f, "config read of %u bytes at 0x%x", width, off);
        return false;
    }
    config_bytes(f, cfg);
    memcpy(out, cfg + (off - VNET_MMIO_CONFIG), width);
    return true;
}

uint32_t fake_vnet_read32(struct fake_vnet *f, uint32_t off)
{
    if (off >= VNET_MMIO_CONFIG) {
        uint8_t b[4];
        return config_read(f, off, 4, b) ? ld32(f, b) : 0;
    }
    switch (off) {
    case VNET_MMIO_MAGIC_VALUE:
        return VNET_MMIO_MAGIC;
    case VNET_MMIO_VERSION:
        return f->version;
    case VNET_MMIO_DEVICE_ID:
        return f->device_id;
    case VNET_MMIO_VENDOR_ID:
        return f->device_id ? 0x554d4551u : 0; /* "QEMU" */
    default:
        break;
    }
    if (f->device_id == 0)
        return 0;
    struct fake_vnet_queue *q = f->queue_sel < QUEUES ? &f->q[f->queue_sel] : NULL;
    switch (off) {
    case VNET_MMIO_DEVICE_FEATURES:
        if (f->dev_features_sel == 0)
            return (uint32_t)f->features;
        if (f->dev_features_sel == 1 && modern(f))
            return (uint32_t)(f->features >> 32);
        return 0;
    case VNET_MMIO_QUEUE_NUM_MAX:
        return q ? f->queue_num_max : 0;
    case VNET_MMIO_QUEUE_PFN:
        if (modern(f))
            break;
        return q ? q->pfn : 0;
    case VNET_MMIO_QUEUE_READY:
        if (!modern(f))
            break;
        return q ? q->ready : 0;
    case VNET_MMIO_INTERRUPT_STATUS: {
        uint32_t v = f->int_status;
        if (f->raise_on_status_read) {
            raise_bits(f, f->raise_on_status_read);
            f->raise_on_status_read = 0;
        }
        return v;
    }
    case VNET_MMIO_STATUS:
        return f->status;
    case VNET_MMIO_CONFIG_GENERATION:
        if (!modern(f))
            break;
        return f->config_generation;
    default:
        break;
    }
    violation(f, "read of register 0x%03x", off);
    return 0;
}

uint16_t fake_vnet_read16(struct fake_vnet *f, uint32_t off)
{
    uint8_t b[2];
    if (f->device_id == 0 || !config_read(f, off, 2, b))
        return 0;
    return ld16(f, b);
}

uint8_t fake_vnet_read8(struct fake_vnet *f, uint32_t off)
{
    uint8_t b;
    if (f->device_id == 0 || !config_read(f, off, 1, &b))
        return 0;
    return b;
}

static void write_status(struct fake_vnet *f, uint32_t val)
{
    if (val == 0) {
        if (f->fault_armed[FAKE_FAULT_RESET_STUCK]) {
            f->fault_armed[FAKE_FAULT_RESET_STUCK]--;
            return;
        }
        device_reset(f);
        return;
    }
    uint32_t old = f->status;
    /* DEVICE_NEEDS_RESET is the device's bit: it stays until a reset. */
    val |= old & VNET_STATUS_NEEDS_RESET;
    uint32_t added = val & ~old;
    if (old & ~val)
        violation(f, "status 0x%x -> 0x%x clears a bit without a reset", old, val);
    /* virtio 1.2 §3.1.1: ACKNOWLEDGE, DRIVER, FEATURES_OK (modern), DRIVER_OK. */
    if ((added & VNET_STATUS_DRIVER) && !(val & VNET_STATUS_ACKNOWLEDGE))
        violation(f, "DRIVER set before ACKNOWLEDGE");
    if ((added & VNET_STATUS_FEATURES_OK) && !(val & VNET_STATUS_DRIVER))
        violation(f, "FEATURES_OK set before DRIVER");
    if ((added & VNET_STATUS_DRIVER_OK) &&
        !(val & (modern(f) ? VNET_STATUS_FEATURES_OK : VNET_STATUS_DRIVER)))
        violation(f, "DRIVER_OK set before %s", modern(f) ? "FEATURES_OK" : "DRIVER");
    if ((added & VNET_STATUS_FEATURES_OK) && modern(f)) {
        bool ok =
            (f->driver_features & ~f->features) == 0 && (f->driver_features & F_VERSION_1) != 0;
        if (f->fault_armed[FAKE_FAULT_FEATURES_OK_REFUSE]) {
            f->fault_armed[FAKE_FAULT_FEATURES_OK_REFUSE]--;
            ok = false;
        }
        if (!ok)
            val &= ~VNET_STATUS_FEATURES_OK;
    }
    f->status = val;
    if (added & VNET_STATUS_DRIVER_OK)
        run(f, true, true, false);
}

static void write_queue_reg(struct fake_vnet *f, uint32_t off, uint32_t val)
{
    if (f->queue_sel >= QUEUES) {
        violation(f, "queue register 0x%03x written for missing queue %u", off, f->queue_sel);
        return;
    }
    unsigned qi = f->queue_sel;
    struct fake_vnet_queue *q = &f->q[qi];
    bool live = queue_live(f, qi);
    if (live && !(off == VNET_MMIO_QUEUE_READY && val == 0) &&
        !(off == VNET_MMIO_QUEUE_PFN && val == 0)) {
        violation(f, "queue %u: register 0x%03x written while the queue is live", qi, off);
        return;
    }
    switch (off) {
    case VNET_MMIO_QUEUE_NUM:
        q->num = val;
        return;
    case VNET_MMIO_QUEUE_ALIGN:
        q->align = val;
        return;
    case VNET_MMIO_QUEUE_DESC_LOW:
        q->desc = (q->desc & ~0xffffffffull) | val;
        return;
    case VNET_MMIO_QUEUE_DESC_HIGH:
        q->desc = (q->desc & 0xffffffffull) | ((uint64_t)val << 32);
        return;
    case VNET_MMIO_QUEUE_DRIVER_LOW:
        q->driver = (q->driver & ~0xffffffffull) | val;
        return;
    case VNET_MMIO_QUEUE_DRIVER_HIGH:
        q->driver = (q->driver & 0xffffffffull) | ((uint64_t)val << 32);
        return;
    case VNET_MMIO_QUEUE_DEVICE_LOW:
        q->device = (q->device & ~0xffffffffull) | val;
        return;
    case VNET_MMIO_QUEUE_DEVICE_HIGH:
        q->device = (q->device & 0xffffffffull) | ((uint64_t)val << 32);
        return;
    case VNET_MMIO_QUEUE_READY:
        if (val == 0) {
            q->ready = 0;
            return;
        }
        if (ring_fits(f, qi)) {
            q->ready = 1;
            avail_snapshot(f, qi); /* the barrier model starts from here */
        }
        return;
    case VNET_MMIO_QUEUE_PFN: {
        if (val == 0) {
            /* QEMU: a legacy QueuePFN of 0 resets the whole device. */
            device_reset(f);
            return;
        }
        if (f->guest_page_size == 0 || q->align == 0 || (q->align & (q->align - 1u)) != 0) {
            violation(f, "queue %u: QueuePFN before GuestPageSize/QueueAlign", qi);
            return;
        }
        q->desc = (uint64_t)val * f->guest_page_size;
        q->driver = q->desc + 16ull * q->num;
        q->device = (q->driver + 4ull + 2ull * q->num + q->align - 1u) & ~(uint64_t)(q->align - 1u);
        if (ring_fits(f, qi)) {
            q->pfn = val;
            avail_snapshot(f, qi); /* the barrier model starts from here */
        }
        return;
    }
    default:
        return;
    }
}

void fake_vnet_write32(struct fake_vnet *f, uint32_t off, uint32_t val)
{
    if (f->device_id == 0) {
        violation(f, "write of 0x%x to 0x%03x on an empty slot", val, off);
        return;
    }
    switch (off) {
    case VNET_MMIO_DEVICE_FEATURES_SEL:
        f->dev_features_sel = val;
        return;
    case VNET_MMIO_DRIVER_FEATURES_SEL:
        f->drv_features_sel = val;
        return;
    case VNET_MMIO_DRIVER_FEATURES:
        if (f->status & (VNET_STATUS_FEATURES_OK | VNET_STATUS_DRIVER_OK)) {
            violation(f, "DriverFeatures written after FEATURES_OK/DRIVER_OK");
            return;
        }
        if (f->drv_features_sel == 0)
            f->driver_features = (f->driver_features & ~0xffffffffull) | val;
        else if (f->drv_features_sel == 1 && modern(f))
            f->driver_features = (f->driver_features & 0xffffffffull) | ((uint64_t)val << 32);
        else if (val != 0)
            violation(f, "DriverFeatures word %u written", f->drv_features_sel);
        return;
    case VNET_MMIO_GUEST_PAGE_SIZE:
        if (modern(f))
            break;
        f->guest_page_size = val;
        return;
    case VNET_MMIO_QUEUE_SEL:
        f->queue_sel = val;
        return;
    case VNET_MMIO_QUEUE_NUM:
        write_queue_reg(f, off, val);
        return;
    case VNET_MMIO_QUEUE_ALIGN:
    case VNET_MMIO_QUEUE_PFN:
        if (modern(f))
            break;
        write_queue_reg(f, off, val);
        return;
    case VNET_MMIO_QUEUE_READY:
    case VNET_MMIO_QUEUE_DESC_LOW:
    case VNET_MMIO_QUEUE_DESC_HIGH:
    case VNET_MMIO_QUEUE_DRIVER_LOW:
    case VNET_MMIO_QUEUE_DRIVER_HIGH:
    case VNET_MMIO_QUEUE_DEVICE_LOW:
    case VNET_MMIO_QUEUE_DEVICE_HIGH:
        if (!modern(f))
            break;
        write_queue_reg(f, off, val);
        return;
    case VNET_MMIO_QUEUE_NOTIFY:
        if (!driver_ok(f)) {
            f->stats.notifies_before_driver_ok++;
            violation(f, "QueueNotify %u before DRIVER_OK", val);
            return;
        }
        if (val >= QUEUES) {
            violation(f, "QueueNotify names queue %u", val);
            return;
        }
        f->q[val].notifies++;
        run(f, val == TXQ, val == RXQ, false);
        return;
    case VNET_MMIO_INTERRUPT_ACK:
        f->stats.acks++;
        f->stats.last_ack = val;
        f->int_status &= ~val;
        return;
    case VNET_MMIO_STATUS:
        write_status(f, val);
        return;
    default:
        break;
    }
    violation(f, "write of 0x%x to register 0x%03x", val, off);
}

static uint32_t op_read32(void *ctx, uint32_t off)
{
    return fake_vnet_read32(ctx, off);
}

static void op_write32(void *ctx, uint32_t off, uint32_t val)
{
    fake_vnet_write32(ctx, off, val);
}

static uint16_t op_read16(void *ctx, uint32_t off)
{
    return fake_vnet_read16(ctx, off);
}

static uint8_t op_read8(void *ctx, uint32_t off)
{
    return fake_vnet_read8(ctx, off);
}

static void op_barrier(void *ctx, enum vnet_barrier kind)
{
    fake_vnet_barrier(ctx, kind);
}

static uint64_t op_dma_addr(void *ctx, const void *p)
{
    return fake_vnet_dma_addr(ctx, p);
}

void fake_vnet_ops(struct fake_vnet *f, struct vnet_ops *ops)
{
    ops->read32 = op_read32;
    ops->write32 = op_write32;
    ops->read16 = op_read16;
    ops->read8 = op_read8;
    ops->barrier = op_barrier;
    ops->dma_addr = op_dma_addr;
    ops->ctx = f;
}

uint64_t fake_vnet_dma_addr(const struct fake_vnet *f, const void *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)f->mem;
    if (a < lo || a - lo >= f->mem_len)
        return UINT64_MAX; /* not device-visible: never aligned, never in the window */
    return f->mem_base + (a - lo);
}

int fake_vnet_inject(struct fake_vnet *f, const void *frame, size_t len)
{
    if (!frame || len == 0 || len > FAKE_VNET_FRAME_MAX || !(f->net_status & 1u) ||
        f->pending_n >= FAKE_VNET_RX_PENDING_MAX) {
        f->stats.rx_dropped++;
        return -1;
    }
    unsigned slot = (f->pending_head + f->pending_n) % FAKE_VNET_RX_PENDING_MAX;
    memcpy(f->pending[slot], frame, len);
    f->pending_len[slot] = (uint16_t)len;
    f->pending_n++;
    run(f, false, true, false);
    return 0;
}

void fake_vnet_process(struct fake_vnet *f, bool complete_tx)
{
    run(f, true, true, complete_tx);
}

void fake_vnet_flush(struct fake_vnet *f)
{
    for (unsigned qi = 0; qi < QUEUES; qi++) {
        struct fake_vnet_queue *q = &f->q[qi];
        uint16_t before = q->used_idx;
        while (q->held_n > 0) {
            unsigned k = (unsigned)(xorshift(f) % q->held_n);
            used_put(f, qi, q->held_id[k], q->held_len[k]);
            q->held_n--;
            q->held_id[k] = q->held_id[q->held_n];
            q->held_len[k] = q->held_len[q->held_n];
        }
        publish(f, qi, before);
    }
}

void fake_vnet_fault(struct fake_vnet *f, enum fake_vnet_fault fault, unsigned times)
{
    if ((unsigned)fault < FAKE_FAULT_COUNT)
        f->fault_armed[fault] += times;
}

void fake_vnet_set_link(struct fake_vnet *f, bool up)
{
    f->net_status = up ? (uint16_t)(f->net_status | 1u) : (uint16_t)(f->net_status & ~1u);
    f->config_generation++;
    if (driver_ok(f))
        raise_bits(f, VNET_INT_CONFIG_CHANGE);
}

void fake_vnet_needs_reset(struct fake_vnet *f)
{
    f->status |= VNET_STATUS_NEEDS_RESET;
    raise_bits(f, VNET_INT_CONFIG_CHANGE);
}

void fake_vnet_raise(struct fake_vnet *f, uint32_t bits)
{
    raise_bits(f, bits);
}

bool fake_vnet_irq_line(const struct fake_vnet *f)
{
    return f->int_status != 0;
}
