/*
 * What the client and the stub server share: the time unit and the
 * address and mask rules both apply. Not installed.
 */
#ifndef DHCP_STUB_DHCP_INTERNAL_H
#define DHCP_STUB_DHCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netproto/arp.h"

/* Times are kept in ms; options 51, 58 and 59 and secs count seconds. */
#define MS_PER_S 1000u

/* An address a host can hold (RFC 1122 §3.2.1.3): not 0/8 ("this
 * network"), not 127/8 (loopback), and nothing from 224 up (class D
 * multicast, class E, the limited broadcast). */
static inline bool dhcp_addr_usable(uint32_t a)
{
    uint8_t first = (uint8_t)(a >> 24);
    return first != 0 && first != 127 && first < 224;
}

/* A usable subnet mask: not zero, and ones then zeros (a prefix, as CIDR,
 * RFC 4632, requires). */
static inline bool dhcp_mask_contiguous(uint32_t mask)
{
    uint32_t inv = ~mask;
    return mask != 0 && (inv & (inv + 1u)) == 0;
}

/* The mask of the address's class (RFC 791 §3.2: A 0/1, B 10/2, C 110/3),
 * for a lease or a server without a subnet mask option. */
static inline uint32_t dhcp_classful_mask(uint32_t addr)
{
    if ((addr >> 31) == 0)
        return 0xff000000u;
    if ((addr >> 30) == 2)
        return 0xffff0000u;
    return 0xffffff00u;
}

/* dhcp_frame.c: what a frame received by the client holds. */
enum dhcp_rx_kind {
    DHCP_RX_MSG, /* a DHCP message from port 67 to port 68: msg, len */
    DHCP_RX_ARP, /* an ARP packet (any destination), for the probe: arp */
};

struct dhcp_rx {
    enum dhcp_rx_kind kind;
    const uint8_t *msg; /* inside the frame */
    size_t len;
    struct np_arp arp;
};

/* Unwraps an Ethernet frame for the client with MAC mac: DHCP_OK and *out,
 * DHCP_CLIENT_ERR_FRAME for a malformed frame, DHCP_CLIENT_ERR_NOT_OURS for
 * a valid one that is not an ARP packet nor a DHCP reply to mac or
 * broadcast. */
int dhcp_frame_unwrap(const uint8_t *frame, size_t len, const uint8_t *mac, struct dhcp_rx *out);

#endif
