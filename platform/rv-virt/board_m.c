/*
 * The M-mode half of the board (qemu-system-riscv64 -M virt -bios none): the
 * hart owns the machine. Time is the CLINT's mtime, the timer its mtimecmp
 * (mie.MTIE), the device's interrupt comes from the PLIC's M-mode context of
 * the hart (mie.MEIE), traps go to mtvec (entry_m.S), and the run ends by
 * writing the sifive_test device.
 */
#include "board.h"
#include "board_hw.h"
#include "csr.h"

/* The CLINT of QEMU virt (SiFive CLINT layout): mtimecmp per hart at
 * 0x02004000 + 8 * hart, mtime at 0x0200bff8, counting at 10 MHz. */
#define CLINT_MTIMECMP(hart) (0x02004000ul + 8ul * (hart))
#define CLINT_MTIME 0x0200bff8ul
#define MTIME_HZ 10000000ull

static unsigned long boot_hart;

void board_m_start(unsigned long hart, const void *fdt)
{
    boot_hart = hart;
    /* QEMU virt's PLIC: context 2 * hart is the hart's M-mode context. */
    irq_init(hart, 2u * (unsigned)hart);
    /* mtvec was set by entry_m.S. Nothing is locally enabled yet (mie is 0
     * from reset), so the global enable can go on now. */
    csr_set(mstatus, MSTATUS_MIE);
    board_exit(rv_main(fdt));
}

const char *board_mode(void)
{
    return "M";
}

uint64_t board_ticks(void)
{
    return *(volatile uint64_t *)CLINT_MTIME;
}

uint64_t board_instret(void)
{
    return csr_read(minstret);
}

uint64_t board_ticks_hz(void)
{
    return MTIME_HZ;
}

void board_irq_mask(void)
{
    csr_clear(mstatus, MSTATUS_MIE);
}

void board_irq_unmask(void)
{
    csr_set(mstatus, MSTATUS_MIE);
}

void hw_ext_enable(void)
{
    csr_set(mie, 1u << IRQ_M_EXT);
}

void hw_timer_set(uint64_t ticks)
{
    /* MTIP follows mtime >= mtimecmp: a new compare value clears it when it
     * lies ahead, and raises it at once when it does not. */
    *(volatile uint64_t *)CLINT_MTIMECMP(boot_hart) = ticks;
}

void hw_timer_enable(void)
{
    csr_set(mie, 1u << IRQ_M_TIMER);
}

void trap_m(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause & CAUSE_INTERRUPT) {
        switch (cause & ~CAUSE_INTERRUPT) {
        case IRQ_M_EXT:
            irq_external();
            return;
        case IRQ_M_TIMER:
            /* Off until the next board_wait arms it: MTIP stays set while
             * mtime >= mtimecmp, and would trap again at once. */
            csr_clear(mie, 1u << IRQ_M_TIMER);
            irq_timer();
            return;
        default:
            irq_fatal("interrupt", cause, epc, tval);
        }
    }
    irq_fatal("exception", cause, epc, tval);
}

void board_exit(int code)
{
    uint32_t v = code == 0 ? 0x5555u : (((uint32_t)code & 0xffffu) << 16) | 0x3333u;
    *(volatile uint32_t *)BOARD_TEST = v;
    for (;;)
        __asm__ volatile("wfi");
}
