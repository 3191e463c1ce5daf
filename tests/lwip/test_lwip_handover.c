/*
 * Proof 4: the hand-over. rvnet's netstack brings virt0 up on the stub
 * network and gets its lease, then gives the live frontend, the lease and
 * its ARP entries to lwIP (ns_handover, then lwip_vnet_takeover):
 *  - no reset and no second initialisation: the device saw one reset and
 *    one DRIVER_OK (counted here, in the register access path), the RX
 *    buffers that were posted stay posted (no buffer posted again, no queue
 *    set up again: the fake would call that a violation);
 *  - no frame is lost or delivered twice: numbered datagrams injected
 *    before the hand-over (taken by the netstack), between its last poll
 *    and the hand-over (still in the RX ring) and after it (lwIP's) arrive
 *    each exactly once at one of the two;
 *  - lwIP carries on with the same address, the gateway's MAC (no ARP
 *    request for it), and the lease keeps renewing through rvnet's DHCP
 *    client, now driven by the port;
 *  - the netstack refuses to touch the device afterwards: NS_ERR_HANDED_OVER
 *    from ns_poll, ns_irq and a send, each counted, and not one register
 *    access from them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lwip_rig.h"

#include "lwip-vnet/lwip_vnet_ns.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "netstack/handover.h"

#define PORT 7000u
#define N_BEFORE 5u /* taken by the netstack */
#define N_RING 5u   /* delivered by the device, not polled by the netstack */
#define N_AFTER 5u  /* delivered after the hand-over */
#define N_ALL (N_BEFORE + N_RING + N_AFTER)

/* Every register access the frontend makes goes through here. */
struct counting {
    struct vnet_ops inner;
    unsigned long reads, writes, resets, driver_ok;
};

static struct counting cnt;

static uint32_t c_read32(void *ctx, uint32_t off)
{
    struct counting *c = ctx;
    c->reads++;
    return c->inner.read32(c->inner.ctx, off);
}

static uint16_t c_read16(void *ctx, uint32_t off)
{
    struct counting *c = ctx;
    c->reads++;
    return c->inner.read16(c->inner.ctx, off);
}

static uint8_t c_read8(void *ctx, uint32_t off)
{
    struct counting *c = ctx;
    c->reads++;
    return c->inner.read8(c->inner.ctx, off);
}

static void c_write32(void *ctx, uint32_t off, uint32_t val)
{
    struct counting *c = ctx;
    c->writes++;
    /* virtio 1.2 §4.2.2: Status 0 is a reset; DRIVER_OK is the last step
     * of an initialisation (§3.1.1). */
    if (off == VNET_MMIO_STATUS && val == 0)
        c->resets++;
    if (off == VNET_MMIO_STATUS && (val & VNET_STATUS_DRIVER_OK))
        c->driver_ok++;
    c->inner.write32(c->inner.ctx, off, val);
}

static void c_barrier(void *ctx, enum vnet_barrier kind)
{
    struct counting *c = ctx;
    c->inner.barrier(c->inner.ctx, kind);
}

static uint64_t c_dma_addr(void *ctx, const void *p)
{
    struct counting *c = ctx;
    return c->inner.dma_addr(c->inner.ctx, p);
}

static unsigned long accesses(void)
{
    return cnt.reads + cnt.writes;
}

/* The netstack's side. */
static struct ns_host ns;
static struct lo_slot lo[LO_DEPTH_DEFAULT];
static struct ns_arp_entry arp[4];
static struct ns_frame hold[4];
static struct ns_dgram slots[16];
static struct ns_udp_sock sock;
static bool ns_bound;

static void ns_event(void *ctx, const struct ns_event *ev)
{
    (void)ctx;
    if (ev->type == NS_EV_DHCP_BOUND)
        ns_bound = true;
}

static void ns_step(struct lr *r)
{
    (void)fake_backend_poll(&r->be, r->now);
    if (fake_vnet_irq_line(&r->h.fake))
        assert_int_equal(ns_irq(&ns), NS_OK);
    assert_int_equal(ns_poll(&ns, r->now), NS_OK);
    r->now++;
}

