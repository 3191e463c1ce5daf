/*
 * The stub network behind the fake virtio-mmio device: one peer, by default
 * at 10.0.2.2 with MAC 52:55:0a:00:02:02 as QEMU's slirp, that answers
 * DHCP (with the dhcp-stub server), ARP for its address and ICMP echo to
 * its address. It plugs into fake.on_tx and answers with fake_vnet_inject,
 * so every frame crosses the driver's real TX and RX rings. Host only.
 *
 *   stub_peer_init(&peer, &harness.fake, NULL);   (slirp-like defaults)
 *   peer.now_ms = now;                             (the DHCP server's clock)
 */
#ifndef RVNET_HOST_STUB_PEER_H
#define RVNET_HOST_STUB_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_server.h"
#include "fake_vnet.h"

struct stub_peer_stats {
    uint32_t frames_in;    /* frames the driver sent */
    uint32_t dhcp_replies; /* OFFER/ACK/NAK injected */
    uint32_t arp_replies;  /* ARP replies injected */
    uint32_t icmp_replies; /* echo replies injected */
    uint32_t ignored;      /* frames it had no answer for */
    uint32_t inject_fail;  /* answers the fake refused */
};

struct stub_peer {
    struct fake_vnet *fake;
    uint8_t mac[6];
    uint32_t ip;
    struct dhcp_server dhcp;
    uint64_t now_ms; /* set by the test before each poll */
    bool answer_dhcp, answer_arp, answer_icmp;
    struct stub_peer_stats stats;
};

/* Installs the peer on fake (on_tx and port_ctx). srv NULL: the dhcp-stub
 * defaults with always_broadcast on, as slirp replies. Returns 0 or -1. */
int stub_peer_init(struct stub_peer *p, struct fake_vnet *fake,
                   const struct dhcp_server_config *srv);

/* The fake's on_tx hook (ctx = the peer). */
void stub_peer_on_tx(void *ctx, const uint8_t *frame, size_t len);

#endif
