/*
 * The DHCP message codec (RFC 2131 §2 and §4.1, RFC 2132).
 *
 * Parsing walks each options field with one cursor and one remaining length
 * and checks before every read, as OpenBSD dhcpleased's parse_dhcp does. It
 * fills a local struct and copies it out only when the whole message is
 * valid, so a failed parse leaves the caller's struct untouched.
 */
#include <stddef.h>
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

/*
 * The options kept in struct dhcp_msg beyond type, overload and maximum
 * size, as a table: one generic handler per kind instead of a call per
 * option, which -Os would inline once per case.
 *  - K_U32: a fixed 4-byte value (RFC 2132 §3.3, §9.1, §9.2, §9.7, §9.11,
 *    §9.12): exact length first, then duplicates; sets its DHCP_HAVE_ bit.
 *  - K_ADDRS: an address list (RFC 2132 §3.5, §3.8): duplicates first, then
 *    at least one address and a multiple of 4 bytes; addresses beyond
 *    DHCP_MSG_ADDRS_MAX are dropped.
 *  - K_BYTES: opaque bytes (RFC 2132 §3.14, §9.8, §9.9, §9.14): duplicates
 *    first, then the minimum length; cut to the capacity.
 *  - K_U16: the maximum message size, which take_max_size parses (its
 *    value has a minimum); here for the builder only.
 * The builder writes the options in this table's order, after the message
 * type: the bytes of every message, and so the golden traces, depend on it.
 */
enum { K_U32, K_ADDRS, K_BYTES, K_U16 };

struct opt_rule {
    uint8_t code;
    uint8_t kind;
    uint8_t arg;      /* K_U32, K_U16: the DHCP_HAVE_ bit; K_BYTES: minimum length */
    uint8_t cap;      /* K_BYTES: bytes kept */
    uint16_t off;     /* the value's offset in struct dhcp_msg */
    uint16_t len_off; /* K_ADDRS, K_BYTES: the offset of its uint8_t count */
};

#define MSG_OFF(f) ((uint16_t)offsetof(struct dhcp_msg, f))
#define U32_RULE(c, bit, f)                                                                        \
    {                                                                                              \
        (c), K_U32, (uint8_t)(bit), 0, MSG_OFF(f), 0                                               \
    }
#define ADDRS_RULE(c, f, n)                                                                        \
    {                                                                                              \
        (c), K_ADDRS, 0, 0, MSG_OFF(f), MSG_OFF(n)                                                 \
    }
#define BYTES_RULE(c, min, f, n)                                                                   \
    {                                                                                              \
        (c), K_BYTES, (min), (uint8_t)sizeof(((struct dhcp_msg *)0)->f), MSG_OFF(f), MSG_OFF(n)    \
    }

static const struct opt_rule rules[] = {
    U32_RULE(DHCP_OPT_SERVER_ID, DHCP_HAVE_SERVER_ID, server_id),
    U32_RULE(DHCP_OPT_REQUESTED_IP, DHCP_HAVE_REQUESTED_IP, requested_ip),
    U32_RULE(DHCP_OPT_LEASE_TIME, DHCP_HAVE_LEASE, lease_s),
    U32_RULE(DHCP_OPT_T1, DHCP_HAVE_T1, t1_s),
    U32_RULE(DHCP_OPT_T2, DHCP_HAVE_T2, t2_s),
    U32_RULE(DHCP_OPT_SUBNET_MASK, DHCP_HAVE_SUBNET_MASK, subnet_mask),
    ADDRS_RULE(DHCP_OPT_ROUTER, routers, n_routers),
    ADDRS_RULE(DHCP_OPT_DNS, dns, n_dns),
    BYTES_RULE(DHCP_OPT_HOSTNAME, 1, hostname, hostname_len),
    /* RFC 2132 §9.14: a type byte and at least one byte of identifier. */
    BYTES_RULE(DHCP_OPT_CLIENT_ID, 2, client_id, client_id_len),
    BYTES_RULE(DHCP_OPT_PARAM_LIST, 1, prl, prl_len),
    {DHCP_OPT_MAX_SIZE, K_U16, DHCP_HAVE_MAX_SIZE, 0, MSG_OFF(max_size), 0},
    BYTES_RULE(DHCP_OPT_MESSAGE, 1, message, message_len),
};

_Static_assert(DHCP_HAVE_MAX_SIZE <= 0xffu, "the DHCP_HAVE_ bits in the table fit arg");