/* The datagram numbered k from the peer to port 7000. */
static void inject_numbered(struct lr *r, uint32_t k)
{
    uint8_t pay[32], f[128];
    memset(pay, (int)k, sizeof(pay));
    np_put32(pay, k);
    size_t n = lr_udp_from_peer(f, sizeof(f), 5000, PORT, pay, sizeof(pay));
    assert_int_equal(fake_vnet_inject(&r->h.fake, f, n), 0);
}

struct got {
    unsigned n;
    uint32_t seq[32];
};

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                   u16_t port)
{
    struct got *g = arg;
    uint8_t b[32];
    (void)pcb;
    (void)addr;
    (void)port;
    if (g->n < 32 && pbuf_copy_partial(p, b, 32, 0) == 32)
        g->seq[g->n] = np_get32(b);
    g->n++;
    pbuf_free(p);
}

/* The RX queue as the device and the driver see it. */
struct rxq_view {
    uint16_t driver_avail; /* the driver's next avail index */
    uint16_t device_avail; /* the next avail entry the device will take */
    uint16_t used;         /* the device's used index */
    uint64_t desc, notifies;
};

static struct rxq_view rxq_view(const struct lr *r)
{
    struct rxq_view v = {r->h.dev.rxq.avail_idx, r->h.fake.q[0].last_avail, r->h.fake.q[0].used_idx,
                         r->h.fake.q[0].desc, r->h.fake.q[0].notifies};
    return v;
}

