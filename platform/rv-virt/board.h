/*
 * The QEMU virt board as the bring-up image sees it, one interface for both
 * images:
 *
 *   rvnet-rv-virt.elf    M-mode, -bios none: entry_m.S, board_m.c, link_m.ld
 *   rvnet-rv-virt-s.elf  S-mode under OpenSBI (-bios default): entry_s.S,
 *                        board_s.c, sbi.c, link_s.ld
 *
 * Shared by both: board.c (the NS16550 console, the vnet_ops table over one
 * virtio-mmio slot), irq.c (the PLIC, the trap's dispatch, the sleep in
 * wfi), fdt.c (the device-tree walk) and main.c (the bring-up sequence).
 * board_hw.h is what the board files say to each other. Nothing here is used by the libraries; they
 * get time and register access as parameters.
 */
#ifndef RVNET_PLATFORM_BOARD_H
#define RVNET_PLATFORM_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio-net/virtio_mmio.h"

#define BOARD_UART0 0x10000000ul
/* sifive_test: 0x5555 ends QEMU with status 0, (code << 16) | 0x3333 with `code`. */
#define BOARD_TEST 0x00100000ul
#define BOARD_VIRTIO_BASE 0x10001000ul
#define BOARD_VIRTIO_STRIDE 0x1000ul
#define BOARD_VIRTIO_SLOTS 8u

/* The console: the NS16550 at BOARD_UART0 in both modes (board.c). */
void board_putc(char c);
void board_puts(const char *s);
void board_put_dec(uint64_t v);
void board_put_hex(uint64_t v, unsigned digits);
void board_put_ip(uint32_t ip); /* host order a.b.c.d */
void board_put_mac(const uint8_t mac[6]);

/* Time: the platform timer's ticks (M-mode: the CLINT's mtime; S-mode: the
 * time CSR) and their rate, and milliseconds since reset from them. */
uint64_t board_ticks(void);
uint64_t board_ticks_hz(void);
uint64_t board_now_ms(void);

/* The retired-instruction counter (minstret / instret, privileged spec
 * v1.12 §3.1.11). Under QEMU's TCG it counts guest instructions only with
 * -icount; without it QEMU 7.2 returns the host's cycle counter. */
uint64_t board_instret(void);

/* Which image this is ("M" or "S"), the hart that runs the bring-up (the
 * a0 its entry was given) and the PLIC context its traps claim from. */
const char *board_mode(void);
unsigned long board_hart(void);
unsigned board_plic_context(void);

/*
 * Interrupts, taken as traps (irq.c and the mode's trap entry).
 *
 * board_irq_attach routes PLIC source `src` to this hart's context
 * (priority 1, threshold 0), enables the external interrupt locally
 * (mie.MEIE / sie.SEIE), and from then on the trap calls fn(ctx) between
 * the claim and the complete. fn runs in the trap: keep it to reading and
 * acknowledging the device. One source; -1 for a bad or second one.
 *
 * board_irq_mask/unmask clear and set the global enable (mstatus.MIE /
 * sstatus.SIE). board_wait, called with interrupts masked, arms the timer
 * for deadline_ms and sleeps in wfi until an enabled interrupt is pending
 * (the device's or the timer's); it returns with interrupts still masked,
 * and the caller unmasks so the trap that woke it runs.
 */
typedef void (*board_irq_fn)(void *ctx);
int board_irq_attach(uint32_t src, board_irq_fn fn, void *ctx);

/*
 * Turns the attached source off and on at the PLIC (its enable bit in this
 * hart's context), for a caller that polls the device for a while. With
 * the source on, a pending interrupt the hart has masked still makes
 * QEMU's TCG stop at every translated block and take its big lock, the
 * one its I/O thread needs to deliver the next frame (the fetch ran at a
 * third of its speed that way). What the device raised meanwhile traps
 * once the source is on again.
 */
void board_irq_source(bool on);
void board_irq_mask(void);
void board_irq_unmask(void);
void board_wait(uint64_t deadline_ms);

struct board_irq_stats {
    uint64_t dev_traps;    /* external-interrupt traps that claimed the attached source */
    uint64_t empty_claims; /* external-interrupt traps whose claim returned 0 */
    uint64_t other_claims; /* ... that claimed a source nobody attached */
    uint64_t timer_traps;  /* timer-interrupt traps */
    uint64_t wfi;          /* returns from wfi in board_wait */
    uint64_t wfi_instret;  /* board_instret counted across those wfi: the idle part */
};
void board_irq_stats(struct board_irq_stats *out);

/* Ends the QEMU run: code 0 passes, anything else fails with that exit
 * status. Does not return. */
void board_exit(int code) __attribute__((noreturn));

/* Register access to the virtio-mmio slot at `base`; DMA addresses are
 * physical = virtual (no translation in either image). */
void board_vnet_ops(uintptr_t base, struct vnet_ops *ops);

#endif
