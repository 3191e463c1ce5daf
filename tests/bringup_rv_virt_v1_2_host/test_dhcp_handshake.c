/*
 * The client and the stub server in one process, as the issue asks:
 * DISCOVER, OFFER, REQUEST, ACK giving 10.0.2.15/24, gateway 10.0.2.2, DNS
 * 10.0.2.3, byte-identical across runs; renewal at T1 a hundred times, each
 * RENEWED with the same bytes but for xid; slirp's restricted replies; a
 * second client refused while the lease is held; RELEASE; INFORM;
 * INIT-REBOOT; and where the server sends each reply (RFC 2131 §4.1).
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

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

/* The test's own splitmix64, to know which xid the client must use. */
static uint32_t expect_xid(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

struct wire {
    uint8_t bytes[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx tx;
};

struct net {
    struct dhcp_client c;
    struct dhcp_server s;
    struct wire cl; /* last client message */
    struct wire sv; /* last server reply */
};

static void net_init(struct net *n, const uint8_t *mac, uint64_t seed,
                     const struct dhcp_server_config *scfg)
{
    memset(n, 0, sizeof *n);
    struct dhcp_client_config cc;
    dhcp_client_config_defaults(&cc);
    memcpy(cc.mac, mac, 6);
    cc.seed = seed;
    assert_int_equal(dhcp_client_init(&n->c, &cc), DHCP_OK);
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    assert_int_equal(dhcp_server_init(&n->s, scfg ? scfg : &sc), DHCP_OK);
    n->cl.tx.buf = n->cl.bytes;
    n->cl.tx.cap = sizeof n->cl.bytes;
    n->sv.tx.buf = n->sv.bytes;
    n->sv.tx.cap = sizeof n->sv.bytes;
}

/* Polls the client at now; returns the event. */
static enum dhcp_client_event client_poll(struct net *n, uint64_t now)
{
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    assert_int_equal(dhcp_client_poll(&n->c, now, &n->cl.tx, &ev), DHCP_OK);
    return ev;
}

/* Hands the client's last message to the server, and the reply (if any)
 * back to the client. Returns the client's event. */
static enum dhcp_client_event deliver(struct net *n, struct dhcp_server *s, uint64_t now)
{
    assert_true(n->cl.tx.len > 0);
    assert_int_equal(dhcp_server_input(s, now, n->cl.bytes, n->cl.tx.len, &n->sv.tx), DHCP_OK);
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    if (n->sv.tx.len)
        assert_int_equal(dhcp_client_input(&n->c, now, n->sv.bytes, n->sv.tx.len, &ev), DHCP_OK);
    return ev;
}

static struct dhcp_msg parse(const struct wire *w)
{
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(w->bytes, w->tx.len, &m), DHCP_OK);
    return m;
}

struct capture {
    uint8_t msg[4][DHCP_MSG_BUILD_MAX];
    size_t len[4];
    struct dhcp_tx tx[4];
};

static void keep(struct capture *cap, int i, const struct wire *w)
{
    memcpy(cap->msg[i], w->bytes, w->tx.len);
    cap->len[i] = w->tx.len;
    cap->tx[i] = w->tx;
}

static void handshake(struct net *n, uint64_t now, struct capture *cap)
{
    assert_int_equal(dhcp_client_start(&n->c, now), DHCP_OK);
    assert_int_equal(client_poll(n, now), DHCP_CLIENT_EV_NONE);
    keep(cap, 0, &n->cl);
    assert_int_equal(deliver(n, &n->s, now), DHCP_CLIENT_EV_NONE);
    keep(cap, 1, &n->sv);
    assert_int_equal(dhcp_client_state(&n->c), DHCP_CLIENT_REQUESTING);
    assert_int_equal(client_poll(n, now), DHCP_CLIENT_EV_NONE);
    keep(cap, 2, &n->cl);
    assert_int_equal(deliver(n, &n->s, now), DHCP_CLIENT_EV_BOUND);
    keep(cap, 3, &n->sv);
}

static void test_handshake_lease_and_identical_bytes(void **state)
{
    (void)state;
    struct capture run[2];
    for (int r = 0; r < 2; r++) {
        struct net n;
        net_init(&n, mac_a, 42, NULL);
        handshake(&n, 1000, &run[r]);
        const struct dhcp_lease *l = dhcp_client_lease(&n.c);
        assert_non_null(l);
        assert_int_equal(dhcp_client_state(&n.c), DHCP_CLIENT_BOUND);
        assert_int_equal(l->addr, NP_IPV4(10, 0, 2, 15));
        assert_int_equal(l->mask, NP_IPV4(255, 255, 255, 0));
        assert_int_equal(l->prefix_len, 24);
        assert_false(l->mask_from_class);
        assert_int_equal(l->n_routers, 1);
        assert_int_equal(l->routers[0], NP_IPV4(10, 0, 2, 2));
        assert_int_equal(l->n_dns, 1);
        assert_int_equal(l->dns[0], NP_IPV4(10, 0, 2, 3));
        assert_int_equal(l->server_id, NP_IPV4(10, 0, 2, 2));
        assert_int_equal(l->lease_s, 86400);
        /* RFC 2131 §4.4.5 defaults: T1 = 1/2, T2 = 7/8 of the lease, from
         * the time the REQUEST was sent (1000 ms). */
        assert_int_equal(l->t1_ms, 1000 + 43200000u);
        assert_int_equal(l->t2_ms, 1000 + 75600000u);
        assert_int_equal(l->expire_ms, 1000 + 86400000u);
        assert_int_equal(dhcp_client_deadline(&n.c), l->t1_ms);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(run[0].len[i], run[1].len[i]);
        assert_memory_equal(run[0].msg[i], run[1].msg[i], run[0].len[i]);
        assert_true(run[0].len[i] >= DHCP_MSG_MIN_LEN);
    }
    /* What each message must say (RFC 2131 table 5 and table 3). */
    uint64_t rng = 42;
    uint32_t xid = expect_xid(&rng);
    const uint8_t client_id[7] = {1, 0x02, 0, 0, 0, 0, 1};
    struct dhcp_msg m[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(dhcp_msg_parse(run[0].msg[i], run[0].len[i], &m[i]), DHCP_OK);
        assert_int_equal(m[i].xid, xid);
        assert_memory_equal(m[i].chaddr, mac_a, 6);
    }
    assert_int_equal(m[0].type, DHCP_DISCOVER);
    assert_int_equal(m[0].ciaddr, 0);
    assert_false(m[0].present & (DHCP_HAVE_SERVER_ID | DHCP_HAVE_REQUESTED_IP));
    assert_int_equal(m[0].client_id_len, 7);
    assert_memory_equal(m[0].client_id, client_id, 7);
    assert_int_equal(run[0].tx[0].dest, DHCP_DEST_BROADCAST);
    assert_int_equal(run[0].tx[0].dst_ip, NP_IPV4_BROADCAST);
    assert_int_equal(run[0].tx[0].src_ip, 0);
    assert_int_equal(run[0].tx[0].dst_port, 67);

    assert_int_equal(m[1].type, DHCP_OFFER);
    assert_int_equal(m[1].yiaddr, NP_IPV4(10, 0, 2, 15));
    /* No B flag: the stub unicasts to yiaddr at chaddr (RFC 2131 §4.1). */
    assert_int_equal(run[0].tx[1].dest, DHCP_DEST_UNICAST_CHADDR);
    assert_int_equal(run[0].tx[1].dst_ip, NP_IPV4(10, 0, 2, 15));
    assert_memory_equal(run[0].tx[1].dst_mac, mac_a, 6);

    assert_int_equal(m[2].type, DHCP_REQUEST);
    assert_int_equal(m[2].ciaddr, 0);
    assert_true(m[2].present & DHCP_HAVE_REQUESTED_IP);
    assert_int_equal(m[2].requested_ip, NP_IPV4(10, 0, 2, 15));
    assert_true(m[2].present & DHCP_HAVE_SERVER_ID);
    assert_int_equal(m[2].server_id, NP_IPV4(10, 0, 2, 2));
    assert_memory_equal(m[2].client_id, client_id, 7);
    assert_int_equal(run[0].tx[2].dest, DHCP_DEST_BROADCAST);

    assert_int_equal(m[3].type, DHCP_ACK);
    assert_int_equal(m[3].lease_s, 86400);
}

static void test_renewal_at_t1_100_times_idempotent(void **state)
{
    (void)state;
    struct net n;
    net_init(&n, mac_a, 7, NULL);
    struct capture cap;
    handshake(&n, 0, &cap);
    uint64_t rng = 7;
    uint32_t xid = expect_xid(&rng);
    assert_int_equal(np_get32(cap.msg[3] + 4), xid);
    struct dhcp_lease first = *dhcp_client_lease(&n.c);
    uint8_t req0[DHCP_MSG_BUILD_MAX], ack0[DHCP_MSG_BUILD_MAX];
    size_t req0_len = 0, ack0_len = 0;
    for (int cycle = 0; cycle < 100; cycle++) {
        uint64_t t1 = dhcp_client_deadline(&n.c);
        /* Nothing before T1. */
        assert_int_equal(client_poll(&n, t1 - 1), DHCP_CLIENT_EV_NONE);
        assert_int_equal(n.cl.tx.len, 0);
        assert_int_equal(client_poll(&n, t1), DHCP_CLIENT_EV_NONE);
        assert_int_equal(dhcp_client_state(&n.c), DHCP_CLIENT_RENEWING);
        /* RFC 2131 §4.4.5: unicast to the server, ciaddr set, no 50/54. */
        assert_int_equal(n.cl.tx.dest, DHCP_DEST_UNICAST);
        assert_int_equal(n.cl.tx.dst_ip, NP_IPV4(10, 0, 2, 2));
        assert_int_equal(n.cl.tx.src_ip, NP_IPV4(10, 0, 2, 15));
        struct dhcp_msg rq = parse(&n.cl);
        assert_int_equal(rq.type, DHCP_REQUEST);
        assert_int_equal(rq.ciaddr, NP_IPV4(10, 0, 2, 15));
        assert_false(rq.present & (DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID));
        assert_int_equal(rq.secs, 0);
        xid = expect_xid(&rng);
        assert_int_equal(rq.xid, xid);
        assert_int_equal(deliver(&n, &n.s, t1), DHCP_CLIENT_EV_RENEWED);
        assert_int_equal(n.sv.tx.dest, DHCP_DEST_UNICAST);
        assert_int_equal(n.sv.tx.dst_ip, NP_IPV4(10, 0, 2, 15));
        /* The same bytes every cycle but for the xid (bytes 4 to 7). */
        if (cycle == 0) {
            memcpy(req0, n.cl.bytes, n.cl.tx.len);
            req0_len = n.cl.tx.len;
            memcpy(ack0, n.sv.bytes, n.sv.tx.len);
            ack0_len = n.sv.tx.len;
        }
        assert_int_equal(n.cl.tx.len, req0_len);
        assert_int_equal(n.sv.tx.len, ack0_len);
        assert_memory_equal(n.cl.bytes, req0, 4);
        assert_memory_equal(n.cl.bytes + 8, req0 + 8, req0_len - 8);
        assert_memory_equal(n.sv.bytes, ack0, 4);
        assert_memory_equal(n.sv.bytes + 8, ack0 + 8, ack0_len - 8);
        const struct dhcp_lease *l = dhcp_client_lease(&n.c);
        assert_int_equal(dhcp_client_state(&n.c), DHCP_CLIENT_BOUND);
        assert_int_equal(l->addr, first.addr);
        assert_int_equal(l->mask, first.mask);
        assert_int_equal(l->routers[0], first.routers[0]);
        assert_int_equal(l->dns[0], first.dns[0]);
        assert_int_equal(l->lease_s, first.lease_s);
        /* The renewed lease runs from this REQUEST. */
        assert_int_equal(l->start_ms, t1);
        assert_int_equal(dhcp_client_deadline(&n.c), t1 + 43200000u);
    }
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&n.s, &st);
    assert_int_equal(st.acks, 101);
    assert_int_equal(st.naks, 0);
}