static void test_handover_to_lwip(void **state)
{
    (void)state;
    /* The device, with every register access counted. */
    struct lr *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    assert_int_equal(vnet_harness_open(&r->h, 2, NULL), 0);
    memset(&cnt, 0, sizeof(cnt));
    cnt.inner = r->h.ops;
    r->h.ops.read32 = c_read32;
    r->h.ops.read16 = c_read16;
    r->h.ops.read8 = c_read8;
    r->h.ops.write32 = c_write32;
    r->h.ops.barrier = c_barrier;
    r->h.ops.dma_addr = c_dma_addr;
    r->h.ops.ctx = &cnt;
    assert_int_equal(vnet_harness_up(&r->h), VNET_OK);
    assert_int_equal(cnt.resets, 1);
    assert_int_equal(cnt.driver_ok, 1);
    assert_int_equal(stub_net_init(&r->stub, NULL), 0);
    struct fake_backend be = stub_net_backend(&r->stub);
    lr_attach(r, &be);
    lwip_vnet_config_defaults(&r->cfg);
    r->cfg.event = lr_event;
    r->cfg.event_ctx = r;
    r->cfg.tap = lr_tap;
    r->cfg.tap_ctx = r;
    r->now = 1000;

    /* 1. The netstack brings virt0 up, gets the stub's lease, resolves the
     * peer (a ping), and takes the first datagrams. */
    struct ns_config c;
    ns_config_defaults(&c);
    c.virt0 = &r->h.dev;
    c.lo_slots = lo;
    c.lo_depth = LO_DEPTH_DEFAULT;
    c.arp = arp;
    c.arp_hold = hold;
    c.arp_n = 4;
    c.dhcp = NS_DHCP_WIRE;
    c.event = ns_event;
    assert_int_equal(ns_init(&ns, &c), NS_OK);
    for (unsigned i = 0; i < 20 && !ns_bound; i++)
        ns_step(r);
    assert_true(ns_bound);
    const struct dhcp_lease *l = ns_dhcp_lease(&ns);
    assert_non_null(l);
    assert_int_equal(l->addr, LR_OUR);
    uint64_t t1 = l->t1_ms;
    struct ns_ping_params pp = {LR_PEER, 0x7276, 1, 56, 10, 1000};
    assert_int_equal(ns_ping_start(&ns, &pp), NS_OK);
    for (unsigned i = 0; i < 10; i++)
        ns_step(r);
    struct ns_ping_result pr;
    ns_ping_get(&ns, &pr);
    assert_int_equal(pr.received, 1);
    ns_ping_stop(&ns);
    assert_int_equal(ns_udp_bind(&ns, &sock, PORT, slots, 16), NS_OK);
    for (uint32_t k = 1; k <= N_BEFORE; k++)
        inject_numbered(r, k);
    ns_step(r);
    /* 2. More arrive after the netstack's last poll: in the RX ring. */
    for (uint32_t k = N_BEFORE + 1; k <= N_BEFORE + N_RING; k++)
        inject_numbered(r, k);

    /* 3. The hand-over: not one register access, nothing re-posted. */
    struct rxq_view before = rxq_view(r);
    unsigned long acc = accesses();
    static struct ns_handover ho;
    assert_int_equal(ns_handover(&ns, &ho), NS_OK);
    assert_int_equal(accesses(), acc);
    assert_ptr_equal(ho.dev, &r->h.dev);
    assert_int_equal(ho.virt0.addr, LR_OUR);
    assert_int_equal(ho.dhcp_mode, NS_DHCP_WIRE);
    assert_true(ho.n_arp >= 1);
    /* 4. Then more frames, and the netstack refuses the device. */
    for (uint32_t k = N_BEFORE + N_RING + 1; k <= N_ALL; k++)
        inject_numbered(r, k);
    struct ns_counters nc0, nc1;
    ns_counters(&ns, &nc0);
    acc = accesses();
    assert_int_equal(ns_poll(&ns, r->now), NS_ERR_HANDED_OVER);
    assert_int_equal(ns_irq(&ns), NS_ERR_HANDED_OVER);
    assert_int_equal(ns_udp_send(&ns, &sock, LR_PEER, 5000, "x", 1), NS_ERR_HANDED_OVER);
    assert_int_equal(accesses(), acc);
    ns_counters(&ns, &nc1);
    assert_int_equal(nc1.handover_refused - nc0.handover_refused, 3);
    assert_int_equal(nc1.tx_no_device - nc0.tx_no_device, 1);

    /* 5. lwIP takes it: the same rings, the same posted buffers. */
    static struct lwip_vnet_handover lho;
    assert_int_equal(lwip_vnet_from_netstack(&ho, &lho), LWIP_VNET_OK);
    static struct got g;
    memset(&g, 0, sizeof(g));
    struct udp_pcb *pcb = udp_new();
    assert_non_null(pcb);
    assert_int_equal(udp_bind(pcb, IP4_ADDR_ANY, PORT), ERR_OK);
    udp_recv(pcb, on_udp, &g);
    lwip_vnet_clock_set(r->now);
    uint64_t sent0 = r->wire.ntx;
    assert_int_equal(lwip_vnet_takeover(&r->v, &lho, &r->cfg, r->now), LWIP_VNET_OK);
    r->started = true;
    struct rxq_view after = rxq_view(r);
    assert_int_equal(after.driver_avail, before.driver_avail);
    assert_int_equal(after.desc, before.desc);
    assert_int_equal(after.notifies, before.notifies);
    assert_true(lwip_vnet_work_pending(&r->v));
    assert_int_equal(lr_ip(r), LR_OUR);
    assert_int_equal(lr_gw(r), NP_IPV4(10, 0, 2, 2));
    assert_int_equal(lwip_vnet_dns(&r->v), NP_IPV4(10, 0, 2, 3));
    /* The peer's MAC came along. */
    ip4_addr_t peer;
    IP4_ADDR(&peer, 10, 0, 2, 2);
    struct eth_addr *mac;
    const ip4_addr_t *ip;
    assert_true(etharp_find_addr(&r->v.netif, &peer, &mac, &ip) >= 0);
    assert_memory_equal(mac->addr, lr_peer_mac, 6);
    struct lwip_vnet_counters pc;
    lwip_vnet_counters(&r->v, &pc);
    assert_int_equal(pc.arp_seeded, ho.n_arp);

    /* 6. The first poll takes what was in the ring. */
    lr_step(r);
    lr_step(r);
    /* Each numbered frame exactly once, at the one that owned the device
     * when it was taken. */
    uint32_t seen[N_ALL + 1];
    memset(seen, 0, sizeof(seen));
    uint8_t buf[64];
    size_t n;
    unsigned by_ns = 0;
    while (ns_udp_recv(&sock, buf, sizeof(buf), &n, NULL, NULL) == NS_OK) {
        uint32_t k = np_get32(buf);
        assert_true(k >= 1 && k <= N_BEFORE);
        seen[k]++;
        by_ns++;
    }
    for (unsigned i = 0; i < g.n; i++) {
        assert_true(g.seq[i] > N_BEFORE && g.seq[i] <= N_ALL);
        assert_int_equal(g.seq[i], N_BEFORE + 1 + i); /* in order */
        seen[g.seq[i]]++;
    }
    for (uint32_t k = 1; k <= N_ALL; k++)
        assert_int_equal(seen[k], 1);
    assert_int_equal(by_ns, N_BEFORE);
    assert_int_equal(g.n, N_RING + N_AFTER);
    /* What the device delivered is what the two stacks took. */
    struct vnet_counters vc;
    vnet_counters(&r->h.dev, &vc);
    ns_counters(&ns, &nc1);
    lwip_vnet_counters(&r->v, &pc);
    assert_int_equal(vc.rx_frames, nc1.rx_frames[NS_IF_VIRT0] + pc.rx_frames);

    /* 7. lwIP talks to the peer without asking for its MAC. */
    struct pbuf *q = pbuf_alloc(PBUF_TRANSPORT, 5, PBUF_RAM);
    memcpy(q->payload, "after", 5);
    ip_addr_t dst;
    IP_ADDR4(&dst, 10, 0, 2, 2);
    assert_int_equal(udp_sendto(pcb, q, &dst, 5000), ERR_OK);
    pbuf_free(q);
    /* (lwIP announced its address on the way up, RFC 5227 §2.3; it asked
     * for nobody's) */
    for (uint64_t k = sent0; k < r->wire.ntx; k++) {
        struct np_eth eh;
        struct np_arp a;
        const struct lr_frame *f = lr_sent(r, k);
        if (np_eth_parse(f->b, f->len, &eh) == NP_OK && eh.type == NP_ETHERTYPE_ARP &&
            np_arp_parse(eh.payload, eh.payload_len, &a) == NP_OK)
            assert_int_equal(a.tpa, LR_OUR);
    }
    struct np_udp_frame u;
    assert_int_equal(
        np_udp_frame_parse(lr_sent(r, r->wire.ntx - 1)->b, lr_sent(r, r->wire.ntx - 1)->len, &u),
        NP_OK);
    assert_memory_equal(u.dst_mac, lr_peer_mac, 6);
    assert_memory_equal(u.payload, "after", 5);

    /* 8. The lease renews at T1 through the port: the same address. */
    assert_int_equal(dhcp_client_deadline(lwip_vnet_dhcp(&r->v)), t1);
    unsigned acks = r->stub.dhcp.stats.acks;
    lr_jump_dhcp(r);
    assert_true(lr_until(r, LWIP_VNET_EV_RENEWED, 1, 20));
    assert_int_equal(r->stub.dhcp.stats.acks, acks + 1);
    assert_int_equal(lr_count(r, LWIP_VNET_EV_BOUND), 0);
    assert_int_equal(lr_ip(r), LR_OUR);
    assert_true(lwip_vnet_lease(&r->v)->t1_ms > t1);

    /* One initialisation in all, nothing the device calls a violation. */
    assert_int_equal(cnt.resets, 1);
    assert_int_equal(cnt.driver_ok, 1);
    assert_int_equal(r->h.fake.stats.resets, 1);
    assert_int_equal(r->h.fake.violations, 0);
    assert_int_equal(vnet_state(&r->h.dev), VNET_STATE_READY);
    udp_remove(pcb);
    lr_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handover_to_lwip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
