/*
 * What the port's two files share: the netif side (lwip_vnet_netif.c) and
 * the DHCP glue (lwip_vnet_dhcp.c). Not installed.
 */
#ifndef LWIP_VNET_INTERNAL_H
#define LWIP_VNET_INTERNAL_H

#include "lwip-vnet/lwip_vnet.h"

/* One whole frame out through the frontend, with the TX-full policy:
 * reclaim and try once more, then give up (never wait). Returns lwIP's
 * err_t for linkoutput: ERR_OK, ERR_MEM (ring full), ERR_BUF (bad length),
 * ERR_IF (link down or device refused). Counted and tapped. */
err_t lwv_send_frame(struct lwip_vnet *p, const uint8_t *frame, size_t len);

/* Raises an event to the caller's function, when there is one. */
void lwv_event(struct lwip_vnet *p, enum lwip_vnet_event_type type);

/* The DHCP glue. setup: the UDP pcb on port 68 and the client, a new one
 * started at now_ms (handed NULL) or a copy of handed, carrying on. take:
 * true when the frame was the client's (UDP to port 68) and must not go to
 * lwIP; an ARP frame is also shown to a client that is probing, and left
 * for lwIP. run: the client's timers and what it sends. stop: the pcb. */
int lwv_dhcp_setup(struct lwip_vnet *p, const struct dhcp_client *handed, uint64_t now_ms);
bool lwv_dhcp_take(struct lwip_vnet *p, const uint8_t *frame, size_t len);
void lwv_dhcp_run(struct lwip_vnet *p);
void lwv_dhcp_stop(struct lwip_vnet *p);

/* Host-order IPv4 address to lwIP's (network order inside). */
void lwv_ip4(ip4_addr_t *out, uint32_t host);

#endif
