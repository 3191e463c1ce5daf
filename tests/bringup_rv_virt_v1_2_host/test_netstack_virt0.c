/*
 * virt0 end to end: the netstack on the virtio-net frontend on the fake
 * virtio-mmio device, with the stub peer (10.0.2.2, answering DHCP, ARP and
 * ICMP) on the far side, so every frame crosses the real rings. DHCP on the
 * wire (QEMU slirp's options, and restrict=on's), DHCP against the
 * in-process stub with no device at all, RENEWED changing nothing, LOST
 * unconfiguring.
 */
#define _POSIX_C_SOURCE 200809L /* getpid */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define DNS NP_IPV4(10, 0, 2, 3)
#define MASK24 NP_IPV4(255, 255, 255, 0)

static struct nt *wire_rig(uint32_t version, const struct dhcp_server_config *srv)
{
    struct nt *t = nt_wire(version, srv, NULL);
    t->cfg.dhcp = NS_DHCP_WIRE;
    t->cfg.dhcp_client.seed = 42;
    assert_int_equal(nt_start(t), NS_OK);
    t->now = 1000;
    return t;
}

/* Every frame crossed the rings: what the stack counted, what the tap saw,
 * what the frontend counted and what the fake device moved all agree. */
static void check_rings(const struct nt *t)
{
    struct ns_counters c = nt_cnt(t);
    struct vnet_counters v;
    vnet_counters(&t->h.dev, &v);
    assert_int_equal(t->h.fake.violations, 0);
    assert_true(c.tx_frames[NS_IF_VIRT0] > 0);
    assert_int_equal(c.tx_frames[NS_IF_VIRT0], v.tx_frames);
    assert_int_equal(c.tx_frames[NS_IF_VIRT0], t->h.fake.stats.tx_frames);
    assert_int_equal(c.tx_frames[NS_IF_VIRT0], t->peer.stats.frames_in);
    assert_int_equal(c.tx_frames[NS_IF_VIRT0], t->tap[NS_IF_VIRT0][NS_DIR_TX]);
    assert_int_equal(c.rx_frames[NS_IF_VIRT0], v.rx_frames);
    assert_int_equal(c.rx_frames[NS_IF_VIRT0], t->h.fake.stats.rx_delivered);
    assert_int_equal(c.rx_frames[NS_IF_VIRT0], t->tap[NS_IF_VIRT0][NS_DIR_RX]);
    assert_int_equal(t->peer.stats.inject_fail, 0);
}

/* With pcap: the stub behind a pcap tee writing that file. */
static void dhcp_wire_then_ping(uint32_t version, const char *pcap)
{
    struct nt *t = wire_rig(version, NULL);
    if (pcap) {
        assert_int_equal(pcap_tee_open(&t->tee, &t->be, pcap), 0);
        t->be = pcap_tee_backend(&t->tee);
        fake_vnet_attach(&t->h.fake, &t->be);
    }
    unsigned k = nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    const struct ns_event *e = &t->ev[k];
    assert_int_equal(e->addr, OUR);
    assert_int_equal(e->mask, MASK24);
    assert_int_equal(e->prefix_len, 24);
    assert_int_equal(e->gw, PEER);
    assert_int_equal(e->dns, DNS);
    assert_int_equal(e->server, PEER);
    assert_int_equal(e->lease_s, 86400);
    assert_int_equal(e->have, NS_HAVE_MASK | NS_HAVE_ROUTER | NS_HAVE_DNS);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, OUR);
    assert_int_equal(i.mask, MASK24);
    assert_int_equal(i.gw, PEER);
    assert_int_equal(i.dns, DNS);
    assert_int_equal(ns_dhcp_state(&t->ns), DHCP_CLIENT_BOUND);
    assert_int_equal(t->peer.stats.dhcp_replies, 2); /* OFFER and ACK */
    assert_int_equal(nt_cnt(t).dhcp_out, 2);         /* DISCOVER and REQUEST */
    assert_int_equal(nt_cnt(t).dhcp_dropped, 0);

    struct ns_ping_params p = {PEER, 0x77, 3, 56, 1000, 2000};
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    nt_run_until(t, NS_EV_PING_DONE, 50);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.sent, 3);
    assert_int_equal(r.received, 3);
    assert_int_equal(r.out_of_order, 0);
    assert_int_equal(r.errors, 0);
    assert_int_equal(t->peer.stats.icmp_replies, 3);
    assert_int_equal(t->peer.stats.arp_replies, 1); /* resolved once, then cached */
    uint8_t mac[6];
    assert_int_equal(ns_arp_lookup(&t->ns, PEER, mac), NS_OK);
    assert_memory_equal(mac, nt_peer_mac, 6);
    check_rings(t);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.ping_bad, 0);
    assert_int_equal(c.eth_not_ours + c.ip_not_ours + c.icmp_bad + c.udp_bad, 0);
    if (pcap) {
        /* Every frame the device moved, each way, is in the file. */
        assert_int_equal(t->tee.tx_frames, t->h.fake.stats.tx_frames);
        assert_int_equal(t->tee.rx_frames, t->h.fake.stats.rx_delivered);
        assert_int_equal(t->tee.rx_frames, 2 + 3 + 1); /* OFFER ACK, 3 echo replies, ARP */
        fake_vnet_attach(&t->h.fake, NULL);
        fake_backend_close(&t->be);
        assert_int_equal(t->tee.out.error, 0);
    }
    nt_free(t);
}

