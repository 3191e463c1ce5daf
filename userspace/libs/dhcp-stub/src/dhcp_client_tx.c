/*
 * What the DHCP client sends, built from a struct (RFC 2131 table 5): one
 * function for every message, so each rule of the table is in one place.
 */
#include <string.h>

#include "dhcp_client_internal.h"
#include "netproto/np.h"

/* Options the client asks for (RFC 2132 §9.8): mask, router, DNS, lease,
 * server id, T1, T2. */
static const uint8_t param_request_list[] = {
    DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_LEASE_TIME,
    DHCP_OPT_SERVER_ID,   DHCP_OPT_T1,     DHCP_OPT_T2,
};

/* Seconds since the exchange began; a caller whose clock stepped back gets
 * 0, not a wrapped value. */
uint16_t dhcpc_secs_now(const struct dhcp_client *n, uint64_t now)
{
    uint64_t secs = now > n->exchange_ms ? (now - n->exchange_ms) / MS_PER_S : 0;
    return (uint16_t)(secs > UINT16_MAX ? UINT16_MAX : secs);
}

/* Where a message goes: from src_ip to dst_ip, broadcast or unicast. */
struct route {
    uint32_t src_ip, dst_ip;
    bool broadcast;
};

/* What every message carries (RFC 2131 table 5): op, the exchange's xid,
 * secs, chaddr, and the client identifier (RFC 2132 §9.14: type 1,
 * Ethernet, and the MAC, the same in every message, so servers keyed on
 * it always see one client). */
static void fill_common(const struct dhcp_client *n, uint64_t now, struct dhcp_msg *m)
{
    memset(m, 0, sizeof *m);
    m->op = DHCP_BOOTREQUEST;
    m->xid = n->xid;
    m->secs = dhcpc_secs_now(n, now);
    memcpy(m->chaddr, n->cfg.mac, sizeof m->chaddr);
    m->client_id[0] = DHCP_HTYPE_ETHERNET;
    memcpy(m->client_id + 1, n->cfg.mac, NP_MAC_LEN);
    m->client_id_len = DHCPC_CLIENT_ID_LEN;
}

/* DISCOVER and the four REQUESTs: the rows of table 5 that ask for a
 * lease, so they carry the parameter request list and option 57. */
static int fill_request(const struct dhcp_client *n, enum send_kind kind, struct dhcp_msg *m,
                        struct route *r)
{
    memcpy(m->prl, param_request_list, sizeof param_request_list);
    m->prl_len = (uint8_t)sizeof param_request_list;
    if (n->cfg.max_msg_size != 0) {
        m->present |= DHCP_HAVE_MAX_SIZE;
        m->max_size = n->cfg.max_msg_size;
    }
    m->type = kind == SEND_DISCOVER ? DHCP_DISCOVER : DHCP_REQUEST;
    switch (kind) {
    case SEND_DISCOVER:
        m->broadcast = n->cfg.request_broadcast;
        return DHCP_OK;
    case SEND_REQUEST_SELECTING:
        /* RFC 2131 §4.3.2: requested address and server id, no ciaddr;
         * §4.4.1: the secs of the DISCOVER that drew the OFFER. */
        m->broadcast = n->cfg.request_broadcast;
        m->present |= DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
        m->requested_ip = n->offer_addr;
        m->server_id = n->offer_server;
        m->secs = n->discover_secs;
        return DHCP_OK;
    case SEND_REQUEST_REBOOT:
        /* RFC 2131 §4.3.2: requested address, no server id, no ciaddr. */
        m->broadcast = n->cfg.request_broadcast;
        m->present |= DHCP_HAVE_REQUESTED_IP;
        m->requested_ip = n->offer_addr;
        return DHCP_OK;
    case SEND_REQUEST_RENEWING:
    case SEND_REQUEST_REBINDING:
        /* RFC 2131 §4.3.2: ciaddr set, neither option 50 nor 54; RENEWING
         * unicasts to the server, REBINDING broadcasts to any. */
        m->ciaddr = n->lease.addr;
        r->src_ip = n->lease.addr;
        if (kind == SEND_REQUEST_RENEWING) {
            r->dst_ip = n->lease.server_id;
            r->broadcast = false;
        }
        return DHCP_OK;
    default:
        return DHCP_ERR_INVAL;
    }
}

/* RFC 2131 §4.4.6 / table 5: RELEASE, ciaddr and server id, unicast from
 * our address, secs 0. */
static void fill_release(const struct dhcp_client *n, struct dhcp_msg *m, struct route *r)
{
    m->type = DHCP_RELEASE;
    m->secs = 0;
    m->ciaddr = n->lease.addr;
    m->present |= DHCP_HAVE_SERVER_ID;
    m->server_id = n->lease.server_id;
    r->src_ip = n->lease.addr;
    r->dst_ip = n->lease.server_id;
    r->broadcast = false;
}

/* RFC 2131 §4.4.4 / table 5: DECLINE, ciaddr 0, the address declined in
 * option 50, the server in option 54, secs 0; broadcast, because the
 * address is not ours to send from. */
static void fill_decline(const struct dhcp_client *n, struct dhcp_msg *m)
{
    m->type = DHCP_DECLINE;
    m->secs = 0;
    m->present |= DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
    m->requested_ip = n->offer_addr;
    m->server_id = n->offer_server;
}

int dhcpc_emit(const struct dhcp_client *n, uint64_t now, enum send_kind kind, struct dhcp_tx *tx)
{
    if (kind == SEND_PROBE)
        return dhcpc_emit_probe(n, tx);
    struct dhcp_msg m;
    fill_common(n, now, &m);
    struct route r = {0, NP_IPV4_BROADCAST, true};
    int rc = DHCP_OK;
    if (kind == SEND_RELEASE)
        fill_release(n, &m, &r);
    else if (kind == SEND_DECLINE)
        fill_decline(n, &m);
    else
        rc = fill_request(n, kind, &m, &r);
    if (rc != DHCP_OK)
        return rc;
    size_t len;
    rc = dhcp_msg_build(&m, tx->buf, tx->cap, &len);
    if (rc != DHCP_OK)
        return rc;
    tx->len = len;
    tx->kind = DHCP_TX_UDP;
    tx->dest = r.broadcast ? DHCP_DEST_BROADCAST : DHCP_DEST_UNICAST;
    tx->src_ip = r.src_ip;
    tx->dst_ip = r.dst_ip;
    tx->src_port = DHCP_CLIENT_PORT;
    tx->dst_port = DHCP_SERVER_PORT;
    memset(tx->dst_mac, r.broadcast ? 0xff : 0x00, sizeof tx->dst_mac);
    return DHCP_OK;
}
