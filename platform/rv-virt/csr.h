/*
 * Control and status register access for the board files (RISC-V
 * privileged spec v1.12 §2). The names are the assembler's, so one macro
 * serves mstatus and sstatus alike. Built with -march=..._zicsr.
 */
#ifndef RVNET_PLATFORM_CSR_H
#define RVNET_PLATFORM_CSR_H

#include <stdint.h>

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_)::"memory");                                   \
        v_;                                                                                        \
    })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t)(bits)) : "memory")
#define csr_clear(csr, bits)                                                                       \
    __asm__ volatile("csrc " #csr ", %0" ::"r"((uint64_t)(bits)) : "memory")

/* The interrupt bit of mcause/scause (§3.1.15, §4.1.8). */
#define CAUSE_INTERRUPT (1ull << 63)

/* mstatus.MIE, sstatus.SIE: the global enables (§3.1.6.1). */
#define MSTATUS_MIE (1ull << 3)
#define SSTATUS_SIE (1ull << 1)

/* Interrupt numbers: bits of mie/mip and sie/sip, codes of m/scause (§3.1.9). */
#define IRQ_S_TIMER 5u
#define IRQ_M_TIMER 7u
#define IRQ_S_EXT 9u
#define IRQ_M_EXT 11u

#endif
