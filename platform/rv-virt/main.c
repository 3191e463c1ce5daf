/*
 * The bring-up, shared by the M-mode and the S-mode image (board.h): finds
 * the virtio-net device, brings the frontend up on QEMU's own virtio-mmio
 * device, then runs the bring-up sequence of the bring-up module
 * (bringup/bringup.h, the one nx-net runs): lo up, DHCP on the wire
 * against QEMU's slirp, a ping on lo and one of the gateway (or, when the
 * server offered no router, of the server itself); then the TFTP fetch
 * bootargs ask for (fetch.h; none without tftp=), the lease given back
 * (RELEASE) once every frame has left the device, DHCP again in the
 * in-process stub mode, and that lease given back too (unless handover=
 * in bootargs hands it on with the device, handover.h). It prints the
 * same marker lines as `nx-net up`, the fetch's, and then the irq marker.
 * The module reaches the board only through the platform given to it
 * here: the console (board_puts), the clock (board_now_ms), the wait loop
 * (run_until) and the interrupt mask.
 *
 * Interrupts are taken as traps. The device's PLIC source is attached to
 * this hart's context (board_irq_attach); the trap claims, calls on_irq
 * (ns_irq: read and acknowledge InterruptStatus, nothing more), completes
 * and returns. The main loop (run_until) polls the stack, then sleeps in
 * wfi until the device's interrupt or the timer, set to the stack's next
 * deadline and never later than the step's own timeout, wakes it. No
 * pending bit is looked at, and no loop spins while the network is quiet
 * (unless the command line asks the fetch for spin=N: fetch.h).
 * The irq marker checks it happened: device interrupts taken as traps,
 * wfi wake-ups, and every frame the frontend delivered handled.
 *
 * Built with RVNET_IMG_SMALL (rvnet-rv-virt-small.elf: the small
 * configuration, platform/rv-virt/CMakeLists.txt), the same sequence runs
 * on queues of RVNET_IMG_QUEUE, the legacy alignment RVNET_IMG_LEGACY_ALIGN
 * and a DMA block of RVNET_IMG_DMA_BYTES, without the fetch and the
 * hand-over (bootargs are read for selftest=irq-masked only).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "bringup/bringup.h"
#include "fdt.h"
#ifndef RVNET_IMG_SMALL
#include "fetch.h"
#include "handover.h"
#endif
#include "netstack/netstack.h"
#include "virtio-net/virtio_net.h"

/* Whether bootargs hold word, whole (space-separated). */
static bool bootarg_word(const void *fdt, const char *word)
{
    const char *a;
    size_t len, n = strlen(word);
    if (!fdt || fdt_bootargs(fdt, 1u << 20, &a, &len) != FDT_OK)
        return false;
    for (size_t i = 0; i + n <= len; i++)
        if ((i == 0 || a[i - 1] == ' ') && (i + n == len || a[i + n] == ' ') &&
            memcmp(a + i, word, n) == 0)
            return true;
    return false;
}

int rv_main(const void *fdt);

/* The frontend's DMA block: rings and both slabs (vnet_dma_size of the
 * default config is 61632 bytes, of the small one 12544; checked at run
 * time), aligned to the legacy GuestPageSize it is given. */
#ifdef RVNET_IMG_SMALL
static uint8_t dma[RVNET_IMG_DMA_BYTES] __attribute__((aligned(RVNET_IMG_LEGACY_ALIGN)));
#else
static uint8_t dma[64u * 1024u] __attribute__((aligned(4096)));
#endif
static struct vnet_dev dev;
static struct ns_host ns;
static struct bringup bu;        /* the sequence, with lo's and the ARP cache's storage */
static struct bringup_stub stub; /* the in-process stub server, for the second run */

#ifndef RVNET_IMG_SMALL
static struct fetch_req fetch; /* from bootargs */
#endif

static struct {
    int irq_attached;
    int restarted; /* virt0 was restarted once (poll_once) */
} st;

struct slot {
    uintptr_t base;
    uint32_t irq;
    const char *how;
};

static void irq_report(void);
static bool poll_once(uint64_t now);

/* A FAIL marker in two halves, for steps that add details to the line. */
static void fail_begin(const char *step, const char *reason)
{
    if (st.irq_attached)
        irq_report();
    board_puts("SELFTEST: ");
    board_puts(step);
    board_puts(" FAIL reason=");
    board_puts(reason);
}

static void fail_end(void) __attribute__((noreturn));
static void fail_end(void)
{
    board_puts("\n");
    board_exit(1);
}

static void fail(const char *step, const char *reason) __attribute__((noreturn));
static void fail(const char *step, const char *reason)
{
    fail_begin(step, reason);
    fail_end();
}

