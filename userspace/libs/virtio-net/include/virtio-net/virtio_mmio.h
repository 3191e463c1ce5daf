/*
 * virtio-mmio register map and the hardware ops table.
 *
 * The frontend never touches device registers or converts addresses itself:
 * it calls the ops table given at init. platform/rv-virt fills it with
 * volatile MMIO accesses and fences; the host fills it with the fake device.
 *
 * Register offsets and status bits follow virtio 1.2 §4.2.2 (modern,
 * Version 2) and §4.2.4 (legacy, Version 1).
 */
#ifndef VIRTIO_NET_VIRTIO_MMIO_H
#define VIRTIO_NET_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNET_MMIO_MAGIC_VALUE 0x000u
#define VNET_MMIO_VERSION 0x004u
#define VNET_MMIO_DEVICE_ID 0x008u
#define VNET_MMIO_VENDOR_ID 0x00cu
#define VNET_MMIO_DEVICE_FEATURES 0x010u
#define VNET_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VNET_MMIO_DRIVER_FEATURES 0x020u
#define VNET_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VNET_MMIO_GUEST_PAGE_SIZE 0x028u /* legacy only */
#define VNET_MMIO_QUEUE_SEL 0x030u
#define VNET_MMIO_QUEUE_NUM_MAX 0x034u
#define VNET_MMIO_QUEUE_NUM 0x038u
#define VNET_MMIO_QUEUE_ALIGN 0x03cu /* legacy only */
#define VNET_MMIO_QUEUE_PFN 0x040u   /* legacy only */
#define VNET_MMIO_QUEUE_READY 0x044u /* modern only */
#define VNET_MMIO_QUEUE_NOTIFY 0x050u
#define VNET_MMIO_INTERRUPT_STATUS 0x060u
#define VNET_MMIO_INTERRUPT_ACK 0x064u
#define VNET_MMIO_STATUS 0x070u
#define VNET_MMIO_QUEUE_DESC_LOW 0x080u /* modern only, the next five too */
#define VNET_MMIO_QUEUE_DESC_HIGH 0x084u
#define VNET_MMIO_QUEUE_DRIVER_LOW 0x090u
#define VNET_MMIO_QUEUE_DRIVER_HIGH 0x094u
#define VNET_MMIO_QUEUE_DEVICE_LOW 0x0a0u
#define VNET_MMIO_QUEUE_DEVICE_HIGH 0x0a4u
#define VNET_MMIO_CONFIG_GENERATION 0x0fcu /* modern only */
#define VNET_MMIO_CONFIG 0x100u

#define VNET_MMIO_MAGIC 0x74726976u /* "virt" */
#define VNET_MMIO_DEVICE_ID_NET 1u

/* Device status bits (virtio 1.2 §2.1). */
#define VNET_STATUS_ACKNOWLEDGE 1u
#define VNET_STATUS_DRIVER 2u
#define VNET_STATUS_DRIVER_OK 4u
#define VNET_STATUS_FEATURES_OK 8u
#define VNET_STATUS_NEEDS_RESET 64u
#define VNET_STATUS_FAILED 128u

/* InterruptStatus bits (virtio 1.2 §4.2.2). */
#define VNET_INT_USED_BUFFER 1u
#define VNET_INT_CONFIG_CHANGE 2u

/* Which ordering a barrier must give (virtio 1.2 §2.7.13). */
enum vnet_barrier {
    VNET_BARRIER_WRITE, /* earlier stores before later stores (RISC-V fence w,w) */
    VNET_BARRIER_READ,  /* earlier loads before later loads (fence r,r) */
    VNET_BARRIER_FULL,  /* all earlier accesses before all later ones (fence rw,rw) */
};

/*
 * What a platform's ops vouch for (vnet_ops.flags). Each lets the frontend
 * accept one device-independent feature that virtio 1.2 §6.1 says a driver
 * SHOULD accept, and that real hardware usually offers:
 *  - VNET_OPS_ACCESS_PLATFORM: dma_addr returns the address the platform's
 *    DMA path gives the device for that memory (through its IOMMU, mapped,
 *    where there is one; the physical address where there is none), so
 *    VIRTIO_F_ACCESS_PLATFORM may be accepted. Without it the device is
 *    handed physical addresses and must bypass any IOMMU.
 *  - VNET_OPS_ORDER_PLATFORM: barrier orders the accesses as a hardware
 *    device, not only another CPU, needs them ordered (real fences on the
 *    memory and I/O the device sees), so VIRTIO_F_ORDER_PLATFORM may be
 *    accepted.
 */
#define VNET_OPS_ACCESS_PLATFORM 1u
#define VNET_OPS_ORDER_PLATFORM 2u

