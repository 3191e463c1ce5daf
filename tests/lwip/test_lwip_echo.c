/*
 * Proof 2: lwIP, on rvnet's frontend with the stub network's lease,
 * answers an echo request from the stub's peer (10.0.2.2) with exactly the
 * reply RFC 792 asks for, byte for byte; exchanges UDP datagrams with the
 * peer through its UDP API, byte-exact both ways; and pings the peer
 * through its raw API, the stub answering. Every frame is checked as the
 * device carried it (the rig's wire), not as lwIP meant it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lwip_rig.h"

#include "lwip/inet_chksum.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/raw.h"
#include "lwip/udp.h"

/* An IPv4 frame around an ICMP echo (type 8 or 0) of plen payload bytes:
 * dst/src MACs and addresses, IP id and TTL as given. Returns the length. */
static size_t icmp_frame(uint8_t *f, size_t cap, const uint8_t *dmac, const uint8_t *smac,
                         uint32_t src, uint32_t dst, uint16_t ip_id, uint8_t ttl, uint8_t type,
                         uint16_t id, uint16_t seq, const uint8_t *payload, size_t plen)
{
    uint8_t *icmp = f + NP_ETH_HLEN + NP_IPV4_HLEN;
    memcpy(icmp + NP_ICMP_HLEN, payload, plen);
    struct np_icmp m = {type, 0, id, seq, NULL, 0};
    struct np_ipv4 h;
    memset(&h, 0, sizeof(h));
    h.id = ip_id;
    h.ttl = ttl;
    h.proto = NP_IP_PROTO_ICMP;
    h.src = src;
    h.dst = dst;
    struct np_eth e = {{0}, {0}, NP_ETHERTYPE_IPV4, NULL, 0};
    memcpy(e.dst, dmac, 6);
    memcpy(e.src, smac, 6);
    size_t n;
    assert_int_equal(np_icmp_build(icmp, cap - (size_t)(icmp - f), &m, plen, &n), NP_OK);
    assert_int_equal(np_ipv4_build(f + NP_ETH_HLEN, cap - NP_ETH_HLEN, &h, n, &n), NP_OK);
    assert_int_equal(np_eth_build(f, cap, &e, n, &n), NP_OK);
    return n;
}

/* The first frame the device sent from index `from` on that is IPv4 with
 * protocol proto, or NULL. */
static const struct lr_frame *sent_ip(const struct lr *r, uint64_t from, uint8_t proto)
{
    for (uint64_t k = from; k < r->wire.ntx; k++) {
        const struct lr_frame *f = lr_sent(r, k);
        if (f->len >= 34 && np_get16(f->b + 12) == NP_ETHERTYPE_IPV4 && f->b[23] == proto)
            return f;
    }
    return NULL;
}

