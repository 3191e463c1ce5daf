/*
 * The netif driver: lwIP's netif over rvnet's virtio-net frontend.
 *
 * Down: lwIP's etharp_output builds the Ethernet frame and calls
 * linkoutput, which copies it into a TX slot (vnet_send). Up: each frame
 * vnet_rx_poll delivers is copied into a fresh pbuf (the frontend's buffer
 * is valid only during the callback and goes back to the device after the
 * batch) and handed to ethernet_input, unless the DHCP glue takes it.
 *
 * Everything runs on the poll loop's thread, lwIP included: lwip_init is
 * called without tcpip_init, so Debian's NO_SYS=0 build runs no tcpip
 * thread, and its LWIP_ASSERT_CORE_LOCKED (sys_check_core_locking) checks
 * nothing while no tcpip thread was ever marked (docs/lwip.md).
 */
#include "lwip_vnet_internal.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "netproto/netproto.h"

const char *lwip_vnet_strerror(int err)
{
    switch (err) {
    case LWIP_VNET_OK:
        return "ok";
    case LWIP_VNET_ERR_INVAL:
        return "invalid";
    case LWIP_VNET_ERR_STATE:
        return "bad-state";
    case LWIP_VNET_ERR_LWIP:
        return "lwip-refused";
    case LWIP_VNET_ERR_DEVICE:
        return "device-error";
    case LWIP_VNET_ERR_DHCP:
        return "dhcp-error";
    default:
        return "unknown";
    }
}

void lwip_vnet_config_defaults(struct lwip_vnet_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof(*cfg));
    cfg->rx_budget = 64;
    cfg->dhcp = true;
    dhcp_client_config_defaults(&cfg->dhcp_client);
}

void lwip_vnet_stack_init(void)
{
    static bool done;
    if (done)
        return;
    /* No tcpip_init: the raw API is called from this thread only. */
    lwip_init();
    done = true;
}

void lwv_ip4(ip4_addr_t *out, uint32_t host)
{
    ip4_addr_set_u32(out, lwip_htonl(host));
}

void lwv_event(struct lwip_vnet *p, enum lwip_vnet_event_type type)
{
    if (!p->cfg.event)
        return;
    struct lwip_vnet_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = type;
    ev.now_ms = p->now_ms;
    const struct dhcp_lease *l = lwip_vnet_lease(p);
    if (type != LWIP_VNET_EV_LOST && l) {
        ev.addr = l->addr;
        ev.mask = l->mask;
        ev.gw = l->n_routers ? l->routers[0] : 0;
        ev.dns = l->n_dns ? l->dns[0] : 0;
        ev.lease_s = l->lease_s;
    }
    p->cfg.event(p->cfg.event_ctx, &ev);
}

static void tap(struct lwip_vnet *p, enum lwip_vnet_dir dir, bool dhcp, const uint8_t *frame,
                size_t len)
{
    if (p->cfg.tap)
        p->cfg.tap(p->cfg.tap_ctx, dir, dhcp, frame, len);
}

/* Keeps the frontend's error. VNET_ERR_BROKEN only repeats an earlier
 * cause (the device broke the protocol before): the cause stays. */
static void dev_fail(struct lwip_vnet *p, int rc)
{
    if (rc != VNET_ERR_BROKEN || p->dev_err == 0)
        p->dev_err = rc;
    p->cnt.dev_errors++;
}

err_t lwv_send_frame(struct lwip_vnet *p, const uint8_t *frame, size_t len)
{
    if (!netif_is_link_up(&p->netif) || vnet_state(p->dev) != VNET_STATE_READY) {
        p->cnt.tx_link_down++;
        return ERR_IF;
    }
    /* vnet_send reclaims by itself when the ring looks full; one more
     * reclaim and one more try catch a completion that landed in between.
     * Then the frame is refused, never waited for: lwIP's TCP retransmits,
     * UDP and ICMP are best effort. */
    int rc = vnet_send(p->dev, frame, len);
    if (rc == VNET_ERR_AGAIN) {
        p->cnt.tx_retried++;
        int r = vnet_tx_reclaim(p->dev, NULL);
        if (r != VNET_OK)
            dev_fail(p, r);
        rc = vnet_send(p->dev, frame, len);
    }
    switch (rc) {
    case VNET_OK:
        p->cnt.tx_frames++;
        tap(p, LWIP_VNET_TX, false, frame, len);
        return ERR_OK;
    case VNET_ERR_AGAIN:
        p->cnt.tx_full++;
        return ERR_MEM;
    case VNET_ERR_TOO_BIG:
    case VNET_ERR_TOO_SHORT:
        p->cnt.tx_bad_len++;
        return ERR_BUF;
    default:
        p->cnt.tx_dev_err++;
        dev_fail(p, rc);
        return ERR_IF;
    }
}