/* The device tree first (bounded walk), then the eight fixed slots. */
static int find_net(const void *fdt, struct slot *out)
{
    struct fdt_virtio found[BOARD_VIRTIO_SLOTS];
    unsigned n = 0;
    int rc = fdt ? fdt_find_virtio(fdt, 1u << 20, found, BOARD_VIRTIO_SLOTS, &n) : FDT_ERR_INVAL;
    if (rc != FDT_OK)
        n = 0;
    for (unsigned i = 0; i < n; i++) {
        struct vnet_ops ops;
        struct vnet_mmio_info info;
        board_vnet_ops((uintptr_t)found[i].base, &ops);
        if (vnet_mmio_probe(&ops, &info) == VNET_OK && info.slot == VNET_SLOT_NET) {
            out->base = (uintptr_t)found[i].base;
            out->irq = found[i].irq;
            out->how = "dtb";
            return 0;
        }
    }
    for (unsigned i = 0; i < BOARD_VIRTIO_SLOTS; i++) {
        struct vnet_ops ops;
        struct vnet_mmio_info info;
        uintptr_t base = BOARD_VIRTIO_BASE + i * BOARD_VIRTIO_STRIDE;
        board_vnet_ops(base, &ops);
        if (vnet_mmio_probe(&ops, &info) == VNET_OK && info.slot == VNET_SLOT_NET) {
            out->base = base;
            out->irq = 1u + i;
            out->how = "scan";
            return 0;
        }
    }
    return -1;
}

/* From the trap, between the PLIC claim and complete: read and acknowledge,
 * nothing more (netstack.h). ns_poll in the main loop does the work. */
static void on_irq(void *ctx)
{
    (void)ns_irq(ctx);
}

/* The device broke (DEVICE_NEEDS_RESET, a broken ring): say why, and bring
 * it back once with ns_virt0_restart (which reboots the lease). A restart
 * that fails, or a second break, fails the run with the frontend's error. */
static void restart_virt0(void)
{
    const char *why = vnet_strerror(ns_virt0_error(&ns));
    board_puts("virtionet: broken (");
    board_puts(why);
    board_puts("), restarting\n");
    int rc = st.restarted ? NS_ERR_DEVICE_BROKEN : ns_virt0_restart(&ns);
    if (rc != NS_OK) {
        fail_begin("virtionet", st.restarted ? "broken-again" : "restart-failed");
        board_puts(" err=");
        board_puts(st.restarted ? why : vnet_strerror(ns_virt0_error(&ns)));
        fail_end();
    }
    st.restarted = 1;
    board_puts("virtionet: restarted\n");
}

/* One ns_poll at now, and what it says acted on: a broken device is
 * restarted (other device errors skip a frame and are counted). True when
 * a poll already has work in hand (ns_work_pending: a whole RX budget
 * taken, lo not empty, an interrupt since): the device will not interrupt
 * again for frames it already announced, so the caller polls again before
 * sleeping. */
static bool poll_once(uint64_t now)
{
    if (ns_poll(&ns, now) == NS_ERR_DEVICE_BROKEN)
        restart_virt0();
    return ns_work_pending(&ns);
}

/*
 * Runs the stack until done(arg) or timeout_ms from now (end_ms): the
 * bring-up module's and the fetch's wait. Between polls the hart sleeps in
 * wfi until the next timer deadline of the stack (never later than
 * end_ms) or an interrupt. Interrupts are masked from the check to the wfi, so one
 * that comes after ns_poll looked at the ring cannot be missed: either its
 * trap already ran (ns_irq_pending), or it is pending and wfi returns at
 * once; the unmask then lets its trap run. The clock is read once a round
 * (in M-mode each read is an MMIO access QEMU serialises with its I/O
 * thread): a deadline that passed meanwhile arms a timer that is pending
 * at once, and wfi returns at once.
 */
static bool run_until(void *ctx, bool (*done)(void *arg), void *arg, uint32_t timeout_ms)
{
    (void)ctx;
    uint64_t now = board_now_ms(), end_ms = now + timeout_ms;
    for (;; now = board_now_ms()) {
        bool more = poll_once(now);
        if (done(arg))
            return true;
        if (now >= end_ms)
            return false;
        if (more)
            continue;
        uint64_t deadline = ns_next_deadline(&ns);
        if (deadline > end_ms)
            deadline = end_ms;
        board_irq_mask();
        if (!ns_irq_pending(&ns))
            board_wait(deadline);
        board_irq_unmask();
    }
}

static void img_puts(void *ctx, const char *s)
{
    (void)ctx;
    board_puts(s);
}

/* The trap calls ns_irq(&ns): not while the module sets ns up. What the
 * device raises meanwhile stays pending and traps after the unmask. */
