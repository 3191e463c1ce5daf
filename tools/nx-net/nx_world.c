/*
 * nx-net: the world every subcommand runs in. The virtio-net frontend on
 * the fake virtio-mmio device, the stub network behind it (a peer at
 * 10.0.2.2 answering DHCP, ARP and ICMP, as QEMU's slirp would), lo and the
 * netstack, on a virtual clock that starts at 0 and moves 1 ms per poll.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nx_net.h"

/* Text lines go to stdout unless --json, where one object is printed at
 * the end instead. */
void nx_say(const struct nx_world *w, const char *fmt, ...)
{
    if (w->o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

int nx_fail_step(const struct nx_world *w, const char *step, const char *reason)
{
    if (w->o->json)
        printf("{\"ok\":false,\"step\":\"%s\",\"reason\":\"%s\"}\n", step, reason);
    else
        printf("SELFTEST: %s FAIL reason=%s\n", step, reason);
    return NX_EXIT_FAIL;
}

static void tap(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame, size_t len)
{
    struct nx_world *w = ctx;
    if (!w->pcap_on)
        return;
    /* lo hands each packet over twice (TX, then RX); a capture of lo, as
     * Linux writes one, shows it once. */
    if (ifid == NS_IF_LO && dir == NS_DIR_RX)
        return;
    (void)pcap_write_eth(&w->pcap, w->now, frame, len);
}

static void event(void *ctx, const struct ns_event *ev)
{
    struct nx_world *w = ctx;
    if (ev->type == NS_EV_DHCP_BOUND || ev->type == NS_EV_DHCP_CHANGED) {
        w->bound = true;
        w->lease = *ev;
    } else if (ev->type == NS_EV_DHCP_LOST) {
        w->bound = false;
    }
}

/* One virtual millisecond: the interrupt line, then the one poll. */
static void step(struct nx_world *w)
{
    if (fake_vnet_irq_line(&w->h.fake))
        (void)ns_irq(&w->ns);
    (void)fake_backend_poll(&w->be, w->now);
    (void)ns_poll(&w->ns, w->now);
    w->now++;
}

bool nx_run(struct nx_world *w, bool (*done)(struct nx_world *w, void *arg), void *arg,
            uint64_t budget_ms)
{
    for (uint64_t i = 0; i < budget_ms; i++) {
        step(w);
        if (done && done(w, arg))
            return true;
    }
    return false;
}

int nx_world_open(struct nx_world *w, const struct nx_opts *o)
{
    memset(w, 0, sizeof(*w));
    w->o = o;
    if (vnet_harness_open(&w->h, o->version, NULL) != 0)
        return nx_fail_step(w, "virtionet", "harness");
    if (stub_net_init(&w->peer, NULL) != 0)
        return nx_fail_step(w, "virtionet", "stub-peer");
    w->be = stub_net_backend(&w->peer);
    fake_vnet_attach(&w->h.fake, &w->be);
    int rc = vnet_harness_up(&w->h);
    if (rc != VNET_OK)
        return nx_fail_step(w, "virtionet", vnet_strerror(rc));
    char mac[18];
    nx_say(w, "virtionet: ready\n");
    nx_say(w, "virtionet: mmio=0x%08x irq=%u mac=%s mtu=1500 virtio=%s\n", NX_MMIO_BASE, NX_IRQ,
           nx_mac_str(w->h.dev.mac, mac), o->version >= 2u ? "modern" : "legacy");
    if (o->pcap) {
        if (pcap_open(&w->pcap, o->pcap) != 0)
            return nx_fail_step(w, "pcap", strerror(errno));
        w->pcap_on = true;
    }
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.virt0 = &w->h.dev;
    cfg.lo_slots = w->lo_slots;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    cfg.arp = w->arp;
    cfg.arp_hold = w->arp_hold;
    cfg.arp_n = NX_ARP_N;
    cfg.dhcp = NS_DHCP_WIRE;
    cfg.tap = tap;
    cfg.tap_ctx = w;
    cfg.event = event;
    cfg.event_ctx = w;
    rc = ns_init(&w->ns, &cfg);
    if (rc != NS_OK)
        return nx_fail_step(w, "netstack", ns_strerror(rc));
    nx_say(w, "netstack: ready\n");
    struct ns_if_info lo;
    if (ns_if_get(&w->ns, NS_IF_LO, &lo) != NS_OK || !lo.up)
        return nx_fail_step(w, "netstack lo", "down");
    nx_say(w, "netstack: lo up\n");
    return 0;
}

void nx_world_close(struct nx_world *w)
{
    if (w->pcap_on)
        (void)pcap_close(&w->pcap);
    vnet_harness_close(&w->h);
}

uint64_t nx_drops(const struct ns_counters *c, const struct vnet_counters *v)
{
    return (uint64_t)c->if_down + c->eth_bad_len + c->eth_not_ours + c->eth_bad_type + c->arp_bad +
           c->arp_bad_sender + c->arp_cache_full + c->arp_hold_drop + c->arp_unresolved +
           c->ip_bad_header + c->ip_bad_checksum + c->ip_fragment + c->ip_bad_src + c->ip_not_ours +
           c->ip_unknown_proto + c->ip_no_route + c->icmp_bad + c->udp_bad + c->udp_no_port +
           c->udp_queue_full + c->raw_queue_full + c->lo_full + c->tx_full + c->tx_no_device +
           c->tx_too_big + c->dhcp_dropped + v->tx_bad_len + v->tx_full + v->rx_len_over +
           v->rx_len_long + v->rx_len_short;
}