/* A next hop that answers ARP late: the requests sent meanwhile must not
 * replace each other in ARP's one-packet hold. The link is cut (the fake
 * device has no backend) while the first request and its ARP request go
 * out, so both are lost and the stub answers only ARP's retry, a second
 * later; requests 2 and 3 are due 10 and 20 ms after the first. Every one
 * of them must still reach the peer and come back, none dropped. */
static void test_ping_waits_behind_arp(void **state)
{
    (void)state;
    struct nt *t = wire_rig(1, NULL);
    (void)nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    fake_vnet_attach(&t->h.fake, NULL);
    struct ns_ping_params p = {PEER, 0x78, 3, 56, 10, 1000};
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK); /* request 1 held, ARP request lost */
    assert_true(ns_arp_pending(&t->ns));
    for (unsigned i = 0; i < 25; i++) { /* past requests 2 and 3's times */
        t->now++;
        assert_int_equal(nt_poll(t), NS_OK);
    }
    fake_vnet_attach(&t->h.fake, &t->be);
    nt_run_until(t, NS_EV_PING_DONE, 200);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.sent, 3);
    assert_int_equal(r.received, 3);
    assert_int_equal(r.errors, 0);
    assert_int_equal(t->peer.stats.icmp_replies, 3);
    assert_int_equal(nt_cnt(t).arp_hold_drop, 0);
    nt_free(t);
}

/* Only the ping's own next hop holds it back: with another neighbour's
 * ARP pending (a host on the link that does not answer), a ping of
 * 127.0.0.1 goes at once, not after that ARP gives up three seconds on. */
static void test_ping_not_behind_another_arp(void **state)
{
    (void)state;
    struct nt *t = wire_rig(1, NULL);
    (void)nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    fake_vnet_attach(&t->h.fake, NULL);
    struct ns_ping_params away = {NP_IPV4(10, 0, 2, 99), 0x79, 1, 56, 10, 1000};
    assert_int_equal(ns_ping_start(&t->ns, &away), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_true(ns_arp_pending(&t->ns));
    ns_ping_stop(&t->ns);
    uint64_t t0 = t->now;
    struct ns_ping_params lo = {NS_LOOPBACK_ADDR, 0x7a, 3, 56, 10, 1000};
    assert_int_equal(ns_ping_start(&t->ns, &lo), NS_OK);
    nt_run_until(t, NS_EV_PING_DONE, 200);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.sent, 3);
    assert_int_equal(r.received, 3);
    assert_true(t->now - t0 < 100);
    assert_true(ns_arp_pending(&t->ns)); /* the other one still waits */
    nt_free(t);
}

