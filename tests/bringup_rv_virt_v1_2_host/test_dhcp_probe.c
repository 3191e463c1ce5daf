/*
 * The client's RFC 5227 address conflict detection (issue 12, item 12), on
 * exact timelines: every wait is computed here from the test's own copy of
 * the client's splitmix64, every probe and DECLINE is compared byte for
 * byte, and before each expected transmission the client is polled one
 * millisecond early and must send nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dhcp-stub/dhcp_client.h"
#include "dhcp-stub/dhcp_server.h"
#include "netproto/netproto.h"

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t other_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
#define ADDR NP_IPV4(10, 0, 2, 15)
#define SERVER NP_IPV4(10, 0, 2, 2)

static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

struct pt {
    struct dhcp_client c;
    uint64_t rng; /* the test's copy of the client's generator */
    uint32_t xid;
    uint8_t buf[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx tx;
    uint64_t request_ms; /* when the REQUEST that got the ACK went */
};

static void pt_init_probe(struct pt *t, uint64_t seed, bool probe)
{
    memset(t, 0, sizeof *t);
    struct dhcp_client_config cfg;
    dhcp_client_config_defaults(&cfg);
    cfg.seed = seed;
    cfg.probe.enabled = probe;
    assert_int_equal(dhcp_client_init(&t->c, &cfg), DHCP_OK);
    t->rng = seed;
    t->tx.buf = t->buf;
    t->tx.cap = sizeof t->buf;
}

static void pt_init(struct pt *t, uint64_t seed)
{
    pt_init_probe(t, seed, true);
}

static enum dhcp_client_event poll_at(struct pt *t, uint64_t now)
{
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    assert_int_equal(dhcp_client_poll(&t->c, now, &t->tx, &ev), DHCP_OK);
    return ev;
}

/* Polls at now - 1 (nothing may go out) and at now (something must). */
static enum dhcp_client_event poll_exactly(struct pt *t, uint64_t now)
{
    if (now > 0) {
        assert_int_equal(poll_at(t, now - 1), DHCP_CLIENT_EV_NONE);
        if (t->tx.len != 0)
            fail_msg("sent at %llu, 1 ms early", (unsigned long long)(now - 1));
    }
    return poll_at(t, now);
}

static size_t reply(const struct pt *t, uint8_t type, uint8_t *out)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREPLY;
    m.type = type;
    m.xid = t->xid;
    memcpy(m.chaddr, mac, 6);
    m.yiaddr = ADDR;
    m.present = DHCP_HAVE_SERVER_ID | DHCP_HAVE_LEASE | DHCP_HAVE_SUBNET_MASK;
    m.server_id = SERVER;
    m.lease_s = 3600;
    m.subnet_mask = NP_IPV4(255, 255, 255, 0);
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, out, DHCP_MSG_BUILD_MAX, &len), DHCP_OK);
    return len;
}

static enum dhcp_client_event give(struct pt *t, uint64_t now, uint8_t type)
{
    uint8_t in[DHCP_MSG_BUILD_MAX];
    size_t len = reply(t, type, in);
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_input(&t->c, now, in, len, &ev), DHCP_OK);
    return ev;
}

/* DISCOVER at `at` (a new xid), OFFER, REQUEST, ACK, all at `at`: the
 * client is CHECKING, with nothing bound and no event. */
static void handshake_to_checking(struct pt *t, uint64_t at)
{
    assert_int_equal(poll_exactly(t, at), DHCP_CLIENT_EV_NONE);
    assert_int_equal(t->buf[240 + 2], DHCP_DISCOVER);
    t->xid = (uint32_t)(next64(&t->rng) >> 32);
    assert_int_equal(np_get32(t->buf + 4), t->xid);
    assert_int_equal(give(t, at, DHCP_OFFER), DHCP_CLIENT_EV_NONE);
    assert_int_equal(poll_at(t, at), DHCP_CLIENT_EV_NONE);
    assert_int_equal(t->buf[240 + 2], DHCP_REQUEST);
    t->request_ms = at;
    assert_int_equal(give(t, at, DHCP_ACK), DHCP_CLIENT_EV_NONE);
    assert_int_equal(dhcp_client_state(&t->c), DHCP_CLIENT_CHECKING);
    assert_null(dhcp_client_lease(&t->c));
    assert_int_equal(dhcp_client_probe_addr(&t->c), ADDR);
}

