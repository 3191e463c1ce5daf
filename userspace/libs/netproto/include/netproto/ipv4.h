/*
 * IPv4 headers (RFC 791). Parsing checks, in this order, every length before
 * it reads: at least 20 bytes, version 4, IHL at least 5, the IHL header
 * inside the buffer, total length between IHL * 4 and the buffer length
 * (a longer buffer is Ethernet padding and is ignored), no fragment, and the
 * header checksum. Options are skipped by IHL, never interpreted.
 * Fragments are rejected: a bring-up stack never needs reassembly.
 */
#ifndef NETPROTO_IPV4_H
#define NETPROTO_IPV4_H

#include "netproto/np.h"

#define NP_IPV4_HLEN 20u
#define NP_IPV4_MAX_LEN 65535u
#define NP_IP_PROTO_ICMP 1u
#define NP_IP_PROTO_UDP 17u
/* The TTL of every packet rvnet sends: the default RFC 1700 gives ("IP
 * TIME TO LIVE PARAMETER: 64"). */
#define NP_IPV4_TTL_DEFAULT 64u

struct np_ipv4 {
    uint8_t tos;
    uint16_t id;
    bool df; /* don't fragment */
    uint8_t ttl;
    uint8_t proto;
    uint32_t src;
    uint32_t dst;
    size_t hdr_len;         /* parse only: IHL * 4 */
    const uint8_t *payload; /* parse only: after the header, up to total length */
    size_t payload_len;     /* parse only */
};

int np_ipv4_parse(const uint8_t *pkt, size_t len, struct np_ipv4 *out);

/* np_ipv4_parse, but with NP_PARSE_CSUM_OK in flags the header checksum is
 * not verified (np.h says when that is right). */
int np_ipv4_parse_ex(const uint8_t *pkt, size_t len, unsigned flags, struct np_ipv4 *out);

/*
 * Writes a 20-byte header (no options) with its checksum in front of
 * payload_len bytes already at pkt + NP_IPV4_HLEN. Fragment offset 0, MF 0.
 */
int np_ipv4_build(uint8_t *pkt, size_t cap, const struct np_ipv4 *h, size_t payload_len,
                  size_t *out_len);

/* True for 224.0.0.0/4. */
bool np_ipv4_is_multicast(uint32_t addr);

#endif
