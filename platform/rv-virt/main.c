/*
 * The bring-up image: finds the virtio-net device, brings the frontend up
 * on QEMU's own virtio-mmio device, then runs the bring-up sequence through
 * the netstack: lo up, DHCP on the wire against QEMU's slirp, a ping on lo
 * and one of the gateway (or, when the server offered no router, of the
 * server itself), then DHCP again in the in-process stub mode. It prints the
 * same marker lines as `nx-net up`.
 *
 * Interrupts: the device's PLIC source is enabled, but the hart runs with
 * interrupts masked and looks at the source's pending bit each time round
 * the loop. When it is set, the loop does what a trap handler would: claim
 * at the PLIC, ns_irq (read and acknowledge InterruptStatus), complete at
 * the PLIC.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "fdt.h"
#include "netstack/netstack.h"
#include "virtio-net/virtio_net.h"

int rv_main(const void *fdt);

/* The frontend's DMA block: rings and both slabs (vnet_dma_size of the
 * default config is 61632 bytes; checked at run time). */
static uint8_t dma[64u * 1024u] __attribute__((aligned(4096)));
static struct vnet_dev dev;
static struct ns_host ns;
static struct lo_slot lo_slots[LO_DEPTH_DEFAULT];
static struct ns_arp_entry arp[4];
static struct ns_frame arp_hold[4];
static struct dhcp_server stub; /* the in-process stub server, for the second run */

/* The PLIC of QEMU's virt board; context 0 is hart 0 in M-mode. */
#define PLIC_PRIORITY 0x0c000000ul
#define PLIC_PENDING 0x0c001000ul
#define PLIC_ENABLE_CTX0 0x0c002000ul
#define PLIC_THRESHOLD_CTX0 0x0c200000ul
#define PLIC_CLAIM_CTX0 0x0c200004ul
#define DHCP_TIMEOUT_MS 10000u
#define PING_TIMEOUT_MS 5000u

static struct {
    int bound;
    struct ns_event lease;
} st;

struct slot {
    uintptr_t base;
    uint32_t irq;
    const char *how;
};

