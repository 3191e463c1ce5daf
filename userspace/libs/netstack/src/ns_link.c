/*
 * The link, the netstack's bottom floor: frames in and out of virt0 (the
 * virtio-net frontend) and lo, the tap that sees them, the interrupt hook,
 * the errors the frontend reports, the device's restart and hand-over,
 * and the broadcast tests. Every call that reaches the device (its
 * registers or its rings) is in this file; above it, only the frontend's
 * accessors are read.
 */
#include "ns_internal.h"

#include <string.h>

static void tap(struct ns_host *ns, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame,
                size_t len)
{
    if (ns->cfg.tap)
        ns->cfg.tap(ns->cfg.tap_ctx, ifid, dir, frame, len);
}

/* virt0's device is broken, or a restart left it down: the error that
 * stopped it is recorded (a device the caller never brought up is down
 * with no error, and merely skipped). */
static bool broken(const struct ns_host *ns)
{
    enum vnet_state s = vnet_state(ns->cfg.virt0);
    return s == VNET_STATE_BROKEN || (s == VNET_STATE_DOWN && ns->dev_err != VNET_OK);
}

int ns_dev_error(struct ns_host *ns, int vnet_rc)
{
    /* VNET_ERR_BROKEN says "broken earlier": the earlier error is the
     * cause, and is kept. */
    if (vnet_rc != VNET_ERR_BROKEN || ns->dev_err == VNET_OK)
        ns->dev_err = vnet_rc;
    ns->cnt.dev_errors++;
    return broken(ns) ? NS_ERR_DEVICE_BROKEN : NS_ERR_DEVICE;
}

int ns_handed_over(struct ns_host *ns)
{
    ns->cnt.handover_refused++;
    return NS_ERR_HANDED_OVER;
}

int ns_virt0_error(const struct ns_host *ns)
{
    return ns ? ns->dev_err : VNET_OK;
}

void ns_link_seen(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len)
{
    ns->cnt.rx_frames[ifid]++;
    tap(ns, ifid, NS_DIR_RX, frame, len);
}

int ns_link_rx(struct ns_host *ns, enum ns_ifid ifid, ns_rx_fn fn)
{
    if (ifid == NS_IF_LO) {
        (void)lo_poll(&ns->lo, ns->cfg.rx_budget, fn, ns, NULL);
        return NS_OK;
    }
    struct vnet_dev *dev = ns->cfg.virt0;
    unsigned got = 0;
    ns->rx_more = false;
    if (!dev)
        return ns->handed_over ? ns_handed_over(ns) : NS_OK;
    /* A broken device is left alone until ns_virt0_restart: it said so
     * once (ns_dev_error counted it), and its rings may be garbage. */
    if (broken(ns))
        return NS_ERR_DEVICE_BROKEN;
    (void)vnet_tx_reclaim(dev, NULL);
    if (vnet_state(dev) == VNET_STATE_DOWN)
        return NS_OK;
    int rc = vnet_rx_poll(dev, ns->cfg.rx_budget, fn, ns, &got);
    ns->rx_more = got >= ns->cfg.rx_budget;
    return rc == VNET_OK ? NS_OK : ns_dev_error(ns, rc);
}

int ns_link_flush(struct ns_host *ns)
{
    struct vnet_dev *dev = ns->cfg.virt0;
    if (!dev || !ns->tx_queued)
        return NS_OK;
    ns->tx_queued = false;
    int rc = vnet_send_kick(dev);
    return rc == VNET_OK ? NS_OK : ns_dev_error(ns, rc);
}

/*
 * One frame onto virt0's TX ring, and the netstack's whole TX-full policy:
 * a full ring is first reclaimed (the device may have completed slots
 * since the last poll); still full, what is queued is kicked so the device
 * takes it, and the ring is reclaimed again; still full, the frame is
 * dropped and counted in tx_full. Inside ns_poll the frame waits for the
 * one kick at the end of the poll (ns_link_flush), so the device is
 * notified once per poll, not once per frame; outside it is kicked at once.
 */
static int virt0_output(struct ns_host *ns, struct vnet_dev *dev, const uint8_t *frame, size_t len)
{
    if (vnet_tx_free(dev) == 0) {
        (void)vnet_tx_reclaim(dev, NULL);
        if (vnet_tx_free(dev) == 0) {
            (void)vnet_send_kick(dev);
            ns->tx_queued = false;
            (void)vnet_tx_reclaim(dev, NULL);
        }
    }
    int rc = vnet_send_queue(dev, frame, len);
    if (rc == VNET_ERR_AGAIN) {
        ns->cnt.tx_full++;
        return NS_ERR_AGAIN;
    }
    if (rc != VNET_OK) {
        ns->cnt.tx_dev_refused++;
        return ns_dev_error(ns, rc);
    }
    if (ns->in_poll)
        ns->tx_queued = true;
    else if ((rc = vnet_send_kick(dev)) != VNET_OK)
        (void)ns_dev_error(ns, rc); /* queued all the same: the next kick takes it */
    return NS_OK;
}

