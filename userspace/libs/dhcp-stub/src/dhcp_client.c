/*
 * The DHCP client state machine (RFC 2131 §4.4, figure 5), sans-IO.
 *
 * Every entry point works on a copy of the client and writes it back only
 * when it succeeds, so an error (a malformed message, a reply for someone
 * else, a buffer too small) leaves the client as it was; a dropped input
 * only bumps the counter of its reason in c->stats.
 */
#include <string.h>

#include "dhcp-stub/dhcp_client.h"
#include "netproto/eth.h"
#include "netproto/ipv4.h"
#include "netproto/udp.h"

/* What a poll or stop sends; each row of RFC 2131 table 5 that we use. */
enum send_kind {
    SEND_NONE,
    SEND_DISCOVER,
    SEND_REQUEST_SELECTING,
    SEND_REQUEST_REBOOT,
    SEND_REQUEST_RENEWING,
    SEND_REQUEST_REBINDING,
    SEND_RELEASE,
};

/* Options the client asks for (RFC 2132 §9.8): mask, router, DNS, lease,
 * server id, T1, T2. */
static const uint8_t param_request_list[] = {
    DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_LEASE_TIME,
    DHCP_OPT_SERVER_ID,   DHCP_OPT_T1,     DHCP_OPT_T2,
};

#define MS_PER_S 1000u
#define JITTER_MS                                                                                  \
    1000u /* RFC 2131 §4.1: "randomized by the value of a uniform                                 \
             random number chosen from the range -1 to +1" s */

void dhcp_client_config_defaults(struct dhcp_client_config *cfg)
{
    if (cfg == NULL)
        return;
    memset(cfg, 0, sizeof *cfg);
    static const uint8_t default_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    memcpy(cfg->mac, default_mac, sizeof cfg->mac);
    cfg->seed = 1;
    cfg->jitter = false;
    cfg->request_broadcast = false;
    cfg->retrans_initial_ms = 4000;
    cfg->retrans_max_ms = 64000;
    cfg->request_retries = 4;
    cfg->renew_min_ms = 60000;
    cfg->min_lease_s = 20;
    cfg->max_msg_size = DHCP_MSG_MIN_MAX_SIZE;
}

/* splitmix64: a tiny generator with a full 2^64 period, fully determined by
 * the caller's seed; the library never gathers entropy of its own. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > DHCP_NEVER - b ? DHCP_NEVER : a + b;
}

int dhcp_client_init(struct dhcp_client *c, const struct dhcp_client_config *cfg)
{
    if (c == NULL || cfg == NULL)
        return DHCP_ERR_INVAL;
    if (cfg->retrans_initial_ms == 0 || cfg->retrans_max_ms < cfg->retrans_initial_ms ||
        cfg->renew_min_ms == 0 || cfg->min_lease_s == 0 ||
        (cfg->max_msg_size != 0 && cfg->max_msg_size < DHCP_MSG_MIN_MAX_SIZE) || (cfg->mac[0] & 1u))
        return DHCP_ERR_INVAL;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->rng = cfg->seed;
    c->state = DHCP_CLIENT_STOPPED;
    c->deadline_ms = DHCP_NEVER;
    return DHCP_OK;
}

/* A new exchange: a fresh xid and the clock for secs restarts. */
static void begin_exchange(struct dhcp_client *n, uint64_t now)
{
    n->xid = (uint32_t)(rng_next(&n->rng) >> 32);
    n->exchange_ms = now;
    n->tries = 0;
}

int dhcp_client_start(struct dhcp_client *c, uint64_t now_ms)
{
    if (c == NULL)
        return DHCP_ERR_INVAL;
    if (c->state != DHCP_CLIENT_STOPPED)
        return DHCP_CLIENT_ERR_STATE;
    c->state = DHCP_CLIENT_INIT;
    c->deadline_ms = now_ms;
    return DHCP_OK;
}

