/*
 * Proof 5: the frames of proof 2 (an echo request and numbered UDP
 * datagrams from the peer) through a device made hostile (host/fake:
 * FAKE_FAULT_*): used lengths beyond the buffer or below a header, a frame
 * longer than the MTU, used ids out of range, duplicated and never-posted
 * TX completions, and a used index that jumps. lwIP never sees a bad
 * frame: what its input gets is exactly the good frames, byte for byte,
 * and the frontend's counters name every drop. A broken ring takes the
 * link down and the port stops calling the device. And a device that
 * completes no TX fills the ring: the port refuses with ERR_MEM, never
 * waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lwip_rig.h"

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#define NF 7u /* F0: echo request; F1..F6: UDP datagrams 1..6 */

struct frames {
    size_t len[NF + 1];
    uint8_t b[NF + 1][1600];
};

/* F0..F6 as in proof 2, and F7: a frame of 1520 bytes, 6 more than the
 * largest Ethernet frame the MTU allows (but it fits an RX buffer). */
static void make_frames(struct frames *fr)
{
    uint8_t *f = fr->b[0];
    uint8_t *icmp = f + NP_ETH_HLEN + NP_IPV4_HLEN;
    for (unsigned i = 0; i < 56; i++)
        icmp[NP_ICMP_HLEN + i] = (uint8_t)i;
    struct np_icmp m = {NP_ICMP_ECHO_REQUEST, 0, 0x5151, 1, NULL, 0};
    struct np_ipv4 h;
    memset(&h, 0, sizeof(h));
    h.id = 1;
    h.ttl = 64;
    h.proto = NP_IP_PROTO_ICMP;
    h.src = LR_PEER;
    h.dst = LR_OUR;
    struct np_eth e = {{0}, {0}, NP_ETHERTYPE_IPV4, NULL, 0};
    memcpy(e.dst, lr_our_mac, 6);
    memcpy(e.src, lr_peer_mac, 6);
    size_t n;
    assert_int_equal(np_icmp_build(icmp, 200, &m, 56, &n), NP_OK);
    assert_int_equal(np_ipv4_build(f + NP_ETH_HLEN, 200, &h, n, &n), NP_OK);
    assert_int_equal(np_eth_build(f, 200, &e, n, &fr->len[0]), NP_OK);
    for (unsigned k = 1; k < NF; k++) {
        uint8_t pay[400];
        size_t plen = 4 + 60 * k;
        memset(pay, 0, sizeof(pay));
        np_put32(pay, k);
        for (size_t i = 4; i < plen; i++)
            pay[i] = (uint8_t)(i ^ k);
        fr->len[k] = lr_udp_from_peer(fr->b[k], sizeof(fr->b[k]), 5000, 7000, pay, plen);
    }
    memcpy(fr->b[NF], fr->b[NF - 1], fr->len[NF - 1]);
    memset(fr->b[NF] + fr->len[NF - 1], 0x77, 1520 - fr->len[NF - 1]);
    fr->len[NF] = 1520;
}

struct got {
    unsigned n;
    uint32_t seq[16];
};

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                   u16_t port)
{
    struct got *g = arg;
    uint8_t b[4];
    if (g->n < 16 && pbuf_copy_partial(p, b, 4, 0) == 4)
        g->seq[g->n] = np_get32(b);
    g->n++;
    /* An answer, so TX completions happen (and can be faulted). */
    struct pbuf *q = pbuf_alloc(PBUF_TRANSPORT, 4, PBUF_RAM);
    if (q) {
        memcpy(q->payload, b, 4);
        (void)udp_sendto(pcb, q, addr, port);
        pbuf_free(q);
    }
    pbuf_free(p);
}

struct run {
    struct lr *r;
    struct udp_pcb *pcb;
    struct got g;
    struct frames fr;
    unsigned rx0; /* r->nrx when the frames started */
};