/* The probe of RFC 5227 §2.1.1, byte for byte: ARP request, sender MAC
 * ours, sender IP 0.0.0.0, target MAC 0, target IP the candidate; and as a
 * frame, broadcast with EtherType ARP, padded to 60 bytes with zeros. */
static void expect_probe(const struct pt *t)
{
    static const uint8_t want[28] = {0x00, 0x01, 0x08, 0x00, 6,    4,
                                     0x00, 0x01, /* Ethernet/IPv4, request */
                                     0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* sender MAC: ours */
                                     0,    0,    0,    0,                /* sender IP 0.0.0.0 */
                                     0,    0,    0,    0,    0,    0,    /* target MAC 0 */
                                     10,   0,    2,    15};              /* target: the candidate */
    assert_int_equal(t->tx.kind, DHCP_TX_ARP);
    assert_int_equal(t->tx.len, 28);
    assert_memory_equal(t->buf, want, 28);
    assert_int_equal(t->tx.dest, DHCP_DEST_BROADCAST);
    assert_int_equal(t->tx.dst_ip, ADDR);
    uint8_t frame[NP_ETH_MAX_FRAME], wframe[60];
    memset(frame, 0xee, sizeof frame);
    memcpy(frame + NP_UDP_FRAME_HLEN, t->buf, 28);
    struct dhcp_tx ftx = t->tx;
    ftx.buf = frame + NP_UDP_FRAME_HLEN;
    size_t flen;
    assert_int_equal(dhcp_tx_frame(&ftx, mac, NULL, frame, sizeof frame, &flen), DHCP_OK);
    memset(wframe, 0, sizeof wframe);
    memset(wframe, 0xff, 6);
    memcpy(wframe + 6, mac, 6);
    wframe[12] = 0x08;
    wframe[13] = 0x06;
    memcpy(wframe + 14, want, 28);
    assert_int_equal(flen, 60);
    assert_memory_equal(frame, wframe, 60);
}

/* Runs the whole probe with no conflict from `at` (the ACK): the times of
 * the three probes and of BOUND, from the generator. Returns BOUND's. */
static uint64_t probe_clean(struct pt *t, uint64_t at)
{
    uint64_t when = at + next64(&t->rng) % 1001; /* PROBE_WAIT: 0..1 s */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(poll_exactly(t, when), DHCP_CLIENT_EV_NONE);
        expect_probe(t);
        assert_int_equal(dhcp_client_state(&t->c), DHCP_CLIENT_CHECKING);
        if (i < 2)
            when += 1000 + next64(&t->rng) % 1001; /* PROBE_MIN..PROBE_MAX */
    }
    when += 2000; /* ANNOUNCE_WAIT */
    assert_int_equal(poll_exactly(t, when), DHCP_CLIENT_EV_BOUND);
    assert_int_equal(t->tx.len, 0);
    return when;
}

static void test_no_conflict_bound_after_exact_probe_timings(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct pt t;
        pt_init(&t, seed);
        assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
        handshake_to_checking(&t, 0);
        uint64_t bound = probe_clean(&t, 0);
        /* RFC 5227's timings cost 4 to 7 s before the address is used. */
        assert_true(bound >= 4000 && bound <= 7000);
        const struct dhcp_lease *l = dhcp_client_lease(&t.c);
        assert_non_null(l);
        assert_int_equal(l->addr, ADDR);
        /* The probe took lease time: the lease still runs from the REQUEST. */
        assert_int_equal(l->start_ms, t.request_ms);
        assert_int_equal(dhcp_client_deadline(&t.c), 1800000);
        assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_BOUND);
        assert_int_equal(dhcp_client_probe_addr(&t.c), 0);
        struct dhcp_client_stats st;
        dhcp_client_get_stats(&t.c, &st);
        assert_int_equal(st.conflicts, 0);
    }
}

static struct np_arp arp(uint16_t op, const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
    struct np_arp a;
    memset(&a, 0, sizeof a);
    a.op = op;
    memcpy(a.sha, sha, 6);
    a.spa = spa;
    a.tpa = tpa;
    return a;
}

static enum dhcp_client_event see(struct pt *t, uint64_t now, struct np_arp a)
{
    enum dhcp_client_event ev = (enum dhcp_client_event)77;
    assert_int_equal(dhcp_client_input_arp(&t->c, now, &a, &ev), DHCP_OK);
    return ev;
}

