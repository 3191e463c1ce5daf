/*
 * virt0's device over its life, on the top floor beside core: bringing it
 * back after it broke, and giving it away, live, to another stack.
 */
#include "ns_internal.h"

#include <string.h>

int ns_virt0_restart(struct ns_host *ns)
{
    if (!ns)
        return NS_ERR_INVAL;
    if (ns->handed_over)
        return ns_handed_over(ns);
    if (!ns->cfg.virt0)
        return NS_ERR_NO_DEVICE;
    if (ns->in_poll)
        return NS_ERR_BUSY;
    int rc = ns_link_restart(ns);
    if (rc != NS_OK)
        return rc;
    /* The link came back: DHCP asks again for what it had; a static
     * address is announced again (RFC 5227 §3), as when it was set. */
    if (ns->cfg.dhcp == NS_DHCP_WIRE)
        ns_dhcp_reboot(ns);
    else if (ns->cfg.dhcp == NS_DHCP_OFF && ns->ifs[NS_IF_VIRT0].addr != 0)
        ns_arp_announce(ns, 1);
    return NS_OK;
}

int ns_handover(struct ns_host *ns, struct ns_handover *out)
{
    if (!ns || !out)
        return NS_ERR_INVAL;
    if (ns->handed_over)
        return ns_handed_over(ns);
    if (ns->in_poll)
        return NS_ERR_BUSY;
    int rc = ns_link_live(ns);
    if (rc != NS_OK)
        return rc;
    /* Nothing here touches the device: frames in its RX ring stay there
     * for the new owner's first vnet_rx_poll. */
    memset(out, 0, sizeof(*out));
    out->dev = ns->cfg.virt0;
    out->now_ms = ns->now_ms;
    out->irq_seen = ns->irq_flag != 0u;
    ns_link_info(ns, NS_IF_VIRT0, &out->virt0);
    ns_dhcp_handover(ns, out);
    ns_arp_handover(ns, out);
    ns_link_let_go(ns);
    return NS_OK;
}