/*
 * Hardware access. Register offsets are relative to the device's MMIO base.
 * read8/read16 are used only in the device-specific config space, where
 * virtio 1.2 §4.2.2.2 asks for accesses as wide as the field. Values are
 * returned as numbers: any bus byte swapping is the platform's business.
 * dma_addr translates a pointer inside the caller's DMA memory to the address
 * the device sees (the identity on rv-virt). Fields after ctx may be left 0.
 *
 * delay_us (optional) waits at least `us` microseconds (a busy-wait on the
 * platform's timer will do; it should not overshoot by much). The frontend
 * calls it only while it waits for a reset to finish, in steps of
 * VNET_RESET_STEP_US, until cfg.reset_timeout_us have passed. Without it
 * the frontend has no time: the same wait is that many Status reads back
 * to back (reset_timeout_us / VNET_RESET_STEP_US + 1), enough for a device
 * whose reset is done by the time the write of 0 completes (QEMU's, the
 * fake) but not for hardware that takes real time to reset: a platform
 * with such a device must give delay_us.
 */
struct vnet_ops {
    uint32_t (*read32)(void *ctx, uint32_t off);
    void (*write32)(void *ctx, uint32_t off, uint32_t val);
    uint16_t (*read16)(void *ctx, uint32_t off);
    uint8_t (*read8)(void *ctx, uint32_t off);
    void (*barrier)(void *ctx, enum vnet_barrier kind);
    uint64_t (*dma_addr)(void *ctx, const void *ptr);
    void *ctx;
    uint32_t flags; /* VNET_OPS_*: what the ops vouch for; 0 accepts neither feature */
    void (*delay_us)(void *ctx, uint32_t us); /* optional: see above */
};

/* The step of the reset wait, in microseconds. */
#define VNET_RESET_STEP_US 10u

/* What a virtio-mmio slot holds. */
enum vnet_mmio_slot {
    VNET_SLOT_EMPTY, /* DeviceID 0: a placeholder, nothing was touched */
    VNET_SLOT_NET,   /* a virtio-net device */
    VNET_SLOT_OTHER, /* some other virtio device */
};

struct vnet_mmio_info {
    enum vnet_mmio_slot slot;
    uint32_t version; /* 1 legacy, 2 modern */
    uint32_t device_id;
    uint32_t vendor_id;
};

/*
 * Reads MagicValue, Version and DeviceID only; writes nothing. Returns 0 and
 * fills *info (slot EMPTY for DeviceID 0), or VNET_ERR_MAGIC /
 * VNET_ERR_VERSION with *info untouched.
 */
int vnet_mmio_probe(const struct vnet_ops *ops, struct vnet_mmio_info *info);

/* One virtio-mmio transport. Status is not kept here: the device's value
 * is the only one (see vnet_mmio_status_add). */
struct vnet_mmio {
    struct vnet_ops ops;
    uint32_t version; /* 1 legacy, 2 modern */
};

/*
 * Writes 0 to Status and reads it back until it is 0 (virtio 1.2 §2.4.2:
 * the reset is complete only when Status reads 0), waiting
 * VNET_RESET_STEP_US through ops.delay_us between reads, for timeout_us in
 * all. Returns 0 or VNET_ERR_RESET.
 */
int vnet_mmio_reset(const struct vnet_mmio *m, uint32_t timeout_us);

/*
 * Reads Status and writes it back with bits ORed in, as Linux's
 * virtio_add_status does: the value written is the device's, so no write
 * clears a bit, not even one the device set (virtio 1.2 §2.1.1: the driver
 * MUST NOT clear a device status bit; QEMU stores what is written). A
 * device that shows DEVICE_NEEDS_RESET or FAILED is written nothing but
 * FAILED. Returns Status as read after the write (or the first read, when
 * nothing was written): the caller checks that its bits stuck.
 */
uint32_t vnet_mmio_status_add(const struct vnet_mmio *m, uint32_t bits);

/* Status as the device reports it now. */
uint32_t vnet_mmio_status(const struct vnet_mmio *m);

/* The device's feature bits: both 32-bit words on modern, word 0 only on
 * legacy (which has no word 1). Each word is selected before it is read. */
uint64_t vnet_mmio_device_features(const struct vnet_mmio *m);

/* Writes the driver's features, word by word, selecting each first. */
void vnet_mmio_driver_features(const struct vnet_mmio *m, uint64_t features);

/*
 * Selects queue q and returns its QueueNumMax in *max. Fails with
 * VNET_ERR_QUEUE when the queue is already live (QueueReady or QueuePFN not
 * 0) or does not exist (max 0).
 */
int vnet_mmio_queue_max(const struct vnet_mmio *m, uint16_t q, uint32_t *max);

/*
 * Makes queue q live with `num` entries whose parts sit at the given device
 * addresses. Legacy (virtio 1.2 §4.2.4): QueueNum, QueueAlign = align,
 * QueuePFN = desc / page_size (desc must be page-aligned and the parts laid
 * out as the legacy layout with that alignment). Modern (§4.2.3.2): QueueNum,
 * the three address pairs, then QueueReady = 1. Returns 0 or VNET_ERR_QUEUE
 * for an address legacy cannot express.
 */
int vnet_mmio_queue_enable(const struct vnet_mmio *m, uint16_t q, uint32_t num, uint64_t desc,
                           uint64_t avail, uint64_t used, uint32_t align, uint32_t page_size);

/* Writes QueueNotify. */
void vnet_mmio_notify(const struct vnet_mmio *m, uint16_t q);

/* ConfigGeneration on modern; 0 on legacy, which has none. */
uint32_t vnet_mmio_config_generation(const struct vnet_mmio *m);

#endif