static bool usable_addr(uint32_t a)
{
    /* Not 0.0.0.0/8, not loopback, not multicast, not class E or broadcast. */
    uint8_t first = (uint8_t)(a >> 24);
    return first != 0 && first != 127 && first < 224;
}

int dhcp_client_start_reboot(struct dhcp_client *c, uint64_t now_ms, uint32_t prev_addr)
{
    if (c == NULL || !usable_addr(prev_addr))
        return DHCP_ERR_INVAL;
    if (c->state != DHCP_CLIENT_STOPPED)
        return DHCP_CLIENT_ERR_STATE;
    begin_exchange(c, now_ms);
    c->state = DHCP_CLIENT_INIT_REBOOT;
    c->offer_addr = prev_addr;
    c->deadline_ms = now_ms;
    return DHCP_OK;
}

/* The interval after the n-th transmission (n >= 1): 4, 8, 16, 32, 64, 64 s
 * by default (RFC 2131 §4.1), optionally moved by up to a second. */
static uint64_t retrans_interval(struct dhcp_client *n)
{
    uint64_t ms = n->cfg.retrans_initial_ms;
    for (uint32_t i = 1; i < n->tries && ms < n->cfg.retrans_max_ms; i++)
        ms *= 2;
    if (ms > n->cfg.retrans_max_ms)
        ms = n->cfg.retrans_max_ms;
    if (n->cfg.jitter) {
        uint64_t r = rng_next(&n->rng) % (2u * JITTER_MS + 1u);
        ms = ms + r > JITTER_MS ? ms + r - JITTER_MS : 1;
    }
    return ms;
}

/* RFC 2131 §4.4.5: half the time left until `until`, at least the minimum,
 * but never past `until`, where the next state takes over. */
static uint64_t half_remaining(const struct dhcp_client *n, uint64_t now, uint64_t until)
{
    uint64_t wait = (until - now) / 2;
    if (wait < n->cfg.renew_min_ms)
        wait = n->cfg.renew_min_ms;
    uint64_t at = add_sat(now, wait);
    return at < until ? at : until;
}

/* Seconds since the exchange began; a caller whose clock stepped back gets
 * 0, not a wrapped value. */
static uint16_t secs_now(const struct dhcp_client *n, uint64_t now)
{
    uint64_t secs = now > n->exchange_ms ? (now - n->exchange_ms) / MS_PER_S : 0;
    return (uint16_t)(secs > 0xffffu ? 0xffffu : secs);
}