static void test_slirp_restricted_binds_without_router_dns(void **state)
{
    (void)state;
    /* QEMU's slirp with restrict=on: no option 3, no option 6, replies
     * always broadcast. */
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.router = 0;
    sc.dns = 0;
    sc.always_broadcast = true;
    struct net n;
    net_init(&n, mac_a, 1, &sc);
    struct capture cap;
    handshake(&n, 0, &cap);
    assert_int_equal(cap.tx[1].dest, DHCP_DEST_BROADCAST);
    assert_int_equal(cap.tx[3].dest, DHCP_DEST_BROADCAST);
    const struct dhcp_lease *l = dhcp_client_lease(&n.c);
    assert_int_equal(l->addr, NP_IPV4(10, 0, 2, 15));
    assert_int_equal(l->prefix_len, 24);
    assert_int_equal(l->n_routers, 0);
    assert_int_equal(l->n_dns, 0);
    struct dhcp_msg ack;
    assert_int_equal(dhcp_msg_parse(cap.msg[3], cap.len[3], &ack), DHCP_OK);
    assert_int_equal(ack.n_routers, 0);
    assert_int_equal(ack.n_dns, 0);
}

static void test_second_client_refused_then_release(void **state)
{
    (void)state;
    struct net a, b;
    net_init(&a, mac_a, 1, NULL);
    net_init(&b, mac_b, 2, NULL);
    struct capture cap;
    handshake(&a, 0, &cap);
    /* b talks to a's server. */
    assert_int_equal(dhcp_client_start(&b.c, 100), DHCP_OK);
    client_poll(&b, 100);
    assert_int_equal(deliver(&b, &a.s, 100), DHCP_CLIENT_EV_NONE);
    assert_int_equal(b.sv.tx.len, 0);
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&a.s, &st);
    assert_int_equal(st.no_free_lease, 1);
    assert_int_equal(st.offers, 1);
    assert_int_equal(dhcp_client_state(&b.c), DHCP_CLIENT_SELECTING);

    /* a stops: RELEASE, unicast to the server with ciaddr and 54 (table 5). */
    assert_int_equal(dhcp_client_stop(&a.c, 2000, &a.cl.tx), DHCP_OK);
    assert_int_equal(dhcp_client_state(&a.c), DHCP_CLIENT_STOPPED);
    assert_null(dhcp_client_lease(&a.c));
    assert_int_equal(dhcp_client_deadline(&a.c), DHCP_NEVER);
    assert_int_equal(a.cl.tx.dest, DHCP_DEST_UNICAST);
    assert_int_equal(a.cl.tx.dst_ip, NP_IPV4(10, 0, 2, 2));
    struct dhcp_msg rel = parse(&a.cl);
    assert_int_equal(rel.type, DHCP_RELEASE);
    assert_int_equal(rel.ciaddr, NP_IPV4(10, 0, 2, 15));
    assert_int_equal(rel.server_id, NP_IPV4(10, 0, 2, 2));
    assert_false(rel.present & DHCP_HAVE_REQUESTED_IP);
    assert_int_equal(rel.client_id_len, 7);
    assert_int_equal(deliver(&a, &a.s, 2000), DHCP_CLIENT_EV_NONE);
    assert_int_equal(a.sv.tx.len, 0);
    assert_false(dhcp_server_lease_held(&a.s, 2000, NULL));
    /* Stopping again sends nothing. */
    assert_int_equal(dhcp_client_stop(&a.c, 2001, &a.cl.tx), DHCP_OK);
    assert_int_equal(a.cl.tx.len, 0);

    /* b's DISCOVER retransmission at 4 s now gets the lease. */
    client_poll(&b, 4099);
    assert_int_equal(b.cl.tx.len, 0);
    client_poll(&b, 4100);
    assert_true(b.cl.tx.len > 0);
    assert_int_equal(deliver(&b, &a.s, 4100), DHCP_CLIENT_EV_NONE);
    client_poll(&b, 4100);
    assert_int_equal(deliver(&b, &a.s, 4100), DHCP_CLIENT_EV_BOUND);
    uint8_t holder[6];
    assert_true(dhcp_server_lease_held(&a.s, 4100, holder));
    assert_memory_equal(holder, mac_b, 6);
}

