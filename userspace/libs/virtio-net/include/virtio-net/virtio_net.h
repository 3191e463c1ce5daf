/*
 * rvnet virtio-net frontend over virtio-mmio, legacy (Version 1) and modern
 * (Version 2).
 *
 * One RX queue (0) and one TX queue (1); one descriptor per buffer; RX
 * buffers come from a slab of fixed-size buffers, all posted before
 * DRIVER_OK; TX copies each frame into a fixed slot behind a zeroed net
 * header. Feature set: VERSION_1 (required on modern), MAC and STATUS when
 * offered, ANY_LAYOUT on legacy (header and frame share one descriptor),
 * ACCESS_PLATFORM and ORDER_PLATFORM when offered and the ops vouch for
 * them (vnet_ops.flags). Never checksum offload, GSO, MRG_RXBUF, CTRL_VQ,
 * MQ, INDIRECT_DESC, EVENT_IDX or RING_PACKED.
 *
 * The device is untrusted: every value it writes is checked, a bad one gives
 * an error and a counter, never an out-of-bounds access.
 *
 * Storage: the caller provides the struct and one block of DMA memory of
 * vnet_dma_size() bytes, 16-byte aligned in the CPU's view and aligned to
 * cfg.legacy_align (4096 by default, 16 at least) in the device's address
 * space.
 * No call allocates, blocks forever, or aborts.
 */
#ifndef VIRTIO_NET_VIRTIO_NET_H
#define VIRTIO_NET_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio-net/virtio_mmio.h"
#include "virtio-net/virtqueue.h"

/* Errors: every fallible call returns 0 or one of these (all negative). */
enum vnet_err {
    VNET_OK = 0,
    VNET_ERR_INVAL = -1,        /* bad argument or configuration */
    VNET_ERR_MAGIC = -2,        /* MagicValue is not "virt" */
    VNET_ERR_VERSION = -3,      /* Version is neither 1 nor 2 */
    VNET_ERR_NO_DEVICE = -4,    /* DeviceID 0: an empty slot */
    VNET_ERR_NOT_NET = -5,      /* a virtio device, but not a network card */
    VNET_ERR_RESET = -6,        /* Status did not read 0 after reset */
    VNET_ERR_FEATURES = -7,     /* a required feature is missing, or FEATURES_OK did not stick */
    VNET_ERR_QUEUE = -8,        /* a queue is missing, too small, or already in use */
    VNET_ERR_MEM = -9,          /* DMA memory too small or misaligned */
    VNET_ERR_STATE = -10,       /* call not valid in the current state */
    VNET_ERR_AGAIN = -11,       /* TX ring full: reclaim and try again */
    VNET_ERR_TOO_BIG = -12,     /* frame larger than the MTU allows (vnet_mtu + 14) */
    VNET_ERR_TOO_SHORT = -13,   /* frame shorter than an Ethernet header */
    VNET_ERR_BUSY = -14,        /* descriptor already in flight */
    VNET_ERR_USED_ID = -15,     /* the device returned an invalid used entry */
    VNET_ERR_USED_IDX = -16,    /* the device moved used->idx by more than it holds */
    VNET_ERR_RX_LEN = -17,      /* the device reported an impossible RX length */
    VNET_ERR_NEEDS_RESET = -18, /* the device set DEVICE_NEEDS_RESET (at init or later) */
    VNET_ERR_BROKEN = -19,      /* the device broke the protocol (earlier, or a Status step) */
    VNET_ERR_CONFIG = -20,      /* config space kept changing while read */
    VNET_ERR_PLATFORM = -21,    /* FEATURES_OK refused without a VIRTIO_F_*_PLATFORM
                                   feature the ops do not vouch for (vnet_ops.flags) */
};

/* The lowest (most negative) code: every value from it to 0 is named. A new
 * code goes below it, and this moves to the new one. */
#define VNET_ERR_LOWEST VNET_ERR_PLATFORM

/* A short, stable name for an error code ("tx-ring-full", "bad-used-id",
 * ...); "unknown" for any other value. */
const char *vnet_strerror(int err);

