/*
 * The DHCP glue: rvnet's sans-IO client (dhcp-stub) drives lwIP's netif.
 * Debian's lwIP has no DHCP client of its own (LWIP_DHCP 0).
 *
 * In: frames are taken in front of lwIP. A client without an address must
 * hear the server's broadcast OFFER and ACK, and lwIP cannot deliver them:
 * ip4_input accepts a broadcast only on a netif with an address, and the
 * exception for DHCP (IP_ACCEPT_LINK_LAYER_ADDRESSING) is compiled in only
 * with LWIP_DHCP. So every IPv4/UDP frame to port 68 goes to
 * dhcp_client_input_frame (which checks our MAC or broadcast, RFC 2131
 * §4.1) and never to lwIP, configured or not.
 *
 * Out: what the client sends goes through lwIP's UDP on a pcb bound to port
 * 68 (udp_sendto_if_src, from 0.0.0.0 before the lease, RFC 2131 §4.1):
 * broadcasts go to ff:ff:ff:ff:ff:ff, and a renewal unicast to the server
 * (§4.4.5) gets the server's MAC from lwIP's ARP, which holds the packet
 * while it asks. The client's ARP probes (RFC 5227, when enabled) are
 * whole frames already and go straight to the frontend.
 *
 * Events: BOUND and CHANGED set the netif's address, mask and gateway
 * (netif_set_addr: lwIP announces the address with a gratuitous ARP, and
 * a changed address aborts TCP connections bound to the old one); LOST
 * sets them to 0.0.0.0; RENEWED changes nothing.
 */
#include "lwip_vnet_internal.h"

#include <string.h>

#include "lwip/pbuf.h"
#include "netproto/netproto.h"

int lwv_dhcp_setup(struct lwip_vnet *p, const struct dhcp_client *handed, uint64_t now_ms)
{
    if (handed) {
        p->dhcp = *handed;
    } else {
        struct dhcp_client_config c = p->cfg.dhcp_client;
        memcpy(c.mac, vnet_mac(p->dev), 6);
        if (dhcp_client_init(&p->dhcp, &c) != DHCP_OK ||
            dhcp_client_start(&p->dhcp, now_ms) != DHCP_OK)
            return LWIP_VNET_ERR_DHCP;
    }
    p->dhcp_pcb = udp_new();
    if (!p->dhcp_pcb)
        return LWIP_VNET_ERR_LWIP;
    /* Bound, with no receive function: nothing reaches it (take() has the
     * frames first), but the port is lwIP's and nobody else binds it. */
    if (udp_bind(p->dhcp_pcb, IP4_ADDR_ANY, DHCP_CLIENT_PORT) != ERR_OK) {
        udp_remove(p->dhcp_pcb);
        p->dhcp_pcb = NULL;
        return LWIP_VNET_ERR_LWIP;
    }
    p->dhcp_on = true;
    return LWIP_VNET_OK;
}

void lwv_dhcp_stop(struct lwip_vnet *p)
{
    if (p->dhcp_pcb)
        udp_remove(p->dhcp_pcb);
    p->dhcp_pcb = NULL;
    p->dhcp_on = false;
}

/* The netif as the lease says (l NULL: unconfigured). */
static void configure(struct lwip_vnet *p, const struct dhcp_lease *l)
{
    ip4_addr_t ip, mask, gw;
    lwv_ip4(&ip, l ? l->addr : 0);
    lwv_ip4(&mask, l ? l->mask : 0);
    lwv_ip4(&gw, l && l->n_routers ? l->routers[0] : 0);
    netif_set_addr(&p->netif, &ip, &mask, &gw);
    p->dns = l && l->n_dns ? l->dns[0] : 0;
    p->cnt.dhcp_applied++;
}

static void apply(struct lwip_vnet *p, enum dhcp_client_event ev)
{
    switch (ev) {
    case DHCP_CLIENT_EV_BOUND:
        configure(p, dhcp_client_lease(&p->dhcp));
        lwv_event(p, LWIP_VNET_EV_BOUND);
        break;
    case DHCP_CLIENT_EV_CHANGED:
        configure(p, dhcp_client_lease(&p->dhcp));
        lwv_event(p, LWIP_VNET_EV_CHANGED);
        break;
    case DHCP_CLIENT_EV_RENEWED:
        lwv_event(p, LWIP_VNET_EV_RENEWED);
        break;
    case DHCP_CLIENT_EV_LOST:
        configure(p, NULL);
        lwv_event(p, LWIP_VNET_EV_LOST);
        break;
    case DHCP_CLIENT_EV_CONFLICT:
        lwv_event(p, LWIP_VNET_EV_CONFLICT);
        break;
    case DHCP_CLIENT_EV_NONE:
        break;
    }
}

