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
#include "dhcp_internal.h"
#include "netproto/np.h"

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
    cfg->decline_hold_s = 600;
}

int dhcp_server_init(struct dhcp_server *s, const struct dhcp_server_config *cfg)
{
    if (s == NULL || cfg == NULL)
        return DHCP_ERR_INVAL;
    if (!dhcp_addr_usable(cfg->server_id) || !dhcp_addr_usable(cfg->addr) || cfg->lease_s == 0 ||
        cfg->server_id == cfg->addr || (cfg->mask != 0 && !dhcp_mask_contiguous(cfg->mask)) ||
        cfg->decline_hold_s == 0)
        return DHCP_ERR_INVAL;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    return DHCP_OK;
}

static bool held_by_other(const struct dhcp_server *s, uint64_t now, const uint8_t *mac)
{
    return s->held && now < s->expire_ms && memcmp(s->holder, mac, sizeof s->holder) != 0;
}

bool dhcp_server_lease_held(const struct dhcp_server *s, uint64_t now_ms, uint8_t *mac)
{
    if (s == NULL || !s->held || now_ms >= s->expire_ms)
        return false;
    if (mac != NULL)
        memcpy(mac, s->holder, sizeof s->holder);
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
    /* RFC 6842 §3: the client identifier goes back unaltered (as far as
     * the codec kept it: DHCP_MSG_CLIENT_ID_MAX bytes). */
    r->client_id_len = req->client_id_len;
    memcpy(r->client_id, req->client_id, req->client_id_len);
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
    tx->kind = DHCP_TX_UDP;
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

/* The three kinds of REQUEST of RFC 2131 §4.3.2. */
enum req_kind { REQ_SELECTING, REQ_INIT_REBOOT, REQ_RENEWING };

/* Classifies a REQUEST and gives the address it asks for. */
static int classify(const struct dhcp_msg *req, enum req_kind *kind, uint32_t *addr)
{
    if (req->present & DHCP_HAVE_SERVER_ID) {
        /* SELECTING: option 50 must carry the offered address. */
        *kind = REQ_SELECTING;
        *addr = (req->present & DHCP_HAVE_REQUESTED_IP) ? req->requested_ip : 0;
        return DHCP_OK;
    }
    if (req->present & DHCP_HAVE_REQUESTED_IP) {
        *kind = REQ_INIT_REBOOT;
        *addr = req->requested_ip;
        return DHCP_OK;
    }
    if (req->ciaddr != 0) {
        *kind = REQ_RENEWING; /* or REBINDING: the server cannot tell */
        *addr = req->ciaddr;
        return DHCP_OK;
    }
    return DHCP_SERVER_ERR_REQUEST;
}

/* RFC 2131 §4.3.3: after a DECLINE the address is not available until
 * declined_until_ms. */
static bool declined(const struct dhcp_server *s, uint64_t now)
{
    return s->declined && now < s->declined_until_ms;
}

/* The one address can be given to mac at now. */
static bool available(const struct dhcp_server *s, uint64_t now, const uint8_t *mac)
{
    return !declined(s, now) && !held_by_other(s, now, mac);
}

/* RFC 2131 §4.3.2: the requested address is not on the stub's one subnet
 * (its mask, else the classful one). A relayed request is judged the
 * same way: the stub serves one subnet only. */
static bool wrong_network(const struct dhcp_server *s, uint32_t a)
{
    uint32_t mask = s->cfg.mask != 0 ? s->cfg.mask : dhcp_classful_mask(s->cfg.addr);
    return ((a ^ s->cfg.addr) & mask) != 0;
}

static void ack(struct dhcp_server *n, const struct dhcp_msg *req, uint64_t now, struct dhcp_msg *r)
{
    reply_base(n, req, DHCP_ACK, r);
    r->ciaddr = req->ciaddr;
    r->yiaddr = n->cfg.addr;
    add_config(n, r, true);
    n->held = true;
    memcpy(n->holder, req->chaddr, sizeof n->holder);
    n->expire_ms = n->cfg.lease_s == DHCP_LEASE_INFINITE
                       ? UINT64_MAX
                       : now + (uint64_t)n->cfg.lease_s * MS_PER_S;
    if (n->expire_ms < now)
        n->expire_ms = UINT64_MAX;
    n->stats.acks++;
}

static void nak(struct dhcp_server *n, const struct dhcp_msg *req, struct dhcp_msg *r)
{
    reply_base(n, req, DHCP_NAK, r);
    /* RFC 2131 §4.3.2: "If 'giaddr' is set in the DHCPREQUEST message,
     * the server MUST set the broadcast bit in the DHCPNAK", so that the
     * relay broadcasts it to a client that may have no address. */
    if (req->giaddr != 0)
        r->broadcast = true;
    n->stats.naks++;
}

/* RFC 2131 §4.3.1: an OFFER of the one address, if there is one to give.
 * Returns whether *r is a reply. */
static bool on_discover(struct dhcp_server *n, const struct dhcp_msg *req, uint64_t now,
                        struct dhcp_msg *r)
{
    n->stats.discovers++;
    if (declined(n, now)) {
        n->stats.unavailable++;
        return false;
    }
    if (held_by_other(n, now, req->chaddr)) {
        n->stats.no_free_lease++;
        return false;
    }
    reply_base(n, req, DHCP_OFFER, r);
    r->yiaddr = n->cfg.addr;
    add_config(n, r, true);
    n->stats.offers++;
    return true;
}

/* RFC 2131 §4.3.2. Sets *reply when *r is one. */
static int on_request(struct dhcp_server *n, const struct dhcp_msg *req, uint64_t now,
                      struct dhcp_msg *r, bool *reply)
{
    enum req_kind kind;
    uint32_t want;
    int rc = classify(req, &kind, &want);
    if (rc != DHCP_OK)
        return rc;
    n->stats.requests++;
    *reply = false;
    if (kind == REQ_SELECTING && req->server_id != n->cfg.server_id) {
        /* The client chose another server's offer. */
        n->stats.other_server++;
        return DHCP_OK;
    }
    if (kind == REQ_INIT_REBOOT && !wrong_network(n, want) &&
        !(n->held && memcmp(n->holder, req->chaddr, sizeof n->holder) == 0)) {
        /* "If the DHCP server has no record of this client, then it MUST
         * remain silent"; the stub's one record is the lease it holds. */
        n->stats.no_record++;
        return DHCP_OK;
    }
    if (want == n->cfg.addr && available(n, now, req->chaddr))
        ack(n, req, now, r);
    else
        nak(n, req, r);
    *reply = true;
    return DHCP_OK;
}

/* RFC 2131 §4.3.3 and §4.3.4: the holder gives the address back (RELEASE)
 * or reports it in use by someone else (DECLINE, which names it in option
 * 50): then it is marked not available for decline_hold_s. No reply. */
static void on_release_decline(struct dhcp_server *n, const struct dhcp_msg *req, uint64_t now)
{
    bool mine = n->held && memcmp(n->holder, req->chaddr, sizeof n->holder) == 0;
    if (req->type == DHCP_RELEASE) {
        n->stats.releases++;
    } else {
        n->stats.declines++;
        mine = mine && (req->present & DHCP_HAVE_REQUESTED_IP) && req->requested_ip == n->cfg.addr;
    }
    if (!mine) {
        n->stats.ignored++;
        return;
    }
    n->held = false;
    if (req->type == DHCP_DECLINE) {
        uint64_t hold = (uint64_t)n->cfg.decline_hold_s * MS_PER_S;
        n->declined = true;
        n->declined_until_ms =
            n->cfg.decline_hold_s == DHCP_LEASE_INFINITE || now > UINT64_MAX - hold ? UINT64_MAX
                                                                                    : now + hold;
    }
}

/* RFC 2131 §4.3.5: configuration only; no yiaddr, no lease time. */
static void on_inform(struct dhcp_server *n, const struct dhcp_msg *req, struct dhcp_msg *r)
{
    reply_base(n, req, DHCP_ACK, r);
    r->ciaddr = req->ciaddr;
    add_config(n, r, false);
    n->stats.informs++;
}

/* One request, by message type. Sets *reply when *r is one to send. */
static int on_message(struct dhcp_server *n, const struct dhcp_msg *req, uint64_t now,
                      struct dhcp_msg *r, bool *reply)
{
    *reply = false;
    switch (req->type) {
    case DHCP_DISCOVER:
        *reply = on_discover(n, req, now, r);
        return DHCP_OK;
    case DHCP_REQUEST:
        return on_request(n, req, now, r, reply);
    case DHCP_DECLINE:
    case DHCP_RELEASE:
        on_release_decline(n, req, now);
        return DHCP_OK;
    case DHCP_INFORM:
        on_inform(n, req, r);
        *reply = true;
        return DHCP_OK;
    default:
        return DHCP_SERVER_ERR_TYPE;
    }
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
    struct dhcp_msg r;
    bool reply;
    rc = on_message(&n, &req, now_ms, &r, &reply);
    if (rc != DHCP_OK)
        return rc;
    size_t out = 0;
    if (reply) {
        rc = dhcp_msg_build(&r, tx->buf, tx->cap, &out);
        if (rc != DHCP_OK)
            return rc;
        route_reply(&n, &req, &r, tx);
    }
    tx->len = out;
    *s = n;
    return DHCP_OK;
}

int dhcp_server_input(struct dhcp_server *s, uint64_t now_ms, const uint8_t *msg, size_t len,
                      struct dhcp_tx *tx)
{
    if (s == NULL || msg == NULL || tx == NULL || tx->buf == NULL)
        return DHCP_ERR_INVAL;
    int rc = server_input(s, now_ms, msg, len, tx);
    /* A dropped message increments a named counter (docs/architecture.md,
     * the error model). */
    if (rc == DHCP_SERVER_ERR_OP || rc == DHCP_SERVER_ERR_TYPE || rc == DHCP_SERVER_ERR_REQUEST)
        s->stats.rejected++;
    else if (rc != DHCP_OK && rc != DHCP_ERR_NOSPACE && rc != DHCP_ERR_INVAL)
        s->stats.malformed++;
    return rc;
}
