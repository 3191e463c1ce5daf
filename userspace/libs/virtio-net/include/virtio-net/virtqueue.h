/*
 * Split virtqueue (virtio 1.2 §2.7) with one descriptor per buffer.
 *
 * The driver keeps its own shadow of what it posted: which descriptor ids are
 * in flight, the next avail index and the next used index it expects. It
 * never reads an address, length or flag back from the descriptor table, and
 * treats every value the device writes (used->idx, used id and len) as
 * untrusted input.
 *
 * Indices are free-running 16-bit counters; the ring slot is idx & (size-1)
 * and full/empty are told apart by differences of the free-running indices
 * (virtio 1.2 §2.7.6, §2.7.8).
 */
#ifndef VIRTIO_NET_VIRTQUEUE_H
#define VIRTIO_NET_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio-net/virtio_mmio.h"

/* The largest queue the driver's shadow state is sized for. */
#define VNET_QUEUE_MAX 256u

#define VNET_DESC_F_NEXT 1u
#define VNET_DESC_F_WRITE 2u
#define VNET_AVAIL_F_NO_INTERRUPT 1u
#define VNET_USED_F_NO_NOTIFY 1u

/* Where the three parts of a ring sit inside one block of memory. */
struct vnet_vq_layout {
    size_t desc_off;  /* 16 bytes per descriptor */
    size_t avail_off; /* flags, idx, ring[size], used_event */
    size_t used_off;  /* flags, idx, {id, len}[size], avail_event */
    size_t total;     /* bytes of the whole block */
};

/* Counters of device misbehaviour seen on one queue. */
struct vnet_vq_stats {
    uint64_t used_id_range;  /* used id >= queue size */
    uint64_t used_unposted;  /* used id never posted by the driver */
    uint64_t used_duplicate; /* used id already completed and not re-posted */
    uint64_t used_idx_jump;  /* used->idx moved by more than the buffers the device holds */
};

struct vnet_vq {
    uint8_t *mem; /* the ring block, in DMA memory */
    struct vnet_vq_layout lay;
    uint16_t size;      /* power of two, <= VNET_QUEUE_MAX */
    uint16_t index;     /* the queue's number on the device */
    bool guest_order;   /* legacy: rings in guest byte order; modern: little-endian */
    bool broken;        /* the device broke the ring protocol; stop using it */
    uint16_t avail_idx; /* next avail index to fill (shadow) */
    uint16_t avail_pub; /* avail index last published to the device */
    uint16_t last_used; /* next used index to consume */
    uint16_t in_flight; /* number of ids posted and not completed */
    uint32_t posted[VNET_QUEUE_MAX / 32u]; /* bit per id: in flight */
    uint32_t ever[VNET_QUEUE_MAX / 32u];   /* bit per id: posted at least once */
    struct vnet_vq_stats stats;
};

/* Called for each valid used entry: the id was in flight and is now free. */
typedef void (*vnet_vq_used_fn)(void *ctx, uint16_t id, uint32_t len);

/*
 * Computes the layout of a ring of `size` entries whose used ring is aligned
 * to `used_align` (a power of two >= 4: 4096 for legacy QueueAlign, 4 for
 * modern). Returns 0 or VNET_ERR_INVAL.
 */
int vnet_vq_layout(uint16_t size, uint32_t used_align, struct vnet_vq_layout *out);

/*
 * Zeroes `mem` (lay->total bytes) and sets up the shadow state. `mem` must
 * be 16-byte aligned. Returns 0 or VNET_ERR_INVAL.
 */
int vnet_vq_init(struct vnet_vq *vq, uint16_t index, uint16_t size, uint32_t used_align,
                 bool guest_order, void *mem, size_t mem_len);

/* True when id is in flight. */
bool vnet_vq_in_flight(const struct vnet_vq *vq, uint16_t id);

/*
 * Writes descriptor `id` (addr, len, WRITE when the device writes it) and puts
 * it in the avail ring, without publishing. Returns 0, VNET_ERR_INVAL for an
 * id out of range or VNET_ERR_BUSY when it is already in flight.
 */
int vnet_vq_post(struct vnet_vq *vq, uint16_t id, uint64_t addr, uint32_t len, bool device_writes);

/*
 * Publishes every posted entry to the device: a write barrier, then
 * avail->idx (virtio 1.2 §2.7.13.2-3). Returns true when anything new was
 * published.
 */
bool vnet_vq_publish(struct vnet_vq *vq, const struct vnet_ops *ops);

/*
 * After a publish: a full barrier, then used->flags (virtio 1.2 §2.7.13.4).
 * True unless the device set NO_NOTIFY, i.e. when the caller must write
 * QueueNotify.
 */
bool vnet_vq_notify_needed(const struct vnet_vq *vq, const struct vnet_ops *ops);

/*
 * Consumes at most `budget` used entries, calling fn for each valid one (an
 * id that was in flight; it is free again when fn runs). Invalid entries are
 * counted in vq->stats and skipped. *valid (may be NULL) gets the number of
 * valid entries. Returns 0; VNET_ERR_USED_ID when at least one entry was
 * invalid (the valid ones were still delivered); VNET_ERR_USED_IDX when
 * used->idx moved by more than the buffers published and not yet returned
 * (nothing is consumed and the ring is marked broken); VNET_ERR_BROKEN when
 * it already was.
 */
int vnet_vq_harvest(struct vnet_vq *vq, const struct vnet_ops *ops, unsigned budget,
                    vnet_vq_used_fn fn, void *ctx, unsigned *valid);

/* The first free id (not in flight), or -1 when all are in flight. */
int vnet_vq_free_id(const struct vnet_vq *vq);

#endif
