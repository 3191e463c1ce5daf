/*
 * The DHCP client of dhcp-stub bound to virt0, in one of two modes chosen
 * at init: NS_DHCP_WIRE sends its messages as UDP through virt0 and takes
 * replies from virt0; NS_DHCP_STUB hands them to the in-process stub server
 * and its replies straight back, so no frame is built at all.
 */
#include "ns_internal.h"

#include <string.h>

/* In stub mode the server's reply is written behind the client's message
 * in the same scratch frame. */
#define NS_DHCP_REPLY_OFF (NS_L4_OFF + NP_UDP_HLEN + DHCP_MSG_BUILD_MAX)

int ns_dhcp_init(struct ns_host *ns)
{
    if (ns->cfg.dhcp == NS_DHCP_OFF)
        return NS_OK;
    struct dhcp_client_config cc = ns->cfg.dhcp_client;
    memcpy(cc.mac, ns->ifs[NS_IF_VIRT0].mac, 6);
    /* Stub mode never probes (RFC 5227): nothing else is on its link, no
     * frame even leaves the host, and the probe would only cost 4-7 s. */
    if (ns->cfg.dhcp == NS_DHCP_STUB)
        cc.probe.enabled = false;
    if (dhcp_client_init(&ns->dhcp, &cc) != DHCP_OK)
        return NS_ERR_INVAL;
    return NS_OK;
}

/* Applies a lease event to virt0 and tells the caller. RENEWED changes
 * nothing: same address, mask, router and DNS (that is what RENEWED means). */
static void lease_event(struct ns_host *ns, enum dhcp_client_event ev)
{
    struct ns_event e;
    memset(&e, 0, sizeof(e));
    e.now_ms = ns->now_ms;
    const struct dhcp_lease *l = dhcp_client_lease(&ns->dhcp);
    switch (ev) {
    case DHCP_CLIENT_EV_BOUND:
        e.type = NS_EV_DHCP_BOUND;
        break;
    case DHCP_CLIENT_EV_RENEWED:
        e.type = NS_EV_DHCP_RENEWED;
        break;
    case DHCP_CLIENT_EV_CHANGED:
        e.type = NS_EV_DHCP_CHANGED;
        break;
    case DHCP_CLIENT_EV_LOST:
        e.type = NS_EV_DHCP_LOST;
        l = NULL;
        break;
    default:
        return;
    }
    if (l) {
        e.addr = l->addr;
        e.mask = l->mask;
        e.prefix_len = l->prefix_len;
        e.server = l->server_id;
        e.lease_s = l->lease_s;
        e.have = l->mask_from_class ? 0u : NS_HAVE_MASK;
        if (l->n_routers) {
            e.gw = l->routers[0];
            e.have |= NS_HAVE_ROUTER;
        }
        if (l->n_dns) {
            e.dns = l->dns[0];
            e.have |= NS_HAVE_DNS;
        }
    }
    if (e.type != NS_EV_DHCP_RENEWED) {
        struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
        v->addr = e.addr;
        v->mask = e.mask;
        v->gw = e.gw;
        v->dns = e.dns;
        /* RFC 5227 §2.3: a host that probed announces ANNOUNCE_NUM (2)
         * times, ANNOUNCE_INTERVAL apart; without the probe, once. */
        if (e.type != NS_EV_DHCP_LOST && ns->cfg.dhcp == NS_DHCP_WIRE)
            ns_arp_announce(ns, ns->cfg.dhcp_client.probe.enabled ? 2u : 1u);
    }
    ns_emit(ns, &e);
}

/* Sends the client's message (already at tx + NS_L4_OFF + 8) as UDP 68 ->
 * 67 through virt0, broadcast or unicast as the client asks; an ARP probe
 * (DHCP_TX_ARP, at the same place) as a broadcast ARP frame. */