/* The DECLINE of RFC 2131 table 5, byte for byte: a new xid, secs 0,
 * flags 0, ciaddr 0, option 50 the address, option 54 the server, our
 * client id, no parameter list or maximum size; broadcast from 0.0.0.0. */
static void expect_decline(struct pt *t)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.type = DHCP_DECLINE;
    t->xid = (uint32_t)(next64(&t->rng) >> 32);
    m.xid = t->xid;
    memcpy(m.chaddr, mac, 6);
    m.present = DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_SERVER_ID;
    m.requested_ip = ADDR;
    m.server_id = SERVER;
    m.client_id[0] = 1;
    memcpy(m.client_id + 1, mac, 6);
    m.client_id_len = 7;
    uint8_t want[DHCP_MSG_BUILD_MAX];
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, want, sizeof want, &len), DHCP_OK);
    assert_int_equal(t->tx.kind, DHCP_TX_UDP);
    assert_int_equal(t->tx.len, len);
    assert_memory_equal(t->buf, want, len);
    assert_int_equal(np_get32(t->buf + 12), 0); /* ciaddr, on the wire */
    assert_int_equal(t->tx.dest, DHCP_DEST_BROADCAST);
    assert_int_equal(t->tx.dst_ip, NP_IPV4_BROADCAST);
    assert_int_equal(t->tx.src_ip, 0);
    assert_int_equal(t->tx.src_port, 68);
    assert_int_equal(t->tx.dst_port, 67);
}

/* A conflict at `now` (the ARP given by the caller): CONFLICT, INIT, the
 * DECLINE in the same instant's poll, then DISCOVER `wait` ms later. */
static void conflict_then_decline(struct pt *t, uint64_t now, struct np_arp a, uint64_t wait)
{
    assert_int_equal(see(t, now, a), DHCP_CLIENT_EV_CONFLICT);
    assert_int_equal(dhcp_client_state(&t->c), DHCP_CLIENT_INIT);
    assert_null(dhcp_client_lease(&t->c));
    assert_int_equal(dhcp_client_deadline(&t->c), now);
    assert_int_equal(poll_at(t, now), DHCP_CLIENT_EV_NONE);
    expect_decline(t);
    assert_int_equal(dhcp_client_deadline(&t->c), now + wait);
}

/* A host answers our first probe (a reply with sender IP = the address):
 * DECLINE, 10 s (RFC 2131 §3.1.5), DISCOVER again with a new xid. */
static void test_conflict_declines_then_discovers_after_10_s(void **state)
{
    (void)state;
    struct pt t;
    pt_init(&t, 31);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    handshake_to_checking(&t, 0);
    uint64_t when = next64(&t.rng) % 1001;
    assert_int_equal(poll_exactly(&t, when), DHCP_CLIENT_EV_NONE);
    expect_probe(&t);
    (void)next64(&t.rng); /* the wait to the second probe, not reached */
    uint64_t now = when + 300;
    conflict_then_decline(&t, now, arp(NP_ARP_REPLY, other_mac, ADDR, 0), 10000);
    assert_int_equal(poll_exactly(&t, now + 10000), DHCP_CLIENT_EV_NONE);
    assert_int_equal(t.buf[240 + 2], DHCP_DISCOVER);
    t.xid = (uint32_t)(next64(&t.rng) >> 32);
    assert_int_equal(np_get32(t.buf + 4), t.xid);
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t.c, &st);
    assert_int_equal(st.conflicts, 1);
    assert_int_equal(st.arp_in, 1);
    /* The next attempt binds when nobody objects. */
    assert_int_equal(give(&t, now + 10000, DHCP_OFFER), DHCP_CLIENT_EV_NONE);
    assert_int_equal(poll_at(&t, now + 10000), DHCP_CLIENT_EV_NONE);
    assert_int_equal(give(&t, now + 10000, DHCP_ACK), DHCP_CLIENT_EV_NONE);
    probe_clean(&t, now + 10000);
}

/* RFC 5227 §2.1.1: "if during this period the host receives any ARP Probe
 * where the packet's 'target IP address' is the address being probed for,
 * and the packet's 'sender hardware address' is not the hardware address
 * of any of the host's interfaces": another host probing for the same
 * address, here during ANNOUNCE_WAIT after the last probe. */