bool lwv_dhcp_take(struct lwip_vnet *p, const uint8_t *frame, size_t len)
{
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    if (len < NP_UDP_FRAME_HLEN)
        return false;
    uint16_t type = np_get16(frame + 12);
    if (type == NP_ETHERTYPE_ARP) {
        /* RFC 5227 §2.1.1: while probing, every ARP packet on the link is
         * the client's to judge; lwIP gets it too. */
        if (dhcp_client_state(&p->dhcp) == DHCP_CLIENT_CHECKING &&
            dhcp_client_input_frame(&p->dhcp, p->now_ms, frame, len, &ev) == DHCP_OK)
            apply(p, ev);
        return false;
    }
    /* The protocol byte of an IPv4 header behind Ethernet: frame[14 + 9]. */
    if (type != NP_ETHERTYPE_IPV4 || frame[NP_ETH_HLEN + 9] != NP_IP_PROTO_UDP)
        return false;
    struct np_udp_frame f;
    if (np_udp_frame_parse(frame, len, &f) != NP_OK || f.dst_port != DHCP_CLIENT_PORT)
        return false; /* lwIP drops what is malformed, and counts it in its stats */
    p->cnt.dhcp_in++;
    if (dhcp_client_input_frame(&p->dhcp, p->now_ms, frame, len, &ev) != DHCP_OK)
        p->cnt.dhcp_dropped++;
    else
        apply(p, ev);
    return true;
}

/* One message from the client, out through lwIP's UDP (or a probe, out
 * through the frontend). */
static void send_tx(struct lwip_vnet *p, const struct dhcp_tx *tx)
{
    if (tx->kind == DHCP_TX_ARP) {
        size_t n;
        if (dhcp_tx_frame(tx, p->netif.hwaddr, NULL, p->dhcp_frame, sizeof(p->dhcp_frame), &n) !=
                DHCP_OK ||
            lwv_send_frame(p, p->dhcp_frame, n) != ERR_OK)
            p->cnt.dhcp_tx_err++;
        else
            p->cnt.dhcp_out++;
        return;
    }
    struct pbuf *q = pbuf_alloc(PBUF_TRANSPORT, (u16_t)tx->len, PBUF_RAM);
    if (!q) {
        p->cnt.dhcp_tx_err++;
        return;
    }
    memcpy(q->payload, tx->buf, tx->len);
    ip_addr_t dst, src;
    ip_addr_set_ip4_u32_val(dst, lwip_htonl(tx->dst_ip));
    ip_addr_set_ip4_u32_val(src, lwip_htonl(tx->src_ip));
    err_t e = udp_sendto_if_src(p->dhcp_pcb, q, &dst, tx->dst_port, &p->netif, &src);
    pbuf_free(q);
    if (e == ERR_OK)
        p->cnt.dhcp_out++;
    else
        p->cnt.dhcp_tx_err++;
}

void lwv_dhcp_run(struct lwip_vnet *p)
{
    /* A poll sends at most one message; an input that asks for an answer
     * (an OFFER) sets the deadline to now, so a few rounds at most. */
    for (unsigned i = 0; i < 4 && dhcp_client_deadline(&p->dhcp) <= p->now_ms; i++) {
        struct dhcp_tx tx;
        memset(&tx, 0, sizeof(tx));
        tx.buf = p->dhcp_frame + NP_UDP_FRAME_HLEN;
        tx.cap = sizeof(p->dhcp_frame) - NP_UDP_FRAME_HLEN;
        enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
        if (dhcp_client_poll(&p->dhcp, p->now_ms, &tx, &ev) != DHCP_OK) {
            p->cnt.dhcp_tx_err++;
            return;
        }
        apply(p, ev);
        if (tx.len == 0)
            return;
        send_tx(p, &tx);
    }
}
