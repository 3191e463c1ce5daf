/*
 * UDP (RFC 768) and the Ethernet/IPv4/UDP stack in one call, which is what
 * a DHCP client and the netstack send most.
 *
 * The checksum covers a pseudo-header (source and destination address, zero,
 * protocol 17, UDP length), the UDP header and the data. A received checksum
 * of 0 means the sender computed none (RFC 768); a computed checksum of 0 is
 * sent as 0xffff for the same reason.
 */
#ifndef NETPROTO_UDP_H
#define NETPROTO_UDP_H

#include "netproto/eth.h"
#include "netproto/ipv4.h"
#include "netproto/np.h"

#define NP_UDP_HLEN 8u
/* Where the UDP payload starts in a frame with a 20-byte IPv4 header. */
#define NP_UDP_FRAME_HLEN (NP_ETH_HLEN + NP_IPV4_HLEN + NP_UDP_HLEN)

struct np_udp {
    uint16_t src_port;
    uint16_t dst_port;
    bool has_checksum;      /* parse only: false when the sender sent 0 */
    const uint8_t *payload; /* parse only */
    size_t payload_len;     /* parse only: UDP length - 8 */
};

/*
 * Parses a UDP datagram from an IP payload of len bytes; src_ip and dst_ip
 * come from the IPv4 header for the pseudo-header. The UDP length must be at
 * least 8 and at most len.
 */
int np_udp_parse(const uint8_t *seg, size_t len, uint32_t src_ip, uint32_t dst_ip,
                 struct np_udp *out);

/* np_udp_parse, but with NP_PARSE_CSUM_OK in flags a non-zero checksum is
 * not verified (np.h says when that is right); has_checksum is set as
 * always. */
int np_udp_parse_ex(const uint8_t *seg, size_t len, uint32_t src_ip, uint32_t dst_ip,
                    unsigned flags, struct np_udp *out);

/* Writes the 8-byte header and checksum in front of payload_len bytes
 * already at seg + NP_UDP_HLEN. */
int np_udp_build(uint8_t *seg, size_t cap, const struct np_udp *h, uint32_t src_ip, uint32_t dst_ip,
                 size_t payload_len, size_t *out_len);

/* Addresses and ports of one Ethernet/IPv4/UDP frame. */
struct np_udp_frame {
    uint8_t dst_mac[NP_MAC_LEN];
    uint8_t src_mac[NP_MAC_LEN];
    uint32_t src_ip;
    uint32_t dst_ip;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t ttl;            /* build: written; parse: the received header's */
    uint16_t ip_id;         /* build: written; parse: the received header's */
    const uint8_t *payload; /* parse only */
    size_t payload_len;     /* parse only */
};

/*
 * Wraps payload_len bytes already at frame + NP_UDP_FRAME_HLEN in UDP, IPv4
 * (20-byte header) and Ethernet II headers; pads to 60 bytes.
 */
int np_udp_frame_build(uint8_t *frame, size_t cap, const struct np_udp_frame *f, size_t payload_len,
                       size_t *out_len);

/*
 * Parses Ethernet, IPv4 and UDP in turn; NP_ERR_PROTO when the frame is
 * valid but not IPv4 or not UDP. Any layer's error is returned as is.
 */
int np_udp_frame_parse(const uint8_t *frame, size_t len, struct np_udp_frame *out);

#endif