static int emit(const struct dhcp_client *n, uint64_t now, enum send_kind kind, struct dhcp_tx *tx)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.xid = n->xid;
    m.secs = secs_now(n, now);
    /* RFC 2131 §4.4.1: the REQUEST for an OFFER carries the same secs as
     * the DISCOVER that drew it. */
    if (kind == SEND_REQUEST_SELECTING)
        m.secs = n->discover_secs;
    memcpy(m.chaddr, n->cfg.mac, sizeof m.chaddr);
    /* RFC 2132 §9.14: type 1 (Ethernet) and the MAC, the same in every
     * message, so servers keyed on the client id always see one client. */
    m.client_id[0] = DHCP_HTYPE_ETHERNET;
    memcpy(m.client_id + 1, n->cfg.mac, 6);
    m.client_id_len = 7;
    if (kind != SEND_RELEASE) {
        memcpy(m.prl, param_request_list, sizeof param_request_list);
        m.prl_len = (uint8_t)sizeof param_request_list;
        if (n->cfg.max_msg_size != 0) {
            m.present |= DHCP_HAVE_MAX_SIZE;
            m.max_size = n->cfg.max_msg_size;
        }
    }
    uint32_t src_ip = 0, dst_ip = NP_IPV4_BROADCAST;
    bool broadcast = true;
    switch (kind) {
    case SEND_DISCOVER:
        m.type = DHCP_DISCOVER;
        m.broadcast = n->cfg.request_broadcast;
        break;
    case SEND_REQUEST_SELECTING:
        /* RFC 2131 §4.3.2 / table 5: requested address and server id, no ciaddr. */
        m.type = DHCP_REQUEST;
        m.broadcast = n->cfg.request_broadcast;
        m.present |= DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
        m.requested_ip = n->offer_addr;
        m.server_id = n->offer_server;
        break;
    case SEND_REQUEST_REBOOT:
        /* RFC 2131 §4.3.2: requested address, no server id, no ciaddr. */
        m.type = DHCP_REQUEST;
        m.broadcast = n->cfg.request_broadcast;
        m.present |= DHCP_HAVE_REQUESTED_IP;
        m.requested_ip = n->offer_addr;
        break;
    case SEND_REQUEST_RENEWING:
        /* RFC 2131 §4.3.2: ciaddr set, neither option 50 nor 54, unicast. */
        m.type = DHCP_REQUEST;
        m.ciaddr = n->lease.addr;
        src_ip = n->lease.addr;
        dst_ip = n->lease.server_id;
        broadcast = false;
        break;
    case SEND_REQUEST_REBINDING:
        /* The same message as RENEWING, but broadcast to any server. */
        m.type = DHCP_REQUEST;
        m.ciaddr = n->lease.addr;
        src_ip = n->lease.addr;
        break;
    case SEND_RELEASE:
        /* RFC 2131 §4.4.6 / table 5: ciaddr and server id, unicast, secs 0. */
        m.type = DHCP_RELEASE;
        m.secs = 0;
        m.ciaddr = n->lease.addr;
        m.present |= DHCP_HAVE_SERVER_ID;
        m.server_id = n->lease.server_id;
        src_ip = n->lease.addr;
        dst_ip = n->lease.server_id;
        broadcast = false;
        break;
    case SEND_NONE:
    default:
        return DHCP_ERR_INVAL;
    }
    size_t len;
    int rc = dhcp_msg_build(&m, tx->buf, tx->cap, &len);
    if (rc != DHCP_OK)
        return rc;
    tx->len = len;
    tx->dest = broadcast ? DHCP_DEST_BROADCAST : DHCP_DEST_UNICAST;
    tx->src_ip = src_ip;
    tx->dst_ip = dst_ip;
    tx->src_port = DHCP_CLIENT_PORT;
    tx->dst_port = DHCP_SERVER_PORT;
    memset(tx->dst_mac, broadcast ? 0xff : 0x00, sizeof tx->dst_mac);
    return DHCP_OK;
}

