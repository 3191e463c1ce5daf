/*
 * IPv4 output, the floor below the protocols: the route (127/8 and our own
 * address to lo, 255.255.255.255 and the subnet's broadcast out of virt0
 * even unconfigured, the local subnet direct, everything else through the
 * gateway), then the IPv4 and Ethernet headers in front of the payload,
 * then lo or ARP.
 */
#include "ns_internal.h"

#include <string.h>

/* lo for 127/8 and our own address (ns_ip_output's route), else virt0. */
static bool to_lo(const struct ns_host *ns, uint32_t dst)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    return ns_is_loopback(dst) || (v->addr != 0 && dst == v->addr);
}

/* The next hop on virt0 for a dst that is not lo's: 255.255.255.255 for a
 * broadcast (even unconfigured: DHCP needs it), dst itself on the local
 * subnet, else the gateway; 0 when there is no route. */
static uint32_t virt0_hop(const struct ns_host *ns, uint32_t dst)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    if (ns_is_bcast(ns, dst))
        return NP_IPV4_BROADCAST;
    if (v->addr == 0 || dst == 0 || np_ipv4_is_multicast(dst))
        return 0;
    if (((dst ^ v->addr) & v->mask) == 0)
        return dst;
    return v->gw;
}

uint32_t ns_ip_arp_hop(const struct ns_host *ns, uint32_t dst)
{
    if (to_lo(ns, dst))
        return 0;
    uint32_t hop = virt0_hop(ns, dst);
    return hop == NP_IPV4_BROADCAST ? 0 : hop;
}

size_t ns_ip_payload_max(const struct ns_host *ns, uint32_t dst)
{
    return ns_if_mtu(ns, to_lo(ns, dst) ? NS_IF_LO : NS_IF_VIRT0) - NP_IPV4_HLEN;
}

/*
 * Sends plen bytes already at ns->tx + NS_L4_OFF as one IPv4 packet. src 0
 * takes the outgoing interface's address. The route: 127/8 and our own
 * address go to lo; 255.255.255.255 goes out of virt0 even unconfigured
 * (DHCP needs it); the local subnet is reached directly, the rest through
 * the gateway.
 */
int ns_ip_output(struct ns_host *ns, uint8_t proto, uint32_t src, uint32_t dst, size_t plen,
                 bool l4_ok)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    enum ns_ifid ifid = NS_IF_VIRT0;
    uint32_t hop = dst;
    if (plen > ns_ip_payload_max(ns, dst)) {
        ns->cnt.tx_too_big++;
        return NS_ERR_TOO_BIG;
    }
    if (to_lo(ns, dst)) {
        ifid = NS_IF_LO;
        if (src == 0)
            src = ns_is_loopback(dst) ? NS_LOOPBACK_ADDR : dst;
    } else {
        hop = virt0_hop(ns, dst);
        if (hop == 0) {
            ns->cnt.ip_no_route++;
            return NS_ERR_NO_ROUTE;
        }
        if (src == 0)
            src = v->addr;
    }
    struct np_ipv4 h;
    memset(&h, 0, sizeof(h));
    h.ttl = NP_IPV4_TTL_DEFAULT;
    h.proto = proto;
    h.id = ns->ip_id++;
    h.src = src;
    h.dst = dst;
    struct np_eth e;
    memset(&e, 0, sizeof(e));
    e.type = NP_ETHERTYPE_IPV4;
    if (ifid == NS_IF_VIRT0)
        memcpy(e.src, v->mac, 6);
    size_t n;
    if (np_ipv4_build(ns->tx + NS_IP_OFF, sizeof(ns->tx) - NS_IP_OFF, &h, plen, &n) != NP_OK ||
        np_eth_build(ns->tx, sizeof(ns->tx), &e, n, &n) != NP_OK) {
        ns->cnt.tx_too_big++;
        return NS_ERR_TOO_BIG;
    }
    if (ifid == NS_IF_LO)
        return ns_if_output(ns, NS_IF_LO, ns->tx, n, l4_ok);
    return ns_arp_output(ns, hop, ns->tx, n);
}
