/*
 * The netstack on arbitrary frames, into virt0 through the fake
 * virtio-mmio device (so the frontend's RX path runs too) and into lo, each
 * followed by a poll at a time the input chooses. The stub network may sit
 * behind the device, answering what the stack sends (ARP, DHCP, ICMP).
 *
 * Input: one flags byte (bit 0: DHCP on the wire, else 10.0.2.15/24
 * static; bit 1: stub network attached; bit 2: virt0 down half way; bit 3:
 * the DHCP client probes the offered address, RFC 5227), then records of
 * [selector][len hi][len lo][len bytes]: selector bit 0 picks lo, bits 1..3
 * advance the clock by that many seconds, bit 4 pings 10.0.2.2, bit 5
 * sends a UDP datagram to 10.0.2.2:7, bit 6 calls ns_dhcp_release after
 * the poll, bit 7 makes the record's bytes not a frame but a device event
 * picked by its first byte (none: 0) mod 4: DEVICE_NEEDS_RESET, a used
 * ring jump on RX, ns_virt0_restart, ns_handover. A short last record
 * takes what is left. The interrupt line is answered with ns_irq before
 * each poll. While the client probes, virt0 must stay unconfigured.
 *
 * After ns_handover the target also plays the new owner (vnet_irq,
 * vnet_rx_poll, vnet_tx_reclaim on the handed-over device), and checks
 * that no netstack call reaches the device any more (no frontend counter
 * moves, no register is read, every poll says NS_ERR_HANDED_OVER), and at
 * the end that every frame the frontend delivered went to exactly one of
 * the two.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/handover.h"
#include "netstack/netstack.h"
#include "stub_net.h"
#include "vnet_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 48u

static struct vnet_harness h;
static struct ns_host ns;
static struct lo_slot lo[LO_DEPTH_DEFAULT];
static struct ns_arp_entry arp[4];
static struct ns_frame hold[4];
static struct stub_net peer;
static struct ns_udp_sock udp;
static struct ns_dgram udp_q[4];
static struct ns_raw_sock raw_icmp, raw_exp;
static struct ns_dgram raw_q1[4], raw_q2[4];
static struct ns_handover ho;
static bool handed;
static uint64_t owner_rx; /* frames the new owner got */

/* What the netstack could have moved on the device: the frontend's
 * counters and the fake's register reads. */
struct dev_snap {
    struct vnet_counters v;
    uint64_t reads, tx;
};

static void dev_snap(struct dev_snap *s)
{
    memset(s, 0, sizeof(*s));
    vnet_counters(&h.dev, &s->v);
    s->reads = h.fake.stats.status_reads;
    s->tx = h.fake.stats.tx_frames;
}

static void untouched_since(const struct dev_snap *a)
{
    struct dev_snap b;
    dev_snap(&b);
    if (handed && (memcmp(&a->v, &b.v, sizeof(b.v)) != 0 || a->reads != b.reads || a->tx != b.tx))
        abort();
}

/* The new owner's turn, after the hand-over. */
static void owner_step(void)
{
    if (!handed)
        return;
    unsigned got = 0;
    if (fake_vnet_irq_line(&h.fake))
        (void)vnet_irq(ho.dev, NULL);
    (void)vnet_rx_poll(ho.dev, 64, NULL, NULL, &got);
    (void)vnet_tx_reclaim(ho.dev, NULL);
    owner_rx += got;
}

static void device_event(const uint8_t *data, size_t len)
{
    switch ((len ? data[0] : 0u) & 3u) {
    case 0:
        fake_vnet_needs_reset(&h.fake);
        break;
    case 1:
        fake_vnet_used_idx_move(&h.fake, 0, (uint16_t)(h.cfg.rx_queue_size + 1u));
        break;
    case 2:
        if (ns_virt0_restart(&ns) == NS_OK && vnet_state(&h.dev) != VNET_STATE_READY)
            abort();
        break;
    default:
        if (ns_handover(&ns, &ho) == NS_OK) {
            if (handed || ho.dev != &h.dev || vnet_state(ho.dev) != VNET_STATE_READY)
                abort();
            handed = true;
        }
        break;
    }
}

static void sink(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)frame;
    (void)len;
}

