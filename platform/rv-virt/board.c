/*
 * The parts of the board both images share: the NS16550 console (OpenSBI
 * leaves it to the S-mode payload, so both modes drive it directly) and the
 * vnet_ops table over one virtio-mmio slot.
 */
#include "board.h"

static inline void mmio_w8(uintptr_t a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

static inline uint8_t mmio_r8(uintptr_t a)
{
    return *(volatile uint8_t *)a;
}

void board_putc(char c)
{
    /* ns16550: wait for THR empty (LSR bit 5), then write THR. */
    while (!(mmio_r8(BOARD_UART0 + 5u) & 0x20u))
        ;
    mmio_w8(BOARD_UART0, (uint8_t)c);
}

void board_puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            board_putc('\r');
        board_putc(*s++);
    }
}

void board_put_dec(uint64_t v)
{
    char b[21];
    unsigned n = 0;
    do {
        b[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        board_putc(b[--n]);
}

void board_put_hex(uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = digits; i > 0; i--)
        board_putc(hex[(v >> (4u * (i - 1u))) & 15u]);
}

void board_put_ip(uint32_t ip)
{
    for (int i = 3; i >= 0; i--) {
        board_put_dec((ip >> (8 * i)) & 0xffu);
        if (i)
            board_putc('.');
    }
}

void board_put_mac(const uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++) {
        if (i)
            board_putc(':');
        board_put_hex(mac[i], 2);
    }
}

uint64_t board_now_ms(void)
{
    return board_ticks() / (board_ticks_hz() / 1000u);
}

/* virtio-mmio registers are little-endian 32-bit; RISC-V is little-endian,
 * so a plain volatile access is the right width and order. */
static uint32_t r32(void *ctx, uint32_t off)
{
    return *(volatile uint32_t *)((uintptr_t)ctx + off);
}

static void w32(void *ctx, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)((uintptr_t)ctx + off) = v;
}

static uint16_t r16(void *ctx, uint32_t off)
{
    return *(volatile uint16_t *)((uintptr_t)ctx + off);
}

static uint8_t r8(void *ctx, uint32_t off)
{
    return *(volatile uint8_t *)((uintptr_t)ctx + off);
}

static void barrier(void *ctx, enum vnet_barrier kind)
{
    (void)ctx;
    /* The rings are in RAM, ordered by fence's r and w bits; the registers
     * are I/O, ordered by its i and o bits. WRITE and READ only separate
     * ring accesses: ow and ir (Linux's wmb and rmb) include the w and r
     * they need. FULL also orders the register accesses around them. */
    switch (kind) {
    case VNET_BARRIER_WRITE:
        __asm__ volatile("fence ow, ow" ::: "memory");
        break;
    case VNET_BARRIER_READ:
        __asm__ volatile("fence ir, ir" ::: "memory");
        break;
    default:
        __asm__ volatile("fence iorw, iorw" ::: "memory");
        break;
    }
}

static uint64_t dma_addr(void *ctx, const void *p)
{
    (void)ctx;
    return (uint64_t)(uintptr_t)p;
}

/* A busy-wait on the platform timer, for the frontend's reset wait. */
static void delay_us(void *ctx, uint32_t us)
{
    (void)ctx;
    uint64_t t0 = board_ticks(), n = (uint64_t)us * board_ticks_hz() / 1000000u;
    while (board_ticks() - t0 < n)
        ;
}

void board_vnet_ops(uintptr_t base, struct vnet_ops *ops)
{
    ops->read32 = r32;
    ops->write32 = w32;
    ops->read16 = r16;
    ops->read8 = r8;
    ops->barrier = barrier;
    ops->dma_addr = dma_addr;
    ops->ctx = (void *)base;
    /* No IOMMU: the identity is the address the device must be given; and
     * the fences order what the device sees. */
    ops->flags = VNET_OPS_ACCESS_PLATFORM | VNET_OPS_ORDER_PLATFORM;
    ops->delay_us = delay_us;
}