static void fail(const char *step, const char *reason)
{
    board_puts("SELFTEST: ");
    board_puts(step);
    board_puts(" FAIL reason=");
    board_puts(reason);
    board_puts("\n");
    board_exit(1);
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

static void event(void *ctx, const struct ns_event *ev)
{
    (void)ctx;
    if (ev->type == NS_EV_DHCP_BOUND || ev->type == NS_EV_DHCP_CHANGED) {
        st.bound = 1;
        st.lease = ev[0];
    } else if (ev->type == NS_EV_DHCP_LOST) {
        st.bound = 0;
    }
}

static void mmio_w32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static uint32_t mmio_r32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

/* The device's source: priority 1, enabled for context 0, threshold 0. The
 * hart keeps interrupts masked (mstatus.MIE is 0 from reset), so nothing
 * traps; the loop claims and completes as a trap handler would. */
static void plic_init(uint32_t irq)
{
    mmio_w32(PLIC_PRIORITY + 4u * irq, 1);
    uintptr_t en = PLIC_ENABLE_CTX0 + 4u * (irq / 32u);
    mmio_w32(en, mmio_r32(en) | (1u << (irq % 32u)));
    mmio_w32(PLIC_THRESHOLD_CTX0, 0);
}

static int plic_pending(uint32_t irq)
{
    return (int)((*(volatile uint32_t *)(PLIC_PENDING + 4u * (irq / 32u)) >> (irq % 32u)) & 1u);
}

static void poll_once(uint32_t irq)
{
    if (plic_pending(irq)) {
        /* Claim, acknowledge at the device, then complete at the PLIC:
         * the device's line is low again before the source is re-armed. */
        uint32_t claimed = mmio_r32(PLIC_CLAIM_CTX0);
        (void)ns_irq(&ns);
        if (claimed)
            mmio_w32(PLIC_CLAIM_CTX0, claimed);
    }
    (void)ns_poll(&ns, board_now_ms());
}

static unsigned prefix_len(uint32_t mask)
{
    unsigned n = 0;
    while (n < 32u && (mask & (0x80000000u >> n)))
        n++;
    return n;
}

static void put_ip_or_none(uint32_t ip, int have)
{
    if (have && ip)
        board_put_ip(ip);
    else
        board_puts("none");
}

static void stack_up(enum ns_dhcp_mode mode)
{
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.virt0 = &dev;
    cfg.lo_slots = lo_slots;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    cfg.arp = arp;
    cfg.arp_hold = arp_hold;
    cfg.arp_n = 4;
    cfg.dhcp = mode;
    if (mode == NS_DHCP_STUB) {
        struct dhcp_server_config sc;
        dhcp_server_config_defaults(&sc);
        if (dhcp_server_init(&stub, &sc) != DHCP_OK)
            fail("netstack", "stub-server");
        cfg.stub = &stub;
        cfg.stub_input = dhcp_server_input;
    }
    cfg.event = event;
    st.bound = 0;
    int rc = ns_init(&ns, &cfg);
    if (rc != NS_OK)
        fail("netstack", ns_strerror(rc));
}

static void dhcp_wait(uint32_t irq, const char *label)
{
    uint64_t end = board_now_ms() + DHCP_TIMEOUT_MS;
    while (!st.bound && board_now_ms() < end)
        poll_once(irq);
    if (!st.bound)
        fail(label, "no-lease");
    const struct ns_event *l = &st.lease;
    board_puts(label);
    board_puts(" addr=");
    board_put_ip(l->addr);
    board_puts("/");
    board_put_dec(prefix_len(l->mask));
    board_puts(" gw=");
    put_ip_or_none(l->gw, l->have & NS_HAVE_ROUTER);
    board_puts(" dns=");
    put_ip_or_none(l->dns, l->have & NS_HAVE_DNS);
    board_puts("\n");
}

static void ping(uint32_t irq, uint32_t dst, const char *step)
{
    struct ns_ping_params p = {dst, 0x7276, 3, 56, 10, 1000};
    struct ns_ping_result r;
    int rc = ns_ping_start(&ns, &p);
    if (rc != NS_OK)
        fail(step, ns_strerror(rc));
    uint64_t end = board_now_ms() + PING_TIMEOUT_MS;
    do {
        poll_once(irq);
        ns_ping_get(&ns, &r);
    } while (!r.done && board_now_ms() < end);
    ns_ping_stop(&ns);
    if (r.received != r.sent || r.sent != p.count)
        fail(step, "no-reply");
    board_puts("SELFTEST: ");
    board_puts(step);
    board_puts(" ok\n");
}

int rv_main(const void *fdt)
{
    struct slot s;
    uint64_t t0 = board_ticks();
    board_puts("rvnet rv-virt bring-up\n");
    if (find_net(fdt, &s) != 0)
        fail("virtionet", "no-device");
    struct vnet_ops ops;
    board_vnet_ops(s.base, &ops);
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    if (vnet_dma_size(&cfg) > sizeof(dma))
        fail("virtionet", "dma-too-small");
    int rc = vnet_init(&dev, &ops, &cfg, dma, sizeof(dma));
    if (rc != VNET_OK)
        fail("virtionet", vnet_strerror(rc));
    board_puts("virtionet: ready\n");
    board_puts("virtionet: mmio=0x");
    board_put_hex(s.base, 8);
    board_puts(" irq=");
    board_put_dec(s.irq);
    board_puts(" mac=");
    board_put_mac(dev.mac);
    board_puts(" mtu=1500 virtio=");
    board_puts(dev.mmio.version >= 2u ? "modern" : "legacy");
    board_puts("\n");
    board_puts("virtionet: found by ");
    board_puts(s.how);
    board_puts("\n");

    plic_init(s.irq);
    /* DHCP on the wire, against whatever server is on the link. */
    stack_up(NS_DHCP_WIRE);
    board_puts("netstack: ready\n");
    struct ns_if_info lo;
    if (ns_if_get(&ns, NS_IF_LO, &lo) != NS_OK || !lo.up)
        fail("netstack lo", "down");
    board_puts("netstack: lo up\n");
    dhcp_wait(s.irq, "netstack: virt0 dhcp");
    uint64_t t_lease = board_ticks();
    ping(s.irq, 0x7f000001u, "net lo ping");
    /* The gateway; slirp under restrict=on offers no router, so then the
     * DHCP server's own address (10.0.2.2), which slirp answers. */
    uint32_t gw = (st.lease.have & NS_HAVE_ROUTER) ? st.lease.gw : st.lease.server;
    ping(s.irq, gw, "net gw ping");

    /* The in-process stub: frames never leave the host struct. */
    stack_up(NS_DHCP_STUB);
    dhcp_wait(s.irq, "netstack: virt0 dhcp-stub");

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
    board_puts("timing: reset to lease ");
    board_put_dec((t_lease - t0) / (board_ticks_hz() / 1000u));
    board_puts(" ms (guest clock)\n");
    board_puts("SELFTEST: done\n");
    return 0;
}
