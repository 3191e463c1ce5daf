/*
 * Internal interfaces between the netstack's files. Not installed.
 *
 * The files stand in floors, listed below from the top down, one section
 * per floor and each naming its files. A file calls its own functions and
 * those of the floors below it, never one of its own floor's other files
 * or of a floor above: an input path that answers (an echo reply, an ARP
 * reply) hands the answer down to output, never back up to input. The
 * ctest netstack_floors (tests/bringup_rv_virt_v1_2_host/netstack_floors.sh)
 * reads the "Floor N:" lines of this header and every ns_* call of every
 * file, and fails on a call that goes up or sideways, on a declaration
 * under the wrong floor, and on a file that is in no floor.
 *
 * A frame in: core polls the link (virt0, lo) and hands each frame to IP
 * input, which gives it to ARP or to a protocol (sockets, DHCP, ping, ICMP
 * echo). A packet out: a protocol builds it in ns_host.tx and hands it to
 * IP output, which routes it to lo or through ARP to virt0, at the link.
 */
#ifndef NETSTACK_NS_INTERNAL_H
#define NETSTACK_NS_INTERNAL_H

#include "netproto/netproto.h"
#include "netstack/handover.h"
#include "netstack/netstack.h"

/* Where each layer starts in ns_host.tx: every builder writes its payload
 * first and the headers in front of it, so nothing is copied twice. */
#define NS_IP_OFF NP_ETH_HLEN
#define NS_L4_OFF (NP_ETH_HLEN + NP_IPV4_HLEN)
#define NS_LOOPBACK_NET 0x7f000000u /* 127.0.0.0/8 */
#define NS_LOOPBACK_MASK 0xff000000u

enum { NS_ARP_FREE = 0, NS_ARP_PENDING, NS_ARP_RESOLVED };

/* Helpers of every floor (no file: inline here). */
static inline bool ns_is_loopback(uint32_t a)
{
    return (a & NS_LOOPBACK_MASK) == NS_LOOPBACK_NET;
}

/* Hands an event to the caller's callback (events go up and out, never
 * into another file). */
static inline void ns_emit(struct ns_host *ns, const struct ns_event *ev)
{
    if (ns->cfg.event)
        ns->cfg.event(ns->cfg.event_ctx, ev);
}

/* === Floor 1: ns_core.c ns_virt0.c (init, poll; restart, hand-over) === */
/* Only public calls (netstack.h). */

/* === Floor 2: ns_ip.c (Ethernet and IPv4 input, ICMP echo) ============ */
/* csum_ok: the frame came off lo marked as built by this host, so its
 * checksums are not summed again (docs/netstack.md, "Checksums on lo"); every other check is
 * made. */
void ns_frame_input(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len,
                    bool csum_ok);

/* === Floor 3: ns_sock.c ns_dhcp.c ns_ping.c (the protocols) =========== */
/* ns_sock.c */
bool ns_raw_deliver(struct ns_host *ns, const struct np_ipv4 *ip);
void ns_udp_deliver(struct ns_host *ns, const struct np_ipv4 *ip, const struct np_udp *u);
/* ns_dhcp.c */
int ns_dhcp_init(struct ns_host *ns);
void ns_dhcp_step(struct ns_host *ns, uint64_t now_ms);
void ns_dhcp_input(struct ns_host *ns, const uint8_t *msg, size_t len);
void ns_dhcp_arp(struct ns_host *ns, const struct np_arp *a);
/* virt0's device was reset: the client starts again (INIT-REBOOT with a
 * lease, else INIT), virt0 unconfigured meanwhile. */
void ns_dhcp_reboot(struct ns_host *ns);
/* The client into out, by value; the netstack then runs no DHCP. */
void ns_dhcp_handover(struct ns_host *ns, struct ns_handover *out);
uint64_t ns_dhcp_deadline(const struct ns_host *ns);
/* ns_ping.c */
void ns_ping_step(struct ns_host *ns, uint64_t now_ms);
void ns_ping_input(struct ns_host *ns, const struct np_ipv4 *ip, const struct np_icmp *icmp);
uint64_t ns_ping_deadline(const struct ns_host *ns);

/* === Floor 4: ns_ip_out.c (IPv4 output and its routing) =============== */
/* l4_ok: the stack itself computed the payload's checksum (ping, echo
 * replies, UDP; not a raw socket's bytes), so on lo the frame is marked as
 * needing no checksum check. */
