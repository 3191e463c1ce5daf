/*
 * The DHCP message codec (RFC 2131 §2 and §4.1, RFC 2132).
 *
 * Parsing walks each options field with one cursor and one remaining length
 * and checks before every read, as OpenBSD dhcpleased's parse_dhcp does. It
 * fills a local struct and copies it out only when the whole message is
 * valid, so a failed parse leaves the caller's struct untouched.
 */
#include <string.h>

#include "dhcp-stub/dhcp_msg.h"
#include "netproto/np.h"

/* RFC 2131 §3: the magic cookie 99.130.83.99 opens the options field. */
static const uint8_t magic_cookie[4] = {99, 130, 83, 99};

/* Offsets of the fixed fields (RFC 2131 §2, figure 1). */
#define OFF_OP 0u
#define OFF_HTYPE 1u
#define OFF_HLEN 2u
#define OFF_HOPS 3u
#define OFF_XID 4u
#define OFF_SECS 8u
#define OFF_FLAGS 10u
#define OFF_CIADDR 12u
#define OFF_YIADDR 16u
#define OFF_SIADDR 20u
#define OFF_GIADDR 24u
#define OFF_CHADDR 28u
#define OFF_SNAME 44u
#define SNAME_LEN 64u
#define OFF_FILE 108u
#define FILE_LEN 128u
#define OFF_COOKIE 236u
#define CHADDR_LEN 16u
#define ETH_HLEN_BYTES 6u

/* RFC 2132 §9.3: overload value bits. */
#define OVERLOAD_FILE 1u
#define OVERLOAD_SNAME 2u

/* Every option is code, length, value but PAD and END (RFC 2132 §2). */
#define OPT_HLEN 2u
/* An address, a time or a mask: 4 bytes on the wire. */
#define U32_LEN 4u

/* What the option walk has seen so far, across all three fields. */
struct walk {
    struct dhcp_msg *m;
    uint8_t seen[256u / 8u]; /* one bit per option code this codec reads */
    uint8_t overload;        /* option 52's value; 0 when absent */
};

static bool seen_once(struct walk *w, uint8_t code)
{
    uint8_t bit = (uint8_t)(1u << (code & 7u));
    if (w->seen[code >> 3] & bit)
        return false;
    w->seen[code >> 3] |= bit;
    return true;
}

/* RFC 2132 §9.6: length 1, values 1 to 8, and only one of them. */
static int take_type(struct walk *w, const uint8_t *v, uint8_t len)
{
    if (!seen_once(w, DHCP_OPT_MSG_TYPE))
        return DHCP_MSG_ERR_TYPE_DUP;
    if (len != 1)
        return DHCP_MSG_ERR_OPT_LEN;
    if (v[0] < DHCP_DISCOVER || v[0] > DHCP_INFORM)
        return DHCP_MSG_ERR_TYPE_RANGE;
    w->m->type = v[0];
    return DHCP_OK;
}

/* RFC 2132 §9.3: length 1, file, sname or both. RFC 2131 §4.1: overload may
 * appear only in the options field; inside file or sname it would make the
 * walk recurse. */
static int take_overload(struct walk *w, const uint8_t *v, uint8_t len, bool main)
{
    if (!main)
        return DHCP_MSG_ERR_OVERLOAD_NESTED;
    if (len != 1)
        return DHCP_MSG_ERR_OPT_LEN;
    if (!seen_once(w, DHCP_OPT_OVERLOAD))
        return DHCP_MSG_ERR_OPT_DUP;
    if (v[0] < OVERLOAD_FILE || v[0] > (OVERLOAD_FILE | OVERLOAD_SNAME))
        return DHCP_MSG_ERR_OVERLOAD_VALUE;
    w->overload = v[0];
    return DHCP_OK;
}

/* RFC 2132 §9.10: length 2, minimum value 576. */
static int take_max_size(struct walk *w, const uint8_t *v, uint8_t len)
{
    if (len != 2)
        return DHCP_MSG_ERR_OPT_LEN;
    if (!seen_once(w, DHCP_OPT_MAX_SIZE))
        return DHCP_MSG_ERR_OPT_DUP;
    if (np_get16(v) < DHCP_MSG_MIN_MAX_SIZE)
        return DHCP_MSG_ERR_MAX_SIZE;
    w->m->max_size = np_get16(v);
    w->m->present |= DHCP_HAVE_MAX_SIZE;
    return DHCP_OK;
}