static void test_another_hosts_probe_is_a_conflict(void **state)
{
    (void)state;
    struct pt t;
    pt_init(&t, 32);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    handshake_to_checking(&t, 0);
    uint64_t when = next64(&t.rng) % 1001;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(poll_exactly(&t, when), DHCP_CLIENT_EV_NONE);
        expect_probe(&t);
        if (i < 2)
            when += 1000 + next64(&t.rng) % 1001;
    }
    conflict_then_decline(&t, when + 1999, arp(NP_ARP_REQUEST, other_mac, 0, ADDR), 10000);
}

/* Our own probe, echoed back by the link, is not a conflict; nor is ARP
 * about other addresses. The probe carries on and binds on time. */
static void test_own_probe_echoed_is_not_a_conflict(void **state)
{
    (void)state;
    struct pt t, twin;
    pt_init(&t, 33);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    handshake_to_checking(&t, 0);
    twin = t;
    twin.tx.buf = twin.buf;
    const struct np_arp harmless[] = {
        arp(NP_ARP_REQUEST, mac, 0, ADDR),                        /* our probe */
        arp(NP_ARP_REQUEST, other_mac, 0, NP_IPV4(10, 0, 2, 16)), /* probe for another */
        arp(NP_ARP_REQUEST, other_mac, NP_IPV4(10, 0, 2, 2), NP_IPV4(10, 0, 2, 3)), /* who-has */
        arp(NP_ARP_REPLY, other_mac, NP_IPV4(10, 0, 2, 2), ADDR), /* reply to the address */
    };
    for (size_t i = 0; i < sizeof harmless / sizeof harmless[0]; i++)
        assert_int_equal(see(&t, 10, harmless[i]), DHCP_CLIENT_EV_NONE);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_CHECKING);
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t.c, &st);
    assert_int_equal(st.arp_in, 4);
    assert_int_equal(st.conflicts, 0);
    /* Exactly the timeline of a client that saw nothing. */
    uint64_t a = probe_clean(&t, 0);
    uint64_t b = probe_clean(&twin, 0);
    assert_int_equal(a, b);
}

/* The same checks through dhcp_client_input_frame: an Ethernet ARP frame
 * goes to the probe and is counted in arp_in, not in the rx counters. */
static void test_arp_frame_reaches_the_probe(void **state)
{
    (void)state;
    struct pt t;
    pt_init(&t, 34);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    handshake_to_checking(&t, 0);
    struct dhcp_client_stats before, after;
    dhcp_client_get_stats(&t.c, &before);
    uint8_t f[60];
    memset(f, 0, sizeof f);
    struct np_arp a = arp(NP_ARP_REQUEST, other_mac, ADDR, NP_IPV4(10, 0, 2, 2));
    size_t n;
    assert_int_equal(np_arp_build(f + 14, sizeof f - 14, &a, &n), NP_OK);
    struct np_eth e = {.type = NP_ETHERTYPE_ARP};
    memset(e.dst, 0xff, 6);
    memcpy(e.src, other_mac, 6);
    assert_int_equal(np_eth_build(f, sizeof f, &e, n, &n), NP_OK);
    enum dhcp_client_event ev;
    /* A truncated one is malformed (rx_malformed), nothing else. */
    assert_int_equal(dhcp_client_input_frame(&t.c, 5, f, 20, &ev), DHCP_CLIENT_ERR_FRAME);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_CHECKING);
    assert_int_equal(dhcp_client_input_frame(&t.c, 5, f, n, &ev), DHCP_OK);
    assert_int_equal(ev, DHCP_CLIENT_EV_CONFLICT);
    dhcp_client_get_stats(&t.c, &after);
    assert_int_equal(after.arp_in, before.arp_in + 1);
    assert_int_equal(after.rx_malformed, before.rx_malformed + 1);
    assert_int_equal(after.rx_ok + after.rx_not_ours + after.rx_unexpected + after.rx_rejected,
                     before.rx_ok + before.rx_not_ours + before.rx_unexpected + before.rx_rejected);
    assert_int_equal(poll_at(&t, 5), DHCP_CLIENT_EV_NONE);
    (void)next64(&t.rng); /* PROBE_WAIT, drawn at the ACK */
    expect_decline(&t);
}

/* RFC 5227 §2.1.1: after MAX_CONFLICTS (10) conflicts, at most one new
 * attempt per RATE_LIMIT_INTERVAL (60 s): the first nine DECLINEs wait
 * 10 s, the tenth and later 60 s. A lease resets the count. */