static int send_wire(struct ns_host *ns, const struct dhcp_tx *tx)
{
    if (tx->kind == DHCP_TX_ARP) {
        /* Moved down under an Ethernet header of its own (the ranges do
         * not overlap: the packet sits past a UDP/IPv4 header's room). */
        if (tx->len != NP_ARP_LEN)
            return NS_ERR_INVAL; /* cannot happen: the client writes 28 bytes */
        memcpy(ns->tx + NP_ETH_HLEN, tx->buf, NP_ARP_LEN);
        int rc = ns_arp_frame_out(ns, tx->dst_mac, ns->tx, sizeof(ns->tx), NP_ARP_LEN);
        if (rc == NS_OK)
            ns->cnt.arp_probe_out++;
        return rc;
    }
    uint8_t *seg = ns->tx + NS_L4_OFF;
    struct np_udp h = {DHCP_CLIENT_PORT, DHCP_SERVER_PORT, false, NULL, 0};
    uint32_t dst = tx->dest == DHCP_DEST_BROADCAST ? NP_IPV4_BROADCAST : tx->dst_ip;
    size_t n;
    if (np_udp_build(seg, sizeof(ns->tx) - NS_L4_OFF, &h, tx->src_ip, dst, tx->len, &n) != NP_OK)
        return NS_ERR_INVAL; /* cannot happen: at most DHCP_MSG_BUILD_MAX bytes, which fit */
    int rc = ns_ip_output(ns, NP_IP_PROTO_UDP, tx->src_ip, dst, n, true);
    if (rc == NS_OK)
        ns->cnt.dhcp_out++;
    return rc;
}

/* Stub mode: the message goes to the stub server, its reply (if any) back
 * to the client. */
static void send_stub(struct ns_host *ns, uint64_t now_ms, const struct dhcp_tx *tx)
{
    struct dhcp_tx rx;
    memset(&rx, 0, sizeof(rx));
    rx.buf = ns->tx + NS_DHCP_REPLY_OFF;
    rx.cap = DHCP_MSG_BUILD_MAX;
    ns->cnt.dhcp_out++;
    /* No reply is no drop: a RELEASE or DECLINE gets none, and what the
     * stub server refuses it counts in its own stats. */
    if (ns->cfg.stub_input(ns->cfg.stub, now_ms, tx->buf, tx->len, &rx) != DHCP_OK || rx.len == 0)
        return;
    ns_dhcp_input(ns, rx.buf, rx.len);
}

static void client_tx(struct ns_host *ns, struct dhcp_tx *tx)
{
    memset(tx, 0, sizeof(*tx));
    tx->buf = ns->tx + NS_L4_OFF + NP_UDP_HLEN;
    tx->cap = DHCP_MSG_BUILD_MAX;
}

void ns_dhcp_input(struct ns_host *ns, const uint8_t *msg, size_t len)
{
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    ns->cnt.dhcp_in++;
    if (dhcp_client_input(&ns->dhcp, ns->now_ms, msg, len, &ev) != DHCP_OK) {
        ns->cnt.dhcp_dropped++;
        return;
    }
    lease_event(ns, ev);
}

void ns_dhcp_step(struct ns_host *ns, uint64_t now_ms)
{
    if (ns->cfg.dhcp == NS_DHCP_OFF)
        return;
    if (!ns->dhcp_started) {
        if (dhcp_client_start(&ns->dhcp, now_ms) != DHCP_OK)
            return; /* cannot happen: ns_dhcp_init left the client STOPPED */
        ns->dhcp_started = true;
    }
    /* A stub handshake (DISCOVER, OFFER, REQUEST, ACK) completes in two
     * rounds; the bound keeps a confused client from spinning. */
    for (unsigned round = 0; round < 4u; round++) {
        if (dhcp_client_deadline(&ns->dhcp) > now_ms)
            return;
        enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
        struct dhcp_tx tx;
        client_tx(ns, &tx);
        if (dhcp_client_poll(&ns->dhcp, now_ms, &tx, &ev) != DHCP_OK)
            return; /* cannot happen: client_tx gives DHCP_MSG_BUILD_MAX bytes */
        lease_event(ns, ev);
        if (tx.len == 0)
            return;
        if (ns->cfg.dhcp == NS_DHCP_WIRE)
            (void)send_wire(ns, &tx);
        else
            send_stub(ns, now_ms, &tx);
    }
}

/* Every ARP packet virt0 receives while the client probes an address
 * (RFC 5227 §2.1.1). A conflict sends the client back to INIT with a
 * DECLINE due, which the timers send in this same poll. */
void ns_dhcp_arp(struct ns_host *ns, const struct np_arp *a)
{
    if (ns->cfg.dhcp != NS_DHCP_WIRE)
        return;
    uint32_t cand = dhcp_client_probe_addr(&ns->dhcp);
    if (cand == 0)
        return;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    /* Not a drop either way: the packet goes on to ARP input, and
     * dhcp_client_input_arp fails only for NULL arguments. */
    if (dhcp_client_input_arp(&ns->dhcp, ns->now_ms, a, &ev) != DHCP_OK ||
        ev != DHCP_CLIENT_EV_CONFLICT)
        return;
    ns->cnt.dhcp_declined++;
    struct ns_event e;
    memset(&e, 0, sizeof(e));
    e.type = NS_EV_DHCP_DECLINED;
    e.now_ms = ns->now_ms;
    e.addr = cand;
    ns_emit(ns, &e);
}

