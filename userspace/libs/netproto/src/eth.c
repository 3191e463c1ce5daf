/* Ethernet II header parse and build (RFC 894). */
#include <string.h>

#include "netproto/eth.h"

int np_eth_parse(const uint8_t *frame, size_t len, struct np_eth *out)
{
    if (frame == NULL || out == NULL)
        return NP_ERR_INVAL;
    if (len < NP_ETH_HLEN)
        return NP_ERR_ETH_SHORT;
    /* A device handing up more than a maximum Ethernet frame is broken or
     * hostile; nothing above may size a copy from such a length. */
    if (len > NP_ETH_MAX_FRAME)
        return NP_ERR_ETH_LONG;
    memcpy(out->dst, frame, NP_MAC_LEN);
    memcpy(out->src, frame + 6, NP_MAC_LEN);
    out->type = np_get16(frame + 12);
    out->payload = frame + NP_ETH_HLEN;
    out->payload_len = len - NP_ETH_HLEN;
    return NP_OK;
}

int np_eth_build(uint8_t *frame, size_t cap, const struct np_eth *h, size_t payload_len,
                 size_t *out_len)
{
    if (frame == NULL || h == NULL || out_len == NULL)
        return NP_ERR_INVAL;
    if (payload_len > NP_ETH_MAX_FRAME - NP_ETH_HLEN)
        return NP_ERR_TOO_BIG;
    size_t len = NP_ETH_HLEN + payload_len;
    size_t padded = len < NP_ETH_MIN_FRAME ? NP_ETH_MIN_FRAME : len;
    if (cap < padded)
        return NP_ERR_NOSPACE;
    memcpy(frame, h->dst, NP_MAC_LEN);
    memcpy(frame + 6, h->src, NP_MAC_LEN);
    np_put16(frame + 12, h->type);
    /* RFC 894: short frames are padded; zeros keep the bytes deterministic. */
    if (padded > len)
        memset(frame + len, 0, padded - len);
    *out_len = padded;
    return NP_OK;
}

bool np_mac_is_broadcast(const uint8_t *mac)
{
    for (unsigned i = 0; i < NP_MAC_LEN; i++) {
        if (mac[i] != 0xff)
            return false;
    }
    return true;
}