static int take_rule(struct walk *w, const struct opt_rule *r, const uint8_t *v, uint8_t len)
{
    uint8_t *base = (uint8_t *)w->m;
    if (r->kind == K_U32) {
        if (len != U32_LEN)
            return DHCP_MSG_ERR_OPT_LEN;
        if (!seen_once(w, r->code))
            return DHCP_MSG_ERR_OPT_DUP;
        uint32_t x = np_get32(v);
        memcpy(base + r->off, &x, sizeof x);
        w->m->present |= r->arg;
        return DHCP_OK;
    }
    /* Only lists and bytes carry a count (len_off); a K_U16 row is
     * take_max_size's and never comes here. */
    if (r->kind != K_ADDRS && r->kind != K_BYTES)
        return DHCP_MSG_ERR_OPT_LEN;
    if (!seen_once(w, r->code))
        return DHCP_MSG_ERR_OPT_DUP;
    unsigned n;
    if (r->kind == K_ADDRS) {
        if (len == 0 || len % U32_LEN != 0)
            return DHCP_MSG_ERR_LIST_LEN;
        n = len / U32_LEN;
        if (n > DHCP_MSG_ADDRS_MAX)
            n = DHCP_MSG_ADDRS_MAX;
        for (unsigned i = 0; i < n; i++) {
            uint32_t x = np_get32(v + (size_t)U32_LEN * i);
            memcpy(base + r->off + sizeof x * i, &x, sizeof x);
        }
    } else {
        if (len < r->arg)
            return DHCP_MSG_ERR_OPT_LEN;
        n = len < r->cap ? len : r->cap;
        memcpy(base + r->off, v, n);
    }
    base[r->len_off] = (uint8_t)n;
    return DHCP_OK;
}

/* One option: each kind has its handler, and each handler checks in the
 * order the errors are documented (dhcp_err.h). */
static int take_option(struct walk *w, uint8_t code, const uint8_t *v, uint8_t len, bool main)
{
    if (code == DHCP_OPT_MSG_TYPE)
        return take_type(w, v, len);
    if (code == DHCP_OPT_OVERLOAD)
        return take_overload(w, v, len, main);
    if (code == DHCP_OPT_MAX_SIZE)
        return take_max_size(w, v, len);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].code == code)
            return take_rule(w, &rules[i], v, len);
    }
    /* Unknown options (domain search 119 among them) are skipped unread,
     * so nothing inside them can loop or be interpreted. */
    return DHCP_OK;
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

/* The options in their one order (the table's), END last. The message type
 * comes first: some servers and relays look only there. Each value is
 * written big-endian into b first, then put as one option. */
static void put_options(const struct dhcp_msg *m, struct opt_out *o)
{
    const uint8_t *base = (const uint8_t *)m;
    put_opt(o, DHCP_OPT_MSG_TYPE, &m->type, 1);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const struct opt_rule *r = &rules[i];
        uint8_t b[U32_LEN * DHCP_MSG_ADDRS_MAX];
        const uint8_t *v = b;
        unsigned n = r->kind == K_U32 || r->kind == K_U16 ? 0u : base[r->len_off];
        if (r->kind == K_U32 && (m->present & r->arg)) {
            uint32_t x;
            memcpy(&x, base + r->off, sizeof x);
            np_put32(b, x);
            n = U32_LEN;
        } else if (r->kind == K_U16 && (m->present & r->arg)) {
            np_put16(b, m->max_size);
            n = 2;
        } else if (r->kind == K_ADDRS) {
            /* valid_for_build refused a count above DHCP_MSG_ADDRS_MAX
             * already; the bound is repeated here, where b is, so the
             * buffer's safety does not rest on a caller three functions
             * away (GCC -O3's -Wstringop-overflow cannot see that check). */
            if (n > DHCP_MSG_ADDRS_MAX)
                n = DHCP_MSG_ADDRS_MAX;
            for (unsigned k = 0; k < n; k++) {
                uint32_t x;
                memcpy(&x, base + r->off + sizeof x * k, sizeof x);
                np_put32(b + (size_t)U32_LEN * k, x);
            }
            n *= U32_LEN;
        } else if (r->kind == K_BYTES) {
            v = base + r->off;
        }
        if (n != 0)
            put_opt(o, r->code, v, (uint8_t)n);
    }
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
