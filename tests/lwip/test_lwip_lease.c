/*
 * Proof 1: lwIP gets the stub network's lease through rvnet's frontend,
 * with rvnet's DHCP client driven by the port, and keeps it: a renewal at
 * T1 (RENEWED, the netif unchanged), a renewal after the server changed its
 * router and DNS (CHANGED, applied to lwIP's netif), and one after the
 * server moved to another address (its NAK: LOST, the netif unconfigured,
 * then BOUND to the new address). And the netif's link follows the
 * frontend's. The stub answers on the test's virtual clock, which lwIP's
 * sys_now() reads too (lwip_vnet_clock.c), so every run is the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lwip_rig.h"

#include "dhcp-stub/dhcp_server.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

/* The frame is IPv4/UDP from sport to dport; *u gets it. */
static bool is_udp(const struct lr_frame *f, uint16_t sport, uint16_t dport, struct np_udp_frame *u)
{
    return np_udp_frame_parse(f->b, f->len, u) == NP_OK && u->src_port == sport &&
           u->dst_port == dport;
}

/* The DHCP message type (option 53) of a DHCP payload, 0 when none. */
static unsigned dhcp_type(const struct np_udp_frame *u)
{
    const uint8_t *o = u->payload + 240;
    const uint8_t *end = u->payload + u->payload_len;
    while (o + 2 <= end && o[0] != 255) {
        if (o[0] == 0) {
            o++;
            continue;
        }
        if (o[0] == 53 && o[1] == 1)
            return o[2];
        o += 2 + o[1];
    }
    return 0;
}

static struct lr *leased(void)
{
    struct lr *r = lr_new(2, NULL);
    assert_int_equal(lr_start(r), LWIP_VNET_OK);
    /* Before any lease: up, unconfigured, link up, the frontend's MAC and MTU. */
    assert_true(netif_is_up(&r->v.netif));
    assert_true(netif_is_link_up(&r->v.netif));
    assert_int_equal(lr_ip(r), 0);
    assert_memory_equal(r->v.netif.hwaddr, vnet_mac(&r->h.dev), 6);
    assert_int_equal(r->v.netif.mtu, vnet_mtu(&r->h.dev));
    assert_true(lr_until(r, LWIP_VNET_EV_BOUND, 1, 20));
    return r;
}

static void test_lease_from_the_stub(void **state)
{
    (void)state;
    struct lr *r = leased();
    /* lwIP's netif has the lease, and the port the DNS server. */
    assert_int_equal(lr_ip(r), NP_IPV4(10, 0, 2, 15));
    assert_int_equal(lr_mask(r), NP_IPV4(255, 255, 255, 0));
    assert_int_equal(lr_gw(r), NP_IPV4(10, 0, 2, 2));
    assert_int_equal(lwip_vnet_dns(&r->v), NP_IPV4(10, 0, 2, 3));
    const struct lwip_vnet_event *e = lr_last(r, LWIP_VNET_EV_BOUND);
    assert_int_equal(e->addr, NP_IPV4(10, 0, 2, 15));
    assert_int_equal(e->gw, NP_IPV4(10, 0, 2, 2));
    assert_int_equal(e->dns, NP_IPV4(10, 0, 2, 3));
    assert_int_equal(e->lease_s, 86400);
    assert_int_equal(dhcp_client_state(lwip_vnet_dhcp(&r->v)), DHCP_CLIENT_BOUND);

    /* On the wire: DISCOVER and REQUEST, broadcast from 0.0.0.0:68 through
     * lwIP's UDP, then lwIP's gratuitous ARP for the new address. */
    struct np_udp_frame u;
    assert_true(r->wire.ntx >= 3);
    assert_true(is_udp(lr_sent(r, 0), 68, 67, &u));
    assert_memory_equal(u.dst_mac, lr_bcast, 6);
    assert_memory_equal(u.src_mac, lr_our_mac, 6);
    assert_int_equal(u.src_ip, 0);
    assert_int_equal(u.dst_ip, NP_IPV4_BROADCAST);
    assert_int_equal(dhcp_type(&u), 1); /* DISCOVER */
    assert_true(is_udp(lr_sent(r, 1), 68, 67, &u));
    assert_int_equal(dhcp_type(&u), 3); /* REQUEST */
    struct np_eth eh;
    struct np_arp a;
    assert_int_equal(np_eth_parse(lr_sent(r, 2)->b, lr_sent(r, 2)->len, &eh), NP_OK);
    assert_int_equal(eh.type, NP_ETHERTYPE_ARP);
    assert_int_equal(np_arp_parse(eh.payload, eh.payload_len, &a), NP_OK);
    assert_int_equal(a.spa, LR_OUR);
    assert_int_equal(a.tpa, LR_OUR);

    /* OFFER and ACK went to the client, never to lwIP. */
    struct lwip_vnet_counters c;
    lwip_vnet_counters(&r->v, &c);
    assert_int_equal(c.dhcp_in, 2);
    assert_int_equal(c.dhcp_out, 2);
    assert_int_equal(c.dhcp_dropped, 0);
    assert_int_equal(c.rx_dhcp, 2);
    assert_int_equal(r->ndhcp, 2);
    assert_int_equal(c.rx_to_lwip, r->nrx);
    assert_int_equal(r->stub.stats.dhcp_replies, 2);
    assert_int_equal(r->h.fake.violations, 0);
    lr_free(r);
}