static size_t build_request(struct dhcp_msg *r, uint8_t *buf)
{
    size_t len;
    assert_int_equal(dhcp_msg_build(r, buf, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    return len;
}

static struct dhcp_msg request_base(uint8_t type, const uint8_t *mac)
{
    struct dhcp_msg r;
    memset(&r, 0, sizeof r);
    r.op = DHCP_BOOTREQUEST;
    r.type = type;
    r.xid = 0x55;
    memcpy(r.chaddr, mac, 6);
    return r;
}

static void test_inform_ack_without_yiaddr(void **state)
{
    (void)state;
    struct net n;
    net_init(&n, mac_a, 1, NULL);
    struct dhcp_msg r = request_base(DHCP_INFORM, mac_a);
    r.ciaddr = NP_IPV4(10, 0, 2, 77);
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    size_t len = build_request(&r, buf);
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, len, &n.sv.tx), DHCP_OK);
    struct dhcp_msg a = parse(&n.sv);
    assert_int_equal(a.type, DHCP_ACK);
    assert_int_equal(a.yiaddr, 0);
    assert_int_equal(a.ciaddr, NP_IPV4(10, 0, 2, 77));
    /* RFC 2131 §4.3.5: no lease time in the reply to an INFORM. */
    assert_false(a.present & DHCP_HAVE_LEASE);
    assert_true(a.present & DHCP_HAVE_SUBNET_MASK);
    assert_int_equal(a.n_routers, 1);
    assert_int_equal(a.n_dns, 1);
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_UNICAST);
    assert_int_equal(n.sv.tx.dst_ip, NP_IPV4(10, 0, 2, 77));
    /* INFORM binds nothing. */
    assert_false(dhcp_server_lease_held(&n.s, 0, NULL));
}