static void test_echo_request_answered_byte_for_byte(void **state)
{
    (void)state;
    struct lr *r = lr_leased(2, NULL);
    assert_non_null(r);
    uint8_t payload[56];
    for (unsigned i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(0xa0 + i);
    uint8_t req[128], want[128];
    size_t n = icmp_frame(req, sizeof(req), lr_our_mac, lr_peer_mac, LR_PEER, LR_OUR, 0x1111, 64,
                          NP_ICMP_ECHO_REQUEST, 0x5151, 7, payload, sizeof(payload));
    uint64_t from = r->wire.ntx;
    unsigned rx_before = r->nrx;
    assert_int_equal(fake_vnet_inject(&r->h.fake, req, n), 0);
    for (unsigned i = 0; i < 5 && !sent_ip(r, from, NP_IP_PROTO_ICMP); i++)
        lr_step(r);
    /* lwIP saw the request exactly as the device delivered it. */
    assert_int_equal(r->nrx, rx_before + 1 + 1); /* the request, and the stub's ARP reply */
    assert_int_equal(r->rx[rx_before].len, n);
    assert_memory_equal(r->rx[rx_before].b, req, n);
    /* The reply (RFC 792: addresses swapped, type 0, the rest echoed; lwIP
     * keeps the request's IP id and sets its ICMP_TTL, 255). */
    const struct lr_frame *got = sent_ip(r, from, NP_IP_PROTO_ICMP);
    assert_non_null(got);
    size_t wn = icmp_frame(want, sizeof(want), lr_peer_mac, lr_our_mac, LR_OUR, LR_PEER, 0x1111,
                           255, NP_ICMP_ECHO_REPLY, 0x5151, 7, payload, sizeof(payload));
    assert_int_equal(got->len, wn);
    assert_memory_equal(got->b, want, wn);
    /* Before it, lwIP asked for the peer's MAC: one ARP request, broadcast,
     * who-has 10.0.2.2 tell 10.0.2.15 (RFC 826). */
    const struct lr_frame *arp = lr_sent(r, from);
    struct np_eth eh;
    struct np_arp a;
    assert_int_equal(np_eth_parse(arp->b, arp->len, &eh), NP_OK);
    assert_int_equal(eh.type, NP_ETHERTYPE_ARP);
    assert_memory_equal(eh.dst, lr_bcast, 6);
    assert_int_equal(np_arp_parse(eh.payload, eh.payload_len, &a), NP_OK);
    assert_int_equal(a.op, NP_ARP_REQUEST);
    assert_int_equal(a.spa, LR_OUR);
    assert_int_equal(a.tpa, LR_PEER);
    assert_memory_equal(a.sha, lr_our_mac, 6);
    assert_int_equal(r->wire.ntx, from + 2);
    assert_int_equal(r->h.fake.violations, 0);
    lr_free(r);
}

struct dgrams {
    unsigned n;
    struct {
        size_t len;
        uint8_t b[1500];
        uint32_t from;
        uint16_t port;
    } d[8];
};

/* UDP echo with a twist: every byte comes back XORed with 0x5a, to the
 * sender's address and port. The answer's payload is a PBUF_REF pbuf over
 * a buffer here, so lwIP puts the headers in a pbuf of their own and the
 * frame reaches linkoutput as a chain of two: the port flattens it. */
static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                   u16_t port)
{
    struct dgrams *g = arg;
    static uint8_t answer[1500];
    if (g->n < 8) {
        g->d[g->n].len = p->tot_len;
        pbuf_copy_partial(p, g->d[g->n].b, p->tot_len, 0);
        g->d[g->n].from = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr)));
        g->d[g->n].port = port;
    }
    for (unsigned i = 0; i < p->tot_len && i < sizeof(answer); i++)
        answer[i] = (uint8_t)(pbuf_get_at(p, (u16_t)i) ^ 0x5a);
    struct pbuf *q = pbuf_alloc(PBUF_RAW, p->tot_len, PBUF_REF);
    if (q) {
        q->payload = answer;
        (void)udp_sendto(pcb, q, addr, port);
        pbuf_free(q);
    }
    g->n++;
    pbuf_free(p);
}

static void test_udp_datagrams_both_ways(void **state)
{
    (void)state;
    struct lr *r = lr_leased(1, NULL);
    assert_non_null(r);
    static struct dgrams g;
    memset(&g, 0, sizeof(g));
    struct udp_pcb *pcb = udp_new();
    assert_non_null(pcb);
    assert_int_equal(udp_bind(pcb, IP4_ADDR_ANY, 7000), ERR_OK);
    udp_recv(pcb, on_udp, &g);
    /* 1 byte, 100 bytes, and the most one frame holds (1500 - 28). */
    static const size_t sizes[] = {1, 100, 1472};
    static uint8_t pay[3][1472], frame[1514], want[1514];
    for (unsigned k = 0; k < 3; k++) {
        for (size_t i = 0; i < sizes[k]; i++)
            pay[k][i] = (uint8_t)(i * 7 + k);
        uint64_t from = r->wire.ntx;
        size_t n =
            lr_udp_from_peer(frame, sizeof(frame), (uint16_t)(5000 + k), 7000, pay[k], sizes[k]);
        assert_int_equal(fake_vnet_inject(&r->h.fake, frame, n), 0);
        for (unsigned i = 0; i < 5 && !sent_ip(r, from, NP_IP_PROTO_UDP); i++)
            lr_step(r);
        /* lwIP's UDP got it whole, from the peer's address and port. */
        assert_int_equal(g.n, k + 1);
        assert_int_equal(g.d[k].len, sizes[k]);
        assert_memory_equal(g.d[k].b, pay[k], sizes[k]);
        assert_int_equal(g.d[k].from, LR_PEER);
        assert_int_equal(g.d[k].port, 5000 + k);
        /* Its answer on the wire: rebuilt here with the IP id lwIP chose
         * (a counter) and its UDP_TTL (255), it must match to the byte. */
        const struct lr_frame *got = sent_ip(r, from, NP_IP_PROTO_UDP);
        assert_non_null(got);
        struct np_udp_frame u;
        memset(&u, 0, sizeof(u));
        memcpy(u.dst_mac, lr_peer_mac, 6);
        memcpy(u.src_mac, lr_our_mac, 6);
        u.src_ip = LR_OUR;
        u.dst_ip = LR_PEER;
        u.src_port = 7000;
        u.dst_port = (uint16_t)(5000 + k);
        u.ttl = 255;
        u.ip_id = np_get16(got->b + 18);
        for (size_t i = 0; i < sizes[k]; i++)
            want[NP_UDP_FRAME_HLEN + i] = (uint8_t)(pay[k][i] ^ 0x5a);
        size_t wn;
        assert_int_equal(np_udp_frame_build(want, sizeof(want), &u, sizes[k], &wn), NP_OK);
        /* np_udp_frame_build pads to 60 bytes; lwIP sends short frames as they are. */
        size_t exact = NP_UDP_FRAME_HLEN + sizes[k];
        assert_int_equal(got->len, exact);
        assert_memory_equal(got->b, want, exact);
        /* (the UDP checksum in it covers the payload: RFC 768) */
        struct np_udp_frame back;
        assert_int_equal(np_udp_frame_parse(got->b, got->len, &back), NP_OK);
    }
    udp_remove(pcb);
    lr_free(r);
}