/* T1 of a one-day lease without option 58: 12 h (RFC 2131 §4.4.5). The
 * renewal is unicast to the server (lwIP's ARP found its MAC) from our
 * address; the ACK extends the lease and changes nothing in the netif. */
static void test_renewed_at_t1(void **state)
{
    (void)state;
    struct lr *r = leased();
    uint64_t bound_at = r->now;
    const struct dhcp_lease *l = lwip_vnet_lease(&r->v);
    uint64_t t1 = l->t1_ms;
    assert_true(t1 >= bound_at + 43200000ull - 10);
    uint64_t sent = r->wire.ntx;
    lr_jump_dhcp(r);
    assert_true(lr_until(r, LWIP_VNET_EV_RENEWED, 1, 20));
    assert_int_equal(lr_count(r, LWIP_VNET_EV_CHANGED), 0);
    assert_int_equal(lr_count(r, LWIP_VNET_EV_LOST), 0);
    assert_true(lwip_vnet_lease(&r->v)->t1_ms >= t1 + 43200000ull);
    assert_int_equal(lr_ip(r), NP_IPV4(10, 0, 2, 15));
    assert_int_equal(lr_gw(r), NP_IPV4(10, 0, 2, 2));
    /* The REQUEST of RENEWING: to 10.0.2.2 at its MAC, from 10.0.2.15. */
    bool unicast = false;
    for (uint64_t k = sent; k < r->wire.ntx; k++) {
        struct np_udp_frame u;
        if (is_udp(lr_sent(r, k), 68, 67, &u) && dhcp_type(&u) == 3) {
            assert_memory_equal(u.dst_mac, lr_peer_mac, 6);
            assert_int_equal(u.dst_ip, LR_PEER);
            assert_int_equal(u.src_ip, LR_OUR);
            unicast = true;
        }
    }
    assert_true(unicast);
    lr_free(r);
}

/* Between renewals the server's router and DNS move: the next renewal is
 * CHANGED and lwIP's netif takes the new gateway. */
static void test_changed_router_and_dns_applied(void **state)
{
    (void)state;
    struct lr *r = leased();
    lr_jump_dhcp(r);
    assert_true(lr_until(r, LWIP_VNET_EV_RENEWED, 1, 20));
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.always_broadcast = true;
    sc.router = NP_IPV4(10, 0, 2, 1);
    sc.dns = NP_IPV4(10, 0, 2, 4);
    assert_int_equal(dhcp_server_init(&r->stub.dhcp, &sc), DHCP_OK);
    lr_jump_dhcp(r);
    assert_true(lr_until(r, LWIP_VNET_EV_CHANGED, 1, 20));
    assert_int_equal(lr_ip(r), NP_IPV4(10, 0, 2, 15));
    assert_int_equal(lr_gw(r), NP_IPV4(10, 0, 2, 1));
    assert_int_equal(lwip_vnet_dns(&r->v), NP_IPV4(10, 0, 2, 4));
    const struct lwip_vnet_event *e = lr_last(r, LWIP_VNET_EV_CHANGED);
    assert_int_equal(e->gw, NP_IPV4(10, 0, 2, 1));
    assert_int_equal(e->dns, NP_IPV4(10, 0, 2, 4));
    /* lwIP routes by the new gateway: 8.8.8.8 goes to the netif. */
    ip4_addr_t far;
    IP4_ADDR(&far, 8, 8, 8, 8);
    assert_ptr_equal(ip4_route(&far), &r->v.netif);
    lr_free(r);
}

/* The server moves to 10.0.2.16: the renewal's REQUEST for .15 gets a NAK,
 * the client loses the lease (the netif unconfigured), and its DISCOVER
 * after the back-off binds the new address. */
