/*
 * A register-level fake of a virtio-mmio network device, Version 1 (legacy)
 * and Version 2 (modern), modelled on QEMU 7.2's virtio-mmio + virtio-net.
 * Host only (uses libc). It is an independent reading of the virtio spec:
 * it shares no code with userspace/libs/virtio-net beyond the register
 * offsets it must agree on by definition.
 *
 * Memory: the fake owns a window of "guest physical" memory [base, base+len)
 * backed by a host buffer the caller gives; the driver's DMA memory must lie
 * inside it and fake_vnet_dma_addr translates host pointers to window
 * addresses. Every address the driver writes into a ring or register is
 * bounds-checked against the window; a bad one is a protocol violation.
 *
 * Protocol violations by the driver (status written out of order or with a
 * bit cleared, notify before DRIVER_OK, queue set up twice, addresses outside
 * the window, ...) are never fatal: they are counted in `violations` and the
 * first one is described in `first_violation`.
 */
#ifndef RVNET_HOST_FAKE_VNET_H
#define RVNET_HOST_FAKE_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "virtio-net/virtio_mmio.h"

/* The feature words QEMU 7.2's virtio-net device offers on virtio-mmio with
 * -netdev user (as its DeviceFeatures read back on the virt board). */
#define FAKE_VNET_QEMU_LEGACY_FEATURES 0x39bf8064ull
#define FAKE_VNET_QEMU_MODERN_FEATURES 0x0000010130bf8024ull
/* QueueNumMax of both queues: QEMU 7.2 reports 1024 for the net queues
 * (with or without rx_queue_size=), and the driver picks its own size below
 * it. It is also the largest the fake's per-queue arrays hold. */
#define FAKE_VNET_QUEUE_NUM_MAX 1024u
#define FAKE_VNET_RX_PENDING_MAX 1024u /* injected frames waiting for a buffer */
#define FAKE_VNET_FRAME_MAX 2048u

/* Ways the fake can misbehave. Each is armed with a count of how many times
 * it fires (fake_vnet_fault); it fires on the next matching event. */
enum fake_vnet_fault {
    FAKE_FAULT_USED_ID_RANGE,      /* next used entry (either queue) gets id >= queue size */
    FAKE_FAULT_USED_ID_UNPOSTED,   /* next TX used entry names an id that is not in flight (extra
                                      entry) */
    FAKE_FAULT_USED_DUPLICATE,     /* next TX completion is written to the used ring twice */
    FAKE_FAULT_RX_LEN_OVER,        /* next RX used len = buffer len + 100 */
    FAKE_FAULT_RX_LEN_SHORT,       /* next RX used len = header + 5 */
    FAKE_FAULT_USED_IDX_JUMP,      /* next used->idx update on either queue adds size + 1 extra */
    FAKE_FAULT_RESET_STUCK,        /* Status keeps its value after a write of 0 */
    FAKE_FAULT_FEATURES_OK_REFUSE, /* the next FEATURES_OK is refused, and so is every later
                                      one until a reset */
    FAKE_FAULT_DESC_SCRIBBLE, /* after consuming a descriptor, overwrite its addr/len/flags with
                                 garbage */
    FAKE_FAULT_NEEDS_RESET_ON_STATUS, /* right after the next non-zero Status write the device
                                         fails (fake_vnet_needs_reset), as QEMU's virtio_error
                                         can while the driver sets up */
    FAKE_FAULT_CONFIG_TORN,           /* the next config-space read races an update: it reads
                                         the complement of each byte and ConfigGeneration
                                         moves on (reads after it see the real value) */
    FAKE_FAULT_COUNT
};

/* One buffer the device took from an avail ring: its head id and the
 * segments of its chain (scratch of the queue that owns it). */
struct fake_vnet_chain {
    uint32_t head;
    unsigned nseg;
    uint64_t addr[FAKE_VNET_QUEUE_NUM_MAX];
    uint32_t len[FAKE_VNET_QUEUE_NUM_MAX];
    uint64_t total;
};