/* Feature bits (virtio 1.2 §5.1.3 and §6). */
#define VNET_F_CSUM 0u
#define VNET_F_GUEST_CSUM 1u
#define VNET_F_MTU 3u
#define VNET_F_MAC 5u
#define VNET_F_MRG_RXBUF 15u
#define VNET_F_STATUS 16u
#define VNET_F_CTRL_VQ 17u
#define VNET_F_MQ 22u
#define VNET_F_ANY_LAYOUT 27u
#define VNET_F_INDIRECT_DESC 28u
#define VNET_F_EVENT_IDX 29u
#define VNET_F_VERSION_1 32u
#define VNET_F_ACCESS_PLATFORM 33u
#define VNET_F_RING_PACKED 34u
#define VNET_F_ORDER_PLATFORM 36u
#define VNET_FEATURE(bit) (1ull << (bit))

/* The MTU without VIRTIO_NET_F_MTU (Ethernet's), and the least the
 * frontend takes from a device (virtio 1.2 §5.1.4.1: MUST be at least 68). */
#define VNET_MTU_DEFAULT 1500u
#define VNET_MTU_MIN 68u
/* Reads of config space per snapshot before a device whose
 * ConfigGeneration keeps changing gets VNET_ERR_CONFIG (§2.5.1). */
#define VNET_CONFIG_TRIES 8u

#define VNET_ETH_ALEN 6u
#define VNET_ETH_HLEN 14u
#define VNET_ETH_MAX_FRAME 1514u /* without FCS */
#define VNET_HDR_LEN_LEGACY 10u
#define VNET_HDR_LEN_MODERN 12u
#define VNET_RX_QUEUE 0u
#define VNET_TX_QUEUE 1u

/* Status field of the config space (with VIRTIO_NET_F_STATUS). */
#define VNET_CFG_STATUS_LINK_UP 1u

struct vnet_config {
    uint16_t rx_queue_size;     /* power of two, 2..VNET_QUEUE_MAX; cut to QueueNumMax */
    uint16_t tx_queue_size;     /* likewise */
    uint16_t rx_buf_size;       /* bytes per RX buffer, >= 12 + 1514 */
    uint16_t tx_buf_size;       /* bytes per TX slot, >= 12 + 14 */
    uint32_t legacy_align;      /* legacy QueueAlign and GuestPageSize: power of two >= 16 */
    uint32_t reset_timeout_us;  /* how long a reset may take (ops.delay_us gives the time) */
    uint8_t mac[VNET_ETH_ALEN]; /* used when the device offers no MAC */
};

/* Defaults: 16-entry queues, 1536-byte buffers, alignment 4096, a reset
 * timeout of 1 s, MAC 02:00:00:00:00:01. */
void vnet_config_defaults(struct vnet_config *cfg);

/* Bytes of DMA memory vnet_init needs for cfg, or 0 for an invalid cfg. The
 * size does not depend on the device, so it can size a static buffer. */
size_t vnet_dma_size(const struct vnet_config *cfg);

struct vnet_counters {
    uint64_t tx_frames, tx_bytes; /* handed to the device */
    uint64_t rx_frames, rx_bytes; /* delivered to the caller */
    uint64_t tx_full;             /* vnet_send refused: ring full */
    uint64_t tx_bad_len;          /* vnet_send refused: too short or too long */
    uint64_t tx_completed;        /* TX slots returned by the device */
    uint64_t rx_len_over;         /* RX used len above the posted buffer: dropped */
    uint64_t rx_len_short;        /* RX used len below header + 14: dropped */
    uint64_t rx_len_long;      /* RX frame above vnet_mtu + 14 bytes (fits the buffer): dropped */
    uint64_t kicks;            /* QueueNotify writes */
    uint64_t kicks_suppressed; /* notifications skipped: device set NO_NOTIFY */
    uint64_t irqs;             /* vnet_irq calls that found bits set */
    uint64_t irqs_spurious;    /* vnet_irq calls that found neither defined bit (0, 1) */
    uint64_t config_changes;   /* config-change interrupts */
    uint64_t needs_reset;      /* DEVICE_NEEDS_RESET seen */
    struct vnet_vq_stats rxq;  /* used-ring misbehaviour on the RX queue (vnet_counters) */
    struct vnet_vq_stats txq;  /* ... and on the TX queue */
};