static void test_new_address_lost_then_bound(void **state)
{
    (void)state;
    struct lr *r = leased();
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.always_broadcast = true;
    sc.addr = NP_IPV4(10, 0, 2, 16);
    assert_int_equal(dhcp_server_init(&r->stub.dhcp, &sc), DHCP_OK);
    lr_jump_dhcp(r);
    assert_true(lr_until(r, LWIP_VNET_EV_LOST, 1, 20));
    assert_int_equal(lr_ip(r), 0);
    assert_int_equal(lr_gw(r), 0);
    assert_int_equal(lwip_vnet_dns(&r->v), 0);
    for (unsigned i = 0; i < 10 && lr_count(r, LWIP_VNET_EV_BOUND) < 2; i++)
        lr_jump_dhcp(r);
    assert_int_equal(lr_count(r, LWIP_VNET_EV_BOUND), 2);
    assert_int_equal(lr_ip(r), NP_IPV4(10, 0, 2, 16));
    assert_int_equal(lr_gw(r), NP_IPV4(10, 0, 2, 2));
    struct lwip_vnet_counters c;
    lwip_vnet_counters(&r->v, &c);
    assert_int_equal(c.dhcp_applied, 3); /* BOUND, LOST, BOUND */
    lr_free(r);
}

/* One datagram to 10.0.2.2:9 through lwIP's UDP on the netif. */
static err_t send_one(struct lr *r, struct udp_pcb *pcb, const char *what)
{
    ip_addr_t dst;
    IP_ADDR4(&dst, 10, 0, 2, 2);
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)strlen(what), PBUF_RAM);
    assert_non_null(p);
    memcpy(p->payload, what, strlen(what));
    err_t e = udp_sendto_if(pcb, p, &dst, 9, &r->v.netif);
    pbuf_free(p);
    return e;
}

/* The netif's link is the frontend's: the device's link goes down (a
 * config-change interrupt), lwIP's netif follows and nothing more reaches
 * the device; it comes back up and lwIP sends again. */
static void test_link_follows_the_frontend(void **state)
{
    (void)state;
    struct lr *r = leased();
    assert_int_equal(lr_count(r, LWIP_VNET_EV_LINK_UP), 1); /* at init */
    struct udp_pcb *pcb = udp_new();
    assert_non_null(pcb);
    /* First with the link up, so lwIP has the peer's MAC. */
    assert_int_equal(send_one(r, pcb, "first"), ERR_OK);
    for (unsigned i = 0; i < 5; i++)
        lr_step(r);
    uint64_t sent = r->h.fake.stats.tx_frames;
    assert_int_equal(lr_sent(r, r->wire.ntx - 1)->len, NP_UDP_FRAME_HLEN + 5);

    fake_vnet_set_link(&r->h.fake, false);
    lr_step(r);
    assert_false(vnet_link_up(&r->h.dev));
    assert_false(netif_is_link_up(&r->v.netif));
    assert_int_equal(lr_count(r, LWIP_VNET_EV_LINK_DOWN), 1);
    assert_int_equal(send_one(r, pcb, "down"), ERR_IF);
    for (unsigned i = 0; i < 10; i++)
        lr_step(r);
    assert_int_equal(r->h.fake.stats.tx_frames, sent);
    struct lwip_vnet_counters c;
    lwip_vnet_counters(&r->v, &c);
    assert_int_equal(c.tx_link_down, 1);
    assert_int_equal(c.link_changes, 2); /* up at init, then down */

    fake_vnet_set_link(&r->h.fake, true);
    lr_step(r);
    assert_true(netif_is_link_up(&r->v.netif));
    assert_int_equal(lr_count(r, LWIP_VNET_EV_LINK_UP), 2);
    sent = r->h.fake.stats.tx_frames;
    assert_int_equal(send_one(r, pcb, "up"), ERR_OK);
    assert_true(r->h.fake.stats.tx_frames > sent);
    struct np_udp_frame u;
    assert_true(np_udp_frame_parse(lr_sent(r, r->wire.ntx - 1)->b, lr_sent(r, r->wire.ntx - 1)->len,
                                   &u) == NP_OK);
    assert_int_equal(u.payload_len, 2);
    assert_memory_equal(u.payload, "up", 2);
    udp_remove(pcb);
    lr_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lease_from_the_stub),
        cmocka_unit_test(test_renewed_at_t1),
        cmocka_unit_test(test_changed_router_and_dns_applied),
        cmocka_unit_test(test_new_address_lost_then_bound),
        cmocka_unit_test(test_link_follows_the_frontend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
