/*
 * ARP for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type
 * 0x0800, address lengths 6 and 4; requests and replies only.
 */
#ifndef NETPROTO_ARP_H
#define NETPROTO_ARP_H

#include "netproto/np.h"

#define NP_ARP_LEN 28u
#define NP_ARP_REQUEST 1u
#define NP_ARP_REPLY 2u

struct np_arp {
    uint16_t op;             /* NP_ARP_REQUEST or NP_ARP_REPLY */
    uint8_t sha[NP_MAC_LEN]; /* sender hardware address */
    uint32_t spa;            /* sender protocol address */
    uint8_t tha[NP_MAC_LEN]; /* target hardware address */
    uint32_t tpa;            /* target protocol address */
};

/* Parses the first 28 bytes of p; trailing bytes (frame padding) are ignored. */
int np_arp_parse(const uint8_t *p, size_t len, struct np_arp *out);

/* Writes the 28-byte packet; *out_len gets 28. NP_ERR_INVAL for another op. */
int np_arp_build(uint8_t *p, size_t cap, const struct np_arp *a, size_t *out_len);

#endif
