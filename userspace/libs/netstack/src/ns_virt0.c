/*
 * virt0's device over its life, on the top floor beside core: bringing it
 * back after it broke.
 */
#include "ns_internal.h"

int ns_virt0_restart(struct ns_host *ns)
{
    if (!ns)
        return NS_ERR_INVAL;
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