static struct run *run_new(void)
{
    struct run *u = calloc(1, sizeof(*u));
    assert_non_null(u);
    u->r = lr_leased(2, NULL);
    assert_non_null(u->r);
    make_frames(&u->fr);
    u->pcb = udp_new();
    assert_non_null(u->pcb);
    assert_int_equal(udp_bind(u->pcb, IP4_ADDR_ANY, 7000), ERR_OK);
    udp_recv(u->pcb, on_udp, &u->g);
    /* The peer's MAC first, so no ARP runs during the frames. */
    ip4_addr_t peer;
    IP4_ADDR(&peer, 10, 0, 2, 2);
    assert_int_equal(etharp_query(&u->r->v.netif, &peer, NULL), ERR_OK);
    lr_step(u->r);
    struct eth_addr *mac;
    const ip4_addr_t *ip;
    assert_true(etharp_find_addr(&u->r->v.netif, &peer, &mac, &ip) >= 0);
    u->rx0 = u->r->nrx;
    return u;
}

static void run_free(struct run *u)
{
    udp_remove(u->pcb);
    lr_free(u->r);
    free(u);
}

/* Injects frame k with fault armed before (FAKE_FAULT_COUNT: none) or,
 * with tx_side, after it: then the next used entry is the TX completion of
 * lwIP's answer. Then three polls. */
static void feed_at(struct run *u, unsigned k, enum fake_vnet_fault fault, bool tx_side)
{
    if (fault != FAKE_FAULT_COUNT && !tx_side)
        fake_vnet_fault(&u->r->h.fake, fault, 1);
    assert_int_equal(fake_vnet_inject(&u->r->h.fake, u->fr.b[k], u->fr.len[k]), 0);
    if (fault != FAKE_FAULT_COUNT && tx_side)
        fake_vnet_fault(&u->r->h.fake, fault, 1);
    for (unsigned i = 0; i < 3; i++)
        lr_step(u->r);
}

static void feed(struct run *u, unsigned k, enum fake_vnet_fault fault)
{
    feed_at(u, k, fault, false);
}

/* What lwIP's input got since the frames started is exactly the frames
 * named in want (indices into fr), in order and byte for byte. */
static void lwip_saw_exactly(const struct run *u, const unsigned *want, unsigned n)
{
    assert_int_equal(u->r->nrx - u->rx0, n);
    for (unsigned i = 0; i < n; i++) {
        const struct lr_frame *f = &u->r->rx[u->rx0 + i];
        assert_int_equal(f->len, u->fr.len[want[i]]);
        assert_memory_equal(f->b, u->fr.b[want[i]], f->len);
    }
}

static struct vnet_counters vc(const struct run *u)
{
    struct vnet_counters c;
    vnet_counters(&u->r->h.dev, &c);
    return c;
}

/* The baseline: a well-behaved device delivers all of them. */
static void test_good_device_delivers_all(void **state)
{
    (void)state;
    struct run *u = run_new();
    for (unsigned k = 0; k < NF; k++)
        feed(u, k, FAKE_FAULT_COUNT);
    static const unsigned all[] = {0, 1, 2, 3, 4, 5, 6};
    lwip_saw_exactly(u, all, NF);
    assert_int_equal(u->g.n, 6);
    struct vnet_counters c = vc(u);
    assert_int_equal(c.rx_len_over + c.rx_len_short + c.rx_len_long, 0);
    run_free(u);
}

static void test_impossible_lengths_never_reach_lwip(void **state)
{
    (void)state;
    struct run *u = run_new();
    struct vnet_counters c0 = vc(u);
    feed(u, 0, FAKE_FAULT_COUNT);
    feed(u, 1, FAKE_FAULT_COUNT);
    feed(u, 2, FAKE_FAULT_RX_LEN_OVER); /* used len = buffer + 100 */
    feed(u, 3, FAKE_FAULT_COUNT);
    feed(u, 4, FAKE_FAULT_RX_LEN_SHORT); /* used len = header + 5 */
    feed(u, NF, FAKE_FAULT_COUNT);       /* 1520 bytes: above vnet_mtu + 14 */
    feed(u, 5, FAKE_FAULT_COUNT);
    feed(u, 6, FAKE_FAULT_COUNT);
    static const unsigned good[] = {0, 1, 3, 5, 6};
    lwip_saw_exactly(u, good, 5);
    assert_int_equal(u->g.n, 4);
    assert_int_equal(u->g.seq[0], 1);
    assert_int_equal(u->g.seq[1], 3);
    assert_int_equal(u->g.seq[2], 5);
    assert_int_equal(u->g.seq[3], 6);
    struct vnet_counters c = vc(u);
    assert_int_equal(c.rx_len_over - c0.rx_len_over, 1);
    assert_int_equal(c.rx_len_short - c0.rx_len_short, 1);
    assert_int_equal(c.rx_len_long - c0.rx_len_long, 1);
    /* The port counts only what the frontend delivered. */
    struct lwip_vnet_counters p;
    lwip_vnet_counters(&u->r->v, &p);
    assert_int_equal(p.rx_frames, c.rx_frames);
    assert_int_equal(p.rx_frames, p.rx_to_lwip + p.rx_dhcp);
    assert_true(p.dev_errors >= 3);
    assert_int_equal(lwip_vnet_dev_error(&u->r->v), VNET_ERR_RX_LEN);
    /* And the device keeps working: the echo and the good datagrams were
     * answered. */
    assert_true(netif_is_link_up(&u->r->v.netif));
    run_free(u);
}

