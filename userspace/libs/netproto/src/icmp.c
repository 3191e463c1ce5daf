/* ICMP header parse and build (RFC 792). */
#include "netproto/checksum.h"
#include "netproto/icmp.h"
#include "netproto/ipv4.h"

int np_icmp_parse(const uint8_t *msg, size_t len, struct np_icmp *out)
{
    return np_icmp_parse_ex(msg, len, 0, out);
}

int np_icmp_parse_ex(const uint8_t *msg, size_t len, unsigned flags, struct np_icmp *out)
{
    if (msg == NULL || out == NULL)
        return NP_ERR_INVAL;
    if (len < NP_ICMP_HLEN)
        return NP_ERR_ICMP_SHORT;
    /* RFC 792: the checksum covers the whole ICMP message. */
    if (!(flags & NP_PARSE_CSUM_OK) && np_inet_checksum(msg, len) != 0)
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

int np_icmp_echo_reply(uint8_t *msg, size_t len)
{
    if (msg == NULL)
        return NP_ERR_INVAL;
    if (len < NP_ICMP_HLEN)
        return NP_ERR_ICMP_SHORT;
    /* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), where m is the old first
     * word (type, code) and m' the new one, 0. It works because the checksum
     * of the request verified: its sum without the checksum field is ~HC,
     * modulo 0xffff. */
    uint32_t sum = np_csum_add16((uint16_t)~np_get16(msg + 2), (uint16_t)~np_get16(msg));
    msg[0] = NP_ICMP_ECHO_REPLY;
    msg[1] = 0;
    if (sum == 0 || sum == 0xffffu) {
        /* The reply sums to 0 modulo 0xffff, and only a full sum can tell a
         * message of all-zero words (checksum 0xffff) from the others
         * (checksum 0), as np_icmp_build would write it. Rare. */
        np_put16(msg + 2, 0);
        sum = np_csum_add(0, msg, len);
    }
    np_put16(msg + 2, (uint16_t)~sum);
    return NP_OK;
}