/* netif->linkoutput: p is a whole Ethernet frame (etharp_output wrote the
 * header), one pbuf in Debian's build (LWIP_NETIF_TX_SINGLE_PBUF) but a
 * chain is flattened all the same. */
static err_t linkoutput(struct netif *nif, struct pbuf *q)
{
    struct lwip_vnet *p = nif->state;
    if (q->tot_len > sizeof(p->tx_flat)) {
        p->cnt.tx_bad_len++;
        return ERR_BUF;
    }
    if (q->next == NULL)
        return lwv_send_frame(p, q->payload, q->len);
    if (pbuf_copy_partial(q, p->tx_flat, q->tot_len, 0) != q->tot_len) {
        p->cnt.tx_bad_len++;
        return ERR_BUF;
    }
    return lwv_send_frame(p, p->tx_flat, q->tot_len);
}

/* netif_add's init function: what lwIP must know of the link. */
static err_t netif_setup(struct netif *nif)
{
    struct lwip_vnet *p = nif->state;
    nif->name[0] = 'v';
    nif->name[1] = 'n';
    unsigned mtu = vnet_mtu(p->dev);
    nif->mtu = (u16_t)(mtu > LWIP_VNET_MTU_MAX ? LWIP_VNET_MTU_MAX : mtu);
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, vnet_mac(p->dev), ETH_HWADDR_LEN);
    /* No IGMP or MLD: nothing here joins a group, and lwIP then sends no
     * reports. */
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    return ERR_OK;
}

/* vnet_rx_poll's callback: one frame, 14..vnet_mtu + 14 bytes (the
 * frontend has dropped and counted every impossible length). */
static void rx_frame(void *ctx, const uint8_t *frame, size_t len)
{
    struct lwip_vnet *p = ctx;
    p->cnt.rx_frames++;
    if (p->dhcp_on && lwv_dhcp_take(p, frame, len)) {
        p->cnt.rx_dhcp++;
        tap(p, LWIP_VNET_RX, true, frame, len);
        return;
    }
    struct pbuf *q = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    if (!q) {
        p->cnt.rx_no_pbuf++;
        return;
    }
    /* PBUF_RAM: one pbuf, payload contiguous. */
    memcpy(q->payload, frame, len);
    tap(p, LWIP_VNET_RX, false, frame, len);
    p->cnt.rx_to_lwip++;
    if (p->netif.input(q, &p->netif) != ERR_OK) {
        /* The input function did not take it: ours to free. */
        pbuf_free(q);
        p->cnt.rx_input_err++;
    }
}

/* The netif's link follows the frontend's: up while the device is READY
 * and its config status (VIRTIO_NET_F_STATUS) says link up. */
static void link_follow(struct lwip_vnet *p)
{
    bool up = vnet_state(p->dev) == VNET_STATE_READY && vnet_link_up(p->dev);
    if (up == (netif_is_link_up(&p->netif) != 0))
        return;
    p->cnt.link_changes++;
    if (up)
        netif_set_link_up(&p->netif);
    else
        netif_set_link_down(&p->netif);
    lwv_event(p, up ? LWIP_VNET_EV_LINK_UP : LWIP_VNET_EV_LINK_DOWN);
}

/* Builds the port around a READY device with the netif configured as given
 * (host order; 0: unconfigured), and the DHCP client new or handed over. */