enum vnet_state {
    VNET_STATE_DOWN,   /* not initialised, or reset */
    VNET_STATE_READY,  /* DRIVER_OK set, queues live */
    VNET_STATE_BROKEN, /* the device broke the protocol; vnet_reset then vnet_init */
};

/* One device. Every field is private; use the functions below. */
struct vnet_dev {
    struct vnet_mmio mmio; /* ops, version, accumulated Status */
    struct vnet_config cfg;
    enum vnet_state state;
    uint64_t offered;           /* device features as read */
    uint64_t negotiated;        /* the subset the driver accepted */
    uint16_t hdr_len;           /* 10 or 12 */
    uint16_t mtu;               /* what vnet_mtu returns */
    uint8_t mac[VNET_ETH_ALEN]; /* the device's MAC when negotiated, else cfg.mac */
    bool link_up;
    uint8_t *dma;       /* caller's DMA block */
    uint64_t dma_pa;    /* its device address */
    size_t rx_slab_off; /* rxq.size buffers of cfg.rx_buf_size, from dma */
    size_t tx_slab_off; /* txq.size slots of cfg.tx_buf_size, from dma */
    struct vnet_vq rxq;
    struct vnet_vq txq;
    struct vnet_counters cnt;
};

/*
 * Resets the device and initialises it in the order of virtio 1.2 §3.1.1:
 * ACKNOWLEDGE, DRIVER, features, FEATURES_OK (re-read on modern), queues,
 * every RX buffer posted, DRIVER_OK, then the RX queue notified. Each
 * Status step is written on top of what the device shows and read back: a
 * device that sets DEVICE_NEEDS_RESET at any step, up to and including
 * DRIVER_OK, fails init with VNET_ERR_NEEDS_RESET; one that shows FAILED or
 * drops a step's bit, with VNET_ERR_BROKEN (a dropped FEATURES_OK:
 * VNET_ERR_FEATURES). On failure the device is left with FAILED set on top
 * of what it shows (when it was touched at all) and the error is returned,
 * with no notification sent. The MTU (vnet_mtu) is the device's when it
 * offers VIRTIO_NET_F_MTU with at least 68 (1500 otherwise), cut to what
 * an RX buffer and a TX slot hold behind the header (cfg.rx_buf_size and
 * tx_buf_size less hdr_len + 14); the feature is accepted only when an RX
 * buffer holds an mtu-sized packet (virtio 1.2 §5.1.4.2). An empty slot
 * returns VNET_ERR_NO_DEVICE and is not
 * touched. The DMA block must hold vnet_dma_size(cfg) bytes, be 16-byte
 * aligned in the CPU's view and cfg->legacy_align-aligned in the device's
 * (ops->dma_addr), else VNET_ERR_MEM before any register is written.
 */
int vnet_init(struct vnet_dev *dev, const struct vnet_ops *ops, const struct vnet_config *cfg,
              void *dma, size_t dma_len);

/* Writes 0 to Status and waits for it to read 0, for cfg.reset_timeout_us
 * (see vnet_ops.delay_us); VNET_ERR_RESET when it does not. */
int vnet_reset(struct vnet_dev *dev);

/*
 * The way back from VNET_STATE_BROKEN (DEVICE_NEEDS_RESET, a broken ring),
 * or a fresh start of a live device: vnet_init again, which resets the
 * device first, with the ops, configuration and DMA block of the last
 * vnet_init. What was in the rings is gone: TX frames not yet completed
 * are dropped, every RX buffer is posted afresh. The counters carry on,
 * the last init's and this one's added up. VNET_ERR_INVAL for a dev that
 * vnet_init never kept ops and memory in; else what vnet_init returns.
 */
int vnet_reinit(struct vnet_dev *dev);

/*
 * Copies one Ethernet frame (14..vnet_mtu + 14 bytes, no FCS; else
 * VNET_ERR_TOO_SHORT or VNET_ERR_TOO_BIG, counted in tx_bad_len) into a free TX slot
 * behind a zeroed net header and posts it, without notifying. Reclaims
 * completed slots first when the ring is full. VNET_ERR_AGAIN when still full.
 */
int vnet_send_queue(struct vnet_dev *dev, const void *frame, size_t len);

