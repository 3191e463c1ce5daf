/*
 * The dhcp-stub server: a deterministic in-process test fixture that leases
 * one address to one client (RFC 2131 §4.3 subset). It is not a DHCP server
 * for real networks; see dhcp_server.h.
 *
 * Like the client, every call works on a copy and commits it only on
 * success, so malformed input leaves the server untouched but for the one
 * counter that records the drop.
 */
#include <string.h>

#include "dhcp-stub/dhcp_server.h"
#include "netproto/np.h"

#define MS_PER_S 1000u

void dhcp_server_config_defaults(struct dhcp_server_config *cfg)
{
    if (cfg == NULL)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->server_id = NP_IPV4(10, 0, 2, 2);
    cfg->addr = NP_IPV4(10, 0, 2, 15);
    cfg->mask = NP_IPV4(255, 255, 255, 0);
    cfg->router = NP_IPV4(10, 0, 2, 2);
    cfg->dns = NP_IPV4(10, 0, 2, 3);
    cfg->lease_s = 86400;
    cfg->t1_s = 0;
    cfg->t2_s = 0;
    cfg->always_broadcast = false;
}

static bool unicast_addr(uint32_t a)
{
    uint8_t first = (uint8_t)(a >> 24);
    return first != 0 && first != 127 && first < 224;
}

int dhcp_server_init(struct dhcp_server *s, const struct dhcp_server_config *cfg)
{
    if (s == NULL || cfg == NULL)
        return DHCP_ERR_INVAL;
    uint32_t inv = ~cfg->mask;
    if (!unicast_addr(cfg->server_id) || !unicast_addr(cfg->addr) || cfg->lease_s == 0 ||
        cfg->server_id == cfg->addr || (cfg->mask != 0 && (inv & (inv + 1u)) != 0))
        return DHCP_ERR_INVAL;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    return DHCP_OK;
}

static bool held_by_other(const struct dhcp_server *s, uint64_t now, const uint8_t *mac)
{
    return s->held && now < s->expire_ms && memcmp(s->holder, mac, 6) != 0;
}

bool dhcp_server_lease_held(const struct dhcp_server *s, uint64_t now_ms, uint8_t *mac)
{
    if (s == NULL || !s->held || now_ms >= s->expire_ms)
        return false;
    if (mac != NULL)
        memcpy(mac, s->holder, 6);
    return true;
}

void dhcp_server_get_stats(const struct dhcp_server *s, struct dhcp_server_stats *out)
{
    if (s != NULL && out != NULL)
        *out = s->stats;
}

/* The reply skeleton of RFC 2131 table 3: xid, flags, giaddr and chaddr
 * from the request, server id always. */
static void reply_base(const struct dhcp_server *s, const struct dhcp_msg *req, uint8_t type,
                       struct dhcp_msg *r)
{
    memset(r, 0, sizeof *r);
    r->op = DHCP_BOOTREPLY;
    r->type = type;
    r->xid = req->xid;
    r->broadcast = req->broadcast;
    r->giaddr = req->giaddr;
    memcpy(r->chaddr, req->chaddr, sizeof r->chaddr);
    r->present = DHCP_HAVE_SERVER_ID;
    r->server_id = s->cfg.server_id;
}

/* Configuration options of an OFFER, an ACK, and (without lease) an INFORM ACK. */
static void add_config(const struct dhcp_server *s, struct dhcp_msg *r, bool lease)
{
    if (lease) {
        r->present |= DHCP_HAVE_LEASE;
        r->lease_s = s->cfg.lease_s;
        if (s->cfg.t1_s != 0) {
            r->present |= DHCP_HAVE_T1;
            r->t1_s = s->cfg.t1_s;
        }
        if (s->cfg.t2_s != 0) {
            r->present |= DHCP_HAVE_T2;
            r->t2_s = s->cfg.t2_s;
        }
    }
    if (s->cfg.mask != 0) {
        r->present |= DHCP_HAVE_SUBNET_MASK;
        r->subnet_mask = s->cfg.mask;
    }
    if (s->cfg.router != 0) {
        r->n_routers = 1;
        r->routers[0] = s->cfg.router;
    }
    if (s->cfg.dns != 0) {
        r->n_dns = 1;
        r->dns[0] = s->cfg.dns;
    }
}

/* RFC 2131 §4.1, "If the 'giaddr' field ... is zero": where a reply goes. */
static void route_reply(const struct dhcp_server *s, const struct dhcp_msg *req,
                        const struct dhcp_msg *r, struct dhcp_tx *tx)
{
    tx->src_ip = s->cfg.server_id;
    tx->src_port = DHCP_SERVER_PORT;
    tx->dst_port = DHCP_CLIENT_PORT;
    memset(tx->dst_mac, 0, sizeof tx->dst_mac);
    if (req->giaddr != 0) {
        tx->dest = DHCP_DEST_UNICAST;
        tx->dst_ip = req->giaddr;
        tx->dst_port = DHCP_SERVER_PORT;
    } else if (r->type == DHCP_NAK || s->cfg.always_broadcast ||
               (req->ciaddr == 0 && (req->broadcast || r->yiaddr == 0))) {
        /* An INFORM without ciaddr has nowhere to be unicast to either. */
        tx->dest = DHCP_DEST_BROADCAST;
        tx->dst_ip = NP_IPV4_BROADCAST;
        memset(tx->dst_mac, 0xff, sizeof tx->dst_mac);
    } else if (req->ciaddr != 0) {
        tx->dest = DHCP_DEST_UNICAST;
        tx->dst_ip = req->ciaddr;
    } else {
        tx->dest = DHCP_DEST_UNICAST_CHADDR;
        tx->dst_ip = r->yiaddr;
        memcpy(tx->dst_mac, req->chaddr, sizeof tx->dst_mac);
    }
}

