/*
 * Ethernet II framing (IEEE 802.3 with an EtherType, RFC 894). Frames are
 * handled without the FCS, which the device adds and strips.
 *
 * Builders in netproto write a header in front of a payload that is already
 * in place: the caller writes the payload at frame + NP_ETH_HLEN first, then
 * calls the builder. Nothing is copied twice and no memmove is needed.
 */
#ifndef NETPROTO_ETH_H
#define NETPROTO_ETH_H

#include "netproto/np.h"

#define NP_ETH_HLEN 14u
#define NP_ETH_MIN_FRAME 60u /* 64 on the wire less the 4-byte FCS */
#define NP_ETH_MAX_FRAME 1514u
#define NP_ETHERTYPE_IPV4 0x0800u
#define NP_ETHERTYPE_ARP 0x0806u

struct np_eth {
    uint8_t dst[NP_MAC_LEN];
    uint8_t src[NP_MAC_LEN];
    uint16_t type;
    const uint8_t *payload; /* parse only: the bytes after the header */
    size_t payload_len;     /* parse only: includes any padding to 60 bytes */
};

/* Reads the header of a frame of len bytes. NP_ERR_ETH_SHORT below 14 bytes,
 * NP_ERR_ETH_LONG above NP_ETH_MAX_FRAME (1514). */
int np_eth_parse(const uint8_t *frame, size_t len, struct np_eth *out);

/*
 * Writes the header in front of payload_len bytes already at
 * frame + NP_ETH_HLEN and zero-pads the frame to NP_ETH_MIN_FRAME bytes, as
 * RFC 894 requires of short frames. *out_len gets the frame length.
 * cap must hold the padded frame.
 */
int np_eth_build(uint8_t *frame, size_t cap, const struct np_eth *h, size_t payload_len,
                 size_t *out_len);

/* True for ff:ff:ff:ff:ff:ff. */
bool np_mac_is_broadcast(const uint8_t *mac);

#endif