int dhcp_client_poll(struct dhcp_client *c, uint64_t now_ms, struct dhcp_tx *tx,
                     enum dhcp_client_event *event)
{
    if (c == NULL || tx == NULL || tx->buf == NULL || event == NULL)
        return DHCP_ERR_INVAL;
    struct dhcp_client n = *c;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    enum send_kind kind = SEND_NONE;
    /* Each pass handles one transition; a late poll can pass through
     * BOUND, RENEWING, REBINDING and INIT in one call, so a few passes
     * suffice and the bound keeps the loop finite whatever the state. */
    for (int pass = 0; pass < 8 && kind == SEND_NONE && now_ms >= n.deadline_ms; pass++) {
        switch (n.state) {
        case DHCP_CLIENT_STOPPED:
            n.deadline_ms = DHCP_NEVER;
            break;
        case DHCP_CLIENT_INIT:
            begin_exchange(&n, now_ms);
            n.state = DHCP_CLIENT_SELECTING;
            kind = SEND_DISCOVER;
            n.discover_secs = secs_now(&n, now_ms);
            break;
        case DHCP_CLIENT_SELECTING:
            /* RFC 2131 §4.4.1: keep retransmitting DISCOVER. */
            kind = SEND_DISCOVER;
            n.discover_secs = secs_now(&n, now_ms);
            break;
        case DHCP_CLIENT_REQUESTING:
        case DHCP_CLIENT_INIT_REBOOT:
            if (n.tries > n.cfg.request_retries) {
                /* RFC 2131 §4.4.1 and §3.2: no answer, start over. */
                n.state = DHCP_CLIENT_INIT;
                n.deadline_ms = now_ms;
                break;
            }
            if (n.tries == 0)
                n.request_ms = now_ms;
            kind = n.state == DHCP_CLIENT_REQUESTING ? SEND_REQUEST_SELECTING : SEND_REQUEST_REBOOT;
            break;
        case DHCP_CLIENT_BOUND:
            if (n.lease.t1_ms == DHCP_NEVER) {
                n.deadline_ms = DHCP_NEVER;
                break;
            }
            /* RFC 2131 §4.4.5: at T1 the client moves to RENEWING. */
            begin_exchange(&n, now_ms);
            n.request_ms = now_ms;
            n.state = DHCP_CLIENT_RENEWING;
            break;
        case DHCP_CLIENT_RENEWING:
            if (now_ms >= n.lease.t2_ms) {
                /* RFC 2131 §4.4.5: at T2, REBINDING; the exchange goes on. */
                n.state = DHCP_CLIENT_REBINDING;
                break;
            }
            kind = SEND_REQUEST_RENEWING;
            break;
        case DHCP_CLIENT_REBINDING:
            if (now_ms >= n.lease.expire_ms) {
                /* RFC 2131 §4.4.5: the lease expired; back to INIT. */
                n.have_lease = false;
                memset(&n.lease, 0, sizeof n.lease);
                n.state = DHCP_CLIENT_INIT;
                n.deadline_ms = now_ms;
                ev = DHCP_CLIENT_EV_LOST;
                break;
            }
            kind = SEND_REQUEST_REBINDING;
            break;
        default:
            /* Unreachable: every state is handled above. */
            return DHCP_ERR_INVAL;
        }
    }
    if (kind == SEND_NONE) {
        tx->len = 0;
    } else {
        int rc = emit(&n, now_ms, kind, tx);
        if (rc != DHCP_OK)
            return rc;
        n.tries++;
        if (kind == SEND_REQUEST_RENEWING)
            n.deadline_ms = half_remaining(&n, now_ms, n.lease.t2_ms);
        else if (kind == SEND_REQUEST_REBINDING)
            n.deadline_ms = half_remaining(&n, now_ms, n.lease.expire_ms);
        else
            n.deadline_ms = add_sat(now_ms, retrans_interval(&n));
    }
    *c = n;
    *event = ev;
    return DHCP_OK;
}

uint64_t dhcp_client_deadline(const struct dhcp_client *c)
{
    return c == NULL ? DHCP_NEVER : c->deadline_ms;
}

static uint32_t classful_mask(uint32_t addr)
{
    /* RFC 791 §3.2 address classes: A 0/1, B 10/2, C 110/3. */
    if ((addr >> 31) == 0)
        return 0xff000000u;
    if ((addr >> 30) == 2)
        return 0xffff0000u;
    return 0xffffff00u;
}

static bool mask_contiguous(uint32_t mask)
{
    uint32_t inv = ~mask;
    return mask != 0 && (inv & (inv + 1u)) == 0;
}

