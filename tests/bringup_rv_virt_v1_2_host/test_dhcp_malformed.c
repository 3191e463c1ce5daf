/*
 * One row per malformed-input rule (codec, client and server), each fed to
 * the client (waiting in SELECTING) and to the stub server (with the lease
 * free, and with the lease held by another client). Every row must give its
 * own error on each side, and neither side may change: the client and
 * server structs (up to their drop counters), the tx descriptor and the tx
 * buffer are compared byte for byte before and after, and exactly one drop
 * counter, the one of the row's reason, goes up by one. The classes are
 * those that broke other DHCP implementations (short options, lengths
 * past the end, overload loops, bad message types, unusable yiaddrs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dhcp-stub/dhcp_client.h"
#include "dhcp-stub/dhcp_server.h"
#include "netproto/np.h"

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac2[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

enum field { F_NONE, F_OP, F_HTYPE, F_HLEN, F_XID, F_CHADDR, F_YIADDR, F_COOKIE, F_CIADDR };

struct row {
    const char *name;
    const uint8_t *opts; /* NULL: the valid OFFER's options */
    size_t nopts;
    enum field field;
    uint32_t value;
    size_t len;          /* 0: 240 + options, unpadded */
    const uint8_t *file; /* written at offset 108 (for overload rows) */
    size_t nfile;
    int client_err;
    int server_err; /* with the lease free and with it held */
};

#define OPTS(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define SID 54, 4, 10, 0, 2, 2
#define LEASE 51, 4, 0, 1, 81, 128
#define MASK 1, 4, 255, 255, 255, 0
#define ROUTER 3, 4, 10, 0, 2, 2
#define DNS 6, 4, 10, 0, 2, 3

static const uint8_t offer_opts[] = {53, 1, 2, SID, LEASE, MASK, ROUTER, DNS, 255};

/* Fills b with the row's message; the valid base is an OFFER of
 * 10.0.2.15 to our MAC with the client's xid. */
static size_t make(const struct row *r, uint32_t xid, uint8_t *b, size_t cap)
{
    memset(b, 0, cap);
    b[0] = DHCP_BOOTREPLY;
    b[1] = 1;
    b[2] = 6;
    np_put32(b + 4, xid);
    np_put32(b + 16, NP_IPV4(10, 0, 2, 15));
    np_put32(b + 20, 0);
    memcpy(b + 28, mac, 6);
    b[236] = 99;
    b[237] = 130;
    b[238] = 83;
    b[239] = 99;
    const uint8_t *o = r->opts ? r->opts : offer_opts;
    size_t n = r->opts ? r->nopts : sizeof offer_opts;
    memcpy(b + 240, o, n);
    if (r->file)
        memcpy(b + 108, r->file, r->nfile);
    switch (r->field) {
    case F_NONE:
        break;
    case F_OP:
        b[0] = (uint8_t)r->value;
        break;
    case F_HTYPE:
        b[1] = (uint8_t)r->value;
        break;
    case F_HLEN:
        b[2] = (uint8_t)r->value;
        break;
    case F_XID:
        np_put32(b + 4, xid ^ r->value);
        break;
    case F_CHADDR:
        b[33] ^= (uint8_t)r->value;
        break;
    case F_YIADDR:
        np_put32(b + 16, r->value);
        break;
    case F_COOKIE:
        b[239] = (uint8_t)r->value;
        break;
    case F_CIADDR:
        np_put32(b + 12, r->value);
        break;
    }
    return r->len ? r->len : 240 + n;
}