static void test_rate_limit_after_max_conflicts(void **state)
{
    (void)state;
    struct pt t;
    pt_init(&t, 35);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    uint64_t at = 0;
    for (int k = 1; k <= 12; k++) {
        handshake_to_checking(&t, at);
        (void)next64(&t.rng); /* PROBE_WAIT, not reached */
        uint64_t wait = k >= 10 ? 60000 : 10000;
        conflict_then_decline(&t, at + 1, arp(NP_ARP_REPLY, other_mac, ADDR, 0), wait);
        at += 1 + wait;
    }
    struct dhcp_client_stats st;
    dhcp_client_get_stats(&t.c, &st);
    assert_int_equal(st.conflicts, 12);
    handshake_to_checking(&t, at);
    probe_clean(&t, at);
    /* Bound: the count starts over, the next conflict waits 10 s. */
    assert_int_equal(dhcp_client_stop(&t.c, at + 7001, &t.tx), DHCP_OK);
    assert_int_equal(dhcp_client_start(&t.c, at + 7001), DHCP_OK);
    (void)next64(&t.rng); /* the RELEASE's xid */
    handshake_to_checking(&t, at + 7001);
    (void)next64(&t.rng);
    conflict_then_decline(&t, at + 7002, arp(NP_ARP_REPLY, other_mac, ADDR, 0), 10000);
}

/* INIT-REBOOT's ACK is a new lease to this boot: probed too. A renewal's
 * is not (the address is already ours). Stop while CHECKING releases
 * nothing: the address was never ours to release. */
static void test_what_is_probed(void **state)
{
    (void)state;
    struct pt t;
    pt_init(&t, 36);
    assert_int_equal(dhcp_client_start_reboot(&t.c, 0, ADDR), DHCP_OK);
    t.xid = (uint32_t)(next64(&t.rng) >> 32);
    assert_int_equal(poll_at(&t, 0), DHCP_CLIENT_EV_NONE);
    assert_int_equal(t.buf[240 + 2], DHCP_REQUEST);
    assert_int_equal(give(&t, 0, DHCP_ACK), DHCP_CLIENT_EV_NONE);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_CHECKING);
    probe_clean(&t, 0);
    /* T1: renew; the ACK is RENEWED at once, no probe. */
    assert_int_equal(poll_at(&t, 1800000), DHCP_CLIENT_EV_NONE);
    t.xid = (uint32_t)(next64(&t.rng) >> 32);
    assert_int_equal(give(&t, 1800000, DHCP_ACK), DHCP_CLIENT_EV_RENEWED);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_BOUND);
    /* Once BOUND, ARP from the address is someone else's business (the
     * netstack defends it, RFC 5227 §2.4): no event. */
    assert_int_equal(see(&t, 1800001, arp(NP_ARP_REQUEST, other_mac, ADDR, ADDR)),
                     DHCP_CLIENT_EV_NONE);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_BOUND);

    pt_init(&t, 37);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    handshake_to_checking(&t, 0);
    assert_int_equal(dhcp_client_stop(&t.c, 1, &t.tx), DHCP_OK);
    assert_int_equal(t.tx.len, 0);
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_STOPPED);
    assert_int_equal(dhcp_client_deadline(&t.c), DHCP_NEVER);
}