/* A queue's large arrays: only the first `num` (or a count's worth) of
 * each entry is ever read, so a reset does not clear them. */
struct fake_vnet_qstore {
    /* completions held back for out-of-order release (held_n) */
    uint32_t held_id[FAKE_VNET_QUEUE_NUM_MAX];
    uint32_t held_len[FAKE_VNET_QUEUE_NUM_MAX];
    /* TX buffers taken (handed to the backend) but not yet completed, when
     * auto_complete_tx is off (wait_n) */
    uint16_t wait_id[FAKE_VNET_QUEUE_NUM_MAX];
    /* the barrier model: used entries written but not yet visible to the
     * driver (late_n), and the avail side at the driver's last
     * store-ordering barrier (snap_valid) */
    uint32_t late_slot[2u * FAKE_VNET_QUEUE_NUM_MAX];
    uint32_t late_id[2u * FAKE_VNET_QUEUE_NUM_MAX];
    uint32_t late_len[2u * FAKE_VNET_QUEUE_NUM_MAX];
    uint8_t snap_ring[2u * FAKE_VNET_QUEUE_NUM_MAX];
    uint8_t snap_desc[16u * FAKE_VNET_QUEUE_NUM_MAX];
    struct fake_vnet_chain chain; /* the buffer being moved */
};

struct fake_vnet_queue {
    /* registers */
    uint32_t num, align, pfn, ready;
    uint64_t desc, driver, device;
    /* device-side progress */
    uint16_t last_avail; /* next avail index the device will take */
    uint16_t used_idx;   /* device's used index (also written to the ring) */
    bool no_notify;      /* device sets VRING_USED_F_NO_NOTIFY in used->flags */
    unsigned held_n, wait_n;
    uint32_t outstanding[FAKE_VNET_QUEUE_NUM_MAX / 32u]; /* ids taken, not yet used */
    /* the barrier model (barrier.c) */
    unsigned late_n;
    bool snap_valid;
    uint16_t snap_avail_idx;   /* avail->idx at the driver's last WRITE or FULL barrier */
    uint16_t flags_dev;        /* used->flags as the device last wrote it */
    bool flags_stale;          /* ... not yet what the driver sees (until a FULL barrier) */
    uint16_t idx_seen;         /* used->idx at the driver's last READ or FULL barrier */
    bool idx_hidden;           /* the ring shows idx_seen, after an ACK, until a barrier */
    uint64_t notifies;         /* QueueNotify writes naming this queue */
    struct fake_vnet_qstore s; /* last: not cleared by a reset */
};

struct fake_vnet_stats {
    uint64_t notifies_before_driver_ok;
    uint64_t irqs_raised;      /* times InterruptStatus went from 0 to non-zero */
    uint64_t acks;             /* InterruptACK writes */
    uint32_t last_ack;         /* value of the last InterruptACK write */
    uint64_t tx_frames;        /* frames handed to the backend (or dropped without one) */
    uint64_t rx_delivered;     /* injected frames written into RX buffers */
    uint64_t rx_dropped;       /* injected frames dropped: pending queue full or too big */
    uint64_t resets;           /* device resets (Status 0 or legacy QueuePFN 0) */
    uint64_t status_reads;     /* reads of the Status register */
    uint64_t generation_reads; /* reads of ConfigGeneration */
    uint64_t delay_us;         /* microseconds the driver waited through ops->delay_us: the
                                  only clock the fake has */
};

/* How the device behaves; the cfg gives the values at init, and a test may
 * change them at any time through f->knobs. */
struct fake_vnet_knobs {
    bool auto_complete_tx; /* complete TX on notify (default true); else fake_vnet_process */
    bool model_barriers;   /* the barrier model of fake_vnet_barrier (default true);
                              off only where the driver's speed, not the fake's
                              checking, is measured (bench_virtio) */
    unsigned ooo_window;   /* 0/1: in order; else hold up to this many completions per
                              queue and release them in a seeded shuffled order */
};

/* What the device is. Set by fake_vnet_cfg_defaults; the window is the
 * caller's. The identity fields are read live, so a test may change them
 * in f->cfg before the driver starts (or to play a device that changes). */
