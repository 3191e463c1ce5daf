/*
 * The netstack's hand-over in the port's terms (lwip_vnet_ns.h). irq_seen
 * is not needed: lwip_vnet_takeover polls first whatever the old owner saw.
 */
#include "lwip-vnet/lwip_vnet_ns.h"

#include <string.h>

_Static_assert(LWIP_VNET_HANDOVER_ARP_MAX >= NS_HANDOVER_ARP_MAX,
               "every entry the netstack hands over fits the port's");

int lwip_vnet_from_netstack(const struct ns_handover *in, struct lwip_vnet_handover *out)
{
    if (!in || !out || !in->dev)
        return LWIP_VNET_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    out->dev = in->dev;
    out->addr = in->virt0.addr;
    out->mask = in->virt0.mask;
    out->gw = in->virt0.gw;
    out->dns = in->virt0.dns;
    out->have_dhcp =
        in->dhcp_mode == NS_DHCP_WIRE && dhcp_client_state(&in->dhcp) != DHCP_CLIENT_STOPPED;
    if (out->have_dhcp)
        out->dhcp = in->dhcp;
    for (unsigned i = 0; i < in->n_arp && i < NS_HANDOVER_ARP_MAX; i++) {
        if (in->arp[i].expire_ms <= in->now_ms)
            continue; /* the netstack would have let it go already */
        out->arp[out->n_arp].ip = in->arp[i].ip;
        memcpy(out->arp[out->n_arp].mac, in->arp[i].mac, 6);
        out->n_arp++;
    }
    return LWIP_VNET_OK;
}
