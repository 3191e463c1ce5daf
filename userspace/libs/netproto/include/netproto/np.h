/*
 * rvnet netproto: the errors every netproto call returns and the byte-order
 * helpers every codec uses.
 *
 * Values on the wire are big-endian (RFC 791 Appendix B, "network byte
 * order"). Every load and store goes through the byte-wise helpers below and
 * never through a pointer cast, so the code is correct on little- and
 * big-endian hosts alike and never performs a misaligned access.
 *
 * IPv4 addresses are held as uint32_t in host order with the first octet in
 * the most significant byte: 10.0.2.15 is 0x0a00020f, NP_IPV4(10, 0, 2, 15).
 */
#ifndef NETPROTO_NP_H
#define NETPROTO_NP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Errors: every fallible netproto call returns 0 or one of these (all
 * negative), and leaves its output parameters untouched on failure. Each
 * malformed-input rule has its own code so tests can tell them apart.
 */
enum np_err {
    NP_OK = 0,
    NP_ERR_INVAL = -1,          /* a NULL pointer or an impossible argument */
    NP_ERR_NOSPACE = -2,        /* the output buffer is too small */
    NP_ERR_TOO_BIG = -3,        /* the payload does not fit the header's length field */
    NP_ERR_ETH_SHORT = -4,      /* frame shorter than the 14-byte Ethernet header */
    NP_ERR_ARP_SHORT = -5,      /* ARP packet shorter than 28 bytes */
    NP_ERR_ARP_FORMAT = -6,     /* not Ethernet/IPv4 ARP (htype 1, ptype 0x0800, 6, 4) */
    NP_ERR_ARP_OP = -7,         /* ARP operation neither request (1) nor reply (2) */
    NP_ERR_IP_SHORT = -8,       /* shorter than the 20-byte minimum IPv4 header */
    NP_ERR_IP_VERSION = -9,     /* version field is not 4 */
    NP_ERR_IP_IHL = -10,        /* IHL below 5 */
    NP_ERR_IP_HDR_TRUNC = -11,  /* IHL * 4 runs past the end of the buffer */
    NP_ERR_IP_TOTAL_LEN = -12,  /* total length below IHL * 4 or beyond the buffer */
    NP_ERR_IP_FRAGMENT = -13,   /* MF set or a non-zero fragment offset */
    NP_ERR_IP_CHECKSUM = -14,   /* header checksum does not verify */
    NP_ERR_UDP_SHORT = -15,     /* shorter than the 8-byte UDP header */
    NP_ERR_UDP_LEN = -16,       /* UDP length below 8 or beyond the IP payload */
    NP_ERR_UDP_CHECKSUM = -17,  /* non-zero UDP checksum does not verify */
    NP_ERR_ICMP_SHORT = -18,    /* shorter than the 8-byte ICMP header */
    NP_ERR_ICMP_CHECKSUM = -19, /* ICMP checksum does not verify */
    NP_ERR_PROTO = -20,         /* valid, but not the EtherType or IP protocol asked for */
    NP_ERR_ETH_LONG = -21,      /* frame longer than 1514 bytes (no FCS, no VLAN tag) */
};

/* The lowest (most negative) code: every value from it to 0 is named. A new
 * code goes below it, and this moves to the new one. */
#define NP_ERR_LOWEST NP_ERR_ETH_LONG

/* A short, stable name for an error code ("ip-checksum", ...); "unknown" for
 * any other value. */
const char *np_strerror(int err);

/*
 * Flags of the np_*_parse_ex calls. NP_PARSE_CSUM_OK: the caller knows the
 * checksum is right, because this host computed it and the bytes never left
 * its memory (the netstack's lo, docs/netstack.md, "Checksums on lo"), so it is not summed
 * again. Every other check is made exactly as without the flag.
 */
#define NP_PARSE_CSUM_OK 1u

#define NP_IPV4(a, b, c, d)                                                                        \
    ((uint32_t)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) |             \
                (uint32_t)(d)))
#define NP_IPV4_ANY 0u
#define NP_IPV4_BROADCAST 0xffffffffu
#define NP_MAC_LEN 6u

/* The MAC the libraries use when they are given none (the DHCP client's
 * and the netstack's defaults; virtio-net, which depends on no library,
 * writes the same bytes out): 02:00:00:00:00:01, a locally administered
 * unicast address (IEEE 802: bit 1 of the first octet set, bit 0 clear),
 * the one scripts/qemu-test.sh gives QEMU's device. An initialiser:
 * static const uint8_t mac[NP_MAC_LEN] = NP_MAC_DEFAULT. */
#define NP_MAC_DEFAULT                                                                             \
    {                                                                                              \
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01                                                         \
    }

static inline uint16_t np_get16(const uint8_t *p)
{
    return (uint16_t)(((uint16_t)p[0] << 8) | p[1]);
}

static inline uint32_t np_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void np_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void np_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
