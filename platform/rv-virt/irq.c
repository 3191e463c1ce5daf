/*
 * Interrupts, the part both modes share: the PLIC (RISC-V PLIC spec v1.0.0)
 * on QEMU's virt board, the external-interrupt dispatch the mode's trap
 * handler calls, and the sleep in wfi.
 *
 * The handler is kept tiny on purpose: claim, call the one attached
 * function (main.c's, which calls ns_irq: read and acknowledge the device,
 * nothing more), complete, return. All the work happens in the main loop.
 */
#include "board.h"
#include "board_hw.h"

/* QEMU virt's PLIC (hw/riscv/virt.c): 0x0c000000, two contexts per hart,
 * M-mode 2 * hart and S-mode 2 * hart + 1. Register layout: PLIC spec
 * v1.0.0 §3 (priority), §5 (enables), §6 (threshold), §7 (claim/complete). */
#define PLIC_BASE 0x0c000000ul
#define PLIC_SOURCES 96u /* QEMU virt: VIRT_IRQCHIP_NUM_SOURCES */
#define PLIC_PRIORITY(src) (PLIC_BASE + 4ul * (src))
#define PLIC_ENABLE(ctx, src) (PLIC_BASE + 0x2000ul + 0x80ul * (ctx) + 4ul * ((src) / 32u))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000ul + 0x1000ul * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4ul)

static struct {
    unsigned long hart;
    unsigned ctx;
    uint32_t src;    /* the attached source, 0: none */
    uint32_t enable; /* its enable word with the source's bit set */
    board_irq_fn fn;
    void *fn_ctx;
} irq;

/* Written by the trap, read by the main loop. */
static volatile struct board_irq_stats stats;

static void w32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static uint32_t r32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

void irq_init(unsigned long hart, unsigned plic_context)
{
    irq.hart = hart;
    irq.ctx = plic_context;
}

unsigned long board_hart(void)
{
    return irq.hart;
}

unsigned board_plic_context(void)
{
    return irq.ctx;
}

int board_irq_attach(uint32_t src, board_irq_fn fn, void *ctx)
{
    if (src == 0 || src >= PLIC_SOURCES || !fn || irq.src)
        return -1;
    /* The function first, then the source: once it is enabled it can trap. */
    irq.fn = fn;
    irq.fn_ctx = ctx;
    irq.src = src;
    w32(PLIC_PRIORITY(src), 1);
    w32(PLIC_THRESHOLD(irq.ctx), 0);
    uintptr_t en = PLIC_ENABLE(irq.ctx, src);
    irq.enable = r32(en) | (1u << (src % 32u));
    w32(en, irq.enable);
    hw_ext_enable();
    return 0;
}

void board_irq_source(bool on)
{
    /* One write, from the word kept at attach: nothing else in this
     * context's enable word changes after it (PLIC spec v1.0.0 §5). */
    if (irq.src)
        w32(PLIC_ENABLE(irq.ctx, irq.src), on ? irq.enable : irq.enable & ~(1u << (irq.src % 32u)));
}

void irq_external(void)
{
    /* Claim, let the device drop its line (ns_irq acknowledges
     * InterruptStatus), then complete: the source is re-armed only once it
     * is low, so one assertion is one trap (PLIC spec §7). */
    uint32_t id = r32(PLIC_CLAIM(irq.ctx));
    if (id == 0) {
        stats.empty_claims++; /* another context claimed it first */
        return;
    }
    if (id == irq.src) {
        stats.dev_traps++;
        irq.fn(irq.fn_ctx);
    } else {
        stats.other_claims++;
    }
    w32(PLIC_CLAIM(irq.ctx), id);
}

void irq_timer(void)
{
    stats.timer_traps++;
}

/* The compare value last programmed. Programming costs an MMIO write
 * (M-mode) or an SBI call (S-mode), and QEMU wakes its I/O thread each time
 * a guest timer becomes its earliest; a transfer waits for the same
 * millisecond deadline many times over, so it is programmed once. A value
 * already reached keeps its interrupt pending until the next one is
 * programmed, so wfi still returns at once for it. */
static struct {
    int valid;
    uint64_t ticks;
} armed;

void board_wait(uint64_t deadline_ms)
{
    uint64_t per_ms = board_ticks_hz() / 1000u;
    uint64_t t = deadline_ms > UINT64_MAX / per_ms ? UINT64_MAX : deadline_ms * per_ms;
    if (!armed.valid || armed.ticks != t) {
        hw_timer_set(t);
        armed.valid = 1;
        armed.ticks = t;
    }
    hw_timer_enable();
    /* With the global enable off, wfi still returns once an interrupt is
     * both pending and locally enabled (privileged spec §3.3.3); the caller
     * then unmasks and the trap runs. It may also return early: callers
     * loop. */
    uint64_t i = board_instret();
    __asm__ volatile("wfi" ::: "memory");
    stats.wfi++;
    stats.wfi_instret += board_instret() - i;
}

void board_irq_stats(struct board_irq_stats *out)
{
    out->dev_traps = stats.dev_traps;
    out->empty_claims = stats.empty_claims;
    out->other_claims = stats.other_claims;
    out->timer_traps = stats.timer_traps;
    out->wfi = stats.wfi;
    out->wfi_instret = stats.wfi_instret;
}

void irq_fatal(const char *what, uint64_t cause, uint64_t epc, uint64_t tval)
{
    board_puts("SELFTEST: trap FAIL reason=");
    board_puts(what);
    board_puts(" cause=0x");
    board_put_hex(cause, 16);
    board_puts(" epc=0x");
    board_put_hex(epc, 16);
    board_puts(" tval=0x");
    board_put_hex(tval, 16);
    board_puts("\n");
    board_exit(3);
}
