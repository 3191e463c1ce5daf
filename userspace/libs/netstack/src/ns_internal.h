/* Internal interfaces between the netstack's files. Not installed. */
#ifndef NETSTACK_NS_INTERNAL_H
#define NETSTACK_NS_INTERNAL_H

#include "netproto/netproto.h"
#include "netstack/netstack.h"

/* Where each layer starts in ns_host.tx: every builder writes its payload
 * first and the headers in front of it, so nothing is copied twice. */
#define NS_IP_OFF NP_ETH_HLEN
#define NS_L4_OFF (NP_ETH_HLEN + NP_IPV4_HLEN)
#define NS_LOOPBACK_NET 0x7f000000u /* 127.0.0.0/8 */
#define NS_LOOPBACK_ADDR 0x7f000001u

enum { NS_ARP_FREE = 0, NS_ARP_PENDING, NS_ARP_RESOLVED };

static inline bool ns_is_loopback(uint32_t a)
{
    return (a & 0xff000000u) == NS_LOOPBACK_NET;
}

/* ns_core.c */
void ns_emit(struct ns_host *ns, const struct ns_event *ev);
int ns_if_output(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len);
/* The IP packet size the interface carries: NS_MTU, or virt0's frontend's
 * MTU when that is smaller. */
unsigned ns_if_mtu(const struct ns_host *ns, enum ns_ifid ifid);
bool ns_is_bcast(const struct ns_host *ns, uint32_t dst);

/* ns_arp.c */
void ns_arp_input(struct ns_host *ns, const uint8_t *pkt, size_t len);
int ns_arp_output(struct ns_host *ns, uint32_t next_hop, uint8_t *frame, size_t len);
void ns_arp_timers(struct ns_host *ns, uint64_t now_ms);
uint64_t ns_arp_deadline(const struct ns_host *ns);
void ns_arp_announce(struct ns_host *ns, unsigned count);

/* ns_ip.c */
void ns_frame_input(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len);
int ns_ip_output(struct ns_host *ns, uint8_t proto, uint32_t src, uint32_t dst, size_t plen);
/* The largest IP payload a packet to dst carries: its interface's MTU less
 * the IPv4 header (lo for 127/8 and our own address, else virt0). */
size_t ns_ip_payload_max(const struct ns_host *ns, uint32_t dst);

/* ns_sock.c */
bool ns_raw_deliver(struct ns_host *ns, const struct np_ipv4 *ip);
void ns_udp_deliver(struct ns_host *ns, const struct np_ipv4 *ip, const struct np_udp *u);

/* ns_dhcp.c */
int ns_dhcp_init(struct ns_host *ns);
void ns_dhcp_step(struct ns_host *ns, uint64_t now_ms);
void ns_dhcp_input(struct ns_host *ns, const uint8_t *msg, size_t len);
void ns_dhcp_arp(struct ns_host *ns, const struct np_arp *a);
uint64_t ns_dhcp_deadline(const struct ns_host *ns);

/* ns_ping.c */
void ns_ping_step(struct ns_host *ns, uint64_t now_ms);
void ns_ping_input(struct ns_host *ns, const struct np_ipv4 *ip, const struct np_icmp *icmp);
uint64_t ns_ping_deadline(const struct ns_host *ns);

#endif
