/* UDP (RFC 768) with its pseudo-header checksum, and the Ethernet/IPv4/UDP
 * helpers built from the layer functions. */
#include <string.h>

#include "netproto/checksum.h"
#include "netproto/udp.h"

/* The RFC 768 pseudo-header: source, destination, zero, protocol, length. */
static uint32_t pseudo_sum(uint32_t src_ip, uint32_t dst_ip, uint16_t udp_len)
{
    uint32_t sum = 0;
    sum = np_csum_add16(sum, (uint16_t)(src_ip >> 16));
    sum = np_csum_add16(sum, (uint16_t)src_ip);
    sum = np_csum_add16(sum, (uint16_t)(dst_ip >> 16));
    sum = np_csum_add16(sum, (uint16_t)dst_ip);
    sum = np_csum_add16(sum, NP_IP_PROTO_UDP);
    sum = np_csum_add16(sum, udp_len);
    return sum;
}

int np_udp_parse(const uint8_t *seg, size_t len, uint32_t src_ip, uint32_t dst_ip,
                 struct np_udp *out)
{
    return np_udp_parse_ex(seg, len, src_ip, dst_ip, 0, out);
}

int np_udp_parse_ex(const uint8_t *seg, size_t len, uint32_t src_ip, uint32_t dst_ip,
                    unsigned flags, struct np_udp *out)
{
    if (seg == NULL || out == NULL)
        return NP_ERR_INVAL;
    if (len < NP_UDP_HLEN)
        return NP_ERR_UDP_SHORT;
    size_t ulen = np_get16(seg + 4);
    if (ulen < NP_UDP_HLEN || ulen > len)
        return NP_ERR_UDP_LEN;
    uint16_t csum = np_get16(seg + 6);
    /* RFC 768: "An all zero transmitted checksum value means that the
     * transmitter generated no checksum". */
    if (csum != 0 && !(flags & NP_PARSE_CSUM_OK)) {
        uint32_t sum = pseudo_sum(src_ip, dst_ip, (uint16_t)ulen);
        if (np_csum_finish(np_csum_add(sum, seg, ulen)) != 0)
            return NP_ERR_UDP_CHECKSUM;
    }
    out->src_port = np_get16(seg);
    out->dst_port = np_get16(seg + 2);
    out->has_checksum = csum != 0;
    out->payload = seg + NP_UDP_HLEN;
    out->payload_len = ulen - NP_UDP_HLEN;
    return NP_OK;
}

int np_udp_build(uint8_t *seg, size_t cap, const struct np_udp *h, uint32_t src_ip, uint32_t dst_ip,
                 size_t payload_len, size_t *out_len)
{
    if (seg == NULL || h == NULL || out_len == NULL)
        return NP_ERR_INVAL;
    /* The UDP length field is 16 bits and the datagram must fit in an IPv4
     * packet with a 20-byte header. */
    if (payload_len > NP_IPV4_MAX_LEN - NP_IPV4_HLEN - NP_UDP_HLEN)
        return NP_ERR_TOO_BIG;
    size_t ulen = NP_UDP_HLEN + payload_len;
    if (cap < ulen)
        return NP_ERR_NOSPACE;
    np_put16(seg, h->src_port);
    np_put16(seg + 2, h->dst_port);
    np_put16(seg + 4, (uint16_t)ulen);
    np_put16(seg + 6, 0);
    uint32_t sum = pseudo_sum(src_ip, dst_ip, (uint16_t)ulen);
    uint16_t csum = np_csum_finish(np_csum_add(sum, seg, ulen));
    /* RFC 768: a computed zero is sent as all ones, since 0 means "none". */
    np_put16(seg + 6, csum == 0 ? 0xffffu : csum);
    *out_len = ulen;
    return NP_OK;
}

int np_udp_frame_build(uint8_t *frame, size_t cap, const struct np_udp_frame *f, size_t payload_len,
                       size_t *out_len)
{
    if (frame == NULL || f == NULL || out_len == NULL)
        return NP_ERR_INVAL;
    if (payload_len > NP_ETH_MAX_FRAME - NP_UDP_FRAME_HLEN)
        return NP_ERR_TOO_BIG;
    if (cap < NP_UDP_FRAME_HLEN + payload_len || cap < NP_ETH_MIN_FRAME)
        return NP_ERR_NOSPACE;
    uint8_t *ip = frame + NP_ETH_HLEN;
    uint8_t *udp = ip + NP_IPV4_HLEN;
    struct np_udp uh = {.src_port = f->src_port, .dst_port = f->dst_port};
    struct np_ipv4 ih = {.ttl = f->ttl,
                         .id = f->ip_id,
                         .proto = NP_IP_PROTO_UDP,
                         .src = f->src_ip,
                         .dst = f->dst_ip};
    struct np_eth eh = {.type = NP_ETHERTYPE_IPV4};
    memcpy(eh.dst, f->dst_mac, NP_MAC_LEN);
    memcpy(eh.src, f->src_mac, NP_MAC_LEN);
    size_t ulen, iplen;
    /* The capacity checks above make the three builders below infallible. */
    int rc = np_udp_build(udp, cap - NP_ETH_HLEN - NP_IPV4_HLEN, &uh, f->src_ip, f->dst_ip,
                          payload_len, &ulen);
    if (rc == NP_OK)
        rc = np_ipv4_build(ip, cap - NP_ETH_HLEN, &ih, ulen, &iplen);
    if (rc == NP_OK)
        rc = np_eth_build(frame, cap, &eh, iplen, out_len);
    return rc;
}

int np_udp_frame_parse(const uint8_t *frame, size_t len, struct np_udp_frame *out)
{
    if (frame == NULL || out == NULL)
        return NP_ERR_INVAL;
    struct np_eth eh;
    struct np_ipv4 ih;
    struct np_udp uh;
    int rc = np_eth_parse(frame, len, &eh);
    if (rc != NP_OK)
        return rc;
    if (eh.type != NP_ETHERTYPE_IPV4)
        return NP_ERR_PROTO;
    rc = np_ipv4_parse(eh.payload, eh.payload_len, &ih);
    if (rc != NP_OK)
        return rc;
    if (ih.proto != NP_IP_PROTO_UDP)
        return NP_ERR_PROTO;
    rc = np_udp_parse(ih.payload, ih.payload_len, ih.src, ih.dst, &uh);
    if (rc != NP_OK)
        return rc;
    memcpy(out->dst_mac, eh.dst, NP_MAC_LEN);
    memcpy(out->src_mac, eh.src, NP_MAC_LEN);
    out->src_ip = ih.src;
    out->dst_ip = ih.dst;
    out->src_port = uh.src_port;
    out->dst_port = uh.dst_port;
    out->ttl = ih.ttl;
    out->ip_id = ih.id;
    out->payload = uh.payload;
    out->payload_len = uh.payload_len;
    return NP_OK;
}