struct fake_vnet_cfg {
    uint32_t version;       /* 1 legacy, 2 modern */
    uint32_t device_id;     /* 1 net, 0 an empty slot */
    uint64_t features;      /* offered; legacy shows only the low 32 bits */
    uint8_t mac[6];         /* 02:00:00:00:00:01 */
    bool link_up;           /* config status bit 0 at init */
    uint32_t reset_reads;   /* a reset that takes time: after a write of 0, Status reads
                               its old value this many times before it reads 0 (0: done
                               within the write, as QEMU's); any other write meanwhile
                               is a violation */
    uint16_t mtu;           /* config mtu (1500); offer VIRTIO_NET_F_MTU (bit 3) in features
                               to show it, as QEMU's host_mtu= does: TX frames above
                               mtu + 14 are then violations (else above 1514) */
    uint32_t queue_num_max; /* QueueNumMax of both queues */
    uint8_t *mem;           /* the DMA window: mem_len host bytes that the */
    size_t mem_len;         /* device sees at guest address mem_base */
    uint64_t mem_base;
    uint64_t seed; /* of the out-of-order shuffle and the scribble fault */
    struct fake_vnet_knobs knobs;
};

/* The device's registers (virtio 1.2 §4.2.2) and config state. */
struct fake_vnet_regs {
    uint32_t status;
    uint32_t dev_features_sel, drv_features_sel;
    uint64_t driver_features;
    uint32_t guest_page_size;
    uint32_t queue_sel;
    uint32_t int_status;
    uint32_t config_generation;
    uint16_t net_status;   /* config status: bit 0 link up */
    bool features_refused; /* FEATURES_OK was refused: it is refused again until a reset */
    bool broken;           /* the device failed (NEEDS_RESET): it ignores the rings until
                              a reset, even once the driver's Status write wiped the bit */
    uint32_t reset_left;   /* reads of Status still to show reset_shows (cfg.reset_reads) */
    uint32_t reset_shows;  /* Status as it was before the write of 0 */
};

struct fake_vnet {
    struct fake_vnet_cfg cfg;
    struct fake_vnet_regs regs;
    struct fake_vnet_queue q[2]; /* 0 RX, 1 TX */
    struct fake_vnet_knobs knobs;

    /* --- misbehaviour, armed by a test --- */
    unsigned fault_armed[FAKE_FAULT_COUNT];
    uint32_t raise_on_status_read; /* bits ORed into int_status right after the next
                                      InterruptStatus read (models a race) */
    uint64_t rng;                  /* the shuffle's state (xorshift64), from cfg.seed */

    /* --- the far side (fake_vnet_attach) --- */
    struct fake_backend backend; /* ops NULL: none attached */
    /* injected frames waiting for an RX buffer */
    uint8_t (*pending)[FAKE_VNET_FRAME_MAX]; /* FAKE_VNET_RX_PENDING_MAX entries, malloc'd */
    uint16_t pending_len[FAKE_VNET_RX_PENDING_MAX];
    unsigned pending_head, pending_n;

    /* --- observation --- */
    struct fake_vnet_stats stats;
    unsigned violations;
    char first_violation[160];
};

/* QEMU 7.2's device of that version (1 or 2) with -netdev user: its
 * feature words, MAC 02:00:00:00:00:01 (as -device mac= sets it), link up,
 * mtu 1500, QueueNumMax 1024; TX completed on notify, in order, the barrier
 * model on. The window is left empty (mem NULL): the caller sets it. */
void fake_vnet_cfg_defaults(struct fake_vnet_cfg *cfg, uint32_t version);

/* A device as cfg says, reset, and its pending-frame store. Returns 0, or
 * -1 for a bad cfg (version not 1 or 2, no window, queue_num_max above
 * FAKE_VNET_QUEUE_NUM_MAX) or when out of memory. */
int fake_vnet_init(struct fake_vnet *f, const struct fake_vnet_cfg *cfg);

