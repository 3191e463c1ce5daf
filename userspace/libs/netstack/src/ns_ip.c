/*
 * Input, the floor below core: each frame's Ethernet header, then ARP (the
 * DHCP client's probe first, then the cache) or IPv4, whose packets go to
 * the raw sockets, ICMP (echo requests answered through IP output, replies
 * to the ping helper), UDP sockets or the DHCP client.
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

static void icmp_input(struct ns_host *ns, const struct np_ipv4 *ip, unsigned flags)
{
    struct np_icmp m;
    if (np_icmp_parse_ex(ip->payload, ip->payload_len, flags, &m) != NP_OK) {
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
        return; /* cannot happen: the request parsed, so it has its 8-byte header */
    if (ns_ip_output(ns, NP_IP_PROTO_ICMP, ip->dst, ip->src, ip->payload_len, true) == NS_OK)
        ns->cnt.icmp_echo_out++;
}

static void ip_input(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *pkt, size_t len,
                     unsigned flags)
{
    struct np_ipv4 ip;
    int rc = np_ipv4_parse_ex(pkt, len, flags, &ip);
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
        if (np_udp_parse_ex(ip.payload, ip.payload_len, ip.src, ip.dst, flags, &u) != NP_OK) {
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
        icmp_input(ns, &ip, flags);
    else if (udp_ok)
        ns_udp_deliver(ns, &ip, &u);
    else if (!heard)
        ns->cnt.ip_unknown_proto++;
}

static void arp_input(struct ns_host *ns, const uint8_t *pkt, size_t len)
{
    struct np_arp a;
    if (np_arp_parse(pkt, len, &a) != NP_OK) {
        ns->cnt.arp_bad++;
        return;
    }
    /* Before any other check: while the DHCP client probes an address,
     * every ARP packet counts (RFC 5227 §2.1.1, "any ARP packet"). */
    ns_dhcp_arp(ns, &a);
    ns_arp_input(ns, &a);
}

void ns_frame_input(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len,
                    bool csum_ok)
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
        ip_input(ns, ifid, e.payload, e.payload_len, csum_ok ? NP_PARSE_CSUM_OK : 0u);
    else if (e.type == NP_ETHERTYPE_ARP && ifid == NS_IF_VIRT0)
        arp_input(ns, e.payload, e.payload_len);
    else
        ns->cnt.eth_bad_type++;
}