/* The address a REQUEST asks for, by the RFC 2131 §4.3.2 classification. */
static int requested_addr(const struct dhcp_msg *req, uint32_t *addr)
{
    if (req->present & DHCP_HAVE_SERVER_ID) {
        /* SELECTING: option 50 must carry the offered address. */
        *addr = (req->present & DHCP_HAVE_REQUESTED_IP) ? req->requested_ip : 0;
        return DHCP_OK;
    }
    if (req->present & DHCP_HAVE_REQUESTED_IP) {
        *addr = req->requested_ip; /* INIT-REBOOT */
        return DHCP_OK;
    }
    if (req->ciaddr != 0) {
        *addr = req->ciaddr; /* RENEWING or REBINDING */
        return DHCP_OK;
    }
    return DHCP_SERVER_ERR_REQUEST;
}

static int server_input(struct dhcp_server *s, uint64_t now_ms, const uint8_t *msg, size_t len,
                        struct dhcp_tx *tx)
{
    struct dhcp_msg req;
    int rc = dhcp_msg_parse(msg, len, &req);
    if (rc != DHCP_OK)
        return rc;
    if (req.op != DHCP_BOOTREQUEST)
        return DHCP_SERVER_ERR_OP;

    struct dhcp_server n = *s;
    /* A lease past its end is free again; nothing else ever expires it. */
    if (n.held && now_ms >= n.expire_ms)
        n.held = false;
    bool mine = n.held && memcmp(n.holder, req.chaddr, 6) == 0;
    struct dhcp_msg r;
    bool reply = false;

    switch (req.type) {
    case DHCP_DISCOVER:
        n.stats.discovers++;
        if (held_by_other(&n, now_ms, req.chaddr)) {
            n.stats.no_free_lease++;
            break;
        }
        reply_base(&n, &req, DHCP_OFFER, &r);
        r.yiaddr = n.cfg.addr;
        add_config(&n, &r, true);
        n.stats.offers++;
        reply = true;
        break;
    case DHCP_REQUEST: {
        uint32_t want;
        rc = requested_addr(&req, &want);
        if (rc != DHCP_OK)
            return rc;
        n.stats.requests++;
        if ((req.present & DHCP_HAVE_SERVER_ID) && req.server_id != n.cfg.server_id) {
            /* RFC 2131 §4.3.2: the client chose another server's offer. */
            n.stats.other_server++;
            break;
        }
        if (want == n.cfg.addr && !held_by_other(&n, now_ms, req.chaddr)) {
            reply_base(&n, &req, DHCP_ACK, &r);
            r.ciaddr = req.ciaddr;
            r.yiaddr = n.cfg.addr;
            add_config(&n, &r, true);
            n.held = true;
            memcpy(n.holder, req.chaddr, sizeof n.holder);
            n.expire_ms = n.cfg.lease_s == DHCP_LEASE_INFINITE
                              ? UINT64_MAX
                              : now_ms + (uint64_t)n.cfg.lease_s * MS_PER_S;
            if (n.expire_ms < now_ms)
                n.expire_ms = UINT64_MAX;
            n.stats.acks++;
        } else {
            reply_base(&n, &req, DHCP_NAK, &r);
            n.stats.naks++;
        }
        reply = true;
        break;
    }
    case DHCP_DECLINE:
    case DHCP_RELEASE:
        /* RFC 2131 §4.3.3, §4.3.4: the holder gives the address back; no reply. */
        if (req.type == DHCP_DECLINE)
            n.stats.declines++;
        else
            n.stats.releases++;
        if (mine)
            n.held = false;
        else
            n.stats.ignored++;
        break;
    case DHCP_INFORM:
        /* RFC 2131 §4.3.5: configuration only; no yiaddr, no lease time. */
        reply_base(&n, &req, DHCP_ACK, &r);
        r.ciaddr = req.ciaddr;
        add_config(&n, &r, false);
        n.stats.informs++;
        reply = true;
        break;
    default:
        return DHCP_SERVER_ERR_TYPE;
    }

    if (reply) {
        size_t out;
        rc = dhcp_msg_build(&r, tx->buf, tx->cap, &out);
        if (rc != DHCP_OK)
            return rc;
        route_reply(&n, &req, &r, tx);
        tx->len = out;
    } else {
        tx->len = 0;
    }
    *s = n;
    return DHCP_OK;
}

int dhcp_server_input(struct dhcp_server *s, uint64_t now_ms, const uint8_t *msg, size_t len,
                      struct dhcp_tx *tx)
{
    if (s == NULL || msg == NULL || tx == NULL || tx->buf == NULL)
        return DHCP_ERR_INVAL;
    int rc = server_input(s, now_ms, msg, len, tx);
    /* DESIGN.md: a dropped message increments a named counter. */
    if (rc == DHCP_SERVER_ERR_OP || rc == DHCP_SERVER_ERR_TYPE || rc == DHCP_SERVER_ERR_REQUEST)
        s->stats.rejected++;
    else if (rc != DHCP_OK && rc != DHCP_ERR_NOSPACE && rc != DHCP_ERR_INVAL)
        s->stats.malformed++;
    return rc;
}
