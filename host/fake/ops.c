/*
 * The vnet_ops table that lets the frontend drive the fake device as it
 * would drive real registers: every register access, barrier and DMA
 * address goes through the fake (ctx = the fake).
 */
#include "fake_internal.h"

static uint32_t op_read32(void *ctx, uint32_t off)
{
    return fake_vnet_read32(ctx, off);
}

static void op_write32(void *ctx, uint32_t off, uint32_t val)
{
    fake_vnet_write32(ctx, off, val);
}

static uint16_t op_read16(void *ctx, uint32_t off)
{
    return fake_vnet_read16(ctx, off);
}

static uint8_t op_read8(void *ctx, uint32_t off)
{
    return fake_vnet_read8(ctx, off);
}

static void op_barrier(void *ctx, enum vnet_barrier kind)
{
    fake_vnet_barrier(ctx, kind);
}

static uint64_t op_dma_addr(void *ctx, const void *p)
{
    return fake_vnet_dma_addr(ctx, p);
}

/* The fake has no clock: it counts the time the driver waits. */
static void op_delay_us(void *ctx, uint32_t us)
{
    struct fake_vnet *f = ctx;
    f->stats.delay_us += us;
}

void fake_vnet_ops(struct fake_vnet *f, struct vnet_ops *ops)
{
    ops->read32 = op_read32;
    ops->write32 = op_write32;
    ops->read16 = op_read16;
    ops->read8 = op_read8;
    ops->barrier = op_barrier;
    ops->dma_addr = op_dma_addr;
    ops->ctx = f;
    /* The window's addresses are what the device uses, and the barrier
     * model checks the orderings a hardware device needs. */
    ops->flags = VNET_OPS_ACCESS_PLATFORM | VNET_OPS_ORDER_PLATFORM;
    ops->delay_us = op_delay_us;
}
