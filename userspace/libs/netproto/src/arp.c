/* ARP for IPv4 over Ethernet (RFC 826). */
#include <string.h>

#include "netproto/arp.h"

/* RFC 826 packet layout: hrd 0, pro 2, hln 4, pln 5, op 6, sha 8, spa 14,
 * tha 18, tpa 24. */
#define ARP_HRD_ETHERNET 1u
#define ARP_PRO_IPV4 0x0800u

int np_arp_parse(const uint8_t *p, size_t len, struct np_arp *out)
{
    if (p == NULL || out == NULL)
        return NP_ERR_INVAL;
    if (len < NP_ARP_LEN)
        return NP_ERR_ARP_SHORT;
    if (np_get16(p) != ARP_HRD_ETHERNET || np_get16(p + 2) != ARP_PRO_IPV4 || p[4] != NP_MAC_LEN ||
        p[5] != 4)
        return NP_ERR_ARP_FORMAT;
    uint16_t op = np_get16(p + 6);
    if (op != NP_ARP_REQUEST && op != NP_ARP_REPLY)
        return NP_ERR_ARP_OP;
    out->op = op;
    memcpy(out->sha, p + 8, NP_MAC_LEN);
    out->spa = np_get32(p + 14);
    memcpy(out->tha, p + 18, NP_MAC_LEN);
    out->tpa = np_get32(p + 24);
    return NP_OK;
}

int np_arp_build(uint8_t *p, size_t cap, const struct np_arp *a, size_t *out_len)
{
    if (p == NULL || a == NULL || out_len == NULL)
        return NP_ERR_INVAL;
    if (a->op != NP_ARP_REQUEST && a->op != NP_ARP_REPLY)
        return NP_ERR_INVAL;
    if (cap < NP_ARP_LEN)
        return NP_ERR_NOSPACE;
    np_put16(p, ARP_HRD_ETHERNET);
    np_put16(p + 2, ARP_PRO_IPV4);
    p[4] = NP_MAC_LEN;
    p[5] = 4;
    np_put16(p + 6, a->op);
    memcpy(p + 8, a->sha, NP_MAC_LEN);
    np_put32(p + 14, a->spa);
    memcpy(p + 18, a->tha, NP_MAC_LEN);
    np_put32(p + 24, a->tpa);
    *out_len = NP_ARP_LEN;
    return NP_OK;
}
