/* IPv4 header parse and build (RFC 791 §3.1). */
#include "netproto/checksum.h"
#include "netproto/ipv4.h"

#define IP_FLAG_DF 0x4000u
#define IP_FLAG_MF 0x2000u
#define IP_FRAG_OFFSET_MASK 0x1fffu

int np_ipv4_parse(const uint8_t *pkt, size_t len, struct np_ipv4 *out)
{
    return np_ipv4_parse_ex(pkt, len, 0, out);
}

int np_ipv4_parse_ex(const uint8_t *pkt, size_t len, unsigned flags, struct np_ipv4 *out)
{
    if (pkt == NULL || out == NULL)
        return NP_ERR_INVAL;
    if (len < NP_IPV4_HLEN)
        return NP_ERR_IP_SHORT;
    if ((pkt[0] >> 4) != 4)
        return NP_ERR_IP_VERSION;
    size_t hlen = (size_t)(pkt[0] & 0x0fu) * 4u;
    /* RFC 791 §3.1: "the minimum value for a correct header is 5". */
    if (hlen < NP_IPV4_HLEN)
        return NP_ERR_IP_IHL;
    if (hlen > len)
        return NP_ERR_IP_HDR_TRUNC;
    size_t total = np_get16(pkt + 2);
    /* The total length covers header and data; the frame may be longer
     * because Ethernet pads short frames, never shorter. */
    if (total < hlen || total > len)
        return NP_ERR_IP_TOTAL_LEN;
    uint16_t frag = np_get16(pkt + 6);
    if ((frag & IP_FLAG_MF) || (frag & IP_FRAG_OFFSET_MASK))
        return NP_ERR_IP_FRAGMENT;
    /* RFC 1071: summing a header that carries its checksum gives 0. */
    if (!(flags & NP_PARSE_CSUM_OK) && np_inet_checksum(pkt, hlen) != 0)
        return NP_ERR_IP_CHECKSUM;
    out->tos = pkt[1];
    out->id = np_get16(pkt + 4);
    out->df = (frag & IP_FLAG_DF) != 0;
    out->ttl = pkt[8];
    out->proto = pkt[9];
    out->src = np_get32(pkt + 12);
    out->dst = np_get32(pkt + 16);
    out->hdr_len = hlen;
    out->payload = pkt + hlen;
    out->payload_len = total - hlen;
    return NP_OK;
}

int np_ipv4_build(uint8_t *pkt, size_t cap, const struct np_ipv4 *h, size_t payload_len,
                  size_t *out_len)
{
    if (pkt == NULL || h == NULL || out_len == NULL)
        return NP_ERR_INVAL;
    if (payload_len > NP_IPV4_MAX_LEN - NP_IPV4_HLEN)
        return NP_ERR_TOO_BIG;
    size_t total = NP_IPV4_HLEN + payload_len;
    if (cap < total)
        return NP_ERR_NOSPACE;
    uint16_t flags = h->df ? IP_FLAG_DF : 0;
    pkt[0] = 0x45; /* version 4, IHL 5: no options */
    pkt[1] = h->tos;
    np_put16(pkt + 2, (uint16_t)total);
    np_put16(pkt + 4, h->id);
    np_put16(pkt + 6, flags);
    pkt[8] = h->ttl;
    pkt[9] = h->proto;
    np_put32(pkt + 12, h->src);
    np_put32(pkt + 16, h->dst);
    /* RFC 791 §3.1: the checksum is computed with the field itself zero,
     * over the nine other words, summed here from the values just stored. */
    uint32_t sum = (0x4500u | h->tos) + (uint32_t)total + h->id + flags +
                   ((uint32_t)h->ttl << 8 | h->proto) + (h->src >> 16) + (h->src & 0xffffu) +
                   (h->dst >> 16) + (h->dst & 0xffffu);
    np_put16(pkt + 10, np_csum_finish(sum));
    *out_len = total;
    return NP_OK;
}

bool np_ipv4_is_multicast(uint32_t addr)
{
    return (addr >> 28) == 0xeu;
}
