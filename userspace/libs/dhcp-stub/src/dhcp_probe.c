/*
 * Address conflict detection before binding (RFC 5227 §2.1): the client's
 * CHECKING state. The client stays sans-IO: poll hands out each ARP probe
 * as a DHCP_TX_ARP packet for the caller to send, and the caller gives
 * every ARP packet it sees to dhcp_client_input_arp. All waits come from
 * the client's seeded generator, so a run is the same every time.
 */
#include <string.h>

#include "dhcp_client_internal.h"

/* A uniform draw in [lo, hi]. */
static uint64_t draw(struct dhcp_client *n, uint64_t lo, uint64_t hi)
{
    return lo + dhcpc_rng_next(&n->rng) % (hi - lo + 1u);
}

/* An ACK gave a new lease (already in n->lease): probe it before it is
 * bound. RFC 5227 §2.1.1: "wait for a random time interval selected
 * uniformly in the range zero to PROBE_WAIT seconds". */
void dhcpc_probe_begin(struct dhcp_client *n, uint64_t now)
{
    n->have_lease = false;
    n->state = DHCP_CLIENT_CHECKING;
    n->probes = 0;
    n->deadline_ms = dhcpc_add_sat(now, draw(n, 0, n->cfg.probe.wait_ms));
}

/* CHECKING, when the deadline came: the next probe, or, ANNOUNCE_WAIT after
 * the last one with no conflict, the lease is ours. */
void dhcpc_probe_step(struct dhcp_client *n, enum send_kind *kind, enum dhcp_client_event *ev)
{
    if (n->probes < n->cfg.probe.num) {
        *kind = SEND_PROBE;
        return;
    }
    n->have_lease = true;
    n->state = DHCP_CLIENT_BOUND;
    n->conflicts = 0;
    n->deadline_ms = n->lease.t1_ms;
    *ev = DHCP_CLIENT_EV_BOUND;
}

/* RFC 5227 §2.1.1: probes PROBE_MIN..PROBE_MAX apart, then ANNOUNCE_WAIT. */
void dhcpc_probe_sent(struct dhcp_client *n, uint64_t now)
{
    n->probes++;
    uint64_t wait = n->probes < n->cfg.probe.num ? draw(n, n->cfg.probe.min_ms, n->cfg.probe.max_ms)
                                                 : n->cfg.probe.announce_wait_ms;
    n->deadline_ms = dhcpc_add_sat(now, wait);
}

/* After a DECLINE: RFC 2131 §3.1.5 "wait a minimum of ten seconds before
 * restarting", and RFC 5227 §2.1.1's rate limit once MAX_CONFLICTS came. */
uint64_t dhcpc_decline_wait(const struct dhcp_client *n)
{
    uint64_t wait = n->cfg.probe.decline_wait_ms;
    if (n->conflicts >= n->cfg.probe.max_conflicts && n->cfg.probe.rate_limit_ms > wait)
        wait = n->cfg.probe.rate_limit_ms;
    return wait;
}

/* RFC 5227 §2.1.1: an ARP Request with our MAC as sender, sender IP 0
 * (so no other host's cache learns an address we may not get), target
 * hardware address 0 and target IP the candidate; broadcast. */
int dhcpc_emit_probe(const struct dhcp_client *n, struct dhcp_tx *tx)
{
    struct np_arp a;
    memset(&a, 0, sizeof a);
    a.op = NP_ARP_REQUEST;
    memcpy(a.sha, n->cfg.mac, sizeof a.sha);
    a.tpa = n->lease.addr;
    size_t len;
    if (np_arp_build(tx->buf, tx->cap, &a, &len) != NP_OK)
        return DHCP_ERR_NOSPACE;
    tx->len = len;
    tx->kind = DHCP_TX_ARP;
    tx->dest = DHCP_DEST_BROADCAST;
    tx->src_ip = 0;
    tx->dst_ip = n->lease.addr;
    tx->src_port = 0;
    tx->dst_port = 0;
    memset(tx->dst_mac, 0xff, sizeof tx->dst_mac);
    return DHCP_OK;
}

/* RFC 5227 §2.1.1: a conflict is any ARP packet whose sender IP is the
 * address probed, or a probe for it (sender IP 0) from another host: our
 * own probes, echoed back by the link, are not. */
static bool is_conflict(const struct dhcp_client *c, const struct np_arp *a)
{
    uint32_t cand = c->lease.addr;
    if (a->spa == cand)
        return true;
    return a->spa == 0 && a->tpa == cand && memcmp(a->sha, c->cfg.mac, sizeof a->sha) != 0;
}

int dhcp_client_input_arp(struct dhcp_client *c, uint64_t now_ms, const struct np_arp *arp,
                          enum dhcp_client_event *event)
{
    if (c == NULL || arp == NULL || event == NULL)
        return DHCP_ERR_INVAL;
    c->stats.arp_in++;
    *event = DHCP_CLIENT_EV_NONE;
    if (c->state != DHCP_CLIENT_CHECKING || !is_conflict(c, arp))
        return DHCP_OK;
    /* RFC 2131 §3.1.5: "the client MUST send a DHCPDECLINE message to the
     * server and restarts the configuration process": the next poll sends
     * it, then waits dhcpc_decline_wait before the DISCOVER. */
    c->stats.conflicts++;
    if (c->conflicts < UINT8_MAX)
        c->conflicts++;
    c->offer_addr = c->lease.addr;
    c->offer_server = c->lease.server_id;
    memset(&c->lease, 0, sizeof c->lease);
    c->decline_pending = true;
    c->state = DHCP_CLIENT_INIT;
    c->tries = 0;
    c->deadline_ms = now_ms;
    *event = DHCP_CLIENT_EV_CONFLICT;
    return DHCP_OK;
}

uint32_t dhcp_client_probe_addr(const struct dhcp_client *c)
{
    return c != NULL && c->state == DHCP_CLIENT_CHECKING ? c->lease.addr : 0;
}
