/*
 * nx-net dhcp-server: the stub DHCP server (dhcp-stub's test fixture: one
 * lease, 10.0.2.15/24, router 10.0.2.2, DNS 10.0.2.3) on a real link, for
 * testing real DHCP clients, with rvnet's whole driver path in between:
 *
 *   TAP -> fake device -> frontend -> here -> frontend -> fake device -> TAP
 *
 * It is not a DHCP server for networks: one address, for one client at a
 * time, no lease database; run it only on a private link (a TAP in a
 * namespace of your own). The answers come from host/backend/stub_net.c's
 * frame responder (stub_net_answer), the same code that stands behind the
 * device as the stub backend, here on top of the frontend: frames from
 * vnet_rx_poll go in, its answers go out through vnet_send. Not through the
 * netstack: a DISCOVER comes from 0.0.0.0, which the netstack drops. It also
 * answers ARP for 10.0.2.2 and echo requests to it (the client's router).
 */
#include <stdio.h>
#include <string.h>

#include "nx_net.h"

#define NX_DHCPD_OUTBOX 8u

struct nx_dhcpd {
    struct stub_net peer;
    uint8_t out[NX_DHCPD_OUTBOX][NS_FRAME_MAX];
    size_t out_len[NX_DHCPD_OUTBOX];
    unsigned out_n;
    uint64_t out_dropped, send_errors, rx_errors, frames;
    const struct nx_world *w;
};

/* The responder's sink: answers wait here until vnet_rx_poll returns, and
 * then go out through the frontend (not from inside its callback). */
static int outbox_deliver(void *ctx, const uint8_t *frame, size_t len)
{
    struct nx_dhcpd *d = ctx;
    if (d->out_n >= NX_DHCPD_OUTBOX || len > NS_FRAME_MAX) {
        d->out_dropped++;
        return -1;
    }
    memcpy(d->out[d->out_n], frame, len);
    d->out_len[d->out_n++] = len;
    return 0;
}

/* What the server did with one frame, from its counters before and after. */
static void log_dhcp(const struct nx_dhcpd *d, const struct dhcp_server_stats *a,
                     const struct dhcp_server_stats *b, const uint8_t *frame)
{
    const char *in = b->discovers > a->discovers ? "DISCOVER"
                     : b->requests > a->requests ? "REQUEST"
                     : b->releases > a->releases ? "RELEASE"
                     : b->declines > a->declines ? "DECLINE"
                     : b->informs > a->informs   ? "INFORM"
                                                 : NULL;
    if (!in)
        return;
    const char *out = b->offers > a->offers ? " -> OFFER 10.0.2.15"
                      : b->acks > a->acks   ? " -> ACK 10.0.2.15"
                      : b->naks > a->naks   ? " -> NAK"
                      : b->no_free_lease > a->no_free_lease
                          ? " -> no answer: the lease is held by another client"
                      : b->releases > a->releases ? ": the lease is free"
                      : b->declines > a->declines ? ": the address is out of use"
                                                  : " -> no answer";
    char mac[18];
    nx_say(d->w, "dhcp-server: %s from %s%s\n", in, nx_mac_str(frame + 6, mac), out);
}

static void on_frame(void *ctx, const uint8_t *frame, size_t len)
{
    struct nx_dhcpd *d = ctx;
    struct fake_rx_sink to = {outbox_deliver, d};
    struct dhcp_server_stats a, b;
    d->frames++;
    dhcp_server_get_stats(&d->peer.dhcp, &a);
    (void)stub_net_answer(&d->peer, frame, len, &to);
    dhcp_server_get_stats(&d->peer.dhcp, &b);
    if (len >= 14)
        log_dhcp(d, &a, &b, frame);
}

void nx_dhcpd_poll(struct nx_world *w)
{
    struct nx_dhcpd *d = w->dhcpd;
    struct vnet_dev *dev = &w->h.dev;
    d->peer.now_ms = w->now; /* the lease's clock */
    if (fake_vnet_irq_line(&w->h.fake))
        (void)vnet_irq(dev, NULL);
    (void)vnet_tx_reclaim(dev, NULL);
    if (vnet_rx_poll(dev, 64, on_frame, d, NULL) != VNET_OK)
        d->rx_errors++;
    for (unsigned i = 0; i < d->out_n; i++)
        if (vnet_send(dev, d->out[i], d->out_len[i]) != VNET_OK)
            d->send_errors++;
    d->out_n = 0;
}

static void report(const struct nx_world *w, const struct nx_dhcpd *d)
{
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&d->peer.dhcp, &st);
    uint8_t holder[6];
    char mac[18];
    bool held = dhcp_server_lease_held(&d->peer.dhcp, w->now, holder);
    printf("dhcp-server: %llu %s ms, %llu frames: discovers %u offers %u requests %u acks %u "
           "naks %u releases %u declines %u ignored %u no-free-lease %u; arp replies %u, echo "
           "replies %u; lease %s%s\n",
           (unsigned long long)nx_elapsed(w), nx_clock_name(w), (unsigned long long)d->frames,
           st.discovers, st.offers, st.requests, st.acks, st.naks, st.releases, st.declines,
           st.ignored, st.no_free_lease, d->peer.stats.arp_replies, d->peer.stats.icmp_replies,
           held ? "held by " : "free", held ? nx_mac_str(holder, mac) : "");
    if (d->out_dropped || d->send_errors || d->rx_errors || d->peer.stats.inject_fail)
        printf("dhcp-server: dropped %llu answers, %llu send errors, %llu receive errors\n",
               (unsigned long long)(d->out_dropped + d->peer.stats.inject_fail),
               (unsigned long long)d->send_errors, (unsigned long long)d->rx_errors);
}

int nx_cmd_dhcp_server(struct nx_world *w)
{
    static struct nx_dhcpd d;
    struct dhcp_server_config cfg;
    /* The fixture's defaults, with RFC 2131 §4.1's replies (unicast to a
     * client that can take it): real clients are being tested. */
    dhcp_server_config_defaults(&cfg);
    if (stub_net_init(&d.peer, &cfg) != 0)
        return nx_fail_step(w, "dhcp-server", "config");
    memcpy(d.peer.mac, vnet_mac(&w->h.dev), 6); /* the answers leave through the device */
    d.w = w;
    w->dhcpd = &d;
    char desc[32];
    nx_say(w,
           "dhcp-server: the stub lease 10.0.2.15/24 router 10.0.2.2 dns 10.0.2.3 on %s for %u s "
           "(a test fixture for a private link, not a DHCP server for networks)\n",
           nx_backend_desc(w->o, desc, sizeof(desc)), w->o->seconds);
    fflush(stdout);
    (void)nx_run(w, NULL, NULL, (uint64_t)w->o->seconds * 1000u);
    report(w, &d);
    w->dhcpd = NULL;
    return 0;
}
