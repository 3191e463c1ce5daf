/*
 * Split virtqueue, driver side (virtio 1.2 §2.7).
 *
 * Each descriptor carries one whole buffer, so a descriptor id names a
 * buffer: id i is always buffer i of the queue's slab. That lets the driver
 * keep everything it needs in a shadow (which ids are in flight) and never
 * read an address back from the descriptor table, which the device could
 * have overwritten.
 */
#include <string.h>

#include "virtio-net/virtio_net.h"
#include "virtio-net/virtqueue.h"
#include "vnet_internal.h"

int vnet_vq_layout(uint16_t size, uint32_t used_align, struct vnet_vq_layout *out)
{
    if (!out || !vnet_is_pow2(size) || size > VNET_QUEUE_MAX || !vnet_is_pow2(used_align) ||
        used_align < 4u)
        return VNET_ERR_INVAL;
    struct vnet_vq_layout l;
    l.desc_off = 0;
    l.avail_off = 16u * (size_t)size;
    /* avail: flags, idx, ring[size], used_event (virtio 1.2 §2.7.6). The used
     * ring starts at the next multiple of the alignment; the spec's legacy
     * ALIGN macro is not used because of its off-by-one. */
    l.used_off = vnet_align_up(l.avail_off + 6u + 2u * (size_t)size, used_align);
    /* used: flags, idx, {id, len}[size], avail_event (virtio 1.2 §2.7.8). */
    l.total = l.used_off + 6u + 8u * (size_t)size;
    *out = l;
    return VNET_OK;
}

int vnet_vq_init(struct vnet_vq *vq, uint16_t index, uint16_t size, uint32_t used_align,
                 bool guest_order, void *mem, size_t mem_len)
{
    struct vnet_vq_layout l;
    if (!vq || !mem || ((uintptr_t)mem & 15u) != 0)
        return VNET_ERR_INVAL;
    int rc = vnet_vq_layout(size, used_align, &l);
    if (rc != VNET_OK)
        return rc;
    if (mem_len < l.total)
        return VNET_ERR_INVAL;
    memset(vq, 0, sizeof(*vq));
    vq->mem = mem;
    vq->lay = l;
    vq->size = size;
    vq->index = index;
    vq->guest_order = guest_order;
    /* A modern device requires zeroed ring memory before QueueReady
     * (virtio 1.2 §4.2.3.2); a legacy one expects it as well. */
    memset(mem, 0, l.total);
    return VNET_OK;
}

static bool bit_get(const uint32_t *map, uint16_t i)
{
    return (map[i / 32u] >> (i % 32u)) & 1u;
}

static void bit_set(uint32_t *map, uint16_t i)
{
    map[i / 32u] |= 1u << (i % 32u);
}

static void bit_clear(uint32_t *map, uint16_t i)
{
    map[i / 32u] &= ~(1u << (i % 32u));
}

bool vnet_vq_in_flight(const struct vnet_vq *vq, uint16_t id)
{
    return id < vq->size && bit_get(vq->posted, id);
}

int vnet_vq_free_id(const struct vnet_vq *vq)
{
    unsigned words = (vq->size + 31u) / 32u;
    for (unsigned w = 0; w < words; w++) {
        uint32_t free_bits = ~vq->posted[w];
        if (vq->size < 32u)
            free_bits &= (1u << vq->size) - 1u;
        if (free_bits == 0)
            continue;
        /* A plain loop rather than __builtin_ctz, which needs a libgcc
         * helper on RISC-V without the Zbb extension. */
        unsigned b = 0;
        while (!(free_bits & 1u)) {
            free_bits >>= 1;
            b++;
        }
        return (int)(w * 32u + b);
    }
    return -1;
}

