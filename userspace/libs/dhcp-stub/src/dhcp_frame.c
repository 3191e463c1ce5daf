/*
 * The Ethernet, IPv4 and UDP around DHCP messages, both ways.
 * dhcp_tx_frame: what a client or server wrote into a struct dhcp_tx, as
 * the Ethernet frame that carries it (UDP/IPv4 for a DHCP message, ARP
 * for the client's RFC 5227 probe). dhcp_frame_unwrap: a frame the client
 * received, as the DHCP message or ARP packet inside it.
 */
#include <string.h>

#include "dhcp-stub/dhcp_msg.h"
#include "dhcp_internal.h"
#include "netproto/arp.h"
#include "netproto/eth.h"
#include "netproto/udp.h"

/* Where the EtherType sits in an Ethernet II header. */
#define ETH_TYPE_OFF 12u

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
    f.ttl = NP_IPV4_TTL_DEFAULT; /* the netstack's too: one value, the same bytes */
    int rc = np_udp_frame_build(frame, cap, &f, tx->len, out_len);
    if (rc == NP_ERR_NOSPACE)
        return DHCP_ERR_NOSPACE;
    return rc == NP_OK ? DHCP_OK : DHCP_ERR_INVAL;
}

/* An ARP frame, to the probe; any destination (a conflicting host's
 * reply to our probe may be unicast to us, its own probe is broadcast). */
static int unwrap_arp(const uint8_t *frame, size_t len, struct dhcp_rx *out)
{
    struct np_eth e;
    if (np_eth_parse(frame, len, &e) != NP_OK ||
        np_arp_parse(e.payload, e.payload_len, &out->arp) != NP_OK)
        return DHCP_CLIENT_ERR_FRAME;
    out->kind = DHCP_RX_ARP;
    return DHCP_OK;
}

int dhcp_frame_unwrap(const uint8_t *frame, size_t len, const uint8_t *mac, struct dhcp_rx *out)
{
    if (len >= NP_ETH_HLEN && np_get16(frame + ETH_TYPE_OFF) == NP_ETHERTYPE_ARP)
        return unwrap_arp(frame, len, out);
    struct np_udp_frame f;
    int rc = np_udp_frame_parse(frame, len, &f);
    if (rc == NP_ERR_PROTO)
        return DHCP_CLIENT_ERR_NOT_OURS;
    if (rc != NP_OK)
        return DHCP_CLIENT_ERR_FRAME;
    /* Broadcast or our MAC, whatever the IP destination: dnsmasq unicasts
     * the OFFER to yiaddr and chaddr before we own yiaddr (RFC 2131 §4.1). */
    if (!np_mac_is_broadcast(f.dst_mac) && memcmp(f.dst_mac, mac, NP_MAC_LEN) != 0)
        return DHCP_CLIENT_ERR_NOT_OURS;
    if (f.dst_port != DHCP_CLIENT_PORT || f.src_port != DHCP_SERVER_PORT)
        return DHCP_CLIENT_ERR_NOT_OURS;
    out->kind = DHCP_RX_MSG;
    out->msg = f.payload;
    out->len = f.payload_len;
    return DHCP_OK;
}
