/*
 * From rvnet's netstack to the port: what ns_handover gave (netstack/
 * handover.h) as the port's lwip_vnet_handover, for lwip_vnet_takeover.
 */
#ifndef LWIP_VNET_LWIP_VNET_NS_H
#define LWIP_VNET_LWIP_VNET_NS_H

#include "lwip-vnet/lwip_vnet.h"
#include "netstack/handover.h"

/*
 * The device, virt0's address, mask, gateway and DNS, the ARP entries that
 * have not expired at in->now_ms, and, in wire mode, the DHCP client by value (in stub
 * mode the client talked to the netstack's in-process server, which does
 * not move: the address is kept, not renewed). The client's and the
 * entries' times are the caller's clock, the one lwip_vnet_poll must go on
 * with. LWIP_VNET_ERR_INVAL for NULL or a hand-over without a device.
 */
int lwip_vnet_from_netstack(const struct ns_handover *in, struct lwip_vnet_handover *out);

#endif
