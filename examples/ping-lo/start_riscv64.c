/*
 * The example as a freestanding riscv64 ELF, built against a cross prefix
 * (find_package(rvnet) with cmake/riscv64-unknown-elf.cmake): no C library
 * start files and no console of its own. _start runs ping_lo_run, writes
 * one line and exits through the Linux system calls write (64) and exit
 * (93), so qemu-riscv64 in user mode can run it and hand back the status;
 * on a board this is where an image's own entry, console and exit go.
 */
#include <stddef.h>

#include "ping_lo.h"

void _start(void) __attribute__((noreturn));

static long sys_call(long nr, long a0, long a1, long a2)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
    return r_a0;
}

static void say(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    (void)sys_call(64, 1, (long)s, (long)n);
}

void _start(void)
{
    struct ping_lo_result r;
    int rc = ping_lo_run(&r);
    if (rc == 0)
        say("ping-lo riscv64: 127.0.0.1 over lo: every echo came back\n");
    else
        say("ping-lo riscv64: the ping failed\n");
    (void)sys_call(93, rc == 0 ? 0 : 1, 0, 0);
    for (;;) {
    }
}
