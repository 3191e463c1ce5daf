/*
 * ARP on virt0 (RFC 826): the cache, the responder, resolution before
 * output with one packet held per pending entry, retries, expiry and the
 * gratuitous announcement of a new address (RFC 5227 §3).
 */
#include "ns_internal.h"

#include <string.h>

static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Sends the len-byte ARP packet at frame + NP_ETH_HLEN on virt0 under an
 * Ethernet header to dst_mac, padded to the minimum frame (RFC 894). The
 * caller counts what it sent. */
int ns_arp_frame_out(struct ns_host *ns, const uint8_t *dst_mac, uint8_t *frame, size_t cap,
                     size_t len)
{
    struct np_eth e;
    memcpy(e.dst, dst_mac, 6);
    memcpy(e.src, ns->ifs[NS_IF_VIRT0].mac, 6);
    e.type = NP_ETHERTYPE_ARP;
    if (np_eth_build(frame, cap, &e, len, &len) != NP_OK)
        return NS_ERR_INVAL;
    return ns_if_output(ns, NS_IF_VIRT0, frame, len, false);
}

/* Builds and sends one ARP packet on virt0 in a minimum-size frame. */
static int arp_send(struct ns_host *ns, uint16_t op, const uint8_t *dst_mac, const uint8_t *tha,
                    uint32_t tpa)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    uint8_t frame[NP_ETH_MIN_FRAME];
    struct np_arp a;
    size_t n;
    a.op = op;
    memcpy(a.sha, v->mac, 6);
    a.spa = v->addr;
    memcpy(a.tha, tha, 6);
    a.tpa = tpa;
    if (np_arp_build(frame + NP_ETH_HLEN, sizeof(frame) - NP_ETH_HLEN, &a, &n) != NP_OK)
        return NS_ERR_INVAL; /* cannot happen: the sizes are constants */
    int rc = ns_arp_frame_out(ns, dst_mac, frame, sizeof(frame), n);
    if (rc == NS_OK) {
        if (op == NP_ARP_REQUEST)
            ns->cnt.arp_req_out++;
        else
            ns->cnt.arp_rep_out++;
    }
    return rc;
}

static int request(struct ns_host *ns, uint32_t ip)
{
    static const uint8_t zero[6] = {0};
    return arp_send(ns, NP_ARP_REQUEST, bcast_mac, zero, ip);
}

/* RFC 5227 §2.3 ANNOUNCE_INTERVAL. */
#define NS_ANNOUNCE_INTERVAL_MS 2000u

/* A gratuitous ARP (an ARP Announcement, RFC 5227 §3): a request with
 * sender and target both our address; count of them, the rest
 * ANNOUNCE_INTERVAL apart from the timers. */
void ns_arp_announce(struct ns_host *ns, unsigned count)
{
    ns->announce_left = 0;
    if (!ns->cfg.virt0 || ns->ifs[NS_IF_VIRT0].addr == 0 || count == 0)
        return;
    (void)request(ns, ns->ifs[NS_IF_VIRT0].addr);
    ns->announce_left = (uint8_t)(count - 1u);
    ns->announce_ms = ns->now_ms + NS_ANNOUNCE_INTERVAL_MS;
}

static struct ns_arp_entry *find(const struct ns_host *ns, uint32_t ip)
{
    for (unsigned i = 0; i < ns->cfg.arp_n; i++) {
        struct ns_arp_entry *e = &ns->cfg.arp[i];
        if (e->state != NS_ARP_FREE && e->ip == ip)
            return e;
    }
    return NULL;
}

static struct ns_frame *hold_of(const struct ns_host *ns, const struct ns_arp_entry *e)
{
    return ns->cfg.arp_hold ? &ns->cfg.arp_hold[e - ns->cfg.arp] : NULL;
}

/* A free entry, else the resolved one closest to expiry; never a pending
 * one (its held packet would be lost). NULL when all are pending. */