static void test_dhcp_wire_then_ping_legacy(void **state)
{
    (void)state;
    dhcp_wire_then_ping(1, NULL);
}

static void test_dhcp_wire_then_ping_modern(void **state)
{
    (void)state;
    dhcp_wire_then_ping(2, NULL);
}

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap, fp);
    assert_int_equal(fclose(fp), 0);
    assert_true(n < cap);
    return n;
}

/* The pcap tee around the stub records the same bytes on every run (the
 * virtual clock). With RVNET_PCAP_DIR set (ctest sets it to the test's
 * build directory) the first run's files stay there for the
 * pcap_tee_tshark test, which reads them with tshark
 * (scripts/check-pcap.sh); without it they go to the temporary directory
 * and are removed. */
static void test_pcap_tee_of_the_stub_is_deterministic(void **state)
{
    (void)state;
    static uint8_t a[65536], b[65536];
    static const char *const layout[2] = {"legacy", "modern"};
    const char *keep = getenv("RVNET_PCAP_DIR");
    const char *tmp = getenv("TMPDIR");
    for (uint32_t v = 1; v <= 2; v++) {
        char first[512], again[sizeof(first) + 8];
        if (keep)
            snprintf(first, sizeof(first), "%s/tee_%s.pcap", keep, layout[v - 1]);
        else
            snprintf(first, sizeof(first), "%s/rvnet_tee_%s_%ld.pcap", tmp ? tmp : "/tmp",
                     layout[v - 1], (long)getpid());
        snprintf(again, sizeof(again), "%s.again", first);
        dhcp_wire_then_ping(v, first);
        dhcp_wire_then_ping(v, again);
        size_t na = slurp(first, a, sizeof(a));
        size_t nb = slurp(again, b, sizeof(b));
        remove(again);
        if (!keep)
            remove(first);
        assert_true(na > 24);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        /* The first frame is the DHCP DISCOVER, broadcast from our MAC, at
         * the rig's start time (1000 ms). */
        const uint8_t *r = a + 24;
        assert_int_equal(r[0] | (r[1] << 8), 1);
        assert_int_equal(r[4] | (r[5] << 8), 0);
        assert_memory_equal(r + 16, nt_bcast, 6);
        assert_memory_equal(r + 22, nt_our_mac, 6);
    }
}

/* slirp restrict=on: no router, no DNS option. The lease says so, the
 * link still works, and off-link has no route. */
static void test_dhcp_wire_restricted(void **state)
{
    (void)state;
    struct dhcp_server_config srv;
    dhcp_server_config_defaults(&srv);
    srv.router = 0;
    srv.dns = 0;
    srv.always_broadcast = true;
    struct nt *t = wire_rig(1, &srv);
    unsigned k = nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    assert_int_equal(t->ev[k].addr, OUR);
    assert_int_equal(t->ev[k].have, NS_HAVE_MASK);
    assert_int_equal(t->ev[k].gw, 0);
    assert_int_equal(t->ev[k].dns, 0);
    struct ns_ping_params p = {PEER, 1, 1, 56, 0, 5000};
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    nt_run_until(t, NS_EV_PING_DONE, 20);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 1);
    p.dst = NP_IPV4(8, 8, 8, 8);
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    nt_run_until(t, NS_EV_PING_DONE, 20);
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.received, 0);
    assert_int_equal(nt_cnt(t).ip_no_route, 1);
    check_rings(t);
    nt_free(t);
}