static const struct row rows[] = {
    /* Lengths of the message itself. */
    {"shorter than 236", NULL, 0, F_NONE, 0, 235, NULL, 0, DHCP_MSG_ERR_SHORT, DHCP_MSG_ERR_SHORT},
    {"236 bytes, no cookie", NULL, 0, F_NONE, 0, 238, NULL, 0, DHCP_MSG_ERR_NO_COOKIE,
     DHCP_MSG_ERR_NO_COOKIE},
    {"bad cookie", NULL, 0, F_COOKIE, 98, 0, NULL, 0, DHCP_MSG_ERR_COOKIE, DHCP_MSG_ERR_COOKIE},
    {"op 3", NULL, 0, F_OP, 3, 0, NULL, 0, DHCP_MSG_ERR_OP, DHCP_MSG_ERR_OP},
    {"hlen 17", NULL, 0, F_HLEN, 17, 0, NULL, 0, DHCP_MSG_ERR_HLEN, DHCP_MSG_ERR_HLEN},
    {"hlen 255", NULL, 0, F_HLEN, 255, 0, NULL, 0, DHCP_MSG_ERR_HLEN, DHCP_MSG_ERR_HLEN},
    {"htype 6", NULL, 0, F_HTYPE, 6, 0, NULL, 0, DHCP_MSG_ERR_HTYPE, DHCP_MSG_ERR_HTYPE},
    {"hlen 4", NULL, 0, F_HLEN, 4, 0, NULL, 0, DHCP_MSG_ERR_HTYPE, DHCP_MSG_ERR_HTYPE},
    /* Option framing. */
    {"code byte last", OPTS(53, 1, 2, SID, 51), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_TRUNCATED,
     DHCP_MSG_ERR_TRUNCATED},
    {"length byte last", OPTS(53, 1, 2, SID, 51, 4), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_OVERRUN,
     DHCP_MSG_ERR_OVERRUN},
    {"length past buffer", OPTS(53, 1, 2, SID, 51, 4, 0, 1), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OVERRUN, DHCP_MSG_ERR_OVERRUN},
    {"length 255 past buffer", OPTS(53, 1, 2, 12, 255, 'x'), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OVERRUN, DHCP_MSG_ERR_OVERRUN},
    {"missing END", OPTS(53, 1, 2, SID, LEASE), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_NO_END,
     DHCP_MSG_ERR_NO_END},
    {"only PAD, no END", OPTS(0, 0, 0, 0), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_NO_END,
     DHCP_MSG_ERR_NO_END},
    /* Fixed-size options of the wrong length: a short mask once leaked
     * stack memory into a client's configuration. */
    {"mask length 3", OPTS(53, 1, 2, SID, LEASE, 1, 3, 255, 255, 255, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_LEN, DHCP_MSG_ERR_OPT_LEN},
    {"server id length 5", OPTS(53, 1, 2, 54, 5, 10, 0, 2, 2, 0, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_LEN, DHCP_MSG_ERR_OPT_LEN},
    {"lease length 2", OPTS(53, 1, 2, SID, 51, 2, 1, 0, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_LEN, DHCP_MSG_ERR_OPT_LEN},
    {"message type length 2", OPTS(53, 2, 2, 0, 255), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_OPT_LEN,
     DHCP_MSG_ERR_OPT_LEN},
    {"max size length 1", OPTS(53, 1, 2, 57, 1, 2, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_LEN, DHCP_MSG_ERR_OPT_LEN},
    {"client id length 1", OPTS(53, 1, 2, 61, 1, 1, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_LEN, DHCP_MSG_ERR_OPT_LEN},
    {"host name length 0", OPTS(53, 1, 2, 12, 0, 255), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_OPT_LEN,
     DHCP_MSG_ERR_OPT_LEN},
    /* Address lists. */
    {"router list empty", OPTS(53, 1, 2, SID, LEASE, 3, 0, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_LIST_LEN, DHCP_MSG_ERR_LIST_LEN},
    {"DNS list 6 bytes", OPTS(53, 1, 2, SID, LEASE, 6, 6, 10, 0, 2, 3, 10, 0, 255), F_NONE, 0, 0,
     NULL, 0, DHCP_MSG_ERR_LIST_LEN, DHCP_MSG_ERR_LIST_LEN},
    {"router list odd", OPTS(53, 1, 2, SID, LEASE, 3, 5, 10, 0, 2, 2, 1, 255), F_NONE, 0, 0, NULL,
     0, DHCP_MSG_ERR_LIST_LEN, DHCP_MSG_ERR_LIST_LEN},
    /* Overload. */
    {"overload inside file", OPTS(53, 1, 2, SID, LEASE, 52, 1, 1, 255), F_NONE, 0, 0,
     OPTS(52, 1, 2, 255), DHCP_MSG_ERR_OVERLOAD_NESTED, DHCP_MSG_ERR_OVERLOAD_NESTED},
    {"overload 4", OPTS(53, 1, 2, SID, LEASE, 52, 1, 4, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OVERLOAD_VALUE, DHCP_MSG_ERR_OVERLOAD_VALUE},
    {"overload 0", OPTS(53, 1, 2, SID, LEASE, 52, 1, 0, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OVERLOAD_VALUE, DHCP_MSG_ERR_OVERLOAD_VALUE},
    {"overload, file without END", OPTS(53, 1, 2, SID, LEASE, 52, 1, 1, 255), F_NONE, 0, 0,
     OPTS(3, 4, 10, 0, 2, 2), DHCP_MSG_ERR_NO_END, DHCP_MSG_ERR_NO_END},
    {"overload, option overruns file", OPTS(53, 1, 2, SID, LEASE, 52, 1, 1, 255), F_NONE, 0, 0,
     OPTS(12, 200, 'x'), DHCP_MSG_ERR_OVERRUN, DHCP_MSG_ERR_OVERRUN},
    /* Message type. */
    {"type missing", OPTS(SID, LEASE, 255), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_TYPE_MISSING,
     DHCP_MSG_ERR_TYPE_MISSING},
    {"type twice", OPTS(53, 1, 2, SID, 53, 1, 2, 255), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_TYPE_DUP,
     DHCP_MSG_ERR_TYPE_DUP},
    {"type twice, different", OPTS(53, 1, 2, 53, 1, 5, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_TYPE_DUP, DHCP_MSG_ERR_TYPE_DUP},
    {"type 9", OPTS(53, 1, 9, SID, 255), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_TYPE_RANGE,
     DHCP_MSG_ERR_TYPE_RANGE},
    {"type 0", OPTS(53, 1, 0, SID, 255), F_NONE, 0, 0, NULL, 0, DHCP_MSG_ERR_TYPE_RANGE,
     DHCP_MSG_ERR_TYPE_RANGE},
    {"server id twice", OPTS(53, 1, 2, SID, SID, LEASE, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_DUP, DHCP_MSG_ERR_OPT_DUP},
    /* RFC 3396 would concatenate these; the codec does not (a second
     * instance would silently replace the first list). */
    {"router twice", OPTS(53, 1, 2, SID, LEASE, ROUTER, ROUTER, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_DUP, DHCP_MSG_ERR_OPT_DUP},
    {"DNS twice", OPTS(53, 1, 2, SID, LEASE, DNS, 6, 4, 8, 8, 8, 8, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_OPT_DUP, DHCP_MSG_ERR_OPT_DUP},
    /* The order of the two checks, per kind (dhcp_err.h): a fixed-size value
     * is checked for its length first, a list or a string for a duplicate
     * first. Each row repeats an option with a wrong length. */
    {"server id again, length 3", OPTS(53, 1, 2, SID, LEASE, 54, 3, 1, 2, 3, 255), F_NONE, 0, 0,
     NULL, 0, DHCP_MSG_ERR_OPT_LEN, DHCP_MSG_ERR_OPT_LEN},
    {"DNS again, length 3", OPTS(53, 1, 2, SID, LEASE, DNS, 6, 3, 1, 2, 3, 255), F_NONE, 0, 0, NULL,
     0, DHCP_MSG_ERR_OPT_DUP, DHCP_MSG_ERR_OPT_DUP},
    {"host name again, empty", OPTS(53, 1, 2, SID, LEASE, 12, 1, 'a', 12, 0, 255), F_NONE, 0, 0,
     NULL, 0, DHCP_MSG_ERR_OPT_DUP, DHCP_MSG_ERR_OPT_DUP},
    {"max size 575", OPTS(53, 1, 2, 57, 2, 2, 63, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_MSG_ERR_MAX_SIZE, DHCP_MSG_ERR_MAX_SIZE},
    /* Valid messages that only the client rejects (the server sees a reply). */
    {"request sent to the client", NULL, 0, F_OP, 1, 0, NULL, 0, DHCP_CLIENT_ERR_OP,
     DHCP_SERVER_ERR_TYPE},
    {"wrong xid", NULL, 0, F_XID, 1, 0, NULL, 0, DHCP_CLIENT_ERR_XID, DHCP_SERVER_ERR_OP},
    {"wrong chaddr", NULL, 0, F_CHADDR, 0x10, 0, NULL, 0, DHCP_CLIENT_ERR_CHADDR,
     DHCP_SERVER_ERR_OP},
    {"ACK while selecting", OPTS(53, 1, 5, SID, LEASE, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_CLIENT_ERR_UNEXPECTED, DHCP_SERVER_ERR_OP},
    {"offer without server id", OPTS(53, 1, 2, LEASE, MASK, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_CLIENT_ERR_NO_SERVER_ID, DHCP_SERVER_ERR_OP},
    {"yiaddr 0", NULL, 0, F_YIADDR, 0, 0, NULL, 0, DHCP_CLIENT_ERR_YIADDR, DHCP_SERVER_ERR_OP},
    {"yiaddr broadcast", NULL, 0, F_YIADDR, 0xffffffffu, 0, NULL, 0, DHCP_CLIENT_ERR_YIADDR,
     DHCP_SERVER_ERR_OP},
    {"yiaddr multicast", NULL, 0, F_YIADDR, 0xe0000001u, 0, NULL, 0, DHCP_CLIENT_ERR_YIADDR,
     DHCP_SERVER_ERR_OP},
    {"yiaddr loopback", NULL, 0, F_YIADDR, 0x7f000001u, 0, NULL, 0, DHCP_CLIENT_ERR_YIADDR,
     DHCP_SERVER_ERR_OP},
    /* RFC 1122 §3.2.1.3: neither the subnet's broadcast nor its network
     * address is a host's address (the mask is the OFFER's /24). */
    {"yiaddr subnet broadcast", NULL, 0, F_YIADDR, 0x0a0002ffu, 0, NULL, 0, DHCP_CLIENT_ERR_YIADDR,
     DHCP_SERVER_ERR_OP},
    {"yiaddr subnet network", NULL, 0, F_YIADDR, 0x0a000200u, 0, NULL, 0, DHCP_CLIENT_ERR_YIADDR,
     DHCP_SERVER_ERR_OP},
    /* Without a mask the classful one applies: 10.255.255.255 is the /8's
     * broadcast. */
    {"yiaddr classful broadcast", OPTS(53, 1, 2, SID, LEASE, 255), F_YIADDR, 0x0affffffu, 0, NULL,
     0, DHCP_CLIENT_ERR_YIADDR, DHCP_SERVER_ERR_OP},
    /* RFC 6842 §3: a reply carrying another client's identifier. */
    {"client id not ours", OPTS(53, 1, 2, SID, LEASE, MASK, 61, 7, 1, 2, 0, 0, 0, 0, 2, 255),
     F_NONE, 0, 0, NULL, 0, DHCP_CLIENT_ERR_CLIENT_ID, DHCP_SERVER_ERR_OP},
    {"client id longer than ours",
     OPTS(53, 1, 2, SID, LEASE, MASK, 61, 8, 1, 2, 0, 0, 0, 0, 1, 0, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_CLIENT_ERR_CLIENT_ID, DHCP_SERVER_ERR_OP},
    {"client id of another type", OPTS(53, 1, 2, SID, LEASE, MASK, 61, 7, 0, 2, 0, 0, 0, 0, 1, 255),
     F_NONE, 0, 0, NULL, 0, DHCP_CLIENT_ERR_CLIENT_ID, DHCP_SERVER_ERR_OP},
    {"offer without lease time", OPTS(53, 1, 2, SID, MASK, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_CLIENT_ERR_NO_LEASE, DHCP_SERVER_ERR_OP},
    {"offer with lease time 0", OPTS(53, 1, 2, SID, 51, 4, 0, 0, 0, 0, MASK, 255), F_NONE, 0, 0,
     NULL, 0, DHCP_CLIENT_ERR_LEASE_ZERO, DHCP_SERVER_ERR_OP},
    {"mask not contiguous", OPTS(53, 1, 2, SID, LEASE, 1, 4, 255, 0, 255, 0, 255), F_NONE, 0, 0,
     NULL, 0, DHCP_CLIENT_ERR_MASK, DHCP_SERVER_ERR_OP},
    {"mask zero", OPTS(53, 1, 2, SID, LEASE, 1, 4, 0, 0, 0, 0, 255), F_NONE, 0, 0, NULL, 0,
     DHCP_CLIENT_ERR_MASK, DHCP_SERVER_ERR_OP},
    /* Valid messages that only the server rejects (the client sees a request). */
    {"request without 50, 54 or ciaddr", OPTS(53, 1, 3, 255), F_OP, 1, 0, NULL, 0,
     DHCP_CLIENT_ERR_OP, DHCP_SERVER_ERR_REQUEST},
};

#define NROWS (sizeof rows / sizeof rows[0])

struct fixture {
    struct dhcp_client c;
    uint32_t xid;
    struct dhcp_server free_srv;
    struct dhcp_server held_srv;
};

static void setup_fixture(struct fixture *f)
{
    struct dhcp_client_config cc;
    dhcp_client_config_defaults(&cc);
    assert_int_equal(dhcp_client_init(&f->c, &cc), DHCP_OK);
    assert_int_equal(dhcp_client_start(&f->c, 0), DHCP_OK);
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx tx = {.buf = buf, .cap = sizeof buf};
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&f->c, 0, &tx, &ev), DHCP_OK);
    assert_int_equal(dhcp_client_state(&f->c), DHCP_CLIENT_SELECTING);
    f->xid = np_get32(buf + 4);

    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    assert_int_equal(dhcp_server_init(&f->free_srv, &sc), DHCP_OK);
    assert_int_equal(dhcp_server_init(&f->held_srv, &sc), DHCP_OK);
    /* A second client (mac2) takes the lease on held_srv with a
     * SELECTING request for 10.0.2.15. */
    struct dhcp_msg r;
    memset(&r, 0, sizeof r);
    r.op = DHCP_BOOTREQUEST;
    r.type = DHCP_REQUEST;
    r.xid = 7;
    memcpy(r.chaddr, mac2, 6);
    r.present = DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
    r.requested_ip = NP_IPV4(10, 0, 2, 15);
    r.server_id = NP_IPV4(10, 0, 2, 2);
    uint8_t req[DHCP_MSG_BUILD_MAX];
    size_t len;
    assert_int_equal(dhcp_msg_build(&r, req, sizeof req, &len), DHCP_OK);
    assert_int_equal(dhcp_server_input(&f->held_srv, 0, req, len, &tx), DHCP_OK);
    assert_true(dhcp_server_lease_held(&f->held_srv, 1, NULL));
}

/* The counter a client drop must land in. */
static uint32_t *client_counter(struct dhcp_client_stats *st, int err)
{
    switch (err) {
    case DHCP_CLIENT_ERR_OP:
    case DHCP_CLIENT_ERR_XID:
    case DHCP_CLIENT_ERR_CHADDR:
    case DHCP_CLIENT_ERR_NOT_OURS:
    case DHCP_CLIENT_ERR_CLIENT_ID:
        return &st->rx_not_ours;
    case DHCP_CLIENT_ERR_UNEXPECTED:
        return &st->rx_unexpected;
    case DHCP_CLIENT_ERR_NO_SERVER_ID:
    case DHCP_CLIENT_ERR_SERVER_ID:
    case DHCP_CLIENT_ERR_YIADDR:
    case DHCP_CLIENT_ERR_NO_LEASE:
    case DHCP_CLIENT_ERR_MASK:
    case DHCP_CLIENT_ERR_LEASE_ZERO:
        return &st->rx_rejected;
    default:
        return &st->rx_malformed;
    }
}

static void feed_client(struct dhcp_client *c, const struct row *r, const uint8_t *msg, size_t len,
                        int want)
{
    struct dhcp_client before = *c;
    enum dhcp_client_event ev = (enum dhcp_client_event)77;
    int rc = dhcp_client_input(c, 1000, msg, len, &ev);
    if (rc != want)
        fail_msg("row '%s', client: got %s, want %s", r->name, dhcp_strerror(rc),
                 dhcp_strerror(want));
    assert_memory_equal(c, &before, offsetof(struct dhcp_client, stats));
    assert_int_equal(ev, 77);
    struct dhcp_client_stats want_st = before.stats, got;
    (*client_counter(&want_st, want))++;
    dhcp_client_get_stats(c, &got);
    assert_memory_equal(&got, &want_st, sizeof got);
}

static void feed_server(struct dhcp_server *s, const struct row *r, const uint8_t *msg, size_t len,
                        const char *which)
{
    struct dhcp_server before = *s;
    uint8_t buf[DHCP_MSG_BUILD_MAX], buf_before[DHCP_MSG_BUILD_MAX];
    memset(buf, 0x3c, sizeof buf);
    memcpy(buf_before, buf, sizeof buf);
    struct dhcp_tx tx, tx_before;
    memset(&tx, 0x5a, sizeof tx);
    tx.buf = buf;
    tx.cap = sizeof buf;
    tx_before = tx;
    int rc = dhcp_server_input(s, 1000, msg, len, &tx);
    if (rc != r->server_err)
        fail_msg("row '%s', server (%s): got %s, want %s", r->name, which, dhcp_strerror(rc),
                 dhcp_strerror(r->server_err));
    assert_memory_equal(s, &before, offsetof(struct dhcp_server, stats));
    struct dhcp_server_stats want_st = before.stats, got;
    if (r->server_err <= DHCP_SERVER_ERR_OP)
        want_st.rejected++;
    else
        want_st.malformed++;
    dhcp_server_get_stats(s, &got);
    assert_memory_equal(&got, &want_st, sizeof got);
    assert_memory_equal(&tx, &tx_before, sizeof tx);
    assert_memory_equal(buf, buf_before, sizeof buf);
}

static void test_malformed_table(void **state)
{
    (void)state;
    struct fixture f;
    setup_fixture(&f);
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *r = &rows[i];
        uint8_t msg[600];
        size_t len = make(r, f.xid, msg, sizeof msg);

        feed_client(&f.c, r, msg, len, r->client_err);

        feed_server(&f.free_srv, r, msg, len, "lease free");
        feed_server(&f.held_srv, r, msg, len, "lease held");
    }
    /* 10.0.2.255 under a /16 is an ordinary host address, and a reply
     * with our own client identifier is ours. */
    const struct row wide = {
        "wide subnet",
        OPTS(53, 1, 2, SID, LEASE, 1, 4, 255, 255, 0, 0, 61, 7, 1, 2, 0, 0, 0, 0, 1, 255),
        F_YIADDR,
        0x0a0002ffu,
        0,
        NULL,
        0,
        0,
        0};
    struct dhcp_client keep = f.c;
    uint8_t wmsg[600];
    size_t wlen = make(&wide, f.xid, wmsg, sizeof wmsg);
    enum dhcp_client_event wev;
    assert_int_equal(dhcp_client_input(&f.c, 1000, wmsg, wlen, &wev), DHCP_OK);
    assert_int_equal(dhcp_client_state(&f.c), DHCP_CLIENT_REQUESTING);
    f.c = keep;
    /* After the whole table the client still takes the valid OFFER. */
    const struct row ok = {"valid", NULL, 0, F_NONE, 0, 0, NULL, 0, 0, 0};
    uint8_t msg[600];
    size_t len = make(&ok, f.xid, msg, sizeof msg);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_input(&f.c, 1000, msg, len, &ev), DHCP_OK);
    assert_int_equal(dhcp_client_state(&f.c), DHCP_CLIENT_REQUESTING);
}

/* The table covers every rule: each DHCP_MSG_ERR_*, each client error a
 * message can cause, and each server error, at least once. */
static void test_table_covers_every_rule(void **state)
{
    (void)state;
    const int must[] = {
        DHCP_MSG_ERR_SHORT,
        DHCP_MSG_ERR_NO_COOKIE,
        DHCP_MSG_ERR_COOKIE,
        DHCP_MSG_ERR_OP,
        DHCP_MSG_ERR_HLEN,
        DHCP_MSG_ERR_HTYPE,
        DHCP_MSG_ERR_TRUNCATED,
        DHCP_MSG_ERR_OVERRUN,
        DHCP_MSG_ERR_NO_END,
        DHCP_MSG_ERR_OPT_LEN,
        DHCP_MSG_ERR_LIST_LEN,
        DHCP_MSG_ERR_OVERLOAD_NESTED,
        DHCP_MSG_ERR_OVERLOAD_VALUE,
        DHCP_MSG_ERR_TYPE_MISSING,
        DHCP_MSG_ERR_TYPE_DUP,
        DHCP_MSG_ERR_TYPE_RANGE,
        DHCP_MSG_ERR_OPT_DUP,
        DHCP_MSG_ERR_MAX_SIZE,
        DHCP_CLIENT_ERR_OP,
        DHCP_CLIENT_ERR_XID,
        DHCP_CLIENT_ERR_CHADDR,
        DHCP_CLIENT_ERR_UNEXPECTED,
        DHCP_CLIENT_ERR_NO_SERVER_ID,
        DHCP_CLIENT_ERR_YIADDR,
        DHCP_CLIENT_ERR_NO_LEASE,
        DHCP_CLIENT_ERR_MASK,
        DHCP_CLIENT_ERR_LEASE_ZERO,
        DHCP_CLIENT_ERR_CLIENT_ID,
        DHCP_SERVER_ERR_OP,
        DHCP_SERVER_ERR_TYPE,
        DHCP_SERVER_ERR_REQUEST,
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        bool found = false;
        for (size_t j = 0; j < NROWS; j++)
            found = found || rows[j].client_err == must[i] || rows[j].server_err == must[i];
        if (!found)
            fail_msg("no row for %s", dhcp_strerror(must[i]));
    }
}

/* The same table also holds for a client in REQUESTING with a lease offer
 * pending: nothing can knock it out of its state. */
static void test_malformed_table_while_requesting(void **state)
{
    (void)state;
    struct fixture f;
    setup_fixture(&f);
    const struct row ok = {"valid", NULL, 0, F_NONE, 0, 0, NULL, 0, 0, 0};
    uint8_t msg[600];
    size_t len = make(&ok, f.xid, msg, sizeof msg);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_input(&f.c, 0, msg, len, &ev), DHCP_OK);
    for (size_t i = 0; i < NROWS; i++) {
        /* The "ACK while selecting" row is a valid ACK here. */
        if (rows[i].client_err == DHCP_CLIENT_ERR_UNEXPECTED)
            continue;
        len = make(&rows[i], f.xid, msg, sizeof msg);
        struct dhcp_client before = f.c;
        int rc = dhcp_client_input(&f.c, 1000, msg, len, &ev);
        assert_true(rc < 0);
        assert_memory_equal(&f.c, &before, offsetof(struct dhcp_client, stats));
    }
    /* A second valid OFFER is not what REQUESTING waits for. */
    len = make(&ok, f.xid, msg, sizeof msg);
    assert_int_equal(dhcp_client_input(&f.c, 0, msg, len, &ev), DHCP_CLIENT_ERR_UNEXPECTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_table),
        cmocka_unit_test(test_table_covers_every_rule),
        cmocka_unit_test(test_malformed_table_while_requesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
