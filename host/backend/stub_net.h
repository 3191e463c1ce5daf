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
    uint32_t frames_in;    /* frames handed to it (behind the device: the driver sent) */
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

/* The stub as a backend (ctx = s): every frame the driver sends goes to
 * stub_net_answer with the device's sink. */
struct fake_backend stub_net_backend(struct stub_net *s);

/*
 * The frame responder itself: one Ethernet frame that arrived at the stub
 * (a DHCP message to port 67, an ARP request for s->ip, an echo request to
 * s->ip) and its answer, at once, through `to`. Returns true when it
 * answered; counts frames_in, the reply kind, ignored and inject_fail.
 * The DHCP server's clock is s->now_ms (the backend's poll sets it). The
 * backend calls it behind the device; a program on top of a frontend
 * (nx-net dhcp-server: TAP -> fake device -> frontend -> here -> frontend
 * -> TAP) calls it with frames from vnet_rx_poll and a sink that sends
 * through the frontend, with s->mac set to the frontend's MAC.
 */
bool stub_net_answer(struct stub_net *s, const uint8_t *frame, size_t len,
                     const struct fake_rx_sink *to);

#endif
