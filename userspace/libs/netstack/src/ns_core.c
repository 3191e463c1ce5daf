/*
 * The host: init, the poll loop, the interrupt hook, interfaces, the tap and
 * the frame output of each interface.
 */
#include "ns_internal.h"

#include <string.h>

void ns_config_defaults(struct ns_config *cfg)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
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
    lo->mask = 0xff000000u;
    lo->up = true;
    return ns_dhcp_init(ns);
}

void ns_emit(struct ns_host *ns, const struct ns_event *ev)
{
    if (ns->cfg.event)
        ns->cfg.event(ns->cfg.event_ctx, ev);
}

static void tap(struct ns_host *ns, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame,
                size_t len)
{
    if (ns->cfg.tap)
        ns->cfg.tap(ns->cfg.tap_ctx, ifid, dir, frame, len);
}

/* Puts one whole frame on an interface. virt0 frames are queued on the TX
 * ring and kicked at the end of poll (or at once outside poll), so the
 * device is notified once per poll, not once per frame. */
int ns_if_output(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len)
{
    if (!ns->ifs[ifid].up) {
        ns->cnt.if_down++;
        return NS_ERR_DOWN;
    }
    if (ifid == NS_IF_LO) {
        int rc = lo_send(&ns->lo, frame, len);
        if (rc == LO_ERR_FULL) {
            ns->cnt.lo_full++;
            return NS_ERR_FULL;
        }
        if (rc != LO_OK) {
            ns->cnt.tx_too_big++;
            return NS_ERR_TOO_BIG;
        }
    } else {
        struct vnet_dev *dev = ns->cfg.virt0;
        if (!dev) {
            ns->cnt.tx_no_device++;
            return NS_ERR_NO_DEVICE;
        }
        int rc = vnet_send_queue(dev, frame, len);
        if (rc == VNET_ERR_AGAIN) {
            /* Let the device take what is queued, reclaim, try once more. */
            (void)vnet_send_kick(dev);
            ns->tx_queued = false;
            rc = vnet_send_queue(dev, frame, len);
        }
        if (rc != VNET_OK) {
            if (rc == VNET_ERR_AGAIN) {
                ns->cnt.tx_full++;
                return NS_ERR_AGAIN;
            }
            ns->cnt.dev_errors++;
            return NS_ERR_DEVICE;
        }
        if (ns->in_poll) {
            ns->tx_queued = true;
        } else if (vnet_send_kick(dev) != VNET_OK) {
            ns->cnt.dev_errors++;
        }
    }
    ns->cnt.tx_frames[ifid]++;
    tap(ns, ifid, NS_DIR_TX, frame, len);
    return NS_OK;
}

unsigned ns_if_mtu(const struct ns_host *ns, enum ns_ifid ifid)
{
    /* virt0 carries what the frontend negotiated (0 before its init got
     * that far: the default then), never more than the stack's frames. */
    unsigned m = ifid == NS_IF_VIRT0 ? vnet_mtu(ns->cfg.virt0) : 0u;
    return m != 0 && m < NS_MTU ? m : NS_MTU;
}

int ns_lo_inject(struct ns_host *ns, const void *frame, size_t len)
{
    if (!ns || !ns->lo.slots || !frame)
        return NS_ERR_INVAL;
    return ns_if_output(ns, NS_IF_LO, frame, len);
}

static void rx_virt0(void *ctx, const uint8_t *frame, size_t len)
{
    struct ns_host *ns = ctx;
    ns->cnt.rx_frames[NS_IF_VIRT0]++;
    tap(ns, NS_IF_VIRT0, NS_DIR_RX, frame, len);
    ns_frame_input(ns, NS_IF_VIRT0, frame, len);
}

static void rx_lo(void *ctx, const uint8_t *frame, size_t len)
{
    struct ns_host *ns = ctx;
    ns->cnt.rx_frames[NS_IF_LO]++;
    tap(ns, NS_IF_LO, NS_DIR_RX, frame, len);
    ns_frame_input(ns, NS_IF_LO, frame, len);
}

int ns_poll(struct ns_host *ns, uint64_t now_ms)
{
    if (!ns || !ns->lo.slots)
        return NS_ERR_INVAL;
    int ret = NS_OK;
    struct vnet_dev *dev = ns->cfg.virt0;
    ns->now_ms = now_ms;
    ns->in_poll = true;
    ns->irq_flag = 0;
    if (dev)
        (void)vnet_tx_reclaim(dev, NULL);
    /* What arrived first: a reply already here must not lose the race
     * against its own retransmission timer. */
    if (dev && vnet_state(dev) != VNET_STATE_DOWN) {
        int rc = vnet_rx_poll(dev, ns->cfg.rx_budget, rx_virt0, ns, NULL);
        if (rc != VNET_OK) {
            ns->cnt.dev_errors++;
            ret = NS_ERR_DEVICE;
        }
    }
    /* Then the timers (a reply above may have made DHCP due now), and lo
     * after them, so what they send to lo is answered in this poll. */
    ns_dhcp_step(ns, now_ms);
    ns_arp_timers(ns, now_ms);
    ns_ping_step(ns, now_ms);
    (void)lo_poll(&ns->lo, ns->cfg.rx_budget, rx_lo, ns, NULL);
    if (dev && ns->tx_queued) {
        ns->tx_queued = false;
        if (vnet_send_kick(dev) != VNET_OK) {
            ns->cnt.dev_errors++;
            ret = NS_ERR_DEVICE;
        }
    }
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

int ns_irq(struct ns_host *ns)
{
    if (!ns)
        return NS_ERR_INVAL;
    if (!ns->cfg.virt0)
        return NS_ERR_NO_DEVICE;
    uint32_t bits = 0;
    int rc = vnet_irq(ns->cfg.virt0, &bits);
    if (bits) {
        ns->cnt.irqs++;
        ns->irq_flag = 1u;
    }
    return rc == VNET_OK ? NS_OK : NS_ERR_DEVICE;
}

bool ns_irq_pending(const struct ns_host *ns)
{
    return ns && ns->irq_flag != 0u;
}

int ns_if_get(const struct ns_host *ns, enum ns_ifid ifid, struct ns_if_info *out)
{
    if (!ns || !out || (unsigned)ifid >= NS_IF_COUNT)
        return NS_ERR_INVAL;
    const struct ns_iface *i = &ns->ifs[ifid];
    out->addr = i->addr;
    out->mask = i->mask;
    out->gw = i->gw;
    out->dns = i->dns;
    memcpy(out->mac, i->mac, sizeof(out->mac));
    out->up = i->up;
    out->mtu = (uint16_t)ns_if_mtu(ns, ifid);
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

bool ns_is_bcast(const struct ns_host *ns, uint32_t dst)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    if (dst == NP_IPV4_BROADCAST)
        return true;
    return v->addr != 0 && v->mask != 0xffffffffu && dst == (v->addr | ~v->mask);
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