static uint8_t prefix_len(uint32_t mask)
{
    uint8_t n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

/* What an OFFER or ACK must carry to be usable (RFC 2131 table 3). */
static int check_lease_reply(const struct dhcp_msg *m)
{
    if (!(m->present & DHCP_HAVE_SERVER_ID))
        return DHCP_CLIENT_ERR_NO_SERVER_ID;
    if (!usable_addr(m->yiaddr))
        return DHCP_CLIENT_ERR_YIADDR;
    if (!(m->present & DHCP_HAVE_LEASE))
        return DHCP_CLIENT_ERR_NO_LEASE;
    if ((m->present & DHCP_HAVE_SUBNET_MASK) && !mask_contiguous(m->subnet_mask))
        return DHCP_CLIENT_ERR_MASK;
    return DHCP_OK;
}

static void bind_lease(struct dhcp_client *n, const struct dhcp_msg *m)
{
    struct dhcp_lease l;
    memset(&l, 0, sizeof l);
    l.addr = m->yiaddr;
    l.server_id = m->server_id;
    if (m->present & DHCP_HAVE_SUBNET_MASK) {
        l.mask = m->subnet_mask;
    } else {
        l.mask = classful_mask(l.addr);
        l.mask_from_class = true;
    }
    l.prefix_len = prefix_len(l.mask);
    l.n_routers = m->n_routers;
    memcpy(l.routers, m->routers, sizeof l.routers);
    l.n_dns = m->n_dns;
    memcpy(l.dns, m->dns, sizeof l.dns);
    l.start_ms = n->request_ms;
    l.lease_s = m->lease_s;
    if (l.lease_s == DHCP_LEASE_INFINITE) {
        l.t1_s = l.t2_s = DHCP_LEASE_INFINITE;
        l.t1_ms = l.t2_ms = l.expire_ms = DHCP_NEVER;
    } else {
        if (l.lease_s < n->cfg.min_lease_s)
            l.lease_s = n->cfg.min_lease_s;
        uint64_t lease_ms = (uint64_t)l.lease_s * MS_PER_S;
        /* RFC 2131 §4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease. */
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
        l.t1_s = (uint32_t)(t1 / MS_PER_S);
        l.t2_s = (uint32_t)(t2 / MS_PER_S);
        l.t1_ms = add_sat(l.start_ms, t1);
        l.t2_ms = add_sat(l.start_ms, t2);
        l.expire_ms = add_sat(l.start_ms, lease_ms);
    }
    n->lease = l;
    n->have_lease = true;
    n->state = DHCP_CLIENT_BOUND;
    n->tries = 0;
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

    struct dhcp_client n = *c;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    switch (c->state) {
    case DHCP_CLIENT_SELECTING:
        /* RFC 2131 §4.4.1: take the first valid OFFER. */
        if (m.type != DHCP_OFFER)
            return DHCP_CLIENT_ERR_UNEXPECTED;
        rc = check_lease_reply(&m);
        if (rc != DHCP_OK)
            return rc;
        n.state = DHCP_CLIENT_REQUESTING;
        n.offer_addr = m.yiaddr;
        n.offer_server = m.server_id;
        n.tries = 0;
        n.deadline_ms = now_ms;
        break;
    case DHCP_CLIENT_REQUESTING:
    case DHCP_CLIENT_INIT_REBOOT:
    case DHCP_CLIENT_RENEWING:
    case DHCP_CLIENT_REBINDING: {
        /* In REQUESTING only the selected server may answer; in RENEWING
         * we asked the lease's server by unicast; any server may answer
         * INIT-REBOOT and REBINDING broadcasts. */
        bool has_id = (m.present & DHCP_HAVE_SERVER_ID) != 0;
        uint32_t want = c->state == DHCP_CLIENT_REQUESTING ? c->offer_server
                        : c->state == DHCP_CLIENT_RENEWING ? c->lease.server_id
                                                           : 0;
        if (want != 0 && has_id && m.server_id != want)
            return DHCP_CLIENT_ERR_SERVER_ID;
        if (m.type == DHCP_NAK) {
            /* RFC 2131 §4.4.1, §4.4.5: a NAK sends the client to INIT. */
            if (c->have_lease)
                ev = DHCP_CLIENT_EV_LOST;
            n.have_lease = false;
            memset(&n.lease, 0, sizeof n.lease);
            n.state = DHCP_CLIENT_INIT;
            n.deadline_ms = now_ms;
            break;
        }
        if (m.type != DHCP_ACK)
            return DHCP_CLIENT_ERR_UNEXPECTED;
        rc = check_lease_reply(&m);
        if (rc != DHCP_OK)
            return rc;
        bind_lease(&n, &m);
        if (c->have_lease)
            ev = same_config(&c->lease, &n.lease) ? DHCP_CLIENT_EV_RENEWED : DHCP_CLIENT_EV_CHANGED;
        else
            ev = DHCP_CLIENT_EV_BOUND;
        break;
    }
    default:
        return DHCP_CLIENT_ERR_UNEXPECTED;
    }
    *c = n;
    *event = ev;
    return DHCP_OK;
}

static int client_input_frame(struct dhcp_client *c, uint64_t now_ms, const uint8_t *frame,
                              size_t len, enum dhcp_client_event *event)
{
    struct np_udp_frame f;
    int rc = np_udp_frame_parse(frame, len, &f);
    if (rc == NP_ERR_PROTO)
        return DHCP_CLIENT_ERR_NOT_OURS;
    if (rc != NP_OK)
        return DHCP_CLIENT_ERR_FRAME;
    /* Broadcast or our MAC, whatever the IP destination: dnsmasq unicasts
     * the OFFER to yiaddr and chaddr before we own yiaddr (RFC 2131 §4.1). */
    if (!np_mac_is_broadcast(f.dst_mac) && memcmp(f.dst_mac, c->cfg.mac, 6) != 0)
        return DHCP_CLIENT_ERR_NOT_OURS;
    if (f.dst_port != DHCP_CLIENT_PORT || f.src_port != DHCP_SERVER_PORT)
        return DHCP_CLIENT_ERR_NOT_OURS;
    return client_input(c, now_ms, f.payload, f.payload_len, event);
}

/* One drop, counted under its reason (DESIGN.md: a dropped frame increments
 * a named counter). */
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
    int rc = client_input_frame(c, now_ms, frame, len, event);
    count_rx(c, rc);
    return rc;
}

