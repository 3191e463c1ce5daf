/*
 * What the DHCP client receives: a reply is matched to the exchange (RFC
 * 2131 §4.4.1), checked (table 3), and acted on by state; a frame is first
 * unwrapped (dhcp_frame.c). Every drop is counted under its reason.
 */
#include <string.h>

#include "dhcp_client_internal.h"

static uint8_t prefix_len(uint32_t mask)
{
    uint8_t n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

/* RFC 1122 §3.2.1.3: neither the subnet's network address (host part all
 * zeros) nor its broadcast address (all ones) is a host's. The mask is the
 * one the lease will use: the reply's, else the classful one. /31 and /32
 * (RFC 3021) have no such addresses. */
static bool host_part_ok(const struct dhcp_msg *m)
{
    uint32_t mask =
        (m->present & DHCP_HAVE_SUBNET_MASK) ? m->subnet_mask : dhcp_classful_mask(m->yiaddr);
    uint32_t host = m->yiaddr & ~mask;
    return prefix_len(mask) > 30 || (host != 0 && host != ~mask);
}

/* What an OFFER or ACK must carry to be usable (RFC 2131 table 3). */
static int check_lease_reply(const struct dhcp_msg *m)
{
    if (!(m->present & DHCP_HAVE_SERVER_ID))
        return DHCP_CLIENT_ERR_NO_SERVER_ID;
    if (!dhcp_addr_usable(m->yiaddr))
        return DHCP_CLIENT_ERR_YIADDR;
    if (!(m->present & DHCP_HAVE_LEASE))
        return DHCP_CLIENT_ERR_NO_LEASE;
    /* A lease of 0 s is no lease: acting on it would bind an address
     * that is already expired (servers differ; this client drops it and
     * waits, as for no answer). */
    if (m->lease_s == 0)
        return DHCP_CLIENT_ERR_LEASE_ZERO;
    if ((m->present & DHCP_HAVE_SUBNET_MASK) && !dhcp_mask_contiguous(m->subnet_mask))
        return DHCP_CLIENT_ERR_MASK;
    if (!host_part_ok(m))
        return DHCP_CLIENT_ERR_YIADDR;
    return DHCP_OK;
}

/* The lease's times from its start (RFC 2131 §4.4.5): T1 and T2 from
 * options 58 and 59, else 1/2 and 7/8 of the lease; 0xffffffff is
 * infinite (§3.3). */
static void lease_times(const struct dhcp_client *n, const struct dhcp_msg *m, struct dhcp_lease *l)
{
    l->lease_s = m->lease_s;
    if (l->lease_s == DHCP_LEASE_INFINITE) {
        l->t1_s = l->t2_s = DHCP_LEASE_INFINITE;
        l->t1_ms = l->t2_ms = l->expire_ms = DHCP_NEVER;
        return;
    }
    if (l->lease_s < n->cfg.min_lease_s)
        l->lease_s = n->cfg.min_lease_s;
    uint64_t lease_ms = (uint64_t)l->lease_s * MS_PER_S;
    uint64_t t1 = lease_ms / 2, t2 = lease_ms / 8 * 7 + lease_ms % 8 * 7 / 8;
    uint64_t g1 = (m->present & DHCP_HAVE_T1) ? (uint64_t)m->t1_s * MS_PER_S : t1;
    uint64_t g2 = (m->present & DHCP_HAVE_T2) ? (uint64_t)m->t2_s * MS_PER_S : t2;
    /* Values that break 0 < T1 < T2 < lease are replaced by both
     * defaults; a T1 of 0 would send the client renewing at once,
     * again after every ACK. */
    if (g1 > 0 && g1 < g2 && g2 < lease_ms) {
        t1 = g1;
        t2 = g2;
    }
    l->t1_s = (uint32_t)(t1 / MS_PER_S);
    l->t2_s = (uint32_t)(t2 / MS_PER_S);
    l->t1_ms = dhcpc_add_sat(l->start_ms, t1);
    l->t2_ms = dhcpc_add_sat(l->start_ms, t2);
    l->expire_ms = dhcpc_add_sat(l->start_ms, lease_ms);
}

/* An ACK checked by check_lease_reply becomes the lease: BOUND until T1. */
static void bind_lease(struct dhcp_client *n, const struct dhcp_msg *m)
{
    struct dhcp_lease l;
    memset(&l, 0, sizeof l);
    l.addr = m->yiaddr;
    l.server_id = m->server_id;
    if (m->present & DHCP_HAVE_SUBNET_MASK) {
        l.mask = m->subnet_mask;
    } else {
        l.mask = dhcp_classful_mask(l.addr);
        l.mask_from_class = true;
    }
    l.prefix_len = prefix_len(l.mask);
    l.n_routers = m->n_routers;
    memcpy(l.routers, m->routers, sizeof l.routers);
    l.n_dns = m->n_dns;
    memcpy(l.dns, m->dns, sizeof l.dns);
    l.start_ms = n->request_ms;
    lease_times(n, m, &l);
    n->lease = l;
    n->have_lease = true;
    n->state = DHCP_CLIENT_BOUND;
    n->tries = 0;
    n->naks = 0;
    n->deadline_ms = l.t1_ms;
}

/* CHANGED when anything the caller configured differs. */
static bool same_config(const struct dhcp_lease *a, const struct dhcp_lease *b)
{
    return a->addr == b->addr && a->mask == b->mask && a->n_routers == b->n_routers &&
           a->n_dns == b->n_dns &&
           memcmp(a->routers, b->routers, sizeof(uint32_t) * a->n_routers) == 0 &&
           memcmp(a->dns, b->dns, sizeof(uint32_t) * a->n_dns) == 0;
}

/*
 * The wait before the DISCOVER that follows a NAK: base doubles with each
 * NAK in a row from cfg.nak_backoff_ms up to cfg.nak_backoff_max_ms, and
 * the wait is drawn uniformly in [base/2, base], so a server that NAKs
 * everything gets at most one exchange per wait and clients NAKed together
 * do not come back together.
 */
static uint64_t nak_wait(struct dhcp_client *n)
{
    if (n->naks < UINT32_MAX)
        n->naks++;
    uint64_t base = n->cfg.nak_backoff_ms;
    for (uint32_t i = 1; i < n->naks && base < n->cfg.nak_backoff_max_ms; i++)
        base *= 2;
    if (base > n->cfg.nak_backoff_max_ms)
        base = n->cfg.nak_backoff_max_ms;
    return base / 2 + dhcpc_rng_next(&n->rng) % (base - base / 2 + 1);
}

/* RFC 6842 §3: a reply that carries a client identifier must carry ours
 * (01 + MAC, as dhcp_client_tx.c sends it); none at all is fine (RFC 2131
 * servers do not echo it). */
static bool client_id_ours(const struct dhcp_client *c, const struct dhcp_msg *m)
{
    return m->client_id_len == 0 ||
           (m->client_id_len == DHCPC_CLIENT_ID_LEN && m->client_id[0] == DHCP_HTYPE_ETHERNET &&
            memcmp(m->client_id + 1, c->cfg.mac, NP_MAC_LEN) == 0);
}

/* SELECTING: RFC 2131 §4.4.1, take the first valid OFFER. */
static int on_offer(struct dhcp_client *n, const struct dhcp_msg *m, uint64_t now)
{
    if (m->type != DHCP_OFFER)
        return DHCP_CLIENT_ERR_UNEXPECTED;
    int rc = check_lease_reply(m);
    if (rc != DHCP_OK)
        return rc;
    n->state = DHCP_CLIENT_REQUESTING;
    n->offer_addr = m->yiaddr;
    n->offer_server = m->server_id;
    n->tries = 0;
    n->deadline_ms = now;
    return DHCP_OK;
}

/* RFC 2131 §4.4.1, §4.4.5: a NAK sends the client to INIT, and the next
 * DISCOVER waits out the back-off. Table 3: a DHCPNAK MUST carry the
 * server identifier; one without it could come from anyone. */
static int on_nak(struct dhcp_client *n, const struct dhcp_msg *m, uint64_t now,
                  enum dhcp_client_event *ev)
{
    if (!(m->present & DHCP_HAVE_SERVER_ID))
        return DHCP_CLIENT_ERR_NO_SERVER_ID;
    if (n->have_lease)
        *ev = DHCP_CLIENT_EV_LOST;
    n->have_lease = false;
    memset(&n->lease, 0, sizeof n->lease);
    n->state = DHCP_CLIENT_INIT;
    n->deadline_ms = dhcpc_add_sat(now, nak_wait(n));
    return DHCP_OK;
}

/* An ACK: a new lease (probed first when cfg.probe.enabled, RFC 5227
 * §2.1), or a renewal, RENEWED or CHANGED. */
static int on_ack(struct dhcp_client *n, const struct dhcp_msg *m, uint64_t now,
                  enum dhcp_client_event *ev)
{
    int rc = check_lease_reply(m);
    if (rc != DHCP_OK)
        return rc;
    struct dhcp_lease held = n->lease;
    bool had = n->have_lease;
    bind_lease(n, m);
    if (had)
        *ev = same_config(&held, &n->lease) ? DHCP_CLIENT_EV_RENEWED : DHCP_CLIENT_EV_CHANGED;
    else if (n->cfg.probe.enabled)
        dhcpc_probe_begin(n, now);
    else
        *ev = DHCP_CLIENT_EV_BOUND;
    return DHCP_OK;
}

/* REQUESTING, INIT-REBOOT, RENEWING, REBINDING: an ACK or a NAK. */
static int on_answer(struct dhcp_client *n, const struct dhcp_msg *m, uint64_t now,
                     enum dhcp_client_event *ev)
{
    /* In REQUESTING only the selected server may answer; in RENEWING we
     * asked the lease's server by unicast; any server may answer
     * INIT-REBOOT and REBINDING broadcasts. */
    uint32_t want = n->state == DHCP_CLIENT_REQUESTING ? n->offer_server
                    : n->state == DHCP_CLIENT_RENEWING ? n->lease.server_id
                                                       : 0;
    if (want != 0 && (m->present & DHCP_HAVE_SERVER_ID) && m->server_id != want)
        return DHCP_CLIENT_ERR_SERVER_ID;
    if (m->type == DHCP_NAK)
        return on_nak(n, m, now, ev);
    if (m->type == DHCP_ACK)
        return on_ack(n, m, now, ev);
    return DHCP_CLIENT_ERR_UNEXPECTED;
}

static int client_input(struct dhcp_client *c, uint64_t now_ms, const uint8_t *msg, size_t len,
                        enum dhcp_client_event *event)
{
    struct dhcp_msg m;
    int rc = dhcp_msg_parse(msg, len, &m);
    if (rc != DHCP_OK)
        return rc;
    if (m.op != DHCP_BOOTREPLY)
        return DHCP_CLIENT_ERR_OP;
    /* RFC 2131 §4.4.1: replies are matched on xid and chaddr. */
    if (m.xid != c->xid)
        return DHCP_CLIENT_ERR_XID;
    if (memcmp(m.chaddr, c->cfg.mac, sizeof m.chaddr) != 0)
        return DHCP_CLIENT_ERR_CHADDR;
    if (!client_id_ours(c, &m))
        return DHCP_CLIENT_ERR_CLIENT_ID;

    struct dhcp_client n = *c;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    switch (c->state) {
    case DHCP_CLIENT_SELECTING:
        rc = on_offer(&n, &m, now_ms);
        break;
    case DHCP_CLIENT_REQUESTING:
    case DHCP_CLIENT_INIT_REBOOT:
    case DHCP_CLIENT_RENEWING:
    case DHCP_CLIENT_REBINDING:
        rc = on_answer(&n, &m, now_ms, &ev);
        break;
    default:
        rc = DHCP_CLIENT_ERR_UNEXPECTED;
        break;
    }
    if (rc != DHCP_OK)
        return rc;
    *c = n;
    *event = ev;
    return DHCP_OK;
}

/* One drop, counted under its reason (docs/architecture.md, the error
 * model: a dropped frame increments a named counter). */
static void count_rx(struct dhcp_client *c, int rc)
{
    struct dhcp_client_stats *st = &c->stats;
    switch (rc) {
    case DHCP_OK:
        st->rx_ok++;
        break;
    case DHCP_CLIENT_ERR_OP:
    case DHCP_CLIENT_ERR_XID:
    case DHCP_CLIENT_ERR_CHADDR:
    case DHCP_CLIENT_ERR_NOT_OURS:
    case DHCP_CLIENT_ERR_CLIENT_ID:
        st->rx_not_ours++;
        break;
    case DHCP_CLIENT_ERR_UNEXPECTED:
        st->rx_unexpected++;
        break;
    case DHCP_CLIENT_ERR_NO_SERVER_ID:
    case DHCP_CLIENT_ERR_SERVER_ID:
    case DHCP_CLIENT_ERR_YIADDR:
    case DHCP_CLIENT_ERR_NO_LEASE:
    case DHCP_CLIENT_ERR_MASK:
    case DHCP_CLIENT_ERR_LEASE_ZERO:
        st->rx_rejected++;
        break;
    default:
        /* The codec's DHCP_MSG_ERR_* and DHCP_CLIENT_ERR_FRAME. */
        st->rx_malformed++;
        break;
    }
}

int dhcp_client_input(struct dhcp_client *c, uint64_t now_ms, const uint8_t *msg, size_t len,
                      enum dhcp_client_event *event)
{
    if (c == NULL || msg == NULL || event == NULL)
        return DHCP_ERR_INVAL;
    int rc = client_input(c, now_ms, msg, len, event);
    count_rx(c, rc);
    return rc;
}

int dhcp_client_input_frame(struct dhcp_client *c, uint64_t now_ms, const uint8_t *frame,
                            size_t len, enum dhcp_client_event *event)
{
    if (c == NULL || frame == NULL || event == NULL)
        return DHCP_ERR_INVAL;
    struct dhcp_rx rx;
    int rc = dhcp_frame_unwrap(frame, len, c->cfg.mac, &rx);
    /* An ARP packet is counted in stats.arp_in by the probe, not here. */
    if (rc == DHCP_OK && rx.kind == DHCP_RX_ARP)
        return dhcp_client_input_arp(c, now_ms, &rx.arp, event);
    if (rc == DHCP_OK)
        rc = client_input(c, now_ms, rx.msg, rx.len, event);
    count_rx(c, rc);
    return rc;
}