/* Unconfigures virt0 and raises ev (LOST, RELEASED). */
static void unconfigure(struct ns_host *ns, enum ns_event_type ev)
{
    struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    v->addr = v->mask = v->gw = v->dns = 0;
    ns->announce_left = 0;
    struct ns_event e;
    memset(&e, 0, sizeof(e));
    e.type = ev;
    e.now_ms = ns->now_ms;
    ns_emit(ns, &e);
}

void ns_dhcp_reboot(struct ns_host *ns)
{
    /* Not started yet (it starts at the next poll), or stopped for good
     * by ns_dhcp_release: nothing to restart. */
    if (ns->cfg.dhcp != NS_DHCP_WIRE || !ns->dhcp_started ||
        dhcp_client_state(&ns->dhcp) == DHCP_CLIENT_STOPPED)
        return;
    const struct dhcp_lease *l = dhcp_client_lease(&ns->dhcp);
    uint32_t prev = l ? l->addr : 0;
    struct dhcp_tx tx;
    client_tx(ns, &tx);
    /* Stopped without a word: the lease is still ours, and the RELEASE
     * the client writes is not sent. Its generator runs on, so the
     * reboot's xid is a new one. */
    (void)dhcp_client_stop(&ns->dhcp, ns->now_ms, &tx);
    /* RFC 2131 §3.2: a client that restarts with an address it had
     * broadcasts a REQUEST for it (INIT-REBOOT), and does not use it until
     * the ACK: so virt0 sends it from 0.0.0.0, unconfigured. Neither call
     * fails on a STOPPED client. */
    if (prev != 0)
        (void)dhcp_client_start_reboot(&ns->dhcp, ns->now_ms, prev);
    else
        (void)dhcp_client_start(&ns->dhcp, ns->now_ms);
    if (ns->ifs[NS_IF_VIRT0].addr != 0)
        unconfigure(ns, NS_EV_DHCP_LOST);
}

void ns_dhcp_handover(struct ns_host *ns, struct ns_handover *out)
{
    out->dhcp_mode = ns->cfg.dhcp;
    out->dhcp = ns->dhcp;
    /* The client lives on in out alone: as NS_DHCP_OFF the netstack's
     * timers and input leave DHCP alone, and the copy left is STOPPED. */
    ns->cfg.dhcp = NS_DHCP_OFF;
    memset(&ns->dhcp, 0, sizeof(ns->dhcp));
}

int ns_dhcp_release(struct ns_host *ns)
{
    if (!ns)
        return NS_ERR_INVAL;
    if (ns->handed_over)
        return ns_handed_over(ns);
    if (ns->cfg.dhcp == NS_DHCP_OFF)
        return NS_OK;
    bool held = dhcp_client_lease(&ns->dhcp) != NULL;
    struct dhcp_tx tx;
    client_tx(ns, &tx);
    /* The RELEASE is built while virt0 still has the address it comes
     * from (RFC 2131 §4.4.6: ciaddr ours, option 54, unicast). */
    if (dhcp_client_stop(&ns->dhcp, ns->now_ms, &tx) != DHCP_OK)
        return NS_ERR_INVAL; /* cannot happen: the buffer always suffices */
    ns->dhcp_started = true; /* stays stopped: no DISCOVER at the next poll */
    int rc = NS_OK;
    if (tx.len != 0) {
        if (ns->cfg.dhcp == NS_DHCP_WIRE)
            rc = send_wire(ns, &tx);
        else
            send_stub(ns, ns->now_ms, &tx);
    }
    if (held)
        unconfigure(ns, NS_EV_DHCP_RELEASED);
    return rc;
}

uint64_t ns_dhcp_deadline(const struct ns_host *ns)
{
    if (ns->cfg.dhcp == NS_DHCP_OFF)
        return UINT64_MAX;
    if (!ns->dhcp_started)
        return 0;
    uint64_t d = dhcp_client_deadline(&ns->dhcp);
    return d == DHCP_NEVER ? UINT64_MAX : d;
}

enum dhcp_client_state ns_dhcp_state(const struct ns_host *ns)
{
    return ns ? dhcp_client_state(&ns->dhcp) : DHCP_CLIENT_STOPPED;
}

const struct dhcp_lease *ns_dhcp_lease(const struct ns_host *ns)
{
    return ns ? dhcp_client_lease(&ns->dhcp) : NULL;
}
