/*
 * The S-mode half of the board: qemu-system-riscv64 -M virt -bios default,
 * QEMU's own OpenSBI (fw_dynamic) below, which jumps here in S-mode with
 * a0 = the boot hart's id and a1 = the device tree.
 *
 * What a kernel on that firmware has: the time CSR at the device tree's
 * timebase-frequency, the timer through SBI TIME (sie.STIE), the device's
 * interrupt from the PLIC's S-mode context of the boot hart (sie.SEIE),
 * traps through stvec (entry_s.S), the end of the run through SBI SRST.
 * What the firmware offers is checked at run time, and a missing piece
 * fails the run by name.
 */
#include "board.h"
#include "board_hw.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"

#define TIMEBASE_DEFAULT 10000000ull /* QEMU virt, when the tree says nothing */
#define HARTS_MAX 8u                 /* QEMU virt's limit of harts per socket */

static struct {
    unsigned long hart;
    uint64_t hz;
    int have_srst;
    int exiting;
} s;

/* Before the bring-up's own markers: a failed board check is a failed run. */
static void fail(const char *reason)
{
    board_puts("SELFTEST: sbi FAIL reason=");
    board_puts(reason);
    board_puts("\n");
    board_exit(2);
}

/* SBI v1.0.0 §4: the base extension is there from v0.2 on; TIME (the only
 * way this image has to a timer interrupt) is required, SRST is used to end
 * the run when there, HSM to report the parked harts. */
static void sbi_check(void)
{
    struct sbiret v = sbi_spec_version();
    if (v.error != SBI_SUCCESS || ((unsigned long)v.value >> 24) == 0)
        fail("no-base-extension");
    struct sbiret id = sbi_impl_id(), iv = sbi_impl_version();
    board_puts("sbi: spec ");
    board_put_dec(((unsigned long)v.value >> 24) & 0x7fu);
    board_puts(".");
    board_put_dec((unsigned long)v.value & 0xffffffu);
    if (id.error == SBI_SUCCESS && id.value == SBI_IMPL_OPENSBI && iv.error == SBI_SUCCESS) {
        /* OpenSBI encodes its version as major << 16 | minor. */
        board_puts(", OpenSBI ");
        board_put_dec((unsigned long)iv.value >> 16);
        board_puts(".");
        board_put_dec((unsigned long)iv.value & 0xffffu);
    } else {
        board_puts(", implementation ");
        board_put_dec((unsigned long)id.value);
    }
    static const struct {
        unsigned long eid;
        const char *name;
    } ext[] = {{SBI_EXT_TIME, "time"}, {SBI_EXT_SRST, "srst"}, {SBI_EXT_HSM, "hsm"}};
    int have[3];
    board_puts(", extensions:");
    for (unsigned i = 0; i < 3; i++) {
        struct sbiret p = sbi_probe_extension(ext[i].eid);
        have[i] = p.error == SBI_SUCCESS && p.value != 0;
        board_puts(" ");
        board_puts(ext[i].name);
        board_puts(have[i] ? "" : "=absent");
    }
    board_puts("\n");
    if (!have[0])
        fail("no-time-extension");
    s.have_srst = have[1];
    if (have[2]) {
        unsigned stopped = 0;
        for (unsigned long h = 0; h < HARTS_MAX; h++) {
            struct sbiret st = sbi_hart_get_status(h);
            if (h != s.hart && st.error == SBI_SUCCESS && st.value == SBI_HSM_STOPPED)
                stopped++;
        }
        board_puts("sbi: harts stopped besides the boot hart: ");
        board_put_dec(stopped);
        board_puts("\n");
    }
}

/* sie bits of an interrupt the firmware did not delegate (mideleg) are
 * read-only zero (privileged spec v1.12 §4.1.3): set both, read back. */
static void delegation_check(void)
{
    const uint64_t want = (1u << IRQ_S_EXT) | (1u << IRQ_S_TIMER);
    csr_set(sie, want);
    uint64_t got = csr_read(sie) & want;
    csr_clear(sie, want);
    if (got != want)
        fail(got & (1u << IRQ_S_EXT) ? "timer-not-delegated" : "external-not-delegated");
}

void board_s_start(unsigned long hart, const void *fdt)
{
    s.hart = hart;
    /* QEMU virt's PLIC: context 2 * hart + 1 is the hart's S-mode context. */
    irq_init(hart, 2u * (unsigned)hart + 1u);
    sbi_check();
    delegation_check();
    if (!fdt || fdt_timebase(fdt, 1u << 20, &s.hz) != FDT_OK)
        s.hz = TIMEBASE_DEFAULT;
    if (s.hz < 1000u)
        fail("timebase");
    board_puts("board: S-mode hart=");
    board_put_dec(hart);
    board_puts(" plic-context=");
    board_put_dec(2u * hart + 1u);
    board_puts(" timebase=");
    board_put_dec(s.hz);
    board_puts("\n");
    /* stvec was set by entry_s.S; nothing is enabled in sie yet. */
    csr_set(sstatus, SSTATUS_SIE);
    board_exit(rv_main(fdt));
}

const char *board_mode(void)
{
    return "S";
}

uint64_t board_ticks(void)
{
    return csr_read(time);
}

uint64_t board_instret(void)
{
    /* Readable in S-mode where the firmware set mcounteren.IR, as
     * OpenSBI does. */
    return csr_read(instret);
}

uint64_t board_ticks_hz(void)
{
    return s.hz;
}

void board_irq_mask(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
}

void board_irq_unmask(void)
{
    csr_set(sstatus, SSTATUS_SIE);
}

void hw_ext_enable(void)
{
    csr_set(sie, 1u << IRQ_S_EXT);
}

void hw_timer_set(uint64_t ticks)
{
    /* SBI v1.0.0 §6.1: programs the next event and clears a pending one;
     * once it is reached, STIP stays set until the next call. */
    (void)sbi_set_timer(ticks);
}

void hw_timer_enable(void)
{
    csr_set(sie, 1u << IRQ_S_TIMER);
}

void trap_s(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause & CAUSE_INTERRUPT) {
        switch (cause & ~CAUSE_INTERRUPT) {
        case IRQ_S_EXT:
            irq_external();
            return;
        case IRQ_S_TIMER:
            /* Off until the next board_wait arms it (STIP stays set). */
            csr_clear(sie, 1u << IRQ_S_TIMER);
            irq_timer();
            return;
        default:
            irq_fatal("interrupt", cause, epc, tval);
        }
    }
    irq_fatal("exception", cause, epc, tval);
}

/*
 * A failing code goes to the sifive_test device first: OpenSBI's SRST on
 * QEMU virt writes "pass" to that same device whatever the reason, so only
 * a direct write makes QEMU exit non-zero. OpenSBI's PMP leaves the device
 * to S-mode; should a firmware not, the write faults, the trap comes back
 * here (s.exiting) and SRST ends the run anyway. A passing run ends
 * through SRST, as a kernel's poweroff does.
 */
void board_exit(int code)
{
    uint32_t v = code == 0 ? 0x5555u : (((uint32_t)code & 0xffffu) << 16) | 0x3333u;
    if (!s.exiting && (code != 0 || !s.have_srst)) {
        s.exiting = 1;
        *(volatile uint32_t *)BOARD_TEST = v;
    }
    if (s.have_srst)
        (void)sbi_system_reset(SBI_SRST_SHUTDOWN,
                               code == 0 ? SBI_SRST_NO_REASON : SBI_SRST_SYSTEM_FAILURE);
    for (;;)
        __asm__ volatile("wfi");
}