static void img_irq_mask(void *ctx, bool masked)
{
    (void)ctx;
    if (masked)
        board_irq_mask();
    else
        board_irq_unmask();
}

/* The image as the bring-up module's platform (bringup.h); the fetch
 * waits through it too. */
static const struct bringup_platform platform = {img_puts, run_until, img_irq_mask, NULL};

/* A step of the module failed: its FAIL line. */
static void check(int rc)
{
    if (rc == BRINGUP_OK)
        return;
    /* The frontend's own account on the FAIL line, so that a run that
     * failed once can be read afterwards: a frame the netstack handed over
     * but the wire never saw shows as in-flight (the device holds it) or
     * as a kick the device's NO_NOTIFY suppressed. */
    struct vnet_counters c;
    vnet_counters(&dev, &c);
    fail_begin(bringup_fail_step(&bu), bringup_fail_reason(&bu));
    board_puts(" tx=");
    board_put_dec(c.tx_frames);
    board_puts(" tx-done=");
    board_put_dec(c.tx_completed);
    board_puts(" tx-in-flight=");
    board_put_dec(vnet_tx_in_flight(&dev));
    board_puts(" kicks=");
    board_put_dec(c.kicks);
    board_puts(" kicks-suppressed=");
    board_put_dec(c.kicks_suppressed);
    board_puts(" rx=");
    board_put_dec(c.rx_frames);
    fail_end();
}

/*
 * After the module's sequence, on the wire lease: the file bootargs ask
 * for, from the DHCP server (slirp's TFTP server is the same 10.0.2.2),
 * on this stack while the lease holds.
 */
static void fetch_step(void)
{
#ifdef RVNET_IMG_SMALL
    board_puts("tftp: not in this image (small configuration)\n");
#else
    if (!fetch.want) {
        board_puts("tftp: nothing to fetch (no tftp= in bootargs)\n");
        return;
    }
    /* The lease may have gone while the pings ran (a NAK, a restart). */
    const struct dhcp_lease *l = ns_dhcp_lease(&ns);
    if (!l)
        fail("tftp", "no-lease");
    const char *why = fetch_run(&ns, l->server_id, &fetch, &platform);
    if (why) {
        fail_begin("tftp", why);
        fetch_print_failure();
        fail_end();
    }
#endif
}

struct irq_snap {
    struct board_irq_stats b;
    uint64_t ns_irq_calls; /* vnet_irq calls: every one is ns_irq's */
    uint64_t dev_rx;       /* frames the frontend delivered */
    uint64_t handled;      /* frames the netstack took from virt0, every stack set up */
};

static void irq_snapshot(struct irq_snap *s)
{
    struct vnet_counters c;
    board_irq_mask(); /* one consistent picture: no trap in between */
    board_irq_stats(&s->b);
    vnet_counters(&dev, &c);
    s->handled = bringup_virt0_rx(&bu);
    board_irq_unmask();
    s->ns_irq_calls = c.irqs + c.irqs_spurious;
    s->dev_rx = c.rx_frames;
}

static void irq_print(const struct irq_snap *s)
{
    board_puts("irq: mode=");
    board_puts(board_mode());
    board_puts(" hart=");
    board_put_dec(board_hart());
    board_puts(" plic-context=");
    board_put_dec(board_plic_context());
    board_puts(" traps=");
    board_put_dec(s->b.dev_traps);
    board_puts(" timer=");
    board_put_dec(s->b.timer_traps);
    board_puts(" empty=");
    board_put_dec(s->b.empty_claims);
    board_puts(" other=");
    board_put_dec(s->b.other_claims);
    board_puts(" wfi=");
    board_put_dec(s->b.wfi);
    board_puts(" ns_irq=");
    board_put_dec(s->ns_irq_calls);
    board_puts(" rx=");
    board_put_dec(s->dev_rx);
    board_puts(" handled=");
    board_put_dec(s->handled);
    board_puts("\n");
}

static void irq_report(void)
{
    struct irq_snap s;
    irq_snapshot(&s);
    irq_print(&s);
}

/* The proof that the run was interrupt-driven: the device's interrupt was
 * taken as a trap, each trap called ns_irq once and nothing else did, the
 * hart slept in wfi, and every frame the frontend delivered was handled. */
static void irq_check(void)
{
    struct irq_snap s;
    (void)poll_once(board_now_ms()); /* take whatever arrived since the last step */
    irq_snapshot(&s);
    irq_print(&s);
    const char *why = NULL;
    if (s.b.dev_traps == 0)
        why = "no-device-trap";
    else if (s.b.wfi == 0)
        why = "no-wfi";
    else if (s.ns_irq_calls != s.b.dev_traps)
        why = "trap-count";
    else if (s.b.other_claims != 0)
        why = "other-source";
    else if (s.dev_rx != s.handled)
        why = "rx-unhandled";
    if (why) {
        st.irq_attached = 0; /* printed already */
        fail("irq", why);
    }
    board_puts("SELFTEST: irq ok traps=");
    board_put_dec(s.b.dev_traps);
    board_puts(" wfi=");
    board_put_dec(s.b.wfi);
    board_puts("\n");
}

