/*
 * Ethernet and IPv4 input, ICMP echo, and IPv4 output with its routing:
 * 127/8 and our own address to lo, the local subnet direct, everything else
 * through the gateway.
 */
#include "ns_internal.h"

#include <string.h>

/* Is dst ours on the interface the packet came in on? lo hears all of 127/8
 * and virt0's address (which is routed through lo); virt0 hears its address
 * and the broadcasts. */
static bool ours(const struct ns_host *ns, enum ns_ifid ifid, uint32_t dst)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    if (ifid == NS_IF_LO)
        return ns_is_loopback(dst) || (v->addr != 0 && dst == v->addr);
    return (v->addr != 0 && dst == v->addr) || ns_is_bcast(ns, dst);
}

static void icmp_input(struct ns_host *ns, const struct np_ipv4 *ip)
{
    struct np_icmp m;
    if (np_icmp_parse(ip->payload, ip->payload_len, &m) != NP_OK) {
        ns->cnt.icmp_bad++;
        return;
    }
    if (m.type == NP_ICMP_ECHO_REPLY) {
        ns_ping_input(ns, ip, &m);
        return;
    }
    if (m.type != NP_ICMP_ECHO_REQUEST) {
        ns->cnt.icmp_other++;
        return;
    }
    ns->cnt.icmp_echo_in++;
    /* RFC 1122 §3.2.2.6 lets a host ignore echo requests to a broadcast or
     * multicast address; answering them is how smurf attacks amplify. Only
     * broadcasts get here: the stack joins no multicast group, so ours()
     * has already dropped every multicast destination (ip_not_ours). A
     * stack that joins groups must add them to this check. */
    if (ns_is_bcast(ns, ip->dst)) {
        ns->cnt.icmp_bcast_ignored++;
        return;
    }
    /* The reply is the request with another type and code: copy it whole
     * and patch the checksum. It fits: it came in one frame of at most
     * NS_FRAME_MAX bytes. */
    uint8_t *msg = ns->tx + NS_L4_OFF;
    memcpy(msg, ip->payload, ip->payload_len);
    if (np_icmp_echo_reply(msg, ip->payload_len) != NP_OK)
        return;
    if (ns_ip_output(ns, NP_IP_PROTO_ICMP, ip->dst, ip->src, ip->payload_len) == NS_OK)
        ns->cnt.icmp_echo_out++;
}

static void ip_input(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *pkt, size_t len)
{
    struct np_ipv4 ip;
    int rc = np_ipv4_parse(pkt, len, &ip);
    if (rc == NP_ERR_IP_CHECKSUM) {
        ns->cnt.ip_bad_checksum++;
        return;
    }
    if (rc == NP_ERR_IP_FRAGMENT) {
        ns->cnt.ip_fragment++;
        return;
    }
    if (rc != NP_OK) {
        ns->cnt.ip_bad_header++;
        return;
    }
    struct np_udp u;
    bool udp_ok = false;
    if (ip.proto == NP_IP_PROTO_UDP) {
        if (np_udp_parse(ip.payload, ip.payload_len, ip.src, ip.dst, &u) != NP_OK) {
            ns->cnt.udp_bad++;
            return;
        }
        udp_ok = true;
        /* DHCP replies may come to an address we do not own yet (dnsmasq
         * unicasts the OFFER to yiaddr), so they are taken before the
         * destination check; the client checks xid and chaddr. */
        if (ifid == NS_IF_VIRT0 && ns->cfg.dhcp == NS_DHCP_WIRE && u.dst_port == DHCP_CLIENT_PORT &&
            u.src_port == DHCP_SERVER_PORT) {
            ns_dhcp_input(ns, u.payload, u.payload_len);
            return;
        }
    }
    if (ip.src == 0 || ns_is_bcast(ns, ip.src) || np_ipv4_is_multicast(ip.src)) {
        ns->cnt.ip_bad_src++;
        return;
    }
    if (!ours(ns, ifid, ip.dst)) {
        ns->cnt.ip_not_ours++;
        return;
    }
    bool heard = ns_raw_deliver(ns, &ip);
    if (ip.proto == NP_IP_PROTO_ICMP)
        icmp_input(ns, &ip);
    else if (udp_ok)
        ns_udp_deliver(ns, &ip, &u);
    else if (!heard)
        ns->cnt.ip_unknown_proto++;
}

void ns_frame_input(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len)
{
    const struct ns_iface *i = &ns->ifs[ifid];
    struct np_eth e;
    if (!i->up) {
        ns->cnt.if_down++;
        return;
    }
    if (np_eth_parse(frame, len, &e) != NP_OK) {
        ns->cnt.eth_bad_len++;
        return;
    }
    /* lo carries only what this host put on it; virt0 hears the link. */
    if (ifid == NS_IF_VIRT0 && memcmp(e.dst, i->mac, 6) != 0 && !np_mac_is_broadcast(e.dst)) {
        ns->cnt.eth_not_ours++;
        return;
    }
    if (e.type == NP_ETHERTYPE_IPV4)
        ip_input(ns, ifid, e.payload, e.payload_len);
    else if (e.type == NP_ETHERTYPE_ARP && ifid == NS_IF_VIRT0)
        ns_arp_input(ns, e.payload, e.payload_len);
    else
        ns->cnt.eth_bad_type++;
}

/* lo for 127/8 and our own address (ns_ip_output's route), else virt0. */
static bool to_lo(const struct ns_host *ns, uint32_t dst)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    return ns_is_loopback(dst) || (v->addr != 0 && dst == v->addr);
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
int ns_ip_output(struct ns_host *ns, uint8_t proto, uint32_t src, uint32_t dst, size_t plen)
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
        if (ns_is_bcast(ns, dst)) {
            hop = NP_IPV4_BROADCAST;
        } else if (v->addr == 0 || dst == 0 || np_ipv4_is_multicast(dst)) {
            ns->cnt.ip_no_route++;
            return NS_ERR_NO_ROUTE;
        } else if (((dst ^ v->addr) & v->mask) != 0) {
            if (v->gw == 0) {
                ns->cnt.ip_no_route++;
                return NS_ERR_NO_ROUTE;
            }
            hop = v->gw;
        }
        if (src == 0)
            src = v->addr;
    }
    struct np_ipv4 h;
    memset(&h, 0, sizeof(h));
    h.ttl = 64;
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
        return ns_if_output(ns, NS_IF_LO, ns->tx, n);
    return ns_arp_output(ns, hop, ns->tx, n);
}