int ns_ip_output(struct ns_host *ns, uint8_t proto, uint32_t src, uint32_t dst, size_t plen,
                 bool l4_ok);
/* The largest IP payload a packet to dst carries: its interface's MTU less
 * the IPv4 header (lo for 127/8 and our own address, else virt0). */
size_t ns_ip_payload_max(const struct ns_host *ns, uint32_t dst);
/* The neighbour ARP must resolve for a packet to dst: 0 when none (lo, a
 * broadcast, no route). */
uint32_t ns_ip_arp_hop(const struct ns_host *ns, uint32_t dst);

/* === Floor 5: ns_arp.c (ARP: cache, responder, resolution) ============ */
/* A parsed ARP packet virt0 received (IP input parses it, so that the DHCP
 * client's probe sees it first). */
void ns_arp_input(struct ns_host *ns, const struct np_arp *a);
int ns_arp_output(struct ns_host *ns, uint32_t next_hop, uint8_t *frame, size_t len);
int ns_arp_frame_out(struct ns_host *ns, const uint8_t *dst_mac, uint8_t *frame, size_t cap,
                     size_t len);
void ns_arp_timers(struct ns_host *ns, uint64_t now_ms);
/* Whether a packet waits in the hold for ip's resolution. */
bool ns_arp_holds(const struct ns_host *ns, uint32_t ip);
uint64_t ns_arp_deadline(const struct ns_host *ns);
void ns_arp_announce(struct ns_host *ns, unsigned count);
/* The resolved entries into out; held packets dropped; the cache emptied. */
void ns_arp_handover(struct ns_host *ns, struct ns_handover *out);

/* === Floor 6: ns_link.c (virt0 and lo: frames in and out, the tap) ===== */
typedef void (*ns_rx_fn)(void *ns, const uint8_t *frame, size_t len);
/* Takes up to rx_budget frames from an interface, each to fn(ns, ...);
 * on virt0 first reclaims the TX ring. 0, or the device's error as
 * ns_dev_error returns it. */
int ns_link_rx(struct ns_host *ns, enum ns_ifid ifid, ns_rx_fn fn);
/* Counts a frame fn got and shows it to the tap. */
void ns_link_seen(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len);
/* End of poll: one kick for what virt0 queued during it. */
int ns_link_flush(struct ns_host *ns);
/* Whether virt0 can take a frame now: NS_OK, or the reason it cannot,
 * counted (if_down, tx_no_device, tx_dev_refused). */
int ns_link_ready(struct ns_host *ns);
/* Puts one whole frame on an interface. built: on lo, mark the frame as
 * built by this host with every checksum right (ns_ip_output's, not
 * ns_lo_inject's); ignored on virt0. */
int ns_if_output(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len,
                 bool built);
/* The IP packet size the interface carries: NS_MTU, or virt0's frontend's
 * MTU when that is smaller. */
unsigned ns_if_mtu(const struct ns_host *ns, enum ns_ifid ifid);
/* An interface as ns_if_get shows it. */
void ns_link_info(const struct ns_host *ns, enum ns_ifid ifid, struct ns_if_info *out);
/* 255.255.255.255, or virt0's subnet's directed broadcast. */
bool ns_is_bcast(const struct ns_host *ns, uint32_t dst);
/* Records and counts an error of the frontend and gives the netstack's
 * code for it: NS_ERR_DEVICE_BROKEN when the device is now broken, else
 * NS_ERR_DEVICE. */
int ns_dev_error(struct ns_host *ns, int vnet_rc);
/* vnet_reinit on virt0 (which must be there): NS_OK, or NS_ERR_DEVICE with
 * the error recorded. */
int ns_link_restart(struct ns_host *ns);
/* Counts a call refused after ns_handover; returns NS_ERR_HANDED_OVER. */
int ns_handed_over(struct ns_host *ns);
/* NS_OK when virt0 has a device that is up (READY), else why not. */
int ns_link_live(const struct ns_host *ns);
/* The hand-over's last step: the netstack forgets virt0's device. */
void ns_link_let_go(struct ns_host *ns);

/* === Floor 7: ns_err.c (error names) ================================== */
/* Only public calls (netstack.h). */

#endif
