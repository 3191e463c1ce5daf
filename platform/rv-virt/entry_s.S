/*
 * Entry of the S-mode image: qemu-system-riscv64 -M virt -bios default
 * -kernel rvnet-rv-virt-s.elf. QEMU's OpenSBI (fw_dynamic) jumps to the ELF
 * entry in S-mode on the one hart that won its boot lottery, with a0 = that
 * hart's id (not always 0 under -smp 2) and a1 = the device tree. The other
 * harts stay stopped in the firmware (SBI HSM). Should a firmware start
 * more than one here anyway, the first to swap the flag runs and the rest
 * park.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    la t0, boot_taken
    li t1, 1
    amoswap.w t1, t1, (t0)
    bnez t1, park
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la t0, trap_entry_s
    csrw stvec, t0              /* direct mode: every trap at trap_entry_s */
    call board_s_start          /* a0 = hart, a1 = fdt; does not return */
park:
    wfi
    j park

/*
 * The trap vector: the caller-saved registers around trap_s
 * (trap_save.inc); sret returns to sepc with sstatus.SIE restored from
 * SPIE (privileged spec v1.12 §4.1.1). Exceptions do not return.
 */
#include "trap_save.inc"
    .text
    .balign 4                   /* stvec's low two bits are the mode */
    .globl trap_entry_s
trap_entry_s:
    TRAP_SAVE
    csrr a0, scause
    csrr a1, sepc
    csrr a2, stval
    call trap_s
    TRAP_RESTORE
    sret

    .data
    .balign 4
boot_taken:
    .word 0
