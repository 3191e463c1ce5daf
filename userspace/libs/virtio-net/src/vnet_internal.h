/*
 * Private to the virtio-net library: the in-memory ring structures and the
 * byte-order helpers for them.
 */
#ifndef VIRTIO_NET_VNET_INTERNAL_H
#define VIRTIO_NET_VNET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "virtio-net/virtio_net.h"
#include "virtio-net/virtqueue.h"

/* negotiate.c */

/* Status += bits (one step of virtio 1.2 §3.1.1), then what the device
 * shows: 0 when the bits stuck and it set neither DEVICE_NEEDS_RESET nor
 * FAILED (VNET_ERR_NEEDS_RESET, VNET_ERR_BROKEN); `refused` when it dropped
 * them (a refused FEATURES_OK). */
int vnet_status_step(struct vnet_dev *dev, uint32_t bits, int refused);

/* Features, the MTU, the MAC and link status: §3.1.1 steps 4-6. Sets
 * dev->offered, negotiated, hdr_len, mtu, mac, link_up. */
int vnet_negotiate(struct vnet_dev *dev);

/* Reads the MAC (when features has MAC), the link status (STATUS) and, when
 * mtu is not NULL, the device's mtu (MTU; else 0) as one snapshot: up to
 * VNET_CONFIG_TRIES tries for a stable ConfigGeneration, then
 * VNET_ERR_CONFIG. */
int vnet_read_config(struct vnet_dev *dev, uint64_t features, uint16_t *mtu);

static inline bool vnet_is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1u)) == 0;
}

/* v rounded up to a multiple of a, a power of two. */
static inline size_t vnet_align_up(size_t v, size_t a)
{
    return (v + a - 1u) & ~(a - 1u);
}

/* Split virtqueue structures (virtio 1.2 §2.7.5, §2.7.6, §2.7.8). */
struct vnet_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vnet_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[]; /* size entries, then used_event */
};

struct vnet_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vnet_used {
    uint16_t flags;
    uint16_t idx;
    struct vnet_used_elem ring[]; /* size entries, then avail_event */
};

/*
 * Ring fields are little-endian on a modern device and in the guest's own
 * byte order on a legacy one (virtio 1.2 §2.7.3, "Legacy Interfaces: A Note
 * on Virtqueue Endianness"; §2.4.3 in virtio 1.0). On a
 * little-endian host both are the identity; on a big-endian host only the
 * modern layout swaps.
 */
#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define VNET_HOST_BIG_ENDIAN 1
#else
#define VNET_HOST_BIG_ENDIAN 0
#endif

static inline uint16_t vnet_vq16(const struct vnet_vq *vq, uint16_t v)
{
    return (VNET_HOST_BIG_ENDIAN && !vq->guest_order) ? __builtin_bswap16(v) : v;
}

static inline uint32_t vnet_vq32(const struct vnet_vq *vq, uint32_t v)
{
    return (VNET_HOST_BIG_ENDIAN && !vq->guest_order) ? __builtin_bswap32(v) : v;
}

static inline uint64_t vnet_vq64(const struct vnet_vq *vq, uint64_t v)
{
    return (VNET_HOST_BIG_ENDIAN && !vq->guest_order) ? __builtin_bswap64(v) : v;
}

static inline struct vnet_desc *vnet_vq_desc(const struct vnet_vq *vq)
{
    return (struct vnet_desc *)(void *)(vq->mem + vq->lay.desc_off);
}

static inline struct vnet_avail *vnet_vq_avail(const struct vnet_vq *vq)
{
    return (struct vnet_avail *)(void *)(vq->mem + vq->lay.avail_off);
}

static inline struct vnet_used *vnet_vq_used(const struct vnet_vq *vq)
{
    return (struct vnet_used *)(void *)(vq->mem + vq->lay.used_off);
}

#endif