static struct ns_arp_entry *alloc(struct ns_host *ns)
{
    struct ns_arp_entry *victim = NULL;
    for (unsigned i = 0; i < ns->cfg.arp_n; i++) {
        struct ns_arp_entry *e = &ns->cfg.arp[i];
        if (e->state == NS_ARP_FREE)
            return e;
        if (e->state == NS_ARP_RESOLVED && (!victim || e->deadline_ms < victim->deadline_ms))
            victim = e;
    }
    return victim;
}

static void resolved(struct ns_host *ns, struct ns_arp_entry *e, const uint8_t *mac)
{
    memcpy(e->mac, mac, 6);
    e->state = NS_ARP_RESOLVED;
    e->tries = 0;
    e->deadline_ms = ns->now_ms + ns->cfg.arp_ttl_ms;
    struct ns_frame *h = hold_of(ns, e);
    if (h && h->len != 0) {
        memcpy(h->data, mac, 6);
        (void)ns_if_output(ns, NS_IF_VIRT0, h->data, h->len, false);
        h->len = 0;
    }
}

int ns_arp_output(struct ns_host *ns, uint32_t next_hop, uint8_t *frame, size_t len)
{
    /* Refuse here, before an entry is made for a packet that cannot go.
     * (ns_init gives every host with a device an ARP cache.) */
    int rc = ns_link_ready(ns);
    if (rc != NS_OK)
        return rc;
    if (next_hop == NP_IPV4_BROADCAST) {
        memcpy(frame, bcast_mac, 6);
        return ns_if_output(ns, NS_IF_VIRT0, frame, len, false);
    }
    struct ns_arp_entry *e = find(ns, next_hop);
    if (e && e->state == NS_ARP_RESOLVED) {
        memcpy(frame, e->mac, 6);
        return ns_if_output(ns, NS_IF_VIRT0, frame, len, false);
    }
    bool fresh = false;
    if (!e) {
        e = alloc(ns);
        if (!e) {
            ns->cnt.arp_cache_full++;
            return NS_ERR_ARP_FULL;
        }
        struct ns_frame *old = hold_of(ns, e);
        if (old)
            old->len = 0;
        e->ip = next_hop;
        e->state = NS_ARP_PENDING;
        e->tries = 0;
        fresh = true;
    }
    /* At most one packet waits per entry: the newest (RFC 1122 §2.3.2.2
     * asks for at least one; the latest is the one a caller still wants). */
    struct ns_frame *h = hold_of(ns, e);
    if (!h) {
        /* Nowhere to hold it (no cfg.arp_hold): this packet is lost. */
        ns->cnt.arp_hold_drop++;
        rc = NS_ERR_UNRESOLVED;
    } else {
        if (h->len != 0)
            ns->cnt.arp_hold_drop++; /* the older packet is lost */
        memcpy(h->data, frame, len);
        h->len = (uint16_t)len;
    }
    if (fresh) {
        e->tries = 1;
        e->deadline_ms = ns->now_ms + ns->cfg.arp_retry_ms;
        (void)request(ns, next_hop);
    }
    return rc;
}

void ns_arp_input(struct ns_host *ns, const struct np_arp *a)
{
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    if (a->sha[0] & 1u) { /* broadcast or multicast sender: never cache it */
        ns->cnt.arp_bad_sender++;
        return;
    }
    if (v->addr != 0 && a->spa == v->addr) {
        ns->cnt.arp_conflict++;
        return;
    }
    bool for_us = v->addr != 0 && a->tpa == v->addr;
    if (a->op == NP_ARP_REQUEST && for_us)
        ns->cnt.arp_req_in++;
    /* RFC 826 "merge": refresh a known sender; learn a new one only when it
     * talks to us. A sender of 0.0.0.0 is a probe (RFC 5227): learn nothing. */
    if (a->spa != 0 && ns->cfg.arp) {
        struct ns_arp_entry *e = find(ns, a->spa);
        if (!e && for_us)
            e = alloc(ns);
        if (e) {
            if (e->state == NS_ARP_FREE || e->ip != a->spa) {
                struct ns_frame *h = hold_of(ns, e);
                if (h)
                    h->len = 0;
                e->ip = a->spa;
            }
            resolved(ns, e, a->sha);
        }
    }
    if (!for_us) {
        ns->cnt.arp_not_ours++;
        return;
    }
    if (a->op == NP_ARP_REQUEST)
        (void)arp_send(ns, NP_ARP_REPLY, a->sha, a->sha, a->spa);
}

