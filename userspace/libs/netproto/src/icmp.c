/* ICMP header parse and build (RFC 792). */
#include "netproto/checksum.h"
#include "netproto/icmp.h"
#include "netproto/ipv4.h"

int np_icmp_parse(const uint8_t *msg, size_t len, struct np_icmp *out)
{
    if (msg == NULL || out == NULL)
        return NP_ERR_INVAL;
    if (len < NP_ICMP_HLEN)
        return NP_ERR_ICMP_SHORT;
    /* RFC 792: the checksum covers the whole ICMP message. */
    if (np_inet_checksum(msg, len) != 0)
        return NP_ERR_ICMP_CHECKSUM;
    out->type = msg[0];
    out->code = msg[1];
    out->id = np_get16(msg + 4);
    out->seq = np_get16(msg + 6);
    out->payload = msg + NP_ICMP_HLEN;
    out->payload_len = len - NP_ICMP_HLEN;
    return NP_OK;
}

int np_icmp_build(uint8_t *msg, size_t cap, const struct np_icmp *h, size_t payload_len,
                  size_t *out_len)
{
    if (msg == NULL || h == NULL || out_len == NULL)
        return NP_ERR_INVAL;
    if (payload_len > NP_IPV4_MAX_LEN - NP_IPV4_HLEN - NP_ICMP_HLEN)
        return NP_ERR_TOO_BIG;
    size_t len = NP_ICMP_HLEN + payload_len;
    if (cap < len)
        return NP_ERR_NOSPACE;
    msg[0] = h->type;
    msg[1] = h->code;
    np_put16(msg + 2, 0);
    np_put16(msg + 4, h->id);
    np_put16(msg + 6, h->seq);
    np_put16(msg + 2, np_inet_checksum(msg, len));
    *out_len = len;
    return NP_OK;
}
