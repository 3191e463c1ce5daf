/*
 * The QEMU virt board as the bring-up image sees it: the ns16550 console,
 * the CLINT's mtime as the clock, the sifive_test device to exit, and a
 * vnet_ops table over one virtio-mmio slot. Nothing here is used by the
 * libraries; they get time and register access as parameters.
 */
#ifndef RVNET_PLATFORM_BOARD_H
#define RVNET_PLATFORM_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "virtio-net/virtio_mmio.h"

#define BOARD_UART0 0x10000000ul
#define BOARD_CLINT_MTIME 0x0200bff8ul
#define BOARD_TEST 0x00100000ul
#define BOARD_MTIME_HZ 10000000ull /* QEMU virt: 10 MHz */
#define BOARD_VIRTIO_BASE 0x10001000ul
#define BOARD_VIRTIO_STRIDE 0x1000ul
#define BOARD_VIRTIO_SLOTS 8u

void board_putc(char c);
void board_puts(const char *s);
void board_put_dec(uint64_t v);
void board_put_hex(uint64_t v, unsigned digits);
void board_put_ip(uint32_t ip); /* host order a.b.c.d */
void board_put_mac(const uint8_t mac[6]);

/* Milliseconds since reset, from mtime. */
uint64_t board_now_ms(void);
uint64_t board_mtime(void);

/* Ends the QEMU run: code 0 passes (0x5555), anything else fails
 * ((code << 16) | 0x3333). Does not return. */
void board_exit(int code) __attribute__((noreturn));

/* Register access to the virtio-mmio slot at `base`; DMA addresses are
 * physical = virtual (M-mode, no translation). */
void board_vnet_ops(uintptr_t base, struct vnet_ops *ops);

#endif