/* The same on a fake already initialised, keeping its allocation: for
 * loops that want a fresh device per run (the fuzz targets). Frames still
 * pending are dropped. Returns what fake_vnet_init returns. */
int fake_vnet_reinit(struct fake_vnet *f, const struct fake_vnet_cfg *cfg);

/* Frees what fake_vnet_init allocated. */
void fake_vnet_free(struct fake_vnet *f);

/* Register access, as the driver's ops table calls it. */
uint32_t fake_vnet_read32(struct fake_vnet *f, uint32_t off);
uint16_t fake_vnet_read16(struct fake_vnet *f, uint32_t off);
uint8_t fake_vnet_read8(struct fake_vnet *f, uint32_t off);
void fake_vnet_write32(struct fake_vnet *f, uint32_t off, uint32_t val);

/* A vnet_ops table that drives this fake (ctx = f). */
void fake_vnet_ops(struct fake_vnet *f, struct vnet_ops *ops);

/* Host pointer <-> window address. */
uint64_t fake_vnet_dma_addr(const struct fake_vnet *f, const void *p);

/* Puts a backend behind the device (see backend.h): every frame the driver
 * sends goes to its tx, and it is bound to a sink that delivers into the
 * device as fake_vnet_inject does. NULL detaches (frames sent are then
 * counted and dropped). The struct is copied; the backend is not closed
 * when it is replaced or detached. */
void fake_vnet_attach(struct fake_vnet *f, const struct fake_backend *be);

/* The far side: a frame to deliver to the driver. Written into the next
 * posted RX buffer now if one is free, else queued (bounded). Returns 0, or
 * -1 when the frame was dropped (counted in stats.rx_dropped). */
int fake_vnet_inject(struct fake_vnet *f, const void *frame, size_t len);

/* Delivers queued frames into buffers the driver has posted since, and
 * completes TX still waiting (when auto_complete_tx is false). */
void fake_vnet_process(struct fake_vnet *f, bool complete_tx);

/* Writes every held (out-of-order) completion to the used rings. */
void fake_vnet_flush(struct fake_vnet *f);

/* Arms a fault to fire `times` times. */
void fake_vnet_fault(struct fake_vnet *f, enum fake_vnet_fault fault, unsigned times);

/* Changes the link status in config: bumps ConfigGeneration and raises the
 * config-change interrupt. */
void fake_vnet_set_link(struct fake_vnet *f, bool up);

/* Sets DEVICE_NEEDS_RESET and raises the config-change interrupt. */
void fake_vnet_needs_reset(struct fake_vnet *f);

/* A broken device: moves queue qi's used->idx on by n without writing any
 * entry, so the driver would read the entries of the ring's previous lap
 * as new ones; raises the interrupt. For the driver's bound on used->idx:
 * it may move by at most the buffers the device holds (virtio 1.2 §2.7.8). */
void fake_vnet_used_idx_move(struct fake_vnet *f, unsigned qi, uint16_t n);

/* Raises interrupt bits as the device would (for tests of the handler). */
void fake_vnet_raise(struct fake_vnet *f, uint32_t bits);

/* True while InterruptStatus is non-zero (the level-triggered line). */
bool fake_vnet_irq_line(const struct fake_vnet *f);

/* Header length the device uses given the negotiated features (10 or 12). */
unsigned fake_vnet_hdr_len(const struct fake_vnet *f);

/*
 * The driver's barrier (the ops table's barrier calls it), and with it a
 * model of what a device running beside the driver could see, so that a
 * missing barrier fails a test instead of passing unnoticed:
 *  - a used entry the device writes reads as a poison id (0xffffffff) until
 *    the driver's next READ or FULL barrier, while used->idx is visible at
 *    once: a driver that reads entries without a read barrier after the
 *    index sees garbage;
 *  - at each WRITE or FULL barrier, and when the device looks at a queue,
 *    an avail->idx that moved since the previous barrier must not cover a
 *    ring entry or descriptor that also changed since then: the entries and
 *    the index written without a barrier between them is a violation.
 */
void fake_vnet_barrier(struct fake_vnet *f, enum vnet_barrier kind);

#endif