/* A fixed 4-byte option (RFC 2132 §3.3, §9.1, §9.2, §9.7, §9.11, §9.12). */
static int take_u32(struct walk *w, uint8_t code, const uint8_t *v, uint8_t len, uint32_t bit,
                    uint32_t *out)
{
    if (len != U32_LEN)
        return DHCP_MSG_ERR_OPT_LEN;
    if (!seen_once(w, code))
        return DHCP_MSG_ERR_OPT_DUP;
    *out = np_get32(v);
    w->m->present |= bit;
    return DHCP_OK;
}

/* An address list (RFC 2132 §3.5, §3.8): at least one address, a multiple
 * of 4 bytes. Addresses beyond the struct's capacity are dropped. */
static int take_addrs(struct walk *w, uint8_t code, const uint8_t *v, uint8_t len, uint32_t *out,
                      uint8_t *count)
{
    if (!seen_once(w, code))
        return DHCP_MSG_ERR_OPT_DUP;
    if (len == 0 || len % U32_LEN != 0)
        return DHCP_MSG_ERR_LIST_LEN;
    unsigned n = len / U32_LEN;
    if (n > DHCP_MSG_ADDRS_MAX)
        n = DHCP_MSG_ADDRS_MAX;
    for (unsigned i = 0; i < n; i++)
        out[i] = np_get32(v + (size_t)U32_LEN * i);
    *count = (uint8_t)n;
    return DHCP_OK;
}

/* Opaque bytes (RFC 2132 §3.14, §9.8, §9.9, §9.14) with a minimum length;
 * cut to the capacity. */
static int take_bytes(struct walk *w, uint8_t code, const uint8_t *v, uint8_t len, uint8_t min,
                      uint8_t *out, size_t cap, uint8_t *out_len)
{
    if (!seen_once(w, code))
        return DHCP_MSG_ERR_OPT_DUP;
    if (len < min)
        return DHCP_MSG_ERR_OPT_LEN;
    size_t n = len < cap ? len : cap;
    memcpy(out, v, n);
    *out_len = (uint8_t)n;
    return DHCP_OK;
}

/* One option: each kind has its handler, and each handler checks in the
 * order the errors are documented (dhcp_err.h). */
static int take_option(struct walk *w, uint8_t code, const uint8_t *v, uint8_t len, bool main)
{
    struct dhcp_msg *m = w->m;
    switch (code) {
    case DHCP_OPT_MSG_TYPE:
        return take_type(w, v, len);
    case DHCP_OPT_OVERLOAD:
        return take_overload(w, v, len, main);
    case DHCP_OPT_MAX_SIZE:
        return take_max_size(w, v, len);
    case DHCP_OPT_SERVER_ID:
        return take_u32(w, code, v, len, DHCP_HAVE_SERVER_ID, &m->server_id);
    case DHCP_OPT_REQUESTED_IP:
        return take_u32(w, code, v, len, DHCP_HAVE_REQUESTED_IP, &m->requested_ip);
    case DHCP_OPT_LEASE_TIME:
        return take_u32(w, code, v, len, DHCP_HAVE_LEASE, &m->lease_s);
    case DHCP_OPT_T1:
        return take_u32(w, code, v, len, DHCP_HAVE_T1, &m->t1_s);
    case DHCP_OPT_T2:
        return take_u32(w, code, v, len, DHCP_HAVE_T2, &m->t2_s);
    case DHCP_OPT_SUBNET_MASK:
        return take_u32(w, code, v, len, DHCP_HAVE_SUBNET_MASK, &m->subnet_mask);
    case DHCP_OPT_ROUTER:
        return take_addrs(w, code, v, len, m->routers, &m->n_routers);
    case DHCP_OPT_DNS:
        return take_addrs(w, code, v, len, m->dns, &m->n_dns);
    case DHCP_OPT_HOSTNAME:
        return take_bytes(w, code, v, len, 1, m->hostname, sizeof m->hostname, &m->hostname_len);
    case DHCP_OPT_PARAM_LIST:
        return take_bytes(w, code, v, len, 1, m->prl, sizeof m->prl, &m->prl_len);
    case DHCP_OPT_MESSAGE:
        return take_bytes(w, code, v, len, 1, m->message, sizeof m->message, &m->message_len);
    case DHCP_OPT_CLIENT_ID:
        /* RFC 2132 §9.14: a type byte and at least one byte of identifier. */
        return take_bytes(w, code, v, len, 2, m->client_id, sizeof m->client_id, &m->client_id_len);
    default:
        /* Unknown options (domain search 119 among them) are skipped
         * unread, so nothing inside them can loop or be interpreted. */
        return DHCP_OK;
    }
}