/* Off by default, with RFC 5227's constants ready; bad values refused. */
static void test_probe_config(void **state)
{
    (void)state;
    struct dhcp_client_config cfg;
    dhcp_client_config_defaults(&cfg);
    assert_false(cfg.probe.enabled);
    assert_int_equal(cfg.probe.wait_ms, 1000);          /* PROBE_WAIT */
    assert_int_equal(cfg.probe.num, 3);                 /* PROBE_NUM */
    assert_int_equal(cfg.probe.min_ms, 1000);           /* PROBE_MIN */
    assert_int_equal(cfg.probe.max_ms, 2000);           /* PROBE_MAX */
    assert_int_equal(cfg.probe.announce_wait_ms, 2000); /* ANNOUNCE_WAIT */
    assert_int_equal(cfg.probe.decline_wait_ms, 10000); /* RFC 2131 §3.1.5 */
    assert_int_equal(cfg.probe.max_conflicts, 10);      /* MAX_CONFLICTS */
    assert_int_equal(cfg.probe.rate_limit_ms, 60000);   /* RATE_LIMIT_INTERVAL */
    struct dhcp_client c;
    for (int k = 0; k < 4; k++) {
        dhcp_client_config_defaults(&cfg);
        cfg.probe.enabled = true;
        assert_int_equal(dhcp_client_init(&c, &cfg), DHCP_OK);
        if (k == 0)
            cfg.probe.num = 0;
        else if (k == 1)
            cfg.probe.max_ms = cfg.probe.min_ms - 1;
        else if (k == 2)
            cfg.probe.decline_wait_ms = 0;
        else
            cfg.probe.max_conflicts = 0;
        assert_int_equal(dhcp_client_init(&c, &cfg), DHCP_ERR_INVAL);
        cfg.probe.enabled = false; /* not checked when off */
        assert_int_equal(dhcp_client_init(&c, &cfg), DHCP_OK);
    }
    /* Off: an ACK binds at once, ARP is ignored. */
    struct pt t;
    pt_init_probe(&t, 38, false);
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    assert_int_equal(poll_at(&t, 0), DHCP_CLIENT_EV_NONE);
    t.xid = (uint32_t)(next64(&t.rng) >> 32);
    assert_int_equal(give(&t, 0, DHCP_OFFER), DHCP_CLIENT_EV_NONE);
    assert_int_equal(poll_at(&t, 0), DHCP_CLIENT_EV_NONE);
    assert_int_equal(give(&t, 0, DHCP_ACK), DHCP_CLIENT_EV_BOUND);
}

/* The client and the stub server: the DECLINE reaches the stub, which
 * takes the address out of use (RFC 2131 §4.3.3), so the DISCOVERs that
 * follow get no OFFER until its hold ends. */
static void test_decline_reaches_the_stub(void **state)
{
    (void)state;
    struct pt t;
    pt_init(&t, 39);
    struct dhcp_server srv;
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    assert_int_equal(dhcp_server_init(&srv, &sc), DHCP_OK);
    uint8_t rb[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx rtx = {.buf = rb, .cap = sizeof rb};
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_start(&t.c, 0), DHCP_OK);
    for (int i = 0; i < 2; i++) { /* DISCOVER/OFFER, REQUEST/ACK */
        assert_int_equal(poll_at(&t, 0), DHCP_CLIENT_EV_NONE);
        assert_int_equal(dhcp_server_input(&srv, 0, t.buf, t.tx.len, &rtx), DHCP_OK);
        assert_int_equal(dhcp_client_input(&t.c, 0, rb, rtx.len, &ev), DHCP_OK);
    }
    assert_int_equal(dhcp_client_state(&t.c), DHCP_CLIENT_CHECKING);
    assert_int_equal(see(&t, 100, arp(NP_ARP_REPLY, other_mac, ADDR, 0)), DHCP_CLIENT_EV_CONFLICT);
    assert_int_equal(poll_at(&t, 100), DHCP_CLIENT_EV_NONE);
    assert_int_equal(t.buf[240 + 2], DHCP_DECLINE);
    assert_int_equal(dhcp_server_input(&srv, 100, t.buf, t.tx.len, &rtx), DHCP_OK);
    assert_int_equal(rtx.len, 0);
    assert_false(dhcp_server_lease_held(&srv, 100, NULL));
    assert_int_equal(poll_at(&t, 10100), DHCP_CLIENT_EV_NONE);
    assert_int_equal(t.buf[240 + 2], DHCP_DISCOVER);
    assert_int_equal(dhcp_server_input(&srv, 10100, t.buf, t.tx.len, &rtx), DHCP_OK);
    assert_int_equal(rtx.len, 0);
    struct dhcp_server_stats st;
    dhcp_server_get_stats(&srv, &st);
    assert_int_equal(st.declines, 1);
    assert_int_equal(st.unavailable, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_conflict_bound_after_exact_probe_timings),
        cmocka_unit_test(test_conflict_declines_then_discovers_after_10_s),
        cmocka_unit_test(test_another_hosts_probe_is_a_conflict),
        cmocka_unit_test(test_own_probe_echoed_is_not_a_conflict),
        cmocka_unit_test(test_arp_frame_reaches_the_probe),
        cmocka_unit_test(test_rate_limit_after_max_conflicts),
        cmocka_unit_test(test_what_is_probed),
        cmocka_unit_test(test_probe_config),
        cmocka_unit_test(test_decline_reaches_the_stub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