/* Publishes queued TX frames with one notification (unless the device set NO_NOTIFY). */
int vnet_send_kick(struct vnet_dev *dev);

/* vnet_send_queue then vnet_send_kick. */
int vnet_send(struct vnet_dev *dev, const void *frame, size_t len);

/* Returns completed TX slots to the free pool. *n (may be NULL) gets the count. */
int vnet_tx_reclaim(struct vnet_dev *dev, unsigned *n);

/* Number of TX slots free right now (without reclaiming). */
unsigned vnet_tx_free(const struct vnet_dev *dev);

/* TX slots handed to the device (queued or published) that it has not
 * given back as of the last reclaim: 0 once every frame sent has left
 * (virtio 1.2 §2.7.14, the used ring), and 0 when the device is not ready
 * (nothing more will come back). A ring that vnet_reset or vnet_reinit set
 * up anew starts at 0: unlike tx_frames - tx_completed, it forgets what a
 * reset lost. */
unsigned vnet_tx_in_flight(const struct vnet_dev *dev);

/* Called for each received frame (14..vnet_mtu + 14 bytes); the bytes are
 * valid only during the call. */
typedef void (*vnet_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

/*
 * Delivers up to `budget` received frames to fn, then re-posts their buffers
 * and notifies the RX queue once. Frames with an impossible length are
 * dropped and counted and their buffers re-posted. *delivered (may be NULL)
 * gets the number of frames given to fn. The whole batch is processed
 * whatever goes wrong in it; the return value is the gravest error seen,
 * not the first: VNET_ERR_USED_IDX or VNET_ERR_BROKEN (the ring is broken:
 * nothing was taken; vnet_reset), else VNET_ERR_USED_ID (a bad used entry,
 * skipped), else VNET_ERR_RX_LEN (a bad length, dropped), else 0. Valid
 * frames are delivered even when an error is returned.
 */
int vnet_rx_poll(struct vnet_dev *dev, unsigned budget, vnet_rx_fn fn, void *ctx,
                 unsigned *delivered);

/*
 * The interrupt handler: reads InterruptStatus, acknowledges exactly the
 * defined bits it shows (used buffer, config change; any other bit is
 * ignored, virtio 1.2 §4.2.2.2), and on a config change re-reads the link
 * status and checks for DEVICE_NEEDS_RESET. It does not process the rings:
 * call vnet_rx_poll and vnet_tx_reclaim afterwards. *bits (may be NULL) gets
 * what was acknowledged; 0 means a spurious interrupt, which changes nothing
 * but a counter.
 */
int vnet_irq(struct vnet_dev *dev, uint32_t *bits);

/* A snapshot of every counter, the per-queue used-ring stats included. */
void vnet_counters(const struct vnet_dev *dev, struct vnet_counters *out);

/*
 * The device as the frontend sees it. Valid from vnet_init on (a device
 * vnet_init refused reads as DOWN, with what init had learnt by then); a
 * NULL dev gives DOWN, NULL, 0 and false.
 */
enum vnet_state vnet_state(const struct vnet_dev *dev);
/* The 6-byte MAC: the device's when VIRTIO_NET_F_MAC was negotiated, else
 * cfg.mac. Points into dev. */
const uint8_t *vnet_mac(const struct vnet_dev *dev);
/* Device features as offered, and the subset the driver accepted
 * (VNET_FEATURE(VNET_F_...) bits; vnet_features_str names them). */
uint64_t vnet_features_offered(const struct vnet_dev *dev);
uint64_t vnet_features_negotiated(const struct vnet_dev *dev);
/* The virtio-mmio Version: 1 legacy, 2 modern. */
uint32_t vnet_version(const struct vnet_dev *dev);
/* The link status from config space (VIRTIO_NET_F_STATUS), else true. */
bool vnet_link_up(const struct vnet_dev *dev);
/* The MTU the device runs with: the largest payload a frame carries, the
 * frame being at most vnet_mtu + 14 bytes both ways (see vnet_init); 0
 * before init got that far. */
unsigned vnet_mtu(const struct vnet_dev *dev);

/* Human-readable negotiated feature names into buf ("MAC STATUS VERSION_1"). */
size_t vnet_features_str(uint64_t features, char *buf, size_t cap);

#endif