/* A used entry naming an id out of range, on the RX queue (the frame in
 * that buffer is lost: the device never said which buffer it was) and on
 * the TX queue (the completion of lwIP's answer): skipped and counted, and
 * the device carries on. */
static void test_bad_used_ids(void **state)
{
    (void)state;
    struct run *u = run_new();
    struct vnet_counters c0 = vc(u);
    feed(u, 0, FAKE_FAULT_COUNT);
    feed(u, 1, FAKE_FAULT_USED_ID_RANGE); /* its RX entry names id 16 + 3 */
    feed(u, 2, FAKE_FAULT_COUNT);
    feed_at(u, 3, FAKE_FAULT_USED_ID_RANGE, true); /* the answer's TX entry */
    feed(u, 4, FAKE_FAULT_COUNT);
    feed(u, 5, FAKE_FAULT_COUNT);
    feed(u, 6, FAKE_FAULT_COUNT);
    static const unsigned good[] = {0, 2, 3, 4, 5, 6};
    lwip_saw_exactly(u, good, 6);
    assert_int_equal(u->g.n, 5);
    struct vnet_counters c = vc(u);
    assert_int_equal(c.rxq.used_id_range - c0.rxq.used_id_range, 1);
    assert_int_equal(c.txq.used_id_range - c0.txq.used_id_range, 1);
    assert_int_equal(lwip_vnet_dev_error(&u->r->v), VNET_ERR_USED_ID);
    /* Every answer after the faults still went out, the last included. */
    struct np_udp_frame last;
    const struct lr_frame *f = lr_sent(u->r, u->r->wire.ntx - 1);
    assert_int_equal(np_udp_frame_parse(f->b, f->len, &last), NP_OK);
    assert_int_equal(np_get32(last.payload), 6);
    assert_int_equal(vnet_state(&u->r->h.dev), VNET_STATE_READY);
    assert_true(netif_is_link_up(&u->r->v.netif));
    run_free(u);
}

/* A ring the device broke: the frontend takes nothing more from it and
 * calls the device BROKEN; the port takes the link down, says why, and
 * calls the device no more, so nothing after reaches lwIP. */
static void broken_after(enum fake_vnet_fault fault, bool tx_side, int why)
{
    struct run *u = run_new();
    feed(u, 0, FAKE_FAULT_COUNT);
    feed(u, 1, FAKE_FAULT_COUNT);
    feed_at(u, 2, fault, tx_side);
    assert_int_equal(lwip_vnet_dev_error(&u->r->v), why);
    assert_int_equal(vnet_state(&u->r->h.dev), VNET_STATE_BROKEN);
    assert_false(netif_is_link_up(&u->r->v.netif));
    assert_int_equal(lr_count(u->r, LWIP_VNET_EV_LINK_DOWN), 1);
    uint64_t rxn = u->r->h.fake.q[0].notifies, txn = u->r->h.fake.q[1].notifies;
    uint64_t errs = u->r->v.cnt.dev_errors;
    for (unsigned k = 3; k < NF; k++)
        feed(u, k, FAKE_FAULT_COUNT);
    assert_int_equal(u->r->last_rc, LWIP_VNET_OK);
    assert_int_equal(u->r->v.cnt.dev_errors, errs);
    assert_int_equal(u->r->h.fake.q[0].notifies, rxn);
    assert_int_equal(u->r->h.fake.q[1].notifies, txn);
    /* F2 itself reached lwIP when the ring broke on its answer. */
    static const unsigned rx_broke[] = {0, 1}, tx_broke[] = {0, 1, 2};
    lwip_saw_exactly(u, tx_side ? tx_broke : rx_broke, tx_side ? 3 : 2);
    run_free(u);
}

