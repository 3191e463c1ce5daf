/*
 * dhcp_tx_frame: what a client or server wrote into a struct dhcp_tx, as
 * the Ethernet frame that carries it (UDP/IPv4 for a DHCP message, ARP
 * for the client's RFC 5227 probe).
 */
#include <string.h>

#include "dhcp-stub/dhcp_msg.h"
#include "netproto/arp.h"
#include "netproto/eth.h"
#include "netproto/udp.h"

/* A DHCP_TX_ARP packet: moved from frame + NP_UDP_FRAME_HLEN down to
 * frame + NP_ETH_HLEN (the two 28-byte ranges do not overlap) under a
 * broadcast Ethernet header. */
static int arp_tx_frame(const struct dhcp_tx *tx, const uint8_t *src_mac, uint8_t *frame,
                        size_t cap, size_t *out_len)
{
    if (tx->len != NP_ARP_LEN || cap < NP_ETH_MIN_FRAME)
        return tx->len != NP_ARP_LEN ? DHCP_ERR_INVAL : DHCP_ERR_NOSPACE;
    memcpy(frame + NP_ETH_HLEN, tx->buf, NP_ARP_LEN);
    struct np_eth e;
    memset(&e, 0, sizeof e);
    memcpy(e.dst, tx->dst_mac, sizeof e.dst);
    memcpy(e.src, src_mac, sizeof e.src);
    e.type = NP_ETHERTYPE_ARP;
    return np_eth_build(frame, cap, &e, NP_ARP_LEN, out_len) == NP_OK ? DHCP_OK : DHCP_ERR_INVAL;
}

int dhcp_tx_frame(const struct dhcp_tx *tx, const uint8_t *src_mac, const uint8_t *dst_mac,
                  uint8_t *frame, size_t cap, size_t *out_len)
{
    if (tx == NULL || src_mac == NULL || frame == NULL || out_len == NULL || tx->len == 0 ||
        tx->buf != frame + NP_UDP_FRAME_HLEN)
        return DHCP_ERR_INVAL;
    if (tx->kind == DHCP_TX_ARP)
        return arp_tx_frame(tx, src_mac, frame, cap, out_len);
    struct np_udp_frame f;
    memset(&f, 0, sizeof f);
    if (tx->dest == DHCP_DEST_UNICAST) {
        if (dst_mac == NULL)
            return DHCP_ERR_INVAL;
        memcpy(f.dst_mac, dst_mac, sizeof f.dst_mac);
    } else {
        memcpy(f.dst_mac, tx->dst_mac, sizeof f.dst_mac);
    }
    memcpy(f.src_mac, src_mac, sizeof f.src_mac);
    f.src_ip = tx->src_ip;
    f.dst_ip = tx->dst_ip;
    f.src_port = tx->src_port;
    f.dst_port = tx->dst_port;
    f.ttl = 64;
    int rc = np_udp_frame_build(frame, cap, &f, tx->len, out_len);
    if (rc == NP_ERR_NOSPACE)
        return DHCP_ERR_NOSPACE;
    return rc == NP_OK ? DHCP_OK : DHCP_ERR_INVAL;
}
