/*
 * P2/P3, bench-only: the smallest bring-up image bench/run.sh links to
 * measure what the stack costs on its own. It uses the frontend, the
 * netstack, lo and the DHCP client on the wire (NS_DHCP_WIRE) and nothing
 * else: no device-tree walk (the eight fixed virtio-mmio slots are probed),
 * no pings, no second DHCP run against the in-process stub. It prints the
 * lease marker of the real image ("netstack: virt0 dhcp addr=...") and
 * exits, so bench/run.sh can also boot it on QEMU to show it works.
 *
 * It links with platform/rv-virt's M-mode board files and link_m.ld, read from
 * there and not changed.
 *
 * The netstack reaches the stub server only through cfg.stub_input, which
 * this image never sets, so nothing of dhcp_server.c is linked: this is the
 * stack as a wire-only bring-up would ship it.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "netstack/netstack.h"
#include "virtio-net/virtio_net.h"

int rv_main(const void *fdt);

/* The same default sizes as platform/rv-virt/main.c. */
static uint8_t dma[64u * 1024u] __attribute__((aligned(4096)));
static struct vnet_dev dev;
static struct ns_host ns;
static struct lo_slot lo_slots[LO_DEPTH_DEFAULT];
static struct ns_arp_entry arp[4];
static struct ns_frame arp_hold[4];
static struct ns_event lease;
static int bound;

#define PLIC_PENDING 0x0c001000ul
#define DHCP_TIMEOUT_MS 10000u

static void fail(const char *why)
{
    board_puts("SELFTEST: size image FAIL reason=");
    board_puts(why);
    board_puts("\n");
    board_exit(1);
}

static void event(void *ctx, const struct ns_event *ev)
{
    (void)ctx;
    if (ev->type == NS_EV_DHCP_BOUND) {
        lease = *ev;
        bound = 1;
    }
}

int rv_main(const void *fdt)
{
    (void)fdt;
    struct vnet_ops ops;
    uint32_t irq = 0;
    for (unsigned i = 0; i < BOARD_VIRTIO_SLOTS && irq == 0; i++) {
        struct vnet_mmio_info info;
        board_vnet_ops(BOARD_VIRTIO_BASE + i * BOARD_VIRTIO_STRIDE, &ops);
        if (vnet_mmio_probe(&ops, &info) == VNET_OK && info.slot == VNET_SLOT_NET)
            irq = 1u + i;
    }
    if (irq == 0)
        fail("no-device");
    struct vnet_config vcfg;
    vnet_config_defaults(&vcfg);
    if (vnet_init(&dev, &ops, &vcfg, dma, sizeof(dma)) != VNET_OK)
        fail("virtionet");
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.virt0 = &dev;
    cfg.lo_slots = lo_slots;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    cfg.arp = arp;
    cfg.arp_hold = arp_hold;
    cfg.arp_n = 4;
    cfg.dhcp = NS_DHCP_WIRE;
    cfg.event = event;
    if (ns_init(&ns, &cfg) != NS_OK)
        fail("netstack");
    uint64_t end = board_now_ms() + DHCP_TIMEOUT_MS;
    volatile uint32_t *pending = (volatile uint32_t *)(PLIC_PENDING + 4u * (irq / 32u));
    while (!bound && board_now_ms() < end) {
        if ((*pending >> (irq % 32u)) & 1u)
            (void)ns_irq(&ns);
        (void)ns_poll(&ns, board_now_ms());
    }
    if (!bound)
        fail("no-lease");
    board_puts("netstack: virt0 dhcp addr=");
    board_put_ip(lease.addr);
    board_puts("\n");
    board_exit(0);
}