/*
 * Walks one options field of n bytes. PAD (0) and END (255) are single
 * bytes (RFC 2132 §3.1, §3.2); every other option is code, length, value.
 */
static int walk_field(struct walk *w, const uint8_t *p, size_t n, bool main)
{
    size_t i = 0;
    for (;;) {
        if (i >= n)
            return DHCP_MSG_ERR_NO_END;
        uint8_t code = p[i];
        if (code == DHCP_OPT_PAD) {
            i++;
            continue;
        }
        if (code == DHCP_OPT_END)
            return DHCP_OK;
        if (n - i < OPT_HLEN)
            return DHCP_MSG_ERR_TRUNCATED;
        uint8_t len = p[i + 1];
        if ((size_t)len > n - i - OPT_HLEN)
            return DHCP_MSG_ERR_OVERRUN;
        int rc = take_option(w, code, p + i + OPT_HLEN, len, main);
        if (rc != DHCP_OK)
            return rc;
        i += OPT_HLEN + len;
    }
}

/* The fixed part's rules (RFC 2131 §2, §3), in the order of their errors. */
static int check_fixed(const uint8_t *buf, size_t len)
{
    if (len < DHCP_MSG_FIXED_LEN)
        return DHCP_MSG_ERR_SHORT;
    if (len < DHCP_MSG_OPTIONS_OFF)
        return DHCP_MSG_ERR_NO_COOKIE;
    if (memcmp(buf + OFF_COOKIE, magic_cookie, sizeof magic_cookie) != 0)
        return DHCP_MSG_ERR_COOKIE;
    if (buf[OFF_OP] != DHCP_BOOTREQUEST && buf[OFF_OP] != DHCP_BOOTREPLY)
        return DHCP_MSG_ERR_OP;
    if (buf[OFF_HLEN] > CHADDR_LEN)
        return DHCP_MSG_ERR_HLEN;
    if (buf[OFF_HTYPE] != DHCP_HTYPE_ETHERNET || buf[OFF_HLEN] != ETH_HLEN_BYTES)
        return DHCP_MSG_ERR_HTYPE;
    return DHCP_OK;
}

static void read_fixed(const uint8_t *buf, struct dhcp_msg *m)
{
    m->op = buf[OFF_OP];
    m->hops = buf[OFF_HOPS];
    m->xid = np_get32(buf + OFF_XID);
    m->secs = np_get16(buf + OFF_SECS);
    /* RFC 2131 §2: the other flag bits are ignored by receivers. */
    m->broadcast = (np_get16(buf + OFF_FLAGS) & DHCP_FLAG_BROADCAST) != 0;
    m->ciaddr = np_get32(buf + OFF_CIADDR);
    m->yiaddr = np_get32(buf + OFF_YIADDR);
    m->siaddr = np_get32(buf + OFF_SIADDR);
    m->giaddr = np_get32(buf + OFF_GIADDR);
    memcpy(m->chaddr, buf + OFF_CHADDR, sizeof m->chaddr);
}

/* The options field, then file and sname when option 52 says so. */
static int read_options(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
    struct walk w;
    memset(&w, 0, sizeof w);
    w.m = m;
    int rc = walk_field(&w, buf + DHCP_MSG_OPTIONS_OFF, len - DHCP_MSG_OPTIONS_OFF, true);
    /* RFC 2131 §4.1: with overload, file is read before sname. */
    if (rc == DHCP_OK && (w.overload & OVERLOAD_FILE))
        rc = walk_field(&w, buf + OFF_FILE, FILE_LEN, false);
    if (rc == DHCP_OK && (w.overload & OVERLOAD_SNAME))
        rc = walk_field(&w, buf + OFF_SNAME, SNAME_LEN, false);
    return rc;
}

int dhcp_msg_parse(const uint8_t *buf, size_t len, struct dhcp_msg *out)
{
    if (buf == NULL || out == NULL)
        return DHCP_ERR_INVAL;
    int rc = check_fixed(buf, len);
    if (rc != DHCP_OK)
        return rc;
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    read_fixed(buf, &m);
    rc = read_options(buf, len, &m);
    if (rc != DHCP_OK)
        return rc;
    /* RFC 2131 §3: every DHCP message carries a message type. */
    if (m.type == 0)
        return DHCP_MSG_ERR_TYPE_MISSING;
    *out = m;
    return DHCP_OK;
}