static void check(void)
{
    struct ns_counters c;
    ns_counters(&ns, &c);
    if (lo_pending(&ns.lo) > LO_DEPTH_DEFAULT || ns.udp != &udp.s)
        abort();
    /* RFC 5227: an address being probed is not configured yet. */
    struct ns_if_info vi;
    if (ns_dhcp_state(&ns) == DHCP_CLIENT_CHECKING &&
        (ns_if_get(&ns, NS_IF_VIRT0, &vi) != NS_OK || vi.addr != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* A fresh device, wire and host for every input; reopening keeps the
     * harness's allocations. */
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, 1);
    if (vnet_harness_reopen(&h, &fc, NULL) != 0 || vnet_harness_up(&h) != VNET_OK)
        abort();
    uint8_t flags = data[0];
    data++;
    size--;
    /* Behind the device: a sink, or the stub network answering. */
    struct fake_backend be = fake_fn_backend(&h.capture, sink, NULL);
    if (flags & 2u) {
        if (stub_net_init(&peer, NULL) != 0)
            abort();
        be = stub_net_backend(&peer);
    }
    fake_vnet_attach(&h.fake, &be);
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.virt0 = &h.dev;
    cfg.lo_slots = lo;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    cfg.arp = arp;
    cfg.arp_hold = hold;
    cfg.arp_n = 4;
    cfg.dhcp = (flags & 1u) ? NS_DHCP_WIRE : NS_DHCP_OFF;
    cfg.dhcp_client.probe.enabled = (flags & 8u) != 0;
    if (ns_init(&ns, &cfg) != NS_OK)
        abort();
    if (!(flags & 1u))
        ns_if_set_addr(&ns, NS_IF_VIRT0, 0x0a00020fu, 0xffffff00u, 0x0a000202u);
    handed = false;
    owner_rx = 0;
    if (ns_udp_bind(&ns, &udp, 7, udp_q, 4) != NS_OK ||
        ns_raw_open(&ns, &raw_icmp, 1, raw_q1, 4) != NS_OK ||
        ns_raw_open(&ns, &raw_exp, 253, raw_q2, 4) != NS_OK)
        abort();

    uint64_t now = 0;
    for (unsigned r = 0; r < MAX_RECORDS && size >= 3; r++) {
        uint8_t sel = data[0];
        size_t len = ((size_t)data[1] << 8) | data[2];
        data += 3;
        size -= 3;
        if (len > size)
            len = size;
        now += (uint64_t)((sel >> 1) & 7u) * 1000u;
        (void)fake_backend_poll(&be, now);
        struct dev_snap snap;
        dev_snap(&snap);
        if (sel & 0x80u)
            device_event(data, len);
        else if (sel & 1u)
            (void)ns_lo_inject(&ns, data, len);
        else
            (void)fake_vnet_inject(&h.fake, data, len);
        if (handed)
            dev_snap(&snap); /* from here on the netstack alone */
        if (sel & 0x10u) {
            struct ns_ping_params p = {0x0a000202u, 1, 2, 16, 500, 1000};
            (void)ns_ping_start(&ns, &p);
        }
        if (sel & 0x20u)
            (void)ns_udp_send(&ns, &udp, 0x0a000202u, 7, data, len > 64 ? 64 : len);
        if ((flags & 4u) && r == 8)
            ns_if_set_up(&ns, NS_IF_VIRT0, false);
        if (fake_vnet_irq_line(&h.fake))
            (void)ns_irq(&ns);
        int rc = ns_poll(&ns, now);
        if (handed ? rc != NS_ERR_HANDED_OVER
                   : (rc != NS_OK && rc != NS_ERR_DEVICE && rc != NS_ERR_DEVICE_BROKEN))
            abort();
        if (rc == NS_ERR_DEVICE_BROKEN && vnet_state(&h.dev) == VNET_STATE_READY)
            abort();
        check();
        if (sel & 0x40u) {
            (void)ns_dhcp_release(&ns);
            struct ns_if_info vi;
            /* (After the hand-over the client is the new owner's: the
             * release is refused and virt0 keeps its address.) */
            if (ns_if_get(&ns, NS_IF_VIRT0, &vi) != NS_OK ||
                ((flags & 1u) && !handed &&
                 (vi.addr != 0 || ns_dhcp_state(&ns) != DHCP_CLIENT_STOPPED)))
                abort();
        }
        uint8_t buf[NS_DGRAM_MAX];
        size_t n;
        (void)ns_udp_recv(&udp, buf, sizeof(buf), &n, NULL, NULL);
        (void)ns_raw_recv(&raw_icmp, buf, sizeof(buf), &n, NULL);
        (void)ns_raw_recv(&raw_exp, buf, sizeof(buf), &n, NULL);
        untouched_since(&snap);
        owner_step();
        data += len;
        size -= len;
    }
    /* Drain whatever the device still holds. */
    for (unsigned i = 0; i < 4; i++) {
        now += 1000;
        (void)fake_backend_poll(&be, now);
        struct dev_snap snap;
        dev_snap(&snap);
        (void)ns_poll(&ns, now);
        check();
        untouched_since(&snap);
        owner_step();
    }
    /* Every frame the frontend delivered went to one of the two. */
    struct vnet_counters v;
    struct ns_counters c;
    vnet_counters(&h.dev, &v);
    ns_counters(&ns, &c);
    if (c.rx_frames[NS_IF_VIRT0] + owner_rx != v.rx_frames)
        abort();
    return 0;
}
