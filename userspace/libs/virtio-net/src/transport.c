/*
 * virtio-mmio transport, legacy (Version 1) and modern (Version 2).
 *
 * Everything here is a register access through the ops table; the choice
 * between the two register layouts is made from the Version register once,
 * at probe time, and kept in struct vnet_mmio.
 */
#include "virtio-net/virtio_mmio.h"
#include "virtio-net/virtio_net.h"

int vnet_mmio_probe(const struct vnet_ops *ops, struct vnet_mmio_info *info)
{
    if (!ops || !info || !ops->read32)
        return VNET_ERR_INVAL;
    if (ops->read32(ops->ctx, VNET_MMIO_MAGIC_VALUE) != VNET_MMIO_MAGIC)
        return VNET_ERR_MAGIC;
    uint32_t version = ops->read32(ops->ctx, VNET_MMIO_VERSION);
    if (version != 1u && version != 2u)
        return VNET_ERR_VERSION;
    struct vnet_mmio_info i;
    i.version = version;
    i.device_id = ops->read32(ops->ctx, VNET_MMIO_DEVICE_ID);
    i.vendor_id = 0;
    /* DeviceID 0 is a placeholder slot (virtio 1.2 §4.2.3.1.1): the driver
     * must not touch it, so nothing beyond the ID is read. */
    if (i.device_id == 0) {
        i.slot = VNET_SLOT_EMPTY;
    } else {
        i.vendor_id = ops->read32(ops->ctx, VNET_MMIO_VENDOR_ID);
        i.slot = i.device_id == VNET_MMIO_DEVICE_ID_NET ? VNET_SLOT_NET : VNET_SLOT_OTHER;
    }
    *info = i;
    return VNET_OK;
}

int vnet_mmio_reset(const struct vnet_mmio *m, uint32_t timeout_us)
{
    const struct vnet_ops *o = &m->ops;
    o->write32(o->ctx, VNET_MMIO_STATUS, 0);
    /* Bounded by time, not by a count of reads: slow hardware is slow,
     * not broken. `left` never wraps, whatever the timeout. */
    for (uint32_t left = timeout_us;;) {
        if (o->read32(o->ctx, VNET_MMIO_STATUS) == 0)
            return VNET_OK;
        if (left == 0)
            return VNET_ERR_RESET;
        uint32_t step = left < VNET_RESET_STEP_US ? left : VNET_RESET_STEP_US;
        if (o->delay_us)
            o->delay_us(o->ctx, step);
        left -= step;
    }
}

uint32_t vnet_mmio_status_add(const struct vnet_mmio *m, uint32_t bits)
{
    const struct vnet_ops *o = &m->ops;
    uint32_t s = o->read32(o->ctx, VNET_MMIO_STATUS);
    /* A device that failed gets no further step (virtio 1.2 §2.1.1: the
     * driver SHOULD NOT rely on it), only the driver giving up. */
    if ((s & (VNET_STATUS_NEEDS_RESET | VNET_STATUS_FAILED)) && !(bits & VNET_STATUS_FAILED))
        return s;
    o->write32(o->ctx, VNET_MMIO_STATUS, s | bits);
    return o->read32(o->ctx, VNET_MMIO_STATUS);
}

uint32_t vnet_mmio_status(const struct vnet_mmio *m)
{
    return m->ops.read32(m->ops.ctx, VNET_MMIO_STATUS);
}

uint64_t vnet_mmio_device_features(const struct vnet_mmio *m)
{
    const struct vnet_ops *o = &m->ops;
    o->write32(o->ctx, VNET_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = o->read32(o->ctx, VNET_MMIO_DEVICE_FEATURES);
    if (m->version >= 2u) {
        o->write32(o->ctx, VNET_MMIO_DEVICE_FEATURES_SEL, 1);
        f |= (uint64_t)o->read32(o->ctx, VNET_MMIO_DEVICE_FEATURES) << 32;
    }
    return f;
}

void vnet_mmio_driver_features(const struct vnet_mmio *m, uint64_t features)
{
    const struct vnet_ops *o = &m->ops;
    o->write32(o->ctx, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
    o->write32(o->ctx, VNET_MMIO_DRIVER_FEATURES, (uint32_t)features);
    if (m->version >= 2u) {
        o->write32(o->ctx, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
        o->write32(o->ctx, VNET_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    }
}

int vnet_mmio_queue_max(const struct vnet_mmio *m, uint16_t q, uint32_t *max)
{
    const struct vnet_ops *o = &m->ops;
    o->write32(o->ctx, VNET_MMIO_QUEUE_SEL, q);
    /* A queue that is already live belongs to someone else, or the reset did
     * not happen (virtio 1.2 §4.2.3.2 and §4.2.4). */
    uint32_t live =
        o->read32(o->ctx, m->version >= 2u ? VNET_MMIO_QUEUE_READY : VNET_MMIO_QUEUE_PFN);
    if (live != 0)
        return VNET_ERR_QUEUE;
    uint32_t n = o->read32(o->ctx, VNET_MMIO_QUEUE_NUM_MAX);
    if (n == 0)
        return VNET_ERR_QUEUE;
    *max = n;
    return VNET_OK;
}

int vnet_mmio_queue_enable(const struct vnet_mmio *m, uint16_t q, uint32_t num, uint64_t desc,
                           uint64_t avail, uint64_t used, uint32_t align, uint32_t page_size)
{
    const struct vnet_ops *o = &m->ops;
    o->write32(o->ctx, VNET_MMIO_QUEUE_SEL, q);
    o->write32(o->ctx, VNET_MMIO_QUEUE_NUM, num);
    if (m->version < 2u) {
        /* Legacy: one page-aligned block named by its page number; the
         * device derives avail and used from QueueAlign. */
        if (page_size == 0 || desc % page_size != 0 || desc / page_size > UINT32_MAX)
            return VNET_ERR_QUEUE;
        o->write32(o->ctx, VNET_MMIO_QUEUE_ALIGN, align);
        o->write32(o->ctx, VNET_MMIO_QUEUE_PFN, (uint32_t)(desc / page_size));
        return VNET_OK;
    }
    o->write32(o->ctx, VNET_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    o->write32(o->ctx, VNET_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    o->write32(o->ctx, VNET_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    o->write32(o->ctx, VNET_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    o->write32(o->ctx, VNET_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    o->write32(o->ctx, VNET_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    o->write32(o->ctx, VNET_MMIO_QUEUE_READY, 1);
    return VNET_OK;
}

void vnet_mmio_notify(const struct vnet_mmio *m, uint16_t q)
{
    m->ops.write32(m->ops.ctx, VNET_MMIO_QUEUE_NOTIFY, q);
}

uint32_t vnet_mmio_config_generation(const struct vnet_mmio *m)
{
    if (m->version < 2u)
        return 0;
    return m->ops.read32(m->ops.ctx, VNET_MMIO_CONFIG_GENERATION);
}