static bool valid_for_build(const struct dhcp_msg *m)
{
    if (m->op != DHCP_BOOTREQUEST && m->op != DHCP_BOOTREPLY)
        return false;
    if (m->type < DHCP_DISCOVER || m->type > DHCP_INFORM)
        return false;
    if (m->n_routers > DHCP_MSG_ADDRS_MAX || m->n_dns > DHCP_MSG_ADDRS_MAX ||
        m->hostname_len > DHCP_MSG_HOSTNAME_MAX || m->prl_len > DHCP_MSG_PRL_MAX ||
        m->client_id_len > DHCP_MSG_CLIENT_ID_MAX || m->message_len > DHCP_MSG_TEXT_MAX)
        return false;
    if (m->client_id_len == 1)
        return false;
    if ((m->present & DHCP_HAVE_MAX_SIZE) && m->max_size < DHCP_MSG_MIN_MAX_SIZE)
        return false;
    return true;
}

/* Where the options go. With p NULL they are only counted: the length is
 * known before the capacity is checked, from the same list that writes
 * them. */
struct opt_out {
    uint8_t *p;
    size_t n;
};

static void put_opt(struct opt_out *o, uint8_t code, const uint8_t *v, uint8_t len)
{
    if (o->p != NULL) {
        o->p[o->n] = code;
        o->p[o->n + 1] = len;
        memcpy(o->p + o->n + OPT_HLEN, v, len);
    }
    o->n += OPT_HLEN + len;
}

static void put_u32(struct opt_out *o, uint8_t code, uint32_t v)
{
    uint8_t b[U32_LEN];
    np_put32(b, v);
    put_opt(o, code, b, sizeof b);
}

static void put_addrs(struct opt_out *o, uint8_t code, const uint32_t *a, uint8_t n)
{
    uint8_t b[U32_LEN * DHCP_MSG_ADDRS_MAX];
    /* valid_for_build refused n > DHCP_MSG_ADDRS_MAX already; the bound is
     * repeated here, where b is, so the buffer's safety does not rest on a
     * caller three functions away (GCC -O3's -Wstringop-overflow cannot see
     * that check and failed the Release build). */
    if (n > DHCP_MSG_ADDRS_MAX)
        n = DHCP_MSG_ADDRS_MAX;
    for (unsigned i = 0; i < n; i++)
        np_put32(b + (size_t)U32_LEN * i, a[i]);
    put_opt(o, code, b, (uint8_t)(U32_LEN * n));
}

/* The options in their one order, END last. The message type comes first:
 * some servers and relays look only there. */
static void put_options(const struct dhcp_msg *m, struct opt_out *o)
{
    put_opt(o, DHCP_OPT_MSG_TYPE, &m->type, 1);
    if (m->present & DHCP_HAVE_SERVER_ID)
        put_u32(o, DHCP_OPT_SERVER_ID, m->server_id);
    if (m->present & DHCP_HAVE_REQUESTED_IP)
        put_u32(o, DHCP_OPT_REQUESTED_IP, m->requested_ip);
    if (m->present & DHCP_HAVE_LEASE)
        put_u32(o, DHCP_OPT_LEASE_TIME, m->lease_s);
    if (m->present & DHCP_HAVE_T1)
        put_u32(o, DHCP_OPT_T1, m->t1_s);
    if (m->present & DHCP_HAVE_T2)
        put_u32(o, DHCP_OPT_T2, m->t2_s);
    if (m->present & DHCP_HAVE_SUBNET_MASK)
        put_u32(o, DHCP_OPT_SUBNET_MASK, m->subnet_mask);
    if (m->n_routers)
        put_addrs(o, DHCP_OPT_ROUTER, m->routers, m->n_routers);
    if (m->n_dns)
        put_addrs(o, DHCP_OPT_DNS, m->dns, m->n_dns);
    if (m->hostname_len)
        put_opt(o, DHCP_OPT_HOSTNAME, m->hostname, m->hostname_len);
    if (m->client_id_len)
        put_opt(o, DHCP_OPT_CLIENT_ID, m->client_id, m->client_id_len);
    if (m->prl_len)
        put_opt(o, DHCP_OPT_PARAM_LIST, m->prl, m->prl_len);
    if (m->present & DHCP_HAVE_MAX_SIZE) {
        uint8_t b[2];
        np_put16(b, m->max_size);
        put_opt(o, DHCP_OPT_MAX_SIZE, b, sizeof b);
    }
    if (m->message_len)
        put_opt(o, DHCP_OPT_MESSAGE, m->message, m->message_len);
    if (o->p != NULL)
        o->p[o->n] = DHCP_OPT_END;
    o->n++;
}

