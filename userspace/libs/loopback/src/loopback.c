/*
 * The lo device: a ring of caller-provided slots. Indices wrap by compare
 * and subtract, never by division, so any depth works and no libgcc helper
 * is needed.
 */
#include "loopback/loopback.h"

#include <string.h>

int lo_init(struct lo_dev *lo, struct lo_slot *slots, unsigned depth)
{
    if (!lo || !slots || depth == 0 || depth > LO_DEPTH_MAX)
        return LO_ERR_INVAL;
    memset(lo, 0, sizeof(*lo));
    lo->slots = slots;
    lo->depth = depth;
    return LO_OK;
}

static unsigned wrap(const struct lo_dev *lo, unsigned i)
{
    return i >= lo->depth ? i - lo->depth : i;
}

int lo_send(struct lo_dev *lo, const void *frame, size_t len)
{
    return lo_send_marked(lo, frame, len, false);
}

int lo_send_marked(struct lo_dev *lo, const void *frame, size_t len, bool mark)
{
    if (!lo || !lo->slots || (!frame && len != 0))
        return LO_ERR_INVAL;
    if (len == 0 || len > LO_FRAME_MAX) {
        lo->cnt.drop_len++;
        return LO_ERR_TOO_BIG;
    }
    if (lo->count >= lo->depth) {
        lo->cnt.drop_full++;
        return LO_ERR_FULL;
    }
    struct lo_slot *s = &lo->slots[wrap(lo, lo->head + lo->count)];
    memcpy(s->data, frame, len);
    s->len = (uint16_t)(len | (mark ? LO_MARK : 0u));
    lo->count++;
    lo->cnt.tx_frames++;
    lo->cnt.tx_bytes += len;
    return LO_OK;
}

int lo_poll(struct lo_dev *lo, unsigned budget, lo_rx_fn fn, void *ctx, unsigned *delivered)
{
    if (delivered)
        *delivered = 0;
    if (!lo || !lo->slots || !fn)
        return LO_ERR_INVAL;
    unsigned n = 0;
    while (n < budget && lo->count > 0) {
        const struct lo_slot *s = &lo->slots[lo->head];
        size_t len = s->len & ~LO_MARK;
        lo->cnt.rx_frames++;
        lo->cnt.rx_bytes += len;
        lo->in_rx = true;
        fn(ctx, s->data, len);
        lo->in_rx = false;
        /* Only now is the slot free: fn may have queued behind it. */
        lo->head = wrap(lo, lo->head + 1u);
        lo->count--;
        n++;
    }
    if (delivered)
        *delivered = n;
    return LO_OK;
}

bool lo_rx_marked(const struct lo_dev *lo)
{
    /* During fn the frame handed out is the one at head. */
    return lo && lo->in_rx && (lo->slots[lo->head].len & LO_MARK) != 0;
}

unsigned lo_pending(const struct lo_dev *lo)
{
    return lo ? lo->count : 0u;
}

void lo_counters(const struct lo_dev *lo, struct lo_counters *out)
{
    if (!out)
        return;
    if (!lo) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = lo->cnt;
}
