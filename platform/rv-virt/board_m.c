/*
 * The M-mode half of the board (qemu-system-riscv64 -M virt -bios none): the
 * hart owns the machine, so time is the CLINT's mtime and the run ends by
 * writing the sifive_test device.
 */
#include "board.h"

#define CLINT_MTIME 0x0200bff8ul
#define MTIME_HZ 10000000ull /* QEMU virt: the CLINT counts at 10 MHz */

uint64_t board_ticks(void)
{
    return *(volatile uint64_t *)CLINT_MTIME;
}

uint64_t board_ticks_hz(void)
{
    return MTIME_HZ;
}

void board_exit(int code)
{
    uint32_t v = code == 0 ? 0x5555u : (((uint32_t)code & 0xffffu) << 16) | 0x3333u;
    *(volatile uint32_t *)BOARD_TEST = v;
    for (;;)
        __asm__ volatile("wfi");
}
