/*
 * The host, the netstack's top floor: init, the poll loop, the deadlines,
 * and the interfaces' configuration.
 */
#include "ns_internal.h"

#include <string.h>

void ns_config_defaults(struct ns_config *cfg)
{
    static const uint8_t mac[NP_MAC_LEN] = NP_MAC_DEFAULT;
    memset(cfg, 0, sizeof(*cfg));
    memcpy(cfg->mac, mac, sizeof(mac));
    cfg->lo_depth = LO_DEPTH_DEFAULT;
    cfg->arp_ttl_ms = 60000u;
    cfg->arp_retry_ms = 1000u;
    cfg->arp_tries = 3u;
    cfg->rx_budget = 64u;
    cfg->dhcp = NS_DHCP_OFF;
    dhcp_client_config_defaults(&cfg->dhcp_client);
}

int ns_init(struct ns_host *ns, const struct ns_config *cfg)
{
    if (!ns || !cfg || !cfg->lo_slots || cfg->rx_budget == 0 ||
        (cfg->virt0 && (!cfg->arp || cfg->arp_n == 0)) || cfg->arp_tries == 0 ||
        cfg->dhcp > NS_DHCP_STUB || (cfg->dhcp == NS_DHCP_STUB && (!cfg->stub || !cfg->stub_input)))
        return NS_ERR_INVAL;
    memset(ns, 0, sizeof(*ns));
    ns->cfg = *cfg;
    if (lo_init(&ns->lo, cfg->lo_slots, cfg->lo_depth) != LO_OK)
        return NS_ERR_INVAL;
    if (cfg->arp) {
        memset(cfg->arp, 0, cfg->arp_n * sizeof(*cfg->arp));
        if (cfg->arp_hold)
            memset(cfg->arp_hold, 0, cfg->arp_n * sizeof(*cfg->arp_hold));
    }
    struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    memcpy(v->mac, cfg->virt0 ? vnet_mac(cfg->virt0) : cfg->mac, sizeof(v->mac));
    v->up = true;
    struct ns_iface *lo = &ns->ifs[NS_IF_LO];
    lo->addr = NS_LOOPBACK_ADDR;
    lo->mask = NS_LOOPBACK_MASK;
    lo->up = true;
    return ns_dhcp_init(ns);
}

bool ns_work_pending(const struct ns_host *ns)
{
    return ns && (ns->rx_more || lo_pending(&ns->lo) != 0 || ns->irq_flag != 0u);
}

int ns_lo_inject(struct ns_host *ns, const void *frame, size_t len)
{
    if (!ns || !ns->lo.slots || !frame)
        return NS_ERR_INVAL;
    return ns_if_output(ns, NS_IF_LO, frame, len, false);
}

static void rx_virt0(void *ctx, const uint8_t *frame, size_t len)
{
    struct ns_host *ns = ctx;
    ns_link_seen(ns, NS_IF_VIRT0, frame, len);
    ns_frame_input(ns, NS_IF_VIRT0, frame, len, false);
}

static void rx_lo(void *ctx, const uint8_t *frame, size_t len)
{
    struct ns_host *ns = ctx;
    ns_link_seen(ns, NS_IF_LO, frame, len);
    ns_frame_input(ns, NS_IF_LO, frame, len, lo_rx_marked(&ns->lo));
}

int ns_poll(struct ns_host *ns, uint64_t now_ms)
{
    if (!ns || !ns->lo.slots)
        return NS_ERR_INVAL;
    ns->now_ms = now_ms;
    ns->in_poll = true;
    ns->irq_flag = 0;
    /* What arrived first: a reply already here must not lose the race
     * against its own retransmission timer. */
    int ret = ns_link_rx(ns, NS_IF_VIRT0, rx_virt0);
    /* Then the timers (a reply above may have made DHCP due now), and lo
     * after them, so what they send to lo is answered in this poll. */
    ns_dhcp_step(ns, now_ms);
    ns_arp_timers(ns, now_ms);
    ns_ping_step(ns, now_ms);
    (void)ns_link_rx(ns, NS_IF_LO, rx_lo);
    int rc = ns_link_flush(ns);
    if (rc != NS_OK)
        ret = rc;
    ns->in_poll = false;
    return ret;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t ns_next_deadline(const struct ns_host *ns)
{
    if (!ns)
        return UINT64_MAX;
    return min64(ns_dhcp_deadline(ns), min64(ns_arp_deadline(ns), ns_ping_deadline(ns)));
}

int ns_if_get(const struct ns_host *ns, enum ns_ifid ifid, struct ns_if_info *out)
{
    if (!ns || !out || (unsigned)ifid >= NS_IF_COUNT)
        return NS_ERR_INVAL;
    ns_link_info(ns, ifid, out);
    return NS_OK;
}

int ns_if_set_addr(struct ns_host *ns, enum ns_ifid ifid, uint32_t addr, uint32_t mask, uint32_t gw)
{
    if (!ns || (unsigned)ifid >= NS_IF_COUNT || (ifid == NS_IF_LO && gw != 0))
        return NS_ERR_INVAL;
    struct ns_iface *i = &ns->ifs[ifid];
    i->addr = addr;
    i->mask = mask;
    i->gw = gw;
    if (ifid == NS_IF_VIRT0 && addr != 0)
        ns_arp_announce(ns, 1);
    return NS_OK;
}

int ns_if_set_up(struct ns_host *ns, enum ns_ifid ifid, bool up)
{
    if (!ns || (unsigned)ifid >= NS_IF_COUNT)
        return NS_ERR_INVAL;
    ns->ifs[ifid].up = up;
    return NS_OK;
}

void ns_counters(const struct ns_host *ns, struct ns_counters *out)
{
    if (!out)
        return;
    if (!ns) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = ns->cnt;
}

_Static_assert(sizeof(struct ns_counters) % sizeof(uint32_t) == 0, "counters are uint32_t");

uint64_t ns_drops(const struct ns_counters *c)
{
    uint64_t sum = 0;
    if (!c)
        return 0;
    /* Word by word through the object's bytes: the block is a run of
     * uint32_t members, not an array. */
    for (size_t off = offsetof(struct ns_counters, NS_DROPS_FIRST); off < sizeof(*c);
         off += sizeof(uint32_t)) {
        uint32_t v;
        memcpy(&v, (const uint8_t *)c + off, sizeof(v));
        sum += v;
    }
    return sum;
}