static int start(struct lwip_vnet *p, struct vnet_dev *dev, const struct lwip_vnet_config *cfg,
                 uint64_t now_ms, const uint32_t addr[3], const struct dhcp_client *handed)
{
    if (!p || !dev)
        return LWIP_VNET_ERR_INVAL;
    struct lwip_vnet_config c;
    if (cfg)
        c = *cfg;
    else
        lwip_vnet_config_defaults(&c);
    if (c.rx_budget == 0)
        return LWIP_VNET_ERR_INVAL;
    if (vnet_state(dev) != VNET_STATE_READY)
        return LWIP_VNET_ERR_STATE;
    lwip_vnet_stack_init();
    memset(p, 0, sizeof(*p));
    p->dev = dev;
    p->cfg = c;
    p->now_ms = now_ms;
    ip4_addr_t ip, mask, gw;
    lwv_ip4(&ip, addr[0]);
    lwv_ip4(&mask, addr[1]);
    lwv_ip4(&gw, addr[2]);
    if (!netif_add(&p->netif, &ip, &mask, &gw, p, netif_setup, ethernet_input))
        return LWIP_VNET_ERR_LWIP;
    if (c.dhcp) {
        int rc = lwv_dhcp_setup(p, handed, now_ms);
        if (rc != LWIP_VNET_OK) {
            netif_remove(&p->netif);
            return rc;
        }
    }
    netif_set_default(&p->netif);
    netif_set_up(&p->netif);
    link_follow(p);
    p->running = true;
    return LWIP_VNET_OK;
}

int lwip_vnet_init(struct lwip_vnet *p, struct vnet_dev *dev, const struct lwip_vnet_config *cfg,
                   uint64_t now_ms)
{
    static const uint32_t none[3] = {0, 0, 0};
    return start(p, dev, cfg, now_ms, none, NULL);
}

/* One ARP entry into lwIP's table through its own input: a reply from
 * e->ip at e->mac to our address. etharp_input adds the sender of a
 * packet aimed at us (RFC 826 "Packet Reception"), and answers nothing to
 * a reply. Nothing goes on the wire. */
static bool seed_arp(struct lwip_vnet *p, const struct lwip_vnet_arp *e, uint32_t our)
{
    uint8_t f[NP_ETH_MIN_FRAME]; /* np_eth_build pads to 60 bytes */
    struct np_arp a;
    a.op = NP_ARP_REPLY;
    memcpy(a.sha, e->mac, 6);
    a.spa = e->ip;
    memcpy(a.tha, p->netif.hwaddr, 6);
    a.tpa = our;
    struct np_eth h = {{0}, {0}, NP_ETHERTYPE_ARP, NULL, 0};
    memcpy(h.dst, p->netif.hwaddr, 6);
    memcpy(h.src, e->mac, 6);
    size_t n;
    if (np_arp_build(f + NP_ETH_HLEN, sizeof(f) - NP_ETH_HLEN, &a, &n) != NP_OK ||
        np_eth_build(f, sizeof(f), &h, n, &n) != NP_OK)
        return false;
    struct pbuf *q = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
    if (!q)
        return false;
    memcpy(q->payload, f, n);
    if (p->netif.input(q, &p->netif) != ERR_OK) {
        pbuf_free(q);
        return false;
    }
    return true;
}

int lwip_vnet_takeover(struct lwip_vnet *p, const struct lwip_vnet_handover *h,
                       const struct lwip_vnet_config *cfg, uint64_t now_ms)
{
    if (!h || h->n_arp > LWIP_VNET_HANDOVER_ARP_MAX)
        return LWIP_VNET_ERR_INVAL;
    struct lwip_vnet_config c;
    if (cfg)
        c = *cfg;
    else
        lwip_vnet_config_defaults(&c);
    /* A client is carried on, never started afresh: one that did not run
     * (a static address) leaves the netif as it was handed over. */
    c.dhcp = c.dhcp && h->have_dhcp;
    const uint32_t addr[3] = {h->addr, h->mask, h->gw};
    int rc = start(p, h->dev, &c, now_ms, addr, c.dhcp ? &h->dhcp : NULL);
    if (rc != LWIP_VNET_OK)
        return rc;
    p->dns = h->dns;
    /* The first poll takes what the device delivered before: frames in the
     * RX ring that no poll took, for which the device will not interrupt
     * again (the old owner may have acknowledged it: ns_handover's
     * irq_seen), so the work is pending whatever it saw. */
    p->irq_flag = 1;
    /* lwIP keeps an entry only for a packet aimed at a configured address. */
    for (unsigned i = 0; h->addr != 0 && i < h->n_arp; i++)
        if (seed_arp(p, &h->arp[i], h->addr))
            p->cnt.arp_seeded++;
    return LWIP_VNET_OK;
}