int vnet_vq_post(struct vnet_vq *vq, uint16_t id, uint64_t addr, uint32_t len, bool device_writes)
{
    if (id >= vq->size)
        return VNET_ERR_INVAL;
    if (bit_get(vq->posted, id))
        return VNET_ERR_BUSY;
    /* The descriptor is rewritten in full on every post: whatever the device
     * left in it is never trusted or read back. */
    struct vnet_desc *d = &vnet_vq_desc(vq)[id];
    d->addr = vnet_vq64(vq, addr);
    d->len = vnet_vq32(vq, len);
    d->flags = vnet_vq16(vq, device_writes ? (uint16_t)VNET_DESC_F_WRITE : 0u);
    d->next = 0;
    /* The slot is the free-running index masked by the power-of-two size
     * (virtio 1.2 §2.7.6); the index itself wraps at 65536 on its own. */
    vnet_vq_avail(vq)->ring[vq->avail_idx & (vq->size - 1u)] = vnet_vq16(vq, id);
    vq->avail_idx++;
    bit_set(vq->posted, id);
    bit_set(vq->ever, id);
    vq->in_flight++;
    return VNET_OK;
}

bool vnet_vq_publish(struct vnet_vq *vq, const struct vnet_ops *ops)
{
    if (vq->avail_idx == vq->avail_pub)
        return false;
    /* virtio 1.2 §2.7.13.2-3: the descriptors and ring entries must be
     * visible to the device before the index that makes them available. */
    ops->barrier(ops->ctx, VNET_BARRIER_WRITE);
    *(volatile uint16_t *)&vnet_vq_avail(vq)->idx = vnet_vq16(vq, vq->avail_idx);
    vq->avail_pub = vq->avail_idx;
    return true;
}

bool vnet_vq_notify_needed(const struct vnet_vq *vq, const struct vnet_ops *ops)
{
    /* virtio 1.2 §2.7.13.4: the idx store must be ordered before the read of
     * used->flags, or the driver may miss the device clearing NO_NOTIFY. */
    ops->barrier(ops->ctx, VNET_BARRIER_FULL);
    uint16_t flags = vnet_vq16(vq, *(volatile const uint16_t *)&vnet_vq_used(vq)->flags);
    return (flags & VNET_USED_F_NO_NOTIFY) == 0;
}

int vnet_vq_harvest(struct vnet_vq *vq, const struct vnet_ops *ops, unsigned budget,
                    vnet_vq_used_fn fn, void *ctx, unsigned *valid)
{
    unsigned ok = 0;
    int err = VNET_OK;
    if (valid)
        *valid = 0;
    if (vq->broken)
        return VNET_ERR_BROKEN;
    struct vnet_used *used = vnet_vq_used(vq);
    /* used->idx is written by the device at any time: read it through a
     * volatile access each call so the compiler cannot cache it. */
    uint16_t dev_idx = vnet_vq16(vq, *(volatile const uint16_t *)&used->idx);
    uint16_t pending = (uint16_t)(dev_idx - vq->last_used);
    /* The device holds what was published and not yet returned; it cannot
     * have returned more (virtio 1.2 §2.7.8: one used entry per buffer made
     * available). A bigger move names entries it never wrote, the last
     * lap's among them, some naming buffers it still holds: the index is
     * garbage, and so may be everything behind it. */
    uint16_t held = (uint16_t)(vq->in_flight - (uint16_t)(vq->avail_idx - vq->avail_pub));
    if (pending > held) {
        vq->stats.used_idx_jump++;
        vq->broken = true;
        return VNET_ERR_USED_IDX;
    }
    if (pending == 0)
        return VNET_OK;
    /* virtio 1.2 §2.7.14: read used->idx before the entries it covers. */
    ops->barrier(ops->ctx, VNET_BARRIER_READ);
    unsigned n = pending < budget ? pending : budget;
    for (unsigned i = 0; i < n; i++) {
        volatile const struct vnet_used_elem *e = &used->ring[vq->last_used & (vq->size - 1u)];
        uint32_t id = vnet_vq32(vq, e->id);
        uint32_t len = vnet_vq32(vq, e->len);
        vq->last_used++;
        if (id >= vq->size) {
            vq->stats.used_id_range++;
            err = VNET_ERR_USED_ID;
            continue;
        }
        if (!bit_get(vq->posted, (uint16_t)id)) {
            if (bit_get(vq->ever, (uint16_t)id))
                vq->stats.used_duplicate++;
            else
                vq->stats.used_unposted++;
            err = VNET_ERR_USED_ID;
            continue;
        }
        bit_clear(vq->posted, (uint16_t)id);
        vq->in_flight--;
        ok++;
        fn(ctx, (uint16_t)id, len);
    }
    if (valid)
        *valid = ok;
    return err;
}
