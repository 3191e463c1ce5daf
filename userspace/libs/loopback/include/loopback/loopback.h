/*
 * The lo device: a bounded FIFO of frames in caller-provided slots. What
 * lo_send puts in comes back out of lo_poll, byte for byte and in order.
 * A send into a full queue fails with LO_ERR_FULL and counts the drop;
 * nothing is ever lost silently and nothing is overwritten.
 *
 * The netstack puts Ethernet II frames with all-zero addresses on lo (as a
 * capture on Linux's lo shows them), but this device does not look inside:
 * any 1..LO_FRAME_MAX bytes go.
 *
 * No call allocates, blocks or aborts.
 */
#ifndef LOOPBACK_LOOPBACK_H
#define LOOPBACK_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LO_FRAME_MAX 1514u   /* bytes per slot: one Ethernet frame without FCS */
#define LO_DEPTH_DEFAULT 16u /* slots, when the caller has no better idea */
#define LO_DEPTH_MAX 0xffffu

/* Errors: every fallible call returns 0 or one of these (all negative). */
enum lo_err {
    LO_OK = 0,
    LO_ERR_INVAL = -1,   /* a NULL pointer, depth 0 or above LO_DEPTH_MAX */
    LO_ERR_FULL = -2,    /* every slot holds a frame: dropped and counted */
    LO_ERR_TOO_BIG = -3, /* empty, or longer than LO_FRAME_MAX: dropped and counted */
};

/* The lowest (most negative) code: every value from it to 0 is named. A new
 * code goes below it, and this moves to the new one. */
#define LO_ERR_LOWEST LO_ERR_TOO_BIG

/* A short, stable name for an error code ("full", ...); "unknown" for any
 * other value. */
const char *lo_strerror(int err);

struct lo_slot {
    uint16_t len; /* the frame's length; LO_MARK (bit 15) holds its mark */
    uint8_t data[LO_FRAME_MAX];
};

/* The mark's bit in lo_slot.len: lengths stop at LO_FRAME_MAX, far below
 * it, so the slot needs no other field. */
#define LO_MARK 0x8000u
_Static_assert(LO_FRAME_MAX < LO_MARK, "a slot's length never reaches its mark bit");

struct lo_counters {
    uint64_t tx_frames, tx_bytes; /* accepted by lo_send */
    uint64_t rx_frames, rx_bytes; /* handed out by lo_poll */
    uint64_t drop_full;           /* lo_send into a full queue */
    uint64_t drop_len;            /* lo_send of 0 or more than LO_FRAME_MAX bytes */
};

/* Every field is private; use the functions below. */
struct lo_dev {
    struct lo_slot *slots;
    unsigned depth; /* number of slots */
    unsigned head;  /* oldest frame */
    unsigned count; /* frames queued */
    bool in_rx;     /* lo_poll is inside fn: the frame at head is out */
    struct lo_counters cnt;
};

/* Sets lo up empty over `depth` caller-provided slots. */
int lo_init(struct lo_dev *lo, struct lo_slot *slots, unsigned depth);

/* Copies len bytes into the next free slot. LO_ERR_FULL when none is free,
 * LO_ERR_TOO_BIG for 0 or more than LO_FRAME_MAX bytes; both are counted. */
int lo_send(struct lo_dev *lo, const void *frame, size_t len);

/* lo_send, and the frame carries one bit for the receiver, which
 * lo_rx_marked gives back while the frame is handed out. lo never
 * interprets it (the netstack marks the frames it built itself, whose
 * checksums need no second look; docs/netstack.md, "Checksums on lo"). lo_send sends unmarked. */
int lo_send_marked(struct lo_dev *lo, const void *frame, size_t len, bool mark);

/* Called for each frame; the bytes are valid only during the call. */
typedef void (*lo_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

/*
 * Hands up to `budget` frames to fn, oldest first, freeing each slot after
 * fn returns. fn may call lo_send: a frame it queues is handed out in the
 * same call while the budget lasts (that is how a ping on lo is answered
 * within one poll). The slot being handed out stays occupied during fn, so
 * a send from fn never overwrites it. *delivered (may be NULL) gets the
 * count.
 */
int lo_poll(struct lo_dev *lo, unsigned budget, lo_rx_fn fn, void *ctx, unsigned *delivered);

/* Inside fn, during lo_poll: the mark the frame being handed out was sent
 * with. Outside a call of fn: false. */
bool lo_rx_marked(const struct lo_dev *lo);

/* Frames waiting. */
unsigned lo_pending(const struct lo_dev *lo);

/* A copy of the counters. */
void lo_counters(const struct lo_dev *lo, struct lo_counters *out);

#endif