/* In-process stub: no device, no frame anywhere, bound in one poll. */
static void test_dhcp_stub_without_device(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    t->cfg.dhcp = NS_DHCP_STUB;
    /* Stub mode needs the caller's server and the function that serves it. */
    t->cfg.stub_input = NULL;
    assert_int_equal(nt_start(t), NS_ERR_INVAL);
    t->cfg.stub_input = dhcp_server_input;
    t->cfg.stub = NULL;
    assert_int_equal(nt_start(t), NS_ERR_INVAL);
    t->cfg.stub = &t->stub;
    assert_int_equal(nt_start(t), NS_OK);
    t->now = 0;
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->nev, 1);
    assert_int_equal(t->ev[0].type, NS_EV_DHCP_BOUND);
    assert_int_equal(t->ev[0].addr, OUR);
    assert_int_equal(t->ev[0].gw, PEER);
    assert_int_equal(t->ev[0].dns, DNS);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, OUR);
    struct ns_counters c = nt_cnt(t);
    assert_int_equal(c.dhcp_out, 2);
    assert_int_equal(c.dhcp_in, 2);
    assert_int_equal(c.tx_no_device, 0); /* no gratuitous ARP attempted */
    assert_int_equal(t->tap[NS_IF_VIRT0][NS_DIR_TX] + t->tap[NS_IF_VIRT0][NS_DIR_RX], 0);
    assert_int_equal(t->tap[NS_IF_LO][NS_DIR_TX], 0);
    /* Our own virt0 address is reached through lo. */
    struct ns_ping_params p = {OUR, 5, 1, 56, 0, 0};
    assert_int_equal(ns_ping_start(&t->ns, &p), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    struct ns_ping_result r;
    ns_ping_get(&t->ns, &r);
    assert_int_equal(r.received, 1);
    assert_int_equal(t->tap[NS_IF_LO][NS_DIR_TX], 2);
    nt_free(t);
}

/* At T1 the client renews; the stub gives the same lease: RENEWED, and the
 * interface is left exactly as it was (here with a gateway the test set by
 * hand, which a reconfiguration would overwrite). */
static void test_renewed_changes_nothing(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    t->cfg.dhcp = NS_DHCP_STUB;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(nt_poll(t), NS_OK);
    assert_int_equal(t->ev[0].type, NS_EV_DHCP_BOUND);
    uint64_t expire = ns_dhcp_lease(&t->ns)->expire_ms;
    const uint32_t marker_gw = NP_IPV4(10, 0, 2, 99);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, marker_gw), NS_OK);
    unsigned k = nt_run_until(t, NS_EV_DHCP_RENEWED, 10);
    assert_int_equal(t->now, 43200u * 1000u); /* T1 = lease / 2 */
    assert_int_equal(t->ev[k].addr, OUR);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.gw, marker_gw);
    assert_int_equal(i.addr, OUR);
    assert_true(ns_dhcp_lease(&t->ns)->expire_ms > expire);
    nt_free(t);
}

/* Wire mode, RENEWED: no gratuitous ARP either. LOST: virt0 unconfigured. */
static void test_renew_on_wire_then_lost(void **state)
{
    (void)state;
    struct nt *t = wire_rig(1, NULL);
    nt_run_until(t, NS_EV_DHCP_BOUND, 20);
    uint32_t arp_before = nt_cnt(t).arp_req_out;
    nt_run_until(t, NS_EV_DHCP_RENEWED, 20);
    /* The renewal is unicast to the server: at most one request to
     * resolve it (the entry expired long ago), no announcement. */
    assert_int_equal(nt_cnt(t).arp_req_out, arp_before + 1);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, OUR);
    /* The server goes away: the lease runs out. */
    t->peer.answer_dhcp = false;
    unsigned k = nt_run_until(t, NS_EV_DHCP_LOST, 200);
    assert_int_equal(t->ev[k].addr, 0);
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.addr, 0);
    assert_int_equal(i.gw, 0);
    check_rings(t);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_waits_behind_arp),
        cmocka_unit_test(test_ping_not_behind_another_arp),
        cmocka_unit_test(test_dhcp_wire_then_ping_legacy),
        cmocka_unit_test(test_dhcp_wire_then_ping_modern),
        cmocka_unit_test(test_pcap_tee_of_the_stub_is_deterministic),
        cmocka_unit_test(test_dhcp_wire_restricted),
        cmocka_unit_test(test_dhcp_stub_without_device),
        cmocka_unit_test(test_renewed_changes_nothing),
        cmocka_unit_test(test_renew_on_wire_then_lost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
