/*
 * virtio-net device on top of the virtio-mmio transport and two split
 * virtqueues: feature negotiation, MAC and link state from config, RX
 * buffers pre-posted from a slab, TX through fixed slots, and the interrupt
 * handler. The driver only moves buffers; no protocol logic lives here.
 *
 * DMA block layout (offsets from the caller's block, aligned to
 * cfg.legacy_align in the device's address space):
 *   RX ring | pad to legacy_align | TX ring | pad to 64 | RX slab | TX slab
 * Ring offsets are computed for the configured queue sizes and the legacy
 * alignment, the larger of the two layouts, so the same block serves a
 * modern device or a device whose QueueNumMax cuts a queue shorter.
 */
#include <string.h>

#include "virtio-net/virtio_net.h"
#include "vnet_internal.h"

/*
 * The smallest legacy GuestPageSize and QueueAlign (the driver writes one
 * value to both): the descriptor table starts at QueuePFN * GuestPageSize
 * and needs 16-byte alignment (virtio 1.2 §2.7, the table of alignments),
 * the used ring 4. And QEMU 7.2 puts the used ring at avail + 4 + 2 * num
 * rounded up to QueueAlign, two bytes short of the spec's layout (§2.7.6:
 * used_event follows the ring), which this driver follows: the two agree for
 * every power-of-two num once the alignment is 16 or more, but not at 8
 * (num 2) or 4 (any even num). Any power of two from here on is the
 * driver's to choose (§4.2.4 legacy interface).
 */
#define VNET_LEGACY_ALIGN_MIN 16u
#define VNET_SLAB_ALIGN 64u

