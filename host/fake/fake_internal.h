/*
 * What the files of the fake virtio-mmio device share with each other and
 * with nobody else. One file per concept:
 *   device.c   life cycle, observation (violations), faults, the seeded rng
 *   mem.c      the guest memory window and ring byte order
 *   ring.c     the device side of the split ring (virtio 1.2 §2.7)
 *   netpath.c  the net data path: TX out to the far side, RX in (§5.1.6)
 *   barrier.c  what the driver sees of the rings, given its barriers
 *   regs.c     the register file (virtio 1.2 §4.2.2) and config space
 *   status.c   the Status register's state machine (§2.1, §3.1.1) and reset
 *   ops.c      the vnet_ops adapter the driver calls
 * Host only.
 */
#ifndef RVNET_HOST_FAKE_INTERNAL_H
#define RVNET_HOST_FAKE_INTERNAL_H

#include "fake_vnet.h"

#define FAKE_QUEUES 2u
#define FAKE_RXQ 0u
#define FAKE_TXQ 1u
#define FAKE_F_VERSION_1 (1ull << 32)
#define FAKE_F_ACCESS_PLATFORM (1ull << 33)
#define FAKE_F_MRG_RXBUF (1ull << 15)
#define FAKE_F_MTU (1ull << 3)
#define FAKE_DESC_F_NEXT 1u
#define FAKE_DESC_F_WRITE 2u
#define FAKE_AVAIL_F_NO_INTERRUPT 1u
#define FAKE_USED_F_NO_NOTIFY 1u
#define FAKE_HDR_LEN_LEGACY 10u
#define FAKE_HDR_LEN_MODERN 12u
#define FAKE_ETH_MAX_FRAME 1514u
#define FAKE_POISON 0xffffffffu /* what a used entry reads as before it is visible */

/* device.c */
void fake_violation(struct fake_vnet *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void fake_raise_bits(struct fake_vnet *f, uint32_t bits);
uint64_t fake_rand(struct fake_vnet *f);
/* Takes one shot of an armed fault: true (and one fewer armed) when it fires. */
bool fake_fault_take(struct fake_vnet *f, enum fake_vnet_fault fault);

/* mem.c: host pointer for [addr, addr+len) of the window, NULL when any
 * byte lies outside; ring fields in the ring byte order. */
uint8_t *fake_gptr(const struct fake_vnet *f, uint64_t addr, uint64_t len);
bool fake_modern(const struct fake_vnet *f);
uint16_t fake_ld16(const struct fake_vnet *f, const uint8_t *p);
uint32_t fake_ld32(const struct fake_vnet *f, const uint8_t *p);
uint64_t fake_ld64(const struct fake_vnet *f, const uint8_t *p);
void fake_st16(const struct fake_vnet *f, uint8_t *p, uint16_t v);
void fake_st32(const struct fake_vnet *f, uint8_t *p, uint32_t v);
void fake_st64(const struct fake_vnet *f, uint8_t *p, uint64_t v);

/* ring.c */
uint8_t *fake_ring_avail(const struct fake_vnet *f, unsigned qi);
uint8_t *fake_ring_desc(const struct fake_vnet *f, unsigned qi);
uint8_t *fake_ring_used(const struct fake_vnet *f, unsigned qi);
bool fake_queue_live(const struct fake_vnet *f, unsigned qi);
bool fake_ring_fits(struct fake_vnet *f, unsigned qi);
void fake_queue_reset(struct fake_vnet_queue *q);
/* The next available buffer into q->chain: 1 taken, 0 none, -1 violation. */
int fake_ring_take(struct fake_vnet *f, unsigned qi, bool want_write);
/* A completion, in order or held back for out-of-order release. */
void fake_ring_complete(struct fake_vnet *f, unsigned qi, uint32_t id, uint32_t len);
/* Writes every held completion of the queue, in a shuffled order. */
void fake_ring_release_held(struct fake_vnet *f, unsigned qi);
/* used->flags, used->idx and the interrupt for what moved since `before`. */
void fake_ring_publish(struct fake_vnet *f, unsigned qi, uint16_t before);

/* netpath.c: the device runs: takes TX, delivers RX, publishes. */
void fake_run(struct fake_vnet *f, bool poll_tx, bool poll_rx, bool complete_tx);

/* barrier.c */
void fake_late_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint32_t id, uint32_t len);
void fake_avail_snapshot(struct fake_vnet *f, unsigned qi);
void fake_avail_check(struct fake_vnet *f, unsigned qi);
/* used->flags as the device writes it; the driver sees it after a FULL barrier. */
void fake_flags_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint16_t flags);
/* used->idx as the device writes it (seen at once). */
void fake_idx_put(struct fake_vnet *f, unsigned qi, uint8_t *used, uint16_t idx);
/* The register write `what` lets the device look at queue qi: avail->idx
 * must have been stored before the driver's last store-ordering barrier. */
void fake_order_check(struct fake_vnet *f, unsigned qi, const char *what);
/* An InterruptACK of bits: what the driver may read of used->idx until
 * its next barrier. */
void fake_ack_model(struct fake_vnet *f, uint32_t bits);

/* status.c */
bool fake_driver_ok(const struct fake_vnet *f);
void fake_device_reset(struct fake_vnet *f);
void fake_write_status(struct fake_vnet *f, uint32_t val);

#endif