static void put_fixed(const struct dhcp_msg *m, uint8_t *buf)
{
    buf[OFF_OP] = m->op;
    buf[OFF_HTYPE] = DHCP_HTYPE_ETHERNET;
    buf[OFF_HLEN] = ETH_HLEN_BYTES;
    buf[OFF_HOPS] = m->hops;
    np_put32(buf + OFF_XID, m->xid);
    np_put16(buf + OFF_SECS, m->secs);
    np_put16(buf + OFF_FLAGS, m->broadcast ? DHCP_FLAG_BROADCAST : 0);
    np_put32(buf + OFF_CIADDR, m->ciaddr);
    np_put32(buf + OFF_YIADDR, m->yiaddr);
    np_put32(buf + OFF_SIADDR, m->siaddr);
    np_put32(buf + OFF_GIADDR, m->giaddr);
    memcpy(buf + OFF_CHADDR, m->chaddr, sizeof m->chaddr);
    memcpy(buf + OFF_COOKIE, magic_cookie, sizeof magic_cookie);
}

int dhcp_msg_build(const struct dhcp_msg *m, uint8_t *buf, size_t cap, size_t *out_len)
{
    if (m == NULL || buf == NULL || out_len == NULL || !valid_for_build(m))
        return DHCP_ERR_INVAL;
    struct opt_out count = {NULL, 0};
    put_options(m, &count);
    size_t len = DHCP_MSG_OPTIONS_OFF + count.n;
    if (len < DHCP_MSG_MIN_LEN)
        len = DHCP_MSG_MIN_LEN;
    if (cap < len)
        return DHCP_ERR_NOSPACE;
    /* Everything not written below (sname, file, chaddr padding, the
     * padding after END) is zero, so the bytes depend only on m. */
    memset(buf, 0, len);
    put_fixed(m, buf);
    struct opt_out o = {buf + DHCP_MSG_OPTIONS_OFF, 0};
    put_options(m, &o);
    *out_len = len;
    return DHCP_OK;
}

bool dhcp_msg_equal(const struct dhcp_msg *a, const struct dhcp_msg *b)
{
    if (a->op != b->op || a->hops != b->hops || a->xid != b->xid || a->secs != b->secs ||
        a->broadcast != b->broadcast || a->ciaddr != b->ciaddr || a->yiaddr != b->yiaddr ||
        a->siaddr != b->siaddr || a->giaddr != b->giaddr ||
        memcmp(a->chaddr, b->chaddr, sizeof a->chaddr) != 0)
        return false;
    if (a->present != b->present || a->type != b->type)
        return false;
    if (((a->present & DHCP_HAVE_SERVER_ID) && a->server_id != b->server_id) ||
        ((a->present & DHCP_HAVE_REQUESTED_IP) && a->requested_ip != b->requested_ip) ||
        ((a->present & DHCP_HAVE_LEASE) && a->lease_s != b->lease_s) ||
        ((a->present & DHCP_HAVE_T1) && a->t1_s != b->t1_s) ||
        ((a->present & DHCP_HAVE_T2) && a->t2_s != b->t2_s) ||
        ((a->present & DHCP_HAVE_SUBNET_MASK) && a->subnet_mask != b->subnet_mask) ||
        ((a->present & DHCP_HAVE_MAX_SIZE) && a->max_size != b->max_size))
        return false;
    if (a->n_routers != b->n_routers || a->n_dns != b->n_dns ||
        a->hostname_len != b->hostname_len || a->prl_len != b->prl_len ||
        a->client_id_len != b->client_id_len || a->message_len != b->message_len)
        return false;
    if (a->n_routers > DHCP_MSG_ADDRS_MAX || a->n_dns > DHCP_MSG_ADDRS_MAX ||
        a->hostname_len > DHCP_MSG_HOSTNAME_MAX || a->prl_len > DHCP_MSG_PRL_MAX ||
        a->client_id_len > DHCP_MSG_CLIENT_ID_MAX || a->message_len > DHCP_MSG_TEXT_MAX)
        return false;
    for (unsigned i = 0; i < a->n_routers; i++) {
        if (a->routers[i] != b->routers[i])
            return false;
    }
    for (unsigned i = 0; i < a->n_dns; i++) {
        if (a->dns[i] != b->dns[i])
            return false;
    }
    return memcmp(a->hostname, b->hostname, a->hostname_len) == 0 &&
           memcmp(a->prl, b->prl, a->prl_len) == 0 &&
           memcmp(a->client_id, b->client_id, a->client_id_len) == 0 &&
           memcmp(a->message, b->message, a->message_len) == 0;
}
