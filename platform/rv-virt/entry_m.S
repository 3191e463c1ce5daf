/*
 * Entry of the M-mode image: qemu-system-riscv64 -M virt -bios none -kernel rvnet-rv-virt.elf.
 * QEMU's reset vector jumps here in M-mode with a0 = hart id and a1 = the
 * device tree's address. Hart 0 runs the bring-up; any other hart parks.
 * No CSR is touched, so the file assembles with plain rv64imac.
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
2:  mv a0, a1
    call rv_main
    call board_exit
park:
    wfi
    j park
