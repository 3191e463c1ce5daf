/*
 * The net device's data path (virtio 1.2 §5.1.6): TX buffers are a header
 * and a frame, the frame goes to the far side; frames from the far side
 * wait in a bounded queue (as in QEMU's net queue) until the driver posts
 * RX buffers, and are written there behind a header.
 *
 * As QEMU 7.2 does where the spec leaves it open: the used length of a TX
 * buffer is 0; the RX header is written as flags 0, gso NONE, all zero,
 * and num_buffers (bytes 10-11 of the 12-byte header) is left as the driver
 * left it, because QEMU writes it only with MRG_RXBUF.
 */
#include <string.h>

#include "fake_internal.h"

unsigned fake_vnet_hdr_len(const struct fake_vnet *f)
{
    return (f->regs.driver_features & (FAKE_F_VERSION_1 | FAKE_F_MRG_RXBUF)) ? FAKE_HDR_LEN_MODERN
                                                                             : FAKE_HDR_LEN_LEGACY;
}

/* Gathers the TX chain into frame; false when it does not fit. */
static bool gather(struct fake_vnet *f, const struct fake_vnet_chain *c, uint8_t *frame, size_t cap,
                   size_t *n)
{
    *n = 0;
    for (unsigned s = 0; s < c->nseg; s++) {
        if (c->len[s] > cap - *n)
            return false;
        memcpy(frame + *n, fake_gptr(f, c->addr[s], c->len[s]), c->len[s]);
        *n += c->len[s];
    }
    return true;
}

/* The largest frame the link carries: Ethernet's without VIRTIO_NET_F_MTU;
 * with it offered, the device's mtu plus the Ethernet header (virtio 1.2
 * §5.1.4.2: a driver that negotiated it MUST NOT send more; one that did not
 * is held to the same link, as QEMU's backend with host_mtu is). */
static size_t tx_frame_max(const struct fake_vnet *f)
{
    return (f->cfg.features & FAKE_F_MTU) ? f->cfg.mtu + 14u : FAKE_ETH_MAX_FRAME;
}

/* TX: takes every available buffer, strips and checks the header, hands the
 * frame to the backend; completes it now or leaves it waiting. */
static void take_tx(struct fake_vnet *f)
{
    static const uint8_t zero[FAKE_HDR_LEN_MODERN];
    struct fake_vnet_queue *q = &f->q[FAKE_TXQ];
    const struct fake_vnet_chain *c = &q->s.chain;
    uint8_t frame[FAKE_HDR_LEN_MODERN + FAKE_VNET_FRAME_MAX];
    if (!fake_driver_ok(f) || !fake_queue_live(f, FAKE_TXQ))
        return;
    unsigned hl = fake_vnet_hdr_len(f);
    while (fake_ring_take(f, FAKE_TXQ, false) > 0) {
        size_t n;
        if (!gather(f, c, frame, sizeof(frame), &n) || n < hl + 14u || n > hl + tx_frame_max(f)) {
            fake_violation(f, "tx: buffer %u of %llu bytes is not a header and a frame", c->head,
                           (unsigned long long)c->total);
        } else {
            /* Without offloads, num_buffers aside, the header is all zero
             * (virtio 1.2 §5.1.6.2). */
            if (memcmp(frame, zero, FAKE_HDR_LEN_LEGACY) != 0)
                fake_violation(f, "tx: buffer %u has a non-zero virtio-net header", c->head);
            f->stats.tx_frames++;
            if (f->backend.ops)
                f->backend.ops->tx(f->backend.ctx, frame + hl, n - hl);
        }
        if (f->knobs.auto_complete_tx || q->wait_n >= FAKE_VNET_QUEUE_NUM_MAX)
            fake_ring_complete(f, FAKE_TXQ, c->head, 0);
        else
            q->s.wait_id[q->wait_n++] = (uint16_t)c->head;
    }
}

static void complete_waiting_tx(struct fake_vnet *f)
{
    struct fake_vnet_queue *q = &f->q[FAKE_TXQ];
    for (unsigned i = 0; i < q->wait_n; i++)
        fake_ring_complete(f, FAKE_TXQ, q->s.wait_id[i], 0);
    q->wait_n = 0;
}

/* Header (flags 0, gso NONE, the rest 0; num_buffers untouched), then the
 * frame, scattered over the chain. */
