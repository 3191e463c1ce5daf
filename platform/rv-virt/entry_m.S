/*
 * Entry of the M-mode image: qemu-system-riscv64 -M virt -bios none -kernel
 * rvnet-rv-virt.elf. QEMU's reset vector jumps here in M-mode on every hart
 * with a0 = hart id and a1 = the device tree's address. Hart 0 runs the
 * bring-up; any other hart parks in wfi with nothing enabled, for good.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    bnez a0, park
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la t0, trap_entry_m
    csrw mtvec, t0              /* direct mode: every trap at trap_entry_m */
    call board_m_start          /* a0 = hart, a1 = fdt; does not return */
park:
    wfi
    j park

/*
 * The trap vector. A trap may come between any two instructions of the
 * main loop, so the caller-saved registers are saved and put back around
 * trap_m (trap_save.inc). mret returns to mepc with mstatus.MIE restored
 * from MPIE (privileged spec v1.12 §3.1.6.1, §3.3.2). Exceptions do not
 * return: trap_m reports them and exits.
 */
#include "trap_save.inc"
    .text
    .balign 4                   /* mtvec's low two bits are the mode */
    .globl trap_entry_m
trap_entry_m:
    TRAP_SAVE
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call trap_m
    TRAP_RESTORE
    mret