void ns_arp_timers(struct ns_host *ns, uint64_t now_ms)
{
    if (ns->announce_left != 0 && now_ms >= ns->announce_ms) {
        if (ns->ifs[NS_IF_VIRT0].addr != 0)
            (void)request(ns, ns->ifs[NS_IF_VIRT0].addr);
        ns->announce_left--;
        ns->announce_ms = now_ms + NS_ANNOUNCE_INTERVAL_MS;
    }
    for (unsigned i = 0; i < ns->cfg.arp_n; i++) {
        struct ns_arp_entry *e = &ns->cfg.arp[i];
        if (e->state == NS_ARP_FREE || now_ms < e->deadline_ms)
            continue;
        if (e->state == NS_ARP_RESOLVED) {
            e->state = NS_ARP_FREE;
            ns->cnt.arp_expired++;
        } else if (e->tries >= ns->cfg.arp_tries) {
            struct ns_frame *h = hold_of(ns, e);
            if (h)
                h->len = 0;
            e->state = NS_ARP_FREE;
            ns->cnt.arp_unresolved++;
        } else {
            e->tries++;
            e->deadline_ms = now_ms + ns->cfg.arp_retry_ms;
            (void)request(ns, e->ip);
        }
    }
}

uint64_t ns_arp_deadline(const struct ns_host *ns)
{
    uint64_t d = ns->announce_left != 0 ? ns->announce_ms : UINT64_MAX;
    for (unsigned i = 0; i < ns->cfg.arp_n; i++) {
        const struct ns_arp_entry *e = &ns->cfg.arp[i];
        if (e->state != NS_ARP_FREE && e->deadline_ms < d)
            d = e->deadline_ms;
    }
    return d;
}

int ns_arp_lookup(const struct ns_host *ns, uint32_t ip, uint8_t mac[6])
{
    if (!ns || !mac)
        return NS_ERR_INVAL;
    const struct ns_arp_entry *e = find(ns, ip);
    if (!e || e->state != NS_ARP_RESOLVED)
        return NS_ERR_NOT_FOUND;
    memcpy(mac, e->mac, 6);
    return NS_OK;
}

bool ns_arp_holds(const struct ns_host *ns, uint32_t ip)
{
    const struct ns_arp_entry *e = find(ns, ip);
    const struct ns_frame *h = e ? hold_of(ns, e) : NULL;
    return e && e->state == NS_ARP_PENDING && h && h->len != 0;
}

bool ns_arp_pending(const struct ns_host *ns)
{
    if (!ns)
        return false;
    for (unsigned i = 0; i < ns->cfg.arp_n; i++) {
        const struct ns_arp_entry *e = &ns->cfg.arp[i];
        const struct ns_frame *h = hold_of(ns, e);
        if (e->state == NS_ARP_PENDING && h && h->len != 0)
            return true;
    }
    return false;
}

void ns_arp_handover(struct ns_host *ns, struct ns_handover *out)
{
    for (unsigned i = 0; i < ns->cfg.arp_n; i++) {
        struct ns_arp_entry *e = &ns->cfg.arp[i];
        struct ns_frame *h = hold_of(ns, e);
        if (e->state == NS_ARP_RESOLVED && out->n_arp < NS_HANDOVER_ARP_MAX) {
            struct ns_neighbour *n = &out->arp[out->n_arp++];
            n->ip = e->ip;
            memcpy(n->mac, e->mac, sizeof(n->mac));
            n->expire_ms = e->deadline_ms;
        } else if (e->state == NS_ARP_RESOLVED) {
            out->arp_left++;
        }
        if (h && h->len != 0) {
            out->held_dropped++;
            ns->cnt.arp_unresolved++;
        }
        e->state = NS_ARP_FREE;
        if (h)
            h->len = 0;
    }
    ns->announce_left = 0;
}