static void scatter(struct fake_vnet *f, const struct fake_vnet_chain *c, unsigned hl,
                    const uint8_t *frame, size_t flen)
{
    size_t pos = 0; /* byte position in header + frame */
    const size_t total = hl + flen;
    for (unsigned s = 0; s < c->nseg && pos < total; s++) {
        uint8_t *dst = fake_gptr(f, c->addr[s], c->len[s]);
        size_t room = c->len[s];
        while (room > 0 && pos < total) {
            size_t n;
            if (pos < FAKE_HDR_LEN_LEGACY) {
                n = FAKE_HDR_LEN_LEGACY - pos;
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
}

/* RX: writes queued frames into available buffers. */
static void deliver_rx(struct fake_vnet *f)
{
    const struct fake_vnet_chain *c = &f->q[FAKE_RXQ].s.chain;
    if (!fake_driver_ok(f) || !fake_queue_live(f, FAKE_RXQ))
        return;
    unsigned hl = fake_vnet_hdr_len(f);
    while (f->pending_n > 0) {
        if (fake_ring_take(f, FAKE_RXQ, true) <= 0)
            return;
        const uint8_t *frame = f->pending[f->pending_head];
        size_t flen = f->pending_len[f->pending_head];
        f->pending_head = (f->pending_head + 1u) % FAKE_VNET_RX_PENDING_MAX;
        f->pending_n--;
        if (c->total < hl + flen) {
            fake_violation(f, "rx: buffer %u of %llu bytes is too small for %zu", c->head,
                           (unsigned long long)c->total, hl + flen);
            f->stats.rx_dropped++;
            fake_ring_complete(f, FAKE_RXQ, c->head, 0);
            continue;
        }
        scatter(f, c, hl, frame, flen);
        uint32_t len = (uint32_t)(hl + flen);
        if (fake_fault_take(f, FAKE_FAULT_RX_LEN_OVER))
            len = (uint32_t)c->total + 100u;
        else if (fake_fault_take(f, FAKE_FAULT_RX_LEN_SHORT))
            len = hl + 5u;
        f->stats.rx_delivered++;
        fake_ring_complete(f, FAKE_RXQ, c->head, len);
    }
}

void fake_run(struct fake_vnet *f, bool poll_tx, bool poll_rx, bool complete_tx)
{
    uint16_t before[FAKE_QUEUES] = {f->q[FAKE_RXQ].used_idx, f->q[FAKE_TXQ].used_idx};
    /* What the device is about to read must have been ordered by a barrier. */
    for (unsigned i = 0; i < FAKE_QUEUES; i++)
        fake_avail_check(f, i);
    if (poll_tx)
        take_tx(f);
    if (complete_tx)
        complete_waiting_tx(f);
    if (poll_rx)
        deliver_rx(f);
    for (unsigned i = 0; i < FAKE_QUEUES; i++)
        fake_ring_publish(f, i, before[i]);
}

int fake_vnet_inject(struct fake_vnet *f, const void *frame, size_t len)
{
    if (!frame || len == 0 || len > FAKE_VNET_FRAME_MAX || !(f->regs.net_status & 1u) ||
        f->pending_n >= FAKE_VNET_RX_PENDING_MAX) {
        f->stats.rx_dropped++;
        return -1;
    }
    unsigned slot = (f->pending_head + f->pending_n) % FAKE_VNET_RX_PENDING_MAX;
    memcpy(f->pending[slot], frame, len);
    f->pending_len[slot] = (uint16_t)len;
    f->pending_n++;
    fake_run(f, false, true, false);
    return 0;
}

void fake_vnet_process(struct fake_vnet *f, bool complete_tx)
{
    fake_run(f, true, true, complete_tx);
}

void fake_vnet_flush(struct fake_vnet *f)
{
    for (unsigned qi = 0; qi < FAKE_QUEUES; qi++) {
        uint16_t before = f->q[qi].used_idx;
        fake_ring_release_held(f, qi);
        fake_ring_publish(f, qi, before);
    }
}

static int sink_deliver(void *ctx, const uint8_t *frame, size_t len)
{
    return fake_vnet_inject(ctx, frame, len);
}

void fake_vnet_attach(struct fake_vnet *f, const struct fake_backend *be)
{
    f->backend.ops = NULL;
    f->backend.ctx = NULL;
    if (!be || !be->ops)
        return;
    f->backend = *be;
    struct fake_rx_sink sink = {sink_deliver, f};
    be->ops->bind(be->ctx, &sink);
}