/* used->idx jumps by more than the device holds (virtio 1.2 §2.7.8). */
static void test_rx_used_idx_jump_breaks_the_ring(void **state)
{
    (void)state;
    broken_after(FAKE_FAULT_USED_IDX_JUMP, false, VNET_ERR_USED_IDX);
}

/* The answer's TX completion written twice: two used entries for the one
 * buffer the device holds, which is also more than it holds. */
static void test_tx_duplicate_breaks_the_ring(void **state)
{
    (void)state;
    broken_after(FAKE_FAULT_USED_DUPLICATE, true, VNET_ERR_USED_IDX);
}

/* One datagram of 100 bytes from lwIP to the peer. */
static err_t send_100(struct run *u)
{
    ip_addr_t dst;
    IP_ADDR4(&dst, 10, 0, 2, 2);
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 100, PBUF_RAM);
    assert_non_null(p);
    memset(p->payload, 0x42, 100);
    err_t e = udp_sendto(u->pcb, p, &dst, 5000);
    pbuf_free(p);
    return e;
}

/* A device that takes TX buffers and completes none: the ring fills, the
 * port reclaims and tries once more, then refuses with ERR_MEM, counted,
 * at once (this test would hang if it waited). Once the device completes,
 * sending works again. A frame the frontend cannot take is ERR_BUF. */
static void test_tx_ring_full_never_blocks(void **state)
{
    (void)state;
    struct run *u = run_new();
    u->r->h.fake.knobs.auto_complete_tx = false;
    assert_int_equal(vnet_tx_reclaim(&u->r->h.dev, NULL), VNET_OK);
    unsigned room = vnet_tx_free(&u->r->h.dev);
    assert_true(room > 0 && room <= 16);
    uint64_t taken = u->r->h.fake.stats.tx_frames;
    unsigned ok = 0, mem = 0;
    for (unsigned i = 0; i < room + 4; i++) {
        err_t e = send_100(u);
        ok += e == ERR_OK;
        mem += e == ERR_MEM;
    }
    assert_int_equal(ok, room);
    assert_int_equal(mem, 4);
    assert_int_equal(u->r->h.fake.stats.tx_frames - taken, room);
    struct lwip_vnet_counters c;
    lwip_vnet_counters(&u->r->v, &c);
    assert_int_equal(c.tx_retried, 4);
    assert_int_equal(c.tx_full, 4);
    fake_vnet_process(&u->r->h.fake, true);
    assert_int_equal(send_100(u), ERR_OK);
    /* Straight to linkoutput: longer than any frame, shorter than a header. */
    struct pbuf *big = pbuf_alloc(PBUF_RAW, 1600, PBUF_RAM);
    struct pbuf *tiny = pbuf_alloc(PBUF_RAW, 10, PBUF_RAM);
    assert_non_null(big);
    assert_non_null(tiny);
    memset(big->payload, 0, 1600);
    memset(tiny->payload, 0, 10);
    assert_int_equal(u->r->v.netif.linkoutput(&u->r->v.netif, big), ERR_BUF);
    assert_int_equal(u->r->v.netif.linkoutput(&u->r->v.netif, tiny), ERR_BUF);
    pbuf_free(big);
    pbuf_free(tiny);
    lwip_vnet_counters(&u->r->v, &c);
    assert_int_equal(c.tx_bad_len, 2);
    assert_int_equal(u->r->h.fake.violations, 0);
    run_free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_device_delivers_all),
        cmocka_unit_test(test_impossible_lengths_never_reach_lwip),
        cmocka_unit_test(test_bad_used_ids),
        cmocka_unit_test(test_rx_used_idx_jump_breaks_the_ring),
        cmocka_unit_test(test_tx_duplicate_breaks_the_ring),
        cmocka_unit_test(test_tx_ring_full_never_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
