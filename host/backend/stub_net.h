/*
 * The stub network, a backend (backend.h) for the fake virtio-mmio device:
 * one peer, by default at 10.0.2.2 with MAC 52:55:0a:00:02:02 as QEMU's
 * slirp, that answers DHCP (with the dhcp-stub server), ARP for its
 * address and ICMP echo to its address. Everything it answers it answers
 * at once, from inside tx, through the sink, so every frame crosses the
 * driver's real TX and RX rings. Virtual clock, no timers, no randomness:
 * the same run gives the same frames. Host only.
 *
 *   struct stub_net stub;
 *   stub_net_init(&stub, NULL);                  (slirp-like defaults)
 *   struct fake_backend be = stub_net_backend(&stub);
 *   fake_vnet_attach(&harness.fake, &be);
 *   fake_backend_poll(&be, now);                 (the DHCP server's clock)
 */
#ifndef RVNET_HOST_STUB_NET_H
#define RVNET_HOST_STUB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "dhcp-stub/dhcp_server.h"

struct stub_net_stats {
    uint32_t frames_in;    /* frames the driver sent */
    uint32_t dhcp_replies; /* OFFER/ACK/NAK delivered */
    uint32_t arp_replies;  /* ARP replies delivered */
    uint32_t icmp_replies; /* echo replies delivered */
    uint32_t ignored;      /* frames it had no answer for */
    uint32_t inject_fail;  /* answers the device refused */
};

struct stub_net {
    uint8_t mac[6];
    uint32_t ip;
    struct dhcp_server dhcp;
    uint64_t now_ms; /* of the last poll: the DHCP server's clock */
    bool answer_dhcp, answer_arp, answer_icmp;
    struct fake_rx_sink sink;
    struct stub_net_stats stats;
};

/* srv NULL: the dhcp-stub defaults with always_broadcast on, as slirp
 * replies. Returns 0 or -1 (a bad server configuration). */
int stub_net_init(struct stub_net *s, const struct dhcp_server_config *srv);

/* The stub as a backend (ctx = s). */
struct fake_backend stub_net_backend(struct stub_net *s);

#endif