int lwip_vnet_poll(struct lwip_vnet *p, uint64_t now_ms)
{
    if (!p)
        return LWIP_VNET_ERR_INVAL;
    if (!p->running)
        return LWIP_VNET_ERR_STATE;
    p->now_ms = now_ms;
    p->irq_flag = 0;
    uint64_t errs = p->cnt.dev_errors;
    p->rx_more = false;
    /* Each call only while the device is READY: one that broke is left
     * alone (and the error that broke it stays the one reported). */
    if (vnet_state(p->dev) == VNET_STATE_READY) {
        int rc = vnet_tx_reclaim(p->dev, NULL);
        if (rc != VNET_OK)
            dev_fail(p, rc);
    }
    if (vnet_state(p->dev) == VNET_STATE_READY) {
        unsigned n = 0;
        int rc = vnet_rx_poll(p->dev, p->cfg.rx_budget, rx_frame, p, &n);
        if (rc != VNET_OK)
            dev_fail(p, rc);
        if (n == p->cfg.rx_budget) {
            p->rx_more = true;
            p->cnt.rx_more++;
        }
    }
    link_follow(p);
    if (p->dhcp_on)
        lwv_dhcp_run(p);
    sys_check_timeouts();
    return p->cnt.dev_errors != errs ? LWIP_VNET_ERR_DEVICE : LWIP_VNET_OK;
}

int lwip_vnet_irq(struct lwip_vnet *p)
{
    if (!p || !p->dev)
        return LWIP_VNET_ERR_INVAL;
    uint32_t bits = 0;
    int rc = vnet_irq(p->dev, &bits);
    if (bits) {
        p->cnt.irqs++;
        p->irq_flag = 1;
    }
    /* A config change re-read the link status (or found NEEDS_RESET): the
     * poll the flag asks for brings the netif's link along. */
    return rc == VNET_OK ? LWIP_VNET_OK : LWIP_VNET_ERR_DEVICE;
}

bool lwip_vnet_work_pending(const struct lwip_vnet *p)
{
    return p && (p->irq_flag != 0 || p->rx_more);
}

uint64_t lwip_vnet_next_deadline(const struct lwip_vnet *p)
{
    if (!p || !p->running)
        return UINT64_MAX;
    uint64_t d = p->dhcp_on ? dhcp_client_deadline(&p->dhcp) : DHCP_NEVER;
    u32_t s = sys_timeouts_sleeptime();
    if (s != SYS_TIMEOUTS_SLEEPTIME_INFINITE && p->now_ms + s < d)
        d = p->now_ms + s;
    return d;
}

struct netif *lwip_vnet_netif(struct lwip_vnet *p)
{
    return p ? &p->netif : NULL;
}

const struct dhcp_client *lwip_vnet_dhcp(const struct lwip_vnet *p)
{
    return p && p->dhcp_on ? &p->dhcp : NULL;
}

const struct dhcp_lease *lwip_vnet_lease(const struct lwip_vnet *p)
{
    return p && p->dhcp_on ? dhcp_client_lease(&p->dhcp) : NULL;
}

uint32_t lwip_vnet_dns(const struct lwip_vnet *p)
{
    return p ? p->dns : 0;
}

int lwip_vnet_dev_error(const struct lwip_vnet *p)
{
    return p ? p->dev_err : 0;
}

void lwip_vnet_counters(const struct lwip_vnet *p, struct lwip_vnet_counters *out)
{
    if (!out)
        return;
    if (p)
        *out = p->cnt;
    else
        memset(out, 0, sizeof(*out));
}

int lwip_vnet_remove(struct lwip_vnet *p)
{
    if (!p)
        return LWIP_VNET_ERR_INVAL;
    if (!p->running)
        return LWIP_VNET_ERR_STATE;
    lwv_dhcp_stop(p);
    netif_remove(&p->netif);
    p->running = false;
    return LWIP_VNET_OK;
}