static int lo_output(struct ns_host *ns, const uint8_t *frame, size_t len, bool built)
{
    int rc = lo_send_marked(&ns->lo, frame, len, built);
    if (rc == LO_ERR_FULL) {
        ns->cnt.lo_full++;
        return NS_ERR_FULL;
    }
    if (rc != LO_OK) {
        ns->cnt.tx_too_big++;
        return NS_ERR_TOO_BIG;
    }
    return NS_OK;
}

int ns_link_ready(struct ns_host *ns)
{
    if (!ns->ifs[NS_IF_VIRT0].up) {
        ns->cnt.if_down++;
        return NS_ERR_DOWN;
    }
    if (!ns->cfg.virt0) {
        ns->cnt.tx_no_device++;
        return ns->handed_over ? ns_handed_over(ns) : NS_ERR_NO_DEVICE;
    }
    if (broken(ns)) {
        ns->cnt.tx_dev_refused++;
        return NS_ERR_DEVICE_BROKEN;
    }
    return NS_OK;
}

int ns_if_output(struct ns_host *ns, enum ns_ifid ifid, const uint8_t *frame, size_t len,
                 bool built)
{
    int rc;
    if (ifid == NS_IF_LO) {
        if (!ns->ifs[NS_IF_LO].up) {
            ns->cnt.if_down++;
            return NS_ERR_DOWN;
        }
        rc = lo_output(ns, frame, len, built);
    } else {
        rc = ns_link_ready(ns);
        if (rc == NS_OK)
            rc = virt0_output(ns, ns->cfg.virt0, frame, len);
    }
    if (rc != NS_OK)
        return rc;
    ns->cnt.tx_frames[ifid]++;
    tap(ns, ifid, NS_DIR_TX, frame, len);
    return NS_OK;
}

void ns_link_info(const struct ns_host *ns, enum ns_ifid ifid, struct ns_if_info *out)
{
    const struct ns_iface *i = &ns->ifs[ifid];
    out->addr = i->addr;
    out->mask = i->mask;
    out->gw = i->gw;
    out->dns = i->dns;
    memcpy(out->mac, i->mac, sizeof(out->mac));
    out->up = i->up;
    out->mtu = (uint16_t)ns_if_mtu(ns, ifid);
}

unsigned ns_if_mtu(const struct ns_host *ns, enum ns_ifid ifid)
{
    /* virt0 carries what the frontend negotiated (0 before its init got
     * that far: the default then), never more than the stack's frames. */
    unsigned m = ifid == NS_IF_VIRT0 ? vnet_mtu(ns->cfg.virt0) : 0u;
    return m != 0 && m < NS_MTU ? m : NS_MTU;
}

bool ns_is_bcast(const struct ns_host *ns, uint32_t dst)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    if (dst == NP_IPV4_BROADCAST)
        return true;
    return v->addr != 0 && v->mask != 0xffffffffu && dst == (v->addr | ~v->mask);
}

int ns_irq(struct ns_host *ns)
{
    if (!ns)
        return NS_ERR_INVAL;
    if (!ns->cfg.virt0)
        return ns->handed_over ? ns_handed_over(ns) : NS_ERR_NO_DEVICE;
    /* Even on a broken device: the interrupt must be acknowledged, or a
     * level-triggered line stays up and the trap comes back for ever. */
    uint32_t bits = 0;
    int rc = vnet_irq(ns->cfg.virt0, &bits);
    if (bits) {
        ns->cnt.irqs++;
        ns->irq_flag = 1u;
    }
    return rc == VNET_OK ? NS_OK : ns_dev_error(ns, rc);
}

bool ns_irq_pending(const struct ns_host *ns)
{
    return ns && ns->irq_flag != 0u;
}

int ns_link_restart(struct ns_host *ns)
{
    ns->tx_queued = false; /* whatever was queued is gone with the rings */
    ns->rx_more = false;
    int rc = vnet_reinit(ns->cfg.virt0);
    if (rc != VNET_OK) {
        (void)ns_dev_error(ns, rc);
        return NS_ERR_DEVICE;
    }
    ns->dev_err = VNET_OK;
    return NS_OK;
}

int ns_link_live(const struct ns_host *ns)
{
    if (!ns->cfg.virt0)
        return NS_ERR_NO_DEVICE;
    if (broken(ns))
        return NS_ERR_DEVICE_BROKEN;
    return vnet_state(ns->cfg.virt0) == VNET_STATE_READY ? NS_OK : NS_ERR_DEVICE;
}

void ns_link_let_go(struct ns_host *ns)
{
    /* Nothing is queued outside a poll (every send kicks), and an
     * interrupt acknowledged is the new owner's to answer. */
    ns->cfg.virt0 = NULL;
    ns->handed_over = true;
    ns->tx_queued = false;
    ns->rx_more = false;
    ns->irq_flag = 0;
}
