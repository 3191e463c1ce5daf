/*
 * Guest memory as the fake device sees it: a window [mem_base,
 * mem_base + mem_len) of "guest physical" addresses backed by the caller's
 * host buffer. Every address the driver hands over is checked against it.
 *
 * Ring byte order (virtio 1.2 §2.4.3 and its legacy interface note): ring
 * fields, the net header and config space are little-endian on a modern
 * device and in the guest's own byte order on a legacy one. The guest here
 * is the host, so on a big-endian host the two layouts differ.
 */
#include <string.h>

#include "fake_internal.h"

uint8_t *fake_gptr(const struct fake_vnet *f, uint64_t addr, uint64_t len)
{
    if (addr < f->cfg.mem_base)
        return NULL;
    uint64_t off = addr - f->cfg.mem_base;
    if (off > f->cfg.mem_len || len > f->cfg.mem_len - off)
        return NULL;
    return f->cfg.mem + off;
}

uint64_t fake_vnet_dma_addr(const struct fake_vnet *f, const void *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)f->cfg.mem;
    if (a < lo || a - lo >= f->cfg.mem_len)
        return UINT64_MAX; /* not device-visible: never aligned, never in the window */
    return f->cfg.mem_base + (a - lo);
}

bool fake_modern(const struct fake_vnet *f)
{
    return f->cfg.version >= 2u;
}

uint16_t fake_ld16(const struct fake_vnet *f, const uint8_t *p)
{
    if (fake_modern(f))
        return (uint16_t)(p[0] | (p[1] << 8));
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

uint32_t fake_ld32(const struct fake_vnet *f, const uint8_t *p)
{
    if (fake_modern(f))
        return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
               ((uint32_t)p[3] << 24);
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

uint64_t fake_ld64(const struct fake_vnet *f, const uint8_t *p)
{
    if (fake_modern(f))
        return (uint64_t)fake_ld32(f, p) | ((uint64_t)fake_ld32(f, p + 4) << 32);
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

void fake_st16(const struct fake_vnet *f, uint8_t *p, uint16_t v)
{
    if (fake_modern(f)) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        return;
    }
    memcpy(p, &v, 2);
}

void fake_st32(const struct fake_vnet *f, uint8_t *p, uint32_t v)
{
    if (fake_modern(f)) {
        for (unsigned i = 0; i < 4; i++)
            p[i] = (uint8_t)(v >> (8 * i));
        return;
    }
    memcpy(p, &v, 4);
}

void fake_st64(const struct fake_vnet *f, uint8_t *p, uint64_t v)
{
    if (fake_modern(f)) {
        fake_st32(f, p, (uint32_t)v);
        fake_st32(f, p + 4, (uint32_t)(v >> 32));
        return;
    }
    memcpy(p, &v, 8);
}