int rv_main(const void *fdt)
{
    struct slot s;
    uint64_t t0 = board_ticks();
#ifdef RVNET_IMG_SMALL
    board_puts("rvnet rv-virt bring-up (small configuration)\n");
#else
    board_puts("rvnet rv-virt bring-up\n");
    const char *why = fetch_setup(fdt, &fetch);
    if (why)
        fail("bootargs", why);
#endif
    if (find_net(fdt, &s) != 0)
        fail("virtionet", "no-device");
    struct vnet_ops ops;
    board_vnet_ops(s.base, &ops);
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
#ifdef RVNET_IMG_SMALL
    cfg.rx_queue_size = RVNET_IMG_QUEUE;
    cfg.tx_queue_size = RVNET_IMG_QUEUE;
    cfg.legacy_align = RVNET_IMG_LEGACY_ALIGN;
#endif
    if (vnet_dma_size(&cfg) > sizeof(dma))
        fail("virtionet", "dma-too-small");
    int rc = vnet_init(&dev, &ops, &cfg, dma, sizeof(dma));
    if (rc != VNET_OK)
        fail("virtionet", vnet_strerror(rc));
    bringup_say_device(&platform, &dev, s.base, s.irq);
    board_puts("virtionet: found by ");
    board_puts(s.how);
    board_puts("\n");

    /* The stack first, then its interrupt: the trap calls into it. */
    struct bringup_config bcfg;
    bringup_config_defaults(&bcfg);
    bcfg.ns.virt0 = &dev;
    check(bringup_init(&bu, &ns, &bcfg, &platform));
    if (board_irq_attach(s.irq, on_irq, &ns) != 0)
        fail("irq", "attach");
    st.irq_attached = 1;
    /* Fault injection for scripts/qemu-test.sh: the device's interrupt
     * left masked, as a port that forgot the PLIC enable would have it.
     * Every wait is bounded by the timer, so the run must end in a FAIL
     * (a step's timeout, or the irq check's no-device-trap), never hang. */
    if (bootarg_word(fdt, "selftest=irq-masked")) {
#ifndef RVNET_IMG_SMALL
        /* The fetch's spin turns the source back on after each spin. */
        if (fetch.want && fetch.spin)
            fail("bootargs", "irq-masked-with-spin");
#endif
        board_irq_source(false);
    }
    check(bringup_lo(&bu));
    check(bringup_dhcp(&bu));
    uint64_t t_lease = board_ticks();
    check(bringup_pings(&bu, NULL));
    fetch_step();
    /* The orderly stop of the wire host: its lease back to slirp (RFC 2131
     * §4.4.6), and every frame sent (the RELEASE, the fetch's last ACK)
     * out of the device's hands before the counts below are printed and
     * compared with the wire (scripts/qemu-test.sh). */
    check(bringup_stop(&bu));
    check(bringup_stub_dhcp(&bu, &bcfg, &stub));
    /* The stub's lease back too (it stays in the host), unless the
     * hand-over takes it with the device. */
#ifdef RVNET_IMG_SMALL
    check(bringup_stop(&bu));
#else
    if (!handover_asked(fdt))
        check(bringup_stop(&bu));
#endif

    struct vnet_counters c;
    vnet_counters(&dev, &c);
    board_puts("virtionet: tx ");
    board_put_dec(c.tx_frames);
    board_puts(" frames, rx ");
    board_put_dec(c.rx_frames);
    board_puts(" frames, irqs ");
    board_put_dec(c.irqs);
    board_puts(" (spurious ");
    board_put_dec(c.irqs_spurious);
    board_puts(")");
    board_puts("\n");
    /* In microseconds: under -icount shift=0 (one instruction a
     * nanosecond) the lease comes well under a millisecond after reset
     * (bench/README.md, P4). mtime and the time CSR count from reset. */
    uint64_t hz = board_ticks_hz();
    board_puts("timing: reset to lease ");
    board_put_dec(t_lease * 1000000u / hz);
    board_puts(" us, entry to lease ");
    board_put_dec((t_lease - t0) * 1000000u / hz);
    board_puts(" us (guest clock)\n");
    irq_check();
#ifndef RVNET_IMG_SMALL
    handover_run(&ns, fdt, s.base);
#endif
    board_puts("SELFTEST: done\n");
    return 0;
}