struct pings {
    unsigned replies, bad;
    uint16_t seq;
    uint8_t payload[64];
};

/* Sees every ICMP packet lwIP takes in (p->payload: the IP header); eats
 * our echo replies, leaves the rest to lwIP. */
static u8_t on_icmp(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    struct pings *s = arg;
    (void)pcb;
    uint8_t b[128];
    if (p->tot_len > sizeof(b))
        return 0;
    pbuf_copy_partial(p, b, p->tot_len, 0);
    unsigned hl = (b[0] & 0x0fu) * 4u;
    if (p->tot_len < hl + 8u || b[hl] != 0 || np_get16(b + hl + 4) != 0x7276)
        return 0;
    if (lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr))) != LR_PEER || p->tot_len != hl + 8u + 64u ||
        np_get16(b + hl + 6) != s->seq || memcmp(b + hl + 8, s->payload, 64) != 0 ||
        np_inet_checksum(b + hl, 8u + 64u) != 0)
        s->bad++;
    else
        s->replies++;
    pbuf_free(p);
    return 1;
}

static void test_raw_ping_of_the_peer(void **state)
{
    (void)state;
    struct lr *r = lr_leased(2, NULL);
    assert_non_null(r);
    static struct pings s;
    memset(&s, 0, sizeof(s));
    for (unsigned i = 0; i < 64; i++)
        s.payload[i] = (uint8_t)(255 - i);
    struct raw_pcb *pcb = raw_new(IP_PROTO_ICMP);
    assert_non_null(pcb);
    raw_recv(pcb, on_icmp, &s);
    ip_addr_t dst;
    IP_ADDR4(&dst, 10, 0, 2, 2);
    for (uint16_t seq = 1; seq <= 3; seq++) {
        s.seq = seq;
        struct pbuf *p = pbuf_alloc(PBUF_IP, 8 + 64, PBUF_RAM);
        assert_non_null(p);
        uint8_t *m = p->payload;
        memset(m, 0, 8);
        m[0] = 8;
        np_put16(m + 4, 0x7276);
        np_put16(m + 6, seq);
        memcpy(m + 8, s.payload, 64);
        u16_t sum = inet_chksum(m, 8 + 64);
        memcpy(m + 2, &sum, 2);
        assert_int_equal(raw_sendto(pcb, p, &dst), ERR_OK);
        pbuf_free(p);
        for (unsigned i = 0; i < 5 && s.replies < seq; i++)
            lr_step(r);
        assert_int_equal(s.replies, seq);
    }
    assert_int_equal(s.bad, 0);
    assert_int_equal(r->stub.stats.icmp_replies, 3);
    raw_remove(pcb);
    lr_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_request_answered_byte_for_byte),
        cmocka_unit_test(test_udp_datagrams_both_ways),
        cmocka_unit_test(test_raw_ping_of_the_peer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