void vnet_config_defaults(struct vnet_config *cfg)
{
    /* netproto's NP_MAC_DEFAULT, written out: the frontend depends on no
     * other library. */
    static const uint8_t mac[VNET_ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    cfg->rx_queue_size = 16;
    cfg->tx_queue_size = 16;
    cfg->rx_buf_size = 1536;
    cfg->tx_buf_size = 1536;
    cfg->legacy_align = 4096;
    cfg->reset_timeout_us = 1000000;
    memcpy(cfg->mac, mac, sizeof(mac));
}

/* Offsets of the four parts of the DMA block for cfg; false for a bad cfg. */
struct dma_plan {
    size_t rx_ring, tx_ring, rx_slab, tx_slab, total;
};

static bool plan_dma(const struct vnet_config *cfg, struct dma_plan *p)
{
    struct vnet_vq_layout rx, tx;
    if (!vnet_is_pow2(cfg->rx_queue_size) || cfg->rx_queue_size < 2u ||
        !vnet_is_pow2(cfg->tx_queue_size) || cfg->tx_queue_size < 2u)
        return false;
    if (!vnet_is_pow2(cfg->legacy_align) || cfg->legacy_align < VNET_LEGACY_ALIGN_MIN)
        return false;
    if (cfg->rx_buf_size < VNET_HDR_LEN_MODERN + VNET_ETH_MAX_FRAME ||
        cfg->tx_buf_size < VNET_HDR_LEN_MODERN + VNET_ETH_HLEN)
        return false;
    if (vnet_vq_layout(cfg->rx_queue_size, cfg->legacy_align, &rx) != VNET_OK ||
        vnet_vq_layout(cfg->tx_queue_size, cfg->legacy_align, &tx) != VNET_OK)
        return false;
    p->rx_ring = 0;
    p->tx_ring = vnet_align_up(rx.total, cfg->legacy_align);
    p->rx_slab = vnet_align_up(p->tx_ring + tx.total, VNET_SLAB_ALIGN);
    p->tx_slab = p->rx_slab + (size_t)cfg->rx_queue_size * cfg->rx_buf_size;
    p->total = p->tx_slab + (size_t)cfg->tx_queue_size * cfg->tx_buf_size;
    return true;
}

size_t vnet_dma_size(const struct vnet_config *cfg)
{
    struct dma_plan p;
    if (!cfg || !plan_dma(cfg, &p))
        return 0;
    return p.total;
}

static uint16_t pick_queue_size(uint16_t wanted, uint32_t max)
{
    /* The driver's choice, cut to the largest power of two the device
     * allows (virtio 1.2 §4.2.3.2: QueueNum <= QueueNumMax). */
    uint32_t n = wanted;
    while (n > max)
        n >>= 1;
    return (uint16_t)n;
}

static int setup_queue(struct vnet_dev *dev, struct vnet_vq *vq, uint16_t q, uint16_t wanted,
                       size_t off, size_t len)
{
    uint32_t max;
    int rc = vnet_mmio_queue_max(&dev->mmio, q, &max);
    if (rc != VNET_OK)
        return rc;
    uint16_t size = pick_queue_size(wanted, max);
    if (size < 2u)
        return VNET_ERR_QUEUE;
    bool legacy = dev->mmio.version < 2u;
    uint32_t align = legacy ? dev->cfg.legacy_align : 4u;
    rc = vnet_vq_init(vq, q, size, align, legacy, dev->dma + off, len);
    if (rc != VNET_OK)
        return rc;
    uint64_t pa = dev->dma_pa + off;
    return vnet_mmio_queue_enable(&dev->mmio, q, size, pa + vq->lay.desc_off,
                                  pa + vq->lay.avail_off, pa + vq->lay.used_off, align,
                                  dev->cfg.legacy_align);
}

static uint64_t rx_buf_pa(const struct vnet_dev *dev, uint16_t id)
{
    return dev->dma_pa + dev->rx_slab_off + (size_t)id * dev->cfg.rx_buf_size;
}

/* Posts every RX buffer that is not in flight. A buffer's header bytes are
 * zeroed first: virtio 1.2 §5.1.6.4.1 has the device set num_buffers to 1
 * without MRG_RXBUF, but QEMU 7.2 (and vhost-net) leave those two bytes as
 * they were, and stale bytes must not look like data. */
static unsigned refill_rx(struct vnet_dev *dev)
{
    unsigned n = 0;
    for (uint16_t id = 0; id < dev->rxq.size; id++) {
        if (vnet_vq_in_flight(&dev->rxq, id))
            continue;
        memset(dev->dma + dev->rx_slab_off + (size_t)id * dev->cfg.rx_buf_size, 0, dev->hdr_len);
        if (vnet_vq_post(&dev->rxq, id, rx_buf_pa(dev, id), dev->cfg.rx_buf_size, true) == VNET_OK)
            n++;
    }
    return n;
}

/* Notifies the device unless it set NO_NOTIFY (virtio 1.2 §2.7.13.4). */
static void notify(struct vnet_dev *dev, struct vnet_vq *vq)
{
    if (vnet_vq_notify_needed(vq, &dev->mmio.ops)) {
        vnet_mmio_notify(&dev->mmio, vq->index);
        dev->cnt.kicks++;
    } else {
        dev->cnt.kicks_suppressed++;
    }
}

static void kick(struct vnet_dev *dev, struct vnet_vq *vq)
{
    if (vnet_vq_publish(vq, &dev->mmio.ops))
        notify(dev, vq);
}

static int fail(struct vnet_dev *dev, int rc)
{
    /* virtio 1.2 §3.1.1: tell the device the driver gave up, on top of
     * what it shows (after a refused FEATURES_OK that is ACKNOWLEDGE |
     * DRIVER: written from the driver's own copy, FEATURES_OK | FAILED
     * would be dropped whole by QEMU and FAILED would never land). */
    (void)vnet_mmio_status_add(&dev->mmio, VNET_STATUS_FAILED);
    dev->state = VNET_STATE_DOWN;
    return rc;
}

int vnet_init(struct vnet_dev *dev, const struct vnet_ops *ops, const struct vnet_config *cfg,
              void *dma, size_t dma_len)
{
    struct dma_plan plan;
    if (!dev || !ops || !cfg || !dma || !ops->read32 || !ops->write32 || !ops->read16 ||
        !ops->read8 || !ops->barrier || !ops->dma_addr)
        return VNET_ERR_INVAL;
    if (!plan_dma(cfg, &plan))
        return VNET_ERR_INVAL;
    uint64_t pa = ops->dma_addr(ops->ctx, dma);
    if (dma_len < plan.total || (pa % cfg->legacy_align) != 0 || ((uintptr_t)dma & 15u) != 0)
        return VNET_ERR_MEM;

    struct vnet_mmio_info info;
    int rc = vnet_mmio_probe(ops, &info);
    if (rc != VNET_OK)
        return rc;
    if (info.slot == VNET_SLOT_EMPTY)
        return VNET_ERR_NO_DEVICE;
    if (info.slot != VNET_SLOT_NET)
        return VNET_ERR_NOT_NET;

    memset(dev, 0, sizeof(*dev));
    dev->mmio.ops = *ops;
    dev->mmio.version = info.version;
    dev->cfg = *cfg;
    dev->dma = dma;
    dev->dma_pa = pa;
    dev->rx_slab_off = plan.rx_slab;
    dev->tx_slab_off = plan.tx_slab;

    /* virtio 1.2 §3.1.1 steps 1-3: reset, ACKNOWLEDGE, DRIVER. */
    rc = vnet_mmio_reset(&dev->mmio, cfg->reset_timeout_us);
    if (rc == VNET_OK)
        rc = vnet_status_step(dev, VNET_STATUS_ACKNOWLEDGE, VNET_ERR_BROKEN);
    if (rc == VNET_OK)
        rc = vnet_status_step(dev, VNET_STATUS_DRIVER, VNET_ERR_BROKEN);
    /* Steps 4-6: features, FEATURES_OK. */
    if (rc == VNET_OK)
        rc = vnet_negotiate(dev);
    if (rc != VNET_OK)
        return fail(dev, rc);

    /* Step 7: device-specific setup, the queues. Legacy needs GuestPageSize
     * before any queue (virtio 1.2 §4.2.4). */
    if (info.version < 2u)
        ops->write32(ops->ctx, VNET_MMIO_GUEST_PAGE_SIZE, cfg->legacy_align);
    memset(dma, 0, plan.total);
    rc = setup_queue(dev, &dev->rxq, VNET_RX_QUEUE, cfg->rx_queue_size, plan.rx_ring,
                     plan.tx_ring - plan.rx_ring);
    if (rc == VNET_OK)
        rc = setup_queue(dev, &dev->txq, VNET_TX_QUEUE, cfg->tx_queue_size, plan.tx_ring,
                         plan.rx_slab - plan.tx_ring);
    if (rc != VNET_OK)
        return fail(dev, rc);

    /* Every RX buffer is made available before DRIVER_OK (virtio 1.2
     * §5.1.6.3), but the device is told only after it (§3.1.1 step 8: no
     * notification before DRIVER_OK). */
    refill_rx(dev);
    vnet_vq_publish(&dev->rxq, ops);
    /* The published ring before the register write that lets the device
     * look at it. */
    ops->barrier(ops->ctx, VNET_BARRIER_FULL);
    /* A device that failed up to and at DRIVER_OK is not a working one. */
    rc = vnet_status_step(dev, VNET_STATUS_DRIVER_OK, VNET_ERR_BROKEN);
    if (rc != VNET_OK)
        return fail(dev, rc);
    dev->state = VNET_STATE_READY;
    notify(dev, &dev->rxq);
    return VNET_OK;
}

int vnet_reset(struct vnet_dev *dev)
{
    if (!dev || !dev->mmio.ops.write32)
        return VNET_ERR_INVAL;
    dev->state = VNET_STATE_DOWN;
    return vnet_mmio_reset(&dev->mmio, dev->cfg.reset_timeout_us);
}

/* dst += src, for structs of uint64_t counters only. */
static void add_counts(void *dst, const void *src, size_t bytes)
{
    for (size_t off = 0; off + sizeof(uint64_t) <= bytes; off += sizeof(uint64_t)) {
        uint64_t a, b;
        memcpy(&a, (uint8_t *)dst + off, sizeof(a));
        memcpy(&b, (const uint8_t *)src + off, sizeof(b));
        a += b;
        memcpy((uint8_t *)dst + off, &a, sizeof(a));
    }
}

_Static_assert(sizeof(struct vnet_counters) % sizeof(uint64_t) == 0, "uint64_t counters");
_Static_assert(sizeof(struct vnet_vq_stats) % sizeof(uint64_t) == 0, "uint64_t counters");

int vnet_reinit(struct vnet_dev *dev)
{
    if (!dev || !dev->mmio.ops.write32 || !dev->dma)
        return VNET_ERR_INVAL;
    /* vnet_init is given copies: it clears dev before it reads them. */
    struct vnet_ops ops = dev->mmio.ops;
    struct vnet_config cfg = dev->cfg;
    void *dma = dev->dma;
    struct vnet_counters was;
    vnet_counters(dev, &was);
    /* Cleared here, so that what init counts adds to the old counts
     * whether or not init got as far as clearing dev itself. */
    memset(&dev->cnt, 0, sizeof(dev->cnt));
    memset(&dev->rxq.stats, 0, sizeof(dev->rxq.stats));
    memset(&dev->txq.stats, 0, sizeof(dev->txq.stats));
    int rc = vnet_init(dev, &ops, &cfg, dma, vnet_dma_size(&cfg));
    add_counts(&dev->rxq.stats, &was.rxq, sizeof(was.rxq));
    add_counts(&dev->txq.stats, &was.txq, sizeof(was.txq));
    memset(&was.rxq, 0, sizeof(was.rxq)); /* dev->cnt keeps none: vnet_counters copies them */
    memset(&was.txq, 0, sizeof(was.txq));
    add_counts(&dev->cnt, &was, sizeof(was));
    return rc;
}

static int ready(const struct vnet_dev *dev)
{
    if (!dev)
        return VNET_ERR_INVAL;
    if (dev->state == VNET_STATE_BROKEN)
        return VNET_ERR_BROKEN;
    if (dev->state != VNET_STATE_READY)
        return VNET_ERR_STATE;
    return VNET_OK;
}

static void broke(struct vnet_dev *dev)
{
    dev->state = VNET_STATE_BROKEN;
}

static void tx_done(void *ctx, uint16_t id, uint32_t len)
{
    /* QEMU reports 0 as the used length of TX buffers; the value carries no
     * information for a device-readable buffer and is ignored. */
    (void)id;
    (void)len;
    struct vnet_dev *dev = ctx;
    dev->cnt.tx_completed++;
}

int vnet_tx_reclaim(struct vnet_dev *dev, unsigned *n)
{
    int rc = ready(dev);
    if (n)
        *n = 0;
    if (rc != VNET_OK)
        return rc;
    rc = vnet_vq_harvest(&dev->txq, &dev->mmio.ops, dev->txq.size, tx_done, dev, n);
    if (dev->txq.broken)
        broke(dev);
    return rc;
}

unsigned vnet_tx_free(const struct vnet_dev *dev)
{
    if (ready(dev) != VNET_OK)
        return 0;
    return (unsigned)(dev->txq.size - dev->txq.in_flight);
}

unsigned vnet_tx_in_flight(const struct vnet_dev *dev)
{
    return ready(dev) == VNET_OK ? dev->txq.in_flight : 0u;
}

int vnet_send_queue(struct vnet_dev *dev, const void *frame, size_t len)
{
    int rc = ready(dev);
    if (rc != VNET_OK)
        return rc;
    if (!frame)
        return VNET_ERR_INVAL;
    if (len < VNET_ETH_HLEN) {
        dev->cnt.tx_bad_len++;
        return VNET_ERR_TOO_SHORT;
    }
    /* The MTU is at most what a TX slot holds behind the header. */
    if (len > dev->mtu + VNET_ETH_HLEN) {
        dev->cnt.tx_bad_len++;
        return VNET_ERR_TOO_BIG;
    }
    int id = vnet_vq_free_id(&dev->txq);
    if (id < 0) {
        /* Reclaim errors are counted in the queue's stats; a broken ring
         * shows up as the state check below. */
        (void)vnet_tx_reclaim(dev, NULL);
        if (dev->state != VNET_STATE_READY)
            return VNET_ERR_BROKEN;
        id = vnet_vq_free_id(&dev->txq);
    }
    if (id < 0) {
        dev->cnt.tx_full++;
        return VNET_ERR_AGAIN;
    }
    uint8_t *slot = dev->dma + dev->tx_slab_off + (size_t)id * dev->cfg.tx_buf_size;
    /* No offload is negotiated, so the header is all zero (virtio 1.2
     * §5.1.6.2): flags 0, gso_type NONE. */
    memset(slot, 0, dev->hdr_len);
    memcpy(slot + dev->hdr_len, frame, len);
    uint64_t pa = dev->dma_pa + dev->tx_slab_off + (size_t)id * dev->cfg.tx_buf_size;
    rc = vnet_vq_post(&dev->txq, (uint16_t)id, pa, (uint32_t)(dev->hdr_len + len), false);
    if (rc != VNET_OK)
        return rc;
    dev->cnt.tx_frames++;
    dev->cnt.tx_bytes += len;
    return VNET_OK;
}

int vnet_send_kick(struct vnet_dev *dev)
{
    int rc = ready(dev);
    if (rc != VNET_OK)
        return rc;
    kick(dev, &dev->txq);
    return VNET_OK;
}

int vnet_send(struct vnet_dev *dev, const void *frame, size_t len)
{
    int rc = vnet_send_queue(dev, frame, len);
    if (rc != VNET_OK)
        return rc;
    return vnet_send_kick(dev);
}

struct rx_batch {
    struct vnet_dev *dev;
    vnet_rx_fn fn;
    void *ctx;
    unsigned delivered;
    int err;
};

static void rx_done(void *ctx, uint16_t id, uint32_t len)
{
    struct rx_batch *b = ctx;
    struct vnet_dev *dev = b->dev;
    /* The used length comes from the device: it must fit the buffer that
     * was posted and hold at least a header and an Ethernet header
     * (virtio 1.2 §2.7.8.2; Linux virtio_ring checks the same). */
    if (len > dev->cfg.rx_buf_size) {
        dev->cnt.rx_len_over++;
        b->err = VNET_ERR_RX_LEN;
        return;
    }
    if (len < dev->hdr_len + VNET_ETH_HLEN) {
        dev->cnt.rx_len_short++;
        b->err = VNET_ERR_RX_LEN;
        return;
    }
    /* Buffers may have room for more than a frame; what is handed up is
     * never longer than the MTU allows, whatever the device wrote (with
     * VIRTIO_NET_F_MTU it MUST NOT pass more, virtio 1.2 §5.1.4.1). */
    if (len - dev->hdr_len > dev->mtu + VNET_ETH_HLEN) {
        dev->cnt.rx_len_long++;
        b->err = VNET_ERR_RX_LEN;
        return;
    }
    const uint8_t *buf = dev->dma + dev->rx_slab_off + (size_t)id * dev->cfg.rx_buf_size;
    size_t frame_len = len - dev->hdr_len;
    dev->cnt.rx_frames++;
    dev->cnt.rx_bytes += frame_len;
    b->delivered++;
    if (b->fn)
        b->fn(b->ctx, buf + dev->hdr_len, frame_len);
}

int vnet_rx_poll(struct vnet_dev *dev, unsigned budget, vnet_rx_fn fn, void *ctx,
                 unsigned *delivered)
{
    if (delivered)
        *delivered = 0;
    int rc = ready(dev);
    if (rc != VNET_OK)
        return rc;
    struct rx_batch b = {dev, fn, ctx, 0, VNET_OK};
    rc = vnet_vq_harvest(&dev->rxq, &dev->mmio.ops, budget, rx_done, &b, NULL);
    if (dev->rxq.broken) {
        broke(dev);
        return rc;
    }
    /* Buffers go back only after the whole batch: a buffer reported twice
     * in one batch is then still free, and caught as a duplicate. */
    if (refill_rx(dev) != 0)
        kick(dev, &dev->rxq);
    if (delivered)
        *delivered = b.delivered;
    /* The ring's error before the lengths': the graver one (the header's
     * promise). */
    return rc != VNET_OK ? rc : b.err;
}

int vnet_irq(struct vnet_dev *dev, uint32_t *bits)
{
    if (bits)
        *bits = 0;
    if (!dev || !dev->mmio.ops.read32)
        return VNET_ERR_INVAL;
    const struct vnet_ops *o = &dev->mmio.ops;
    /* Read, then acknowledge exactly what was read, then let the caller
     * process the rings (virtio 1.2 §4.2.3.4). Acknowledging after
     * processing would lose a notification raised in between; acknowledging
     * more than was read would lose one raised after the read. Only bits 0
     * and 1 are defined: the others are ignored and never written back
     * (§4.2.2.2), and an interrupt without a defined bit is spurious. */
    uint32_t st = o->read32(o->ctx, VNET_MMIO_INTERRUPT_STATUS) &
                  (VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE);
    if (st == 0) {
        dev->cnt.irqs_spurious++;
        return VNET_OK;
    }
    o->write32(o->ctx, VNET_MMIO_INTERRUPT_ACK, st);
    /* The rings are read after this returns: order them after the register
     * accesses, or a stale used->idx could be read and a wakeup lost. */
    o->barrier(o->ctx, VNET_BARRIER_FULL);
    dev->cnt.irqs++;
    if (bits)
        *bits = st;
    if (!(st & VNET_INT_CONFIG_CHANGE) || dev->state == VNET_STATE_DOWN)
        return VNET_OK;
    dev->cnt.config_changes++;
    /* A config change is also how a device announces DEVICE_NEEDS_RESET
     * (virtio 1.2 §2.1.2). */
    if (vnet_mmio_status(&dev->mmio) & VNET_STATUS_NEEDS_RESET) {
        dev->cnt.needs_reset++;
        broke(dev);
        return VNET_ERR_NEEDS_RESET;
    }
    if (dev->state != VNET_STATE_READY)
        return VNET_OK;
    return vnet_read_config(dev, dev->negotiated, NULL);
}
