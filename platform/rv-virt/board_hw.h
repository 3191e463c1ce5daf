/*
 * Between the board files, not for main.c: what each mode's half (board_m.c,
 * board_s.c) gives the shared interrupt code (irq.c), and what irq.c gives
 * the mode's trap handler.
 */
#ifndef RVNET_PLATFORM_BOARD_HW_H
#define RVNET_PLATFORM_BOARD_HW_H

#include <stdint.h>

/* The mode's half: the external interrupt's local enable (mie.MEIE or
 * sie.SEIE), and the timer: hw_timer_set programs an interrupt for when
 * the tick count reaches `ticks` (M: mtimecmp; S: sbi_set_timer), pending
 * from then on until the next hw_timer_set; hw_timer_enable sets its local
 * enable (mie.MTIE, sie.STIE), which the trap handler clears again. */
void hw_ext_enable(void);
void hw_timer_set(uint64_t ticks);
void hw_timer_enable(void);

/* irq.c: the PLIC context this hart's traps claim from (set once, before
 * any source is attached), and the handlers the mode's trap calls. */
void irq_init(unsigned long hart, unsigned plic_context);
void irq_external(void);
void irq_timer(void);
/* An exception, or an interrupt nobody enabled: says which, then exits 3. */
void irq_fatal(const char *what, uint64_t cause, uint64_t epc, uint64_t tval)
    __attribute__((noreturn));

/* The trap entry of each mode (entry_m.S, entry_s.S) calls its C half. */
void trap_m(uint64_t cause, uint64_t epc, uint64_t tval);
void trap_s(uint64_t cause, uint64_t epc, uint64_t tval);

/* The C entry each mode's assembly entry calls with a0 = hart id, a1 = the
 * device tree. It calls rv_main (main.c) and exits with its result. */
void board_m_start(unsigned long hart, const void *fdt) __attribute__((noreturn));
void board_s_start(unsigned long hart, const void *fdt) __attribute__((noreturn));
int rv_main(const void *fdt);

#endif