static void test_server_request_classification_and_routing(void **state)
{
    (void)state;
    struct net n;
    net_init(&n, mac_a, 1, NULL);
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_msg r;
    struct dhcp_server_stats st;

    /* INIT-REBOOT for an address on another network: NAK, broadcast. */
    r = request_base(DHCP_REQUEST, mac_a);
    r.present = DHCP_HAVE_REQUESTED_IP;
    r.requested_ip = NP_IPV4(192, 168, 0, 99);
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_NAK);
    assert_int_equal(parse(&n.sv).yiaddr, 0);
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_BROADCAST);

    /* SELECTING for another server: silence, counted. */
    r = request_base(DHCP_REQUEST, mac_a);
    r.present = DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
    r.requested_ip = NP_IPV4(10, 0, 2, 15);
    r.server_id = NP_IPV4(10, 0, 2, 9);
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(n.sv.tx.len, 0);
    dhcp_server_get_stats(&n.s, &st);
    assert_int_equal(st.other_server, 1);

    /* SELECTING for us with the B flag: ACK broadcast. */
    r.server_id = NP_IPV4(10, 0, 2, 2);
    r.broadcast = true;
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_ACK);
    assert_true(parse(&n.sv).broadcast);
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_BROADCAST);

    /* RENEWING from the holder (ciaddr only): ACK unicast to ciaddr. */
    r = request_base(DHCP_REQUEST, mac_a);
    r.ciaddr = NP_IPV4(10, 0, 2, 15);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_ACK);
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_UNICAST);
    assert_int_equal(n.sv.tx.dst_ip, NP_IPV4(10, 0, 2, 15));

    /* RENEWING from another client: NAK, and broadcast although ciaddr
     * is set (RFC 2131 §4.1: a NAK is always broadcast when no relay is
     * involved; ciaddr would otherwise make it unicast). */
    r = request_base(DHCP_REQUEST, mac_b);
    r.ciaddr = NP_IPV4(10, 0, 2, 15);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_NAK);
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_BROADCAST);
    assert_int_equal(n.sv.tx.dst_ip, NP_IPV4_BROADCAST);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(n.sv.tx.dst_mac, bcast, 6);
    assert_false(parse(&n.sv).broadcast);

    /* The same NAK through a relay: unicast to the relay's port 67, with
     * the broadcast bit set so the relay broadcasts it (§4.3.2 MUST). */
    r.giaddr = NP_IPV4(192, 168, 1, 1);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_NAK);
    assert_true(parse(&n.sv).broadcast);
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_UNICAST);
    assert_int_equal(n.sv.tx.dst_ip, NP_IPV4(192, 168, 1, 1));
    assert_int_equal(n.sv.tx.dst_port, 67);

    /* Through a relay (giaddr set): unicast to the relay's port 67. */
    r = request_base(DHCP_DISCOVER, mac_a);
    r.giaddr = NP_IPV4(192, 168, 1, 1);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).giaddr, NP_IPV4(192, 168, 1, 1));
    assert_false(parse(&n.sv).broadcast); /* an OFFER keeps the request's flags */
    assert_int_equal(n.sv.tx.dest, DHCP_DEST_UNICAST);
    assert_int_equal(n.sv.tx.dst_ip, NP_IPV4(192, 168, 1, 1));
    assert_int_equal(n.sv.tx.dst_port, 67);

    /* The lease expires with the clock given: a later DISCOVER from b gets
     * an offer. */
    r = request_base(DHCP_DISCOVER, mac_b);
    assert_int_equal(
        dhcp_server_input(&n.s, 10 + 86400000u - 1, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(n.sv.tx.len, 0);
    assert_int_equal(dhcp_server_input(&n.s, 10 + 86400000u, buf, build_request(&r, buf), &n.sv.tx),
                     0);
    assert_int_equal(parse(&n.sv).type, DHCP_OFFER);

    /* DECLINE from someone who holds nothing is counted and ignored. */
    r = request_base(DHCP_DECLINE, mac_b);
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
    dhcp_server_get_stats(&n.s, &st);
    assert_int_equal(st.declines, 1);
    assert_int_equal(st.ignored, 1);
}

static void test_init_reboot_with_stub(void **state)
{
    (void)state;
    /* The client held the lease, and reboots with it while the server
     * still has the record: ACK, BOUND. */
    struct net n;
    struct capture cap;
    net_init(&n, mac_a, 5, NULL);
    handshake(&n, 0, &cap);
    struct dhcp_client_config cc;
    dhcp_client_config_defaults(&cc);
    cc.seed = 6;
    assert_int_equal(dhcp_client_init(&n.c, &cc), DHCP_OK); /* the reboot */
    assert_int_equal(dhcp_client_start_reboot(&n.c, 0, NP_IPV4(10, 0, 2, 15)), DHCP_OK);
    assert_int_equal(dhcp_client_state(&n.c), DHCP_CLIENT_INIT_REBOOT);
    client_poll(&n, 0);
    struct dhcp_msg rq = parse(&n.cl);
    assert_int_equal(rq.type, DHCP_REQUEST);
    assert_int_equal(rq.ciaddr, 0);
    assert_true(rq.present & DHCP_HAVE_REQUESTED_IP);
    assert_false(rq.present & DHCP_HAVE_SERVER_ID);
    assert_int_equal(n.cl.tx.dest, DHCP_DEST_BROADCAST);
    assert_int_equal(deliver(&n, &n.s, 0), DHCP_CLIENT_EV_BOUND);
    assert_int_equal(dhcp_client_lease(&n.c)->addr, NP_IPV4(10, 0, 2, 15));

    /* Moved to a network where the old address is wrong: NAK, INIT, and a
     * DISCOVER after the back-off of a first NAK (0.5 to 1 s). */
    struct net m;
    net_init(&m, mac_a, 5, NULL);
    assert_int_equal(dhcp_client_start_reboot(&m.c, 0, NP_IPV4(192, 168, 7, 7)), DHCP_OK);
    client_poll(&m, 0);
    assert_int_equal(deliver(&m, &m.s, 0), DHCP_CLIENT_EV_NONE);
    assert_int_equal(dhcp_client_state(&m.c), DHCP_CLIENT_INIT);
    uint64_t at = dhcp_client_deadline(&m.c);
    assert_true(at >= 500 && at <= 1000);
    client_poll(&m, at - 1);
    assert_int_equal(m.cl.tx.len, 0);
    client_poll(&m, at);
    assert_int_equal(parse(&m.cl).type, DHCP_DISCOVER);
    assert_int_equal(dhcp_client_start(&m.c, 0), DHCP_CLIENT_ERR_STATE);
}

/* A DECLINE (RFC 2131 table 5: ciaddr 0, option 50, option 54) from mac. */
static size_t decline_msg(const uint8_t *mac, uint32_t addr, bool with_50, uint8_t *buf)
{
    struct dhcp_msg r = request_base(DHCP_DECLINE, mac);
    r.present = DHCP_HAVE_SERVER_ID;
    r.server_id = NP_IPV4(10, 0, 2, 2);
    if (with_50) {
        r.present |= DHCP_HAVE_REQUESTED_IP;
        r.requested_ip = addr;
    }
    return build_request(&r, buf);
}

static size_t discover_msg(const uint8_t *mac, uint8_t *buf)
{
    struct dhcp_msg r = request_base(DHCP_DISCOVER, mac);
    return build_request(&r, buf);
}

/*
 * RFC 2131 §4.3.3: after a DECLINE the server MUST mark the address not
 * available. The stub used to free it and offer it again, and dhcpcd went
 * DECLINE, DISCOVER, OFFER of the same address 39 times in 40 s. With its
 * one address the stub now has nothing to offer for decline_hold_s (600 s
 * by default): DISCOVERs get no answer and are counted in `unavailable`,
 * a REQUEST for the address gets a NAK; then it offers again.
 */
static void test_decline_marks_address_unavailable(void **state)
{
    (void)state;
    struct net n;
    struct capture cap;
    net_init(&n, mac_a, 1, NULL);
    handshake(&n, 0, &cap);
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_server_stats st;
    /* Not the holder, or no option 50, or another address: ignored. */
    assert_int_equal(dhcp_server_input(&n.s, 100, buf,
                                       decline_msg(mac_b, NP_IPV4(10, 0, 2, 15), true, buf),
                                       &n.sv.tx),
                     0);
    assert_int_equal(dhcp_server_input(&n.s, 100, buf,
                                       decline_msg(mac_a, NP_IPV4(10, 0, 2, 15), false, buf),
                                       &n.sv.tx),
                     0);
    assert_int_equal(dhcp_server_input(&n.s, 100, buf,
                                       decline_msg(mac_a, NP_IPV4(10, 0, 2, 16), true, buf),
                                       &n.sv.tx),
                     0);
    dhcp_server_get_stats(&n.s, &st);
    assert_int_equal(st.ignored, 3);
    assert_true(dhcp_server_lease_held(&n.s, 100, NULL));
    /* The holder declines: the lease is gone, and so is the address. */
    assert_int_equal(dhcp_server_input(&n.s, 1000, buf,
                                       decline_msg(mac_a, NP_IPV4(10, 0, 2, 15), true, buf),
                                       &n.sv.tx),
                     0);
    assert_int_equal(n.sv.tx.len, 0);
    assert_false(dhcp_server_lease_held(&n.s, 1000, NULL));
    /* dhcpcd's loop: DECLINE, then DISCOVER about once a second. */
    for (int i = 0; i < 39; i++) {
        uint64_t t = 1000 + (uint64_t)i * 1000;
        const uint8_t *who = i % 2 ? mac_b : mac_a;
        assert_int_equal(dhcp_server_input(&n.s, t, buf, discover_msg(who, buf), &n.sv.tx), 0);
        assert_int_equal(n.sv.tx.len, 0);
    }
    dhcp_server_get_stats(&n.s, &st);
    assert_int_equal(st.offers, 1); /* only the handshake's */
    assert_int_equal(st.unavailable, 39);
    assert_int_equal(st.declines, 4);
    /* A REQUEST for it (SELECTING a stale OFFER, or renewing) is NAKed. */
    struct dhcp_msg r = request_base(DHCP_REQUEST, mac_a);
    r.present = DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
    r.requested_ip = NP_IPV4(10, 0, 2, 15);
    r.server_id = NP_IPV4(10, 0, 2, 2);
    assert_int_equal(dhcp_server_input(&n.s, 50000, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_NAK);
    r = request_base(DHCP_REQUEST, mac_a);
    r.ciaddr = NP_IPV4(10, 0, 2, 15);
    assert_int_equal(dhcp_server_input(&n.s, 50000, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_NAK);
    assert_false(dhcp_server_lease_held(&n.s, 50000, NULL));
    /* 600 s after the DECLINE it is available again. */
    assert_int_equal(dhcp_server_input(&n.s, 601000 - 1, buf, discover_msg(mac_b, buf), &n.sv.tx),
                     0);
    assert_int_equal(n.sv.tx.len, 0);
    assert_int_equal(dhcp_server_input(&n.s, 601000, buf, discover_msg(mac_b, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_OFFER);
    assert_int_equal(parse(&n.sv).yiaddr, NP_IPV4(10, 0, 2, 15));

    /* decline_hold_s = DHCP_LEASE_INFINITE: unavailable until init. */
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    assert_int_equal(sc.decline_hold_s, 600);
    sc.decline_hold_s = DHCP_LEASE_INFINITE;
    net_init(&n, mac_a, 1, &sc);
    handshake(&n, 0, &cap);
    assert_int_equal(dhcp_server_input(&n.s, 0, buf,
                                       decline_msg(mac_a, NP_IPV4(10, 0, 2, 15), true, buf),
                                       &n.sv.tx),
                     0);
    assert_int_equal(
        dhcp_server_input(&n.s, UINT64_MAX - 1, buf, discover_msg(mac_b, buf), &n.sv.tx), 0);
    assert_int_equal(n.sv.tx.len, 0);
    /* And 0 would bring the loop back: refused. */
    sc.decline_hold_s = 0;
    assert_int_equal(dhcp_server_init(&n.s, &sc), DHCP_ERR_INVAL);
}

/*
 * RFC 2131 §4.3.2, INIT-REBOOT: a requested address on the wrong network
 * gets a NAK; otherwise, with no record of the client, the server MUST
 * remain silent. The stub's only record is the lease it holds.
 */
static void test_init_reboot_without_record_is_silent(void **state)
{
    (void)state;
    struct net n;
    net_init(&n, mac_a, 1, NULL);
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_msg r = request_base(DHCP_REQUEST, mac_a);
    r.present = DHCP_HAVE_REQUESTED_IP;
    const uint32_t asked[4] = {NP_IPV4(10, 0, 2, 15), NP_IPV4(10, 0, 2, 99),
                               NP_IPV4(192, 168, 7, 7), NP_IPV4(10, 0, 3, 15)};
    const int want[4] = {0, 0, DHCP_NAK, DHCP_NAK}; /* 0: silence */
    for (int i = 0; i < 4; i++) {
        r.requested_ip = asked[i];
        assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
        if (want[i] == 0)
            assert_int_equal(n.sv.tx.len, 0);
        else
            assert_int_equal(parse(&n.sv).type, want[i]);
    }
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&n.s, &st);
    assert_int_equal(st.no_record, 2);
    assert_int_equal(st.naks, 2);
    assert_int_equal(st.acks, 0);
    assert_false(dhcp_server_lease_held(&n.s, 0, NULL));
    /* With the record: ACK for its address, NAK for another one. */
    struct capture cap;
    handshake(&n, 0, &cap);
    r.requested_ip = NP_IPV4(10, 0, 2, 15);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_ACK);
    r.requested_ip = NP_IPV4(10, 0, 2, 99);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).type, DHCP_NAK);
    /* Another client has no record, even with the lease held. */
    r = request_base(DHCP_REQUEST, mac_b);
    r.present = DHCP_HAVE_REQUESTED_IP;
    r.requested_ip = NP_IPV4(10, 0, 2, 15);
    assert_int_equal(dhcp_server_input(&n.s, 10, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(n.sv.tx.len, 0);
}

/*
 * Without a subnet mask both sides fall back to the classful mask of the
 * address (RFC 791 §3.2): the client for its lease, the stub for "is it on
 * my network" in INIT-REBOOT. Class B and C, as class A is the default.
 */
static void test_no_mask_classful_both_sides(void **state)
{
    (void)state;
    const struct {
        uint32_t server, addr, same_net, other_net, mask;
        uint8_t prefix;
    } rows[] = {
        {NP_IPV4(172, 16, 0, 1), NP_IPV4(172, 16, 0, 15), NP_IPV4(172, 16, 9, 9),
         NP_IPV4(172, 17, 0, 15), NP_IPV4(255, 255, 0, 0), 16},
        {NP_IPV4(192, 168, 1, 1), NP_IPV4(192, 168, 1, 15), NP_IPV4(192, 168, 1, 99),
         NP_IPV4(192, 168, 2, 15), NP_IPV4(255, 255, 255, 0), 24},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct dhcp_server_config sc;
        dhcp_server_config_defaults(&sc);
        sc.server_id = rows[i].server;
        sc.addr = rows[i].addr;
        sc.mask = 0;
        struct net n;
        net_init(&n, mac_a, 1, &sc);
        uint8_t buf[DHCP_MSG_BUILD_MAX];
        struct dhcp_msg r = request_base(DHCP_REQUEST, mac_a);
        r.present = DHCP_HAVE_REQUESTED_IP;
        r.requested_ip = rows[i].same_net; /* on the network, no record: silence */
        assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
        assert_int_equal(n.sv.tx.len, 0);
        r.requested_ip = rows[i].other_net; /* off it: NAK */
        assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
        assert_int_equal(parse(&n.sv).type, DHCP_NAK);
        struct capture cap;
        handshake(&n, 0, &cap);
        const struct dhcp_lease *l = dhcp_client_lease(&n.c);
        assert_non_null(l);
        assert_int_equal(l->addr, rows[i].addr);
        assert_true(l->mask_from_class);
        assert_int_equal(l->mask, rows[i].mask);
        assert_int_equal(l->prefix_len, rows[i].prefix);
    }
}

/* RFC 6842 §3: the server MUST return the client identifier unaltered in
 * its reply, in OFFER, ACK and NAK alike; no option 61 in, none out. */
static void test_replies_echo_client_id(void **state)
{
    (void)state;
    struct net n;
    struct capture cap;
    net_init(&n, mac_a, 1, NULL);
    handshake(&n, 0, &cap);
    const uint8_t ours[7] = {1, 0x02, 0, 0, 0, 0, 1};
    for (int i = 1; i < 4; i += 2) {
        struct dhcp_msg m;
        assert_int_equal(dhcp_msg_parse(cap.msg[i], cap.len[i], &m), DHCP_OK);
        assert_int_equal(m.client_id_len, 7);
        assert_memory_equal(m.client_id, ours, 7);
    }
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_msg r = request_base(DHCP_REQUEST, mac_b);
    r.ciaddr = NP_IPV4(10, 0, 2, 15); /* b renewing a's lease: NAK */
    const uint8_t odd[12] = {0, 'r', 'v', 'n', 'e', 't', '-', 'h', 'o', 's', 't', 0};
    memcpy(r.client_id, odd, sizeof odd);
    r.client_id_len = sizeof odd;
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
    struct dhcp_msg nak = parse(&n.sv);
    assert_int_equal(nak.type, DHCP_NAK);
    assert_int_equal(nak.client_id_len, sizeof odd);
    assert_memory_equal(nak.client_id, odd, sizeof odd);
    r.client_id_len = 0;
    assert_int_equal(dhcp_server_input(&n.s, 0, buf, build_request(&r, buf), &n.sv.tx), 0);
    assert_int_equal(parse(&n.sv).client_id_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_lease_and_identical_bytes),
        cmocka_unit_test(test_renewal_at_t1_100_times_idempotent),
        cmocka_unit_test(test_slirp_restricted_binds_without_router_dns),
        cmocka_unit_test(test_second_client_refused_then_release),
        cmocka_unit_test(test_inform_ack_without_yiaddr),
        cmocka_unit_test(test_server_request_classification_and_routing),
        cmocka_unit_test(test_init_reboot_with_stub),
        cmocka_unit_test(test_decline_marks_address_unavailable),
        cmocka_unit_test(test_init_reboot_without_record_is_silent),
        cmocka_unit_test(test_replies_echo_client_id),
        cmocka_unit_test(test_no_mask_classful_both_sides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
