/*
 * Shared helpers of the virtio-net tests: deterministic frame contents and a
 * TX capture on the fake device's far side.
 */
#ifndef RVNET_TESTS_VNET_TEST_UTIL_H
#define RVNET_TESTS_VNET_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TU_CAP_MAX 4096u

/* Frame `seq` of length len: broadcast dst, our MAC as src, ethertype
 * 0x88b5 (local experimental), then the sequence number and a pattern that
 * depends on both seq and position, so a shifted, truncated or swapped
 * frame never compares equal. */
static inline size_t tu_frame(uint8_t *buf, uint32_t seq, size_t len)
{
    static const uint8_t hdr[14] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
                                    0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xb5};
    memcpy(buf, hdr, 14);
    for (size_t i = 14; i < len; i++)
        buf[i] = (uint8_t)(seq * 31u + i * 7u + (i >> 8));
    if (len >= 18) {
        buf[14] = (uint8_t)(seq >> 24);
        buf[15] = (uint8_t)(seq >> 16);
        buf[16] = (uint8_t)(seq >> 8);
        buf[17] = (uint8_t)seq;
    }
    return len;
}

static inline uint32_t tu_seq(const uint8_t *frame)
{
    return ((uint32_t)frame[14] << 24) | ((uint32_t)frame[15] << 16) | ((uint32_t)frame[16] << 8) |
           frame[17];
}

/* Length of frame seq in the mixed-size tests: 60..1514. */
static inline size_t tu_len(uint32_t seq)
{
    return 60u + (seq * 97u) % (1514u - 60u + 1u);
}

/* Frames the device sent out, checked as they come. */
struct tu_txcap {
    uint32_t next_seq; /* the sequence number expected next */
    uint32_t frames;
    uint32_t mismatches;
    size_t last_len;
    uint8_t last[TU_CAP_MAX];
};

static inline void tu_txcap_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct tu_txcap *c = ctx;
    uint8_t want[TU_CAP_MAX];
    c->frames++;
    c->last_len = len < TU_CAP_MAX ? len : TU_CAP_MAX;
    memcpy(c->last, frame, c->last_len);
    if (len < 18 || len != tu_len(c->next_seq) || tu_seq(frame) != c->next_seq) {
        c->mismatches++;
    } else {
        tu_frame(want, c->next_seq, len);
        if (memcmp(want, frame, len) != 0)
            c->mismatches++;
    }
    c->next_seq++;
}

#endif