void dhcp_client_get_stats(const struct dhcp_client *c, struct dhcp_client_stats *out)
{
    if (out == NULL)
        return;
    if (c == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = c->stats;
}

int dhcp_client_stop(struct dhcp_client *c, uint64_t now_ms, struct dhcp_tx *tx)
{
    if (c == NULL || tx == NULL || tx->buf == NULL)
        return DHCP_ERR_INVAL;
    struct dhcp_client n = *c;
    if (n.have_lease) {
        begin_exchange(&n, now_ms);
        int rc = emit(&n, now_ms, SEND_RELEASE, tx);
        if (rc != DHCP_OK)
            return rc;
    } else {
        tx->len = 0;
    }
    n.have_lease = false;
    memset(&n.lease, 0, sizeof n.lease);
    n.state = DHCP_CLIENT_STOPPED;
    n.deadline_ms = DHCP_NEVER;
    *c = n;
    return DHCP_OK;
}

enum dhcp_client_state dhcp_client_state(const struct dhcp_client *c)
{
    return c == NULL ? DHCP_CLIENT_STOPPED : c->state;
}

const struct dhcp_lease *dhcp_client_lease(const struct dhcp_client *c)
{
    return c != NULL && c->have_lease ? &c->lease : NULL;
}

const char *dhcp_client_state_name(enum dhcp_client_state s)
{
    switch (s) {
    case DHCP_CLIENT_STOPPED:
        return "STOPPED";
    case DHCP_CLIENT_INIT:
        return "INIT";
    case DHCP_CLIENT_SELECTING:
        return "SELECTING";
    case DHCP_CLIENT_REQUESTING:
        return "REQUESTING";
    case DHCP_CLIENT_BOUND:
        return "BOUND";
    case DHCP_CLIENT_RENEWING:
        return "RENEWING";
    case DHCP_CLIENT_REBINDING:
        return "REBINDING";
    case DHCP_CLIENT_INIT_REBOOT:
        return "INIT-REBOOT";
    default:
        return "?";
    }
}

const char *dhcp_client_event_name(enum dhcp_client_event e)
{
    switch (e) {
    case DHCP_CLIENT_EV_NONE:
        return "NONE";
    case DHCP_CLIENT_EV_BOUND:
        return "BOUND";
    case DHCP_CLIENT_EV_RENEWED:
        return "RENEWED";
    case DHCP_CLIENT_EV_CHANGED:
        return "CHANGED";
    case DHCP_CLIENT_EV_LOST:
        return "LOST";
    default:
        return "?";
    }
}
