/*
 * P2/P3, bench-only: the smallest bring-up image bench/run.sh links to
 * measure what the stack costs on its own. It runs the first steps of the
 * bring-up module (userspace/libs/bringup, the sequence nx-net and the
 * rv-virt images run): bringup_init (the netstack and lo, with their
 * marker lines) and bringup_dhcp (DHCP on the wire, NS_DHCP_WIRE, and the
 * lease marker "netstack: virt0 dhcp addr=..."), then exits, so bench/run.sh
 * can also boot it on QEMU to show it works. Nothing else: no device-tree
 * walk (the eight fixed virtio-mmio slots are probed), no pings, no second
 * DHCP run against the in-process stub, no interrupt (it polls the PLIC's
 * pending bit), no RELEASE.
 *
 * It links with platform/rv-virt's M-mode board files and link_m.ld, read from
 * there and not changed.
 *
 * The module's pings and its stub run are functions of their own that this
 * image never calls, and the netstack reaches the stub server only through
 * cfg.stub_input, which it never sets: with --gc-sections nothing of them,
 * nor of dhcp_server.c, is linked. This is the stack as a wire-only
 * bring-up would ship it.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "bringup/bringup.h"
#include "virtio-net/virtio_net.h"

int rv_main(const void *fdt);

/* The same default sizes as platform/rv-virt/main.c. */
static uint8_t dma[64u * 1024u] __attribute__((aligned(4096)));
static struct vnet_dev dev;
static struct ns_host ns;
static struct bringup bu;
static uint32_t irq;

/* The PLIC's pending bits, one per source (the PLIC spec v1.0.0 §6). */
#define PLIC_PENDING 0x0c001000ul

static void fail(const char *step, const char *reason)
{
    board_puts("SELFTEST: ");
    board_puts(step);
    board_puts(" FAIL reason=");
    board_puts(reason);
    board_puts("\n");
    board_exit(1);
}

static void size_puts(void *ctx, const char *s)
{
    (void)ctx;
    board_puts(s);
}

/* No trap: the device's pending bit is looked at before each poll. */
static bool size_run_until(void *ctx, bool (*done)(void *arg), void *arg, uint32_t timeout_ms)
{
    (void)ctx;
    uint64_t end_ms = board_now_ms() + timeout_ms;
    volatile uint32_t *pending = (volatile uint32_t *)(PLIC_PENDING + 4u * (irq / 32u));
    while (board_now_ms() < end_ms) {
        if ((*pending >> (irq % 32u)) & 1u)
            (void)ns_irq(&ns);
        (void)ns_poll(&ns, board_now_ms());
        if (done(arg))
            return true;
    }
    return false;
}

static const struct bringup_platform platform = {size_puts, size_run_until, NULL, NULL};

int rv_main(const void *fdt)
{
    (void)fdt;
    struct vnet_ops ops;
    for (unsigned i = 0; i < BOARD_VIRTIO_SLOTS && irq == 0; i++) {
        struct vnet_mmio_info info;
        board_vnet_ops(BOARD_VIRTIO_BASE + i * BOARD_VIRTIO_STRIDE, &ops);
        if (vnet_mmio_probe(&ops, &info) == VNET_OK && info.slot == VNET_SLOT_NET)
            irq = 1u + i;
    }
    if (irq == 0)
        fail("virtionet", "no-device");
    struct vnet_config vcfg;
    vnet_config_defaults(&vcfg);
    if (vnet_init(&dev, &ops, &vcfg, dma, sizeof(dma)) != VNET_OK)
        fail("virtionet", "init");
    struct bringup_config cfg;
    bringup_config_defaults(&cfg);
    cfg.ns.virt0 = &dev;
    /* The reason is the module's error name, not bringup_fail_reason:
     * that would link ns_strerror's table for a line only a failure prints. */
    int rc = bringup_init(&bu, &ns, &cfg, &platform);
    if (rc == BRINGUP_OK)
        rc = bringup_dhcp(&bu);
    if (rc != BRINGUP_OK)
        fail(bringup_fail_step(&bu), bringup_strerror(rc));
    board_exit(0);
}
