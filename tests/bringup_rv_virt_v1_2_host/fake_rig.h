/*
 * A fake device in a DMA window with no frontend, and a scripted driver for
 * it: registers written one by one, ring fields written by hand (modern
 * layout: little-endian), barriers called where a test wants them. The
 * tests of the fake itself use it, so that what they show is the device's
 * behaviour, not the frontend's.
 */
#ifndef RVNET_TESTS_FAKE_RIG_H
#define RVNET_TESTS_FAKE_RIG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_vnet.h"

#define BASE 0x80000000ull
#define MEMLEN (256u * 1024u)

struct rig {
    struct fake_vnet f;
    uint8_t *mem;
    struct fake_fn_backend be; /* what the device sends: counted, the last one kept */
    unsigned sent;
    size_t last_len;
    uint8_t last[2048];
};

static inline void rig_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct rig *r = ctx;
    r->sent++;
    r->last_len = len < sizeof(r->last) ? len : sizeof(r->last);
    memcpy(r->last, frame, r->last_len);
}

static inline struct rig *rig_open(uint32_t version)
{
    struct rig *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    r->mem = aligned_alloc(4096, MEMLEN);
    assert_non_null(r->mem);
    memset(r->mem, 0, MEMLEN);
    struct fake_vnet_cfg cfg;
    fake_vnet_cfg_defaults(&cfg, version);
    cfg.mem = r->mem;
    cfg.mem_len = MEMLEN;
    cfg.mem_base = BASE;
    assert_int_equal(fake_vnet_init(&r->f, &cfg), 0);
    struct fake_backend be = fake_fn_backend(&r->be, rig_tx, r);
    fake_vnet_attach(&r->f, &be);
    return r;
}

static inline void rig_close(struct rig *r)
{
    fake_vnet_free(&r->f);
    free(r->mem);
    free(r);
}

static inline uint32_t rd(struct rig *r, uint32_t off)
{
    return fake_vnet_read32(&r->f, off);
}

static inline void wr(struct rig *r, uint32_t off, uint32_t v)
{
    fake_vnet_write32(&r->f, off, v);
}

static inline void bar(struct rig *r, enum vnet_barrier kind)
{
    fake_vnet_barrier(&r->f, kind);
}

static inline uint8_t *at(struct rig *r, uint64_t gpa)
{
    return r->mem + (gpa - BASE);
}

static inline void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#define S_ACK VNET_STATUS_ACKNOWLEDGE
#define S_DRV VNET_STATUS_DRIVER
#define S_FOK VNET_STATUS_FEATURES_OK
#define S_DOK VNET_STATUS_DRIVER_OK

/* A modern device up to FEATURES_OK, with VERSION_1 only. */
static inline void rig_features_ok(struct rig *r)
{
    wr(r, VNET_MMIO_STATUS, S_ACK);
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 0);
    wr(r, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(r, VNET_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(r, VNET_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(r, VNET_MMIO_STATUS), S_ACK | S_DRV | S_FOK);
}

/* One modern queue: where its three parts are, and the driver's next avail
 * index (free-running, published by sq_publish). */
struct sq {
    unsigned qi;
    uint16_t num;
    uint64_t desc, avail, used;
    uint16_t next;
};

/* Queue qi of num entries at window offset off, made ready. */
static inline void sq_setup(struct rig *r, struct sq *q, unsigned qi, uint16_t num, uint64_t off)
{
    q->qi = qi;
    q->num = num;
    q->desc = BASE + off;
    q->avail = q->desc + 16u * num;
    q->used = (q->avail + 6u + 2u * num + 3u) & ~3ull;
    q->next = 0;
    wr(r, VNET_MMIO_QUEUE_SEL, qi);
    assert_int_equal(rd(r, VNET_MMIO_QUEUE_READY), 0);
    wr(r, VNET_MMIO_QUEUE_NUM, num);
    wr(r, VNET_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
    wr(r, VNET_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
    wr(r, VNET_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
    wr(r, VNET_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail >> 32));
    wr(r, VNET_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
    wr(r, VNET_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(q->used >> 32));
    wr(r, VNET_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(r, VNET_MMIO_QUEUE_READY), 1);
}

static inline void sq_desc(struct rig *r, const struct sq *q, uint16_t id, uint64_t addr,
                           uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = at(r, q->desc + 16u * id);
    put_le(d, addr, 8);
    put_le(d + 8, len, 4);
    put_le(d + 12, flags, 2);
    put_le(d + 14, next, 2);
}

/* Puts a chain head in the next avail slot; not yet published. */
static inline void sq_post(struct rig *r, struct sq *q, uint16_t head)
{
    put_le(at(r, q->avail + 4u + 2u * (q->next % q->num)), head, 2);
    q->next++;
}

static inline void sq_publish(struct rig *r, const struct sq *q)
{
    put_le(at(r, q->avail + 2), q->next, 2);
}

static inline uint16_t sq_used_flags(struct rig *r, const struct sq *q)
{
    return (uint16_t)get_le(at(r, q->used), 2);
}

static inline uint16_t sq_used_idx(struct rig *r, const struct sq *q)
{
    return (uint16_t)get_le(at(r, q->used + 2), 2);
}

static inline uint32_t sq_used_id(struct rig *r, const struct sq *q, uint16_t idx)
{
    return (uint32_t)get_le(at(r, q->used + 4u + 8u * (idx % q->num)), 4);
}

/* A TX buffer at window offset off: a zero header and a frame of len. */
static inline void tx_buffer(struct rig *r, uint64_t off, size_t len, uint8_t fill)
{
    memset(at(r, BASE + off), 0, 12);
    memset(at(r, BASE + off + 12), fill, len);
}

#endif
