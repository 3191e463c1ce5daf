/*
 * Shared rig of the netstack tests: one host with its storage, optionally
 * virt0 on the fake virtio-mmio device (with a capture of what the driver
 * transmits, or the stub network behind it as its backend), a record of events and of what
 * the tap saw, and builders for the frames the tests inject.
 */
#ifndef RVNET_TESTS_NETSTACK_UTIL_H
#define RVNET_TESTS_NETSTACK_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "dhcp-stub/dhcp_server.h"
#include "netproto/netproto.h"
#include "netstack/netstack.h"
#include "pcap_tee.h"
#include "stub_net.h"
#include "vnet_harness.h"

#define NT_CAP 64u
#define NT_EV 64u
#define NT_ARP 4u

static const uint8_t nt_peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t nt_our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t nt_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct nt_frame {
    size_t len;
    uint8_t b[NS_FRAME_MAX];
};

struct nt {
    struct ns_host ns;
    struct ns_config cfg;
    struct lo_slot lo[LO_DEPTH_DEFAULT];
    struct ns_arp_entry arp[NT_ARP];
    struct ns_frame hold[NT_ARP];
    struct vnet_harness h;
    bool have_dev;
    struct stub_net peer;
    struct fake_backend be;  /* the peer's, once attached (ops NULL before) */
    struct pcap_tee tee;     /* around the peer, when a test records a pcap */
    struct dhcp_server stub; /* for NS_DHCP_STUB: the defaults, ready */
    /* what the driver transmitted (when no peer is installed) */
    unsigned ncap;
    struct nt_frame cap[NT_CAP];
    /* events */
    unsigned nev;
    struct ns_event ev[NT_EV];
    /* tap */
    unsigned tap[NS_IF_COUNT][2];
    uint64_t now;
};

static inline void nt_cap_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct nt *t = ctx;
    if (t->ncap < NT_CAP) {
        t->cap[t->ncap].len = len;
        memcpy(t->cap[t->ncap].b, frame, len);
    }
    t->ncap++;
}

static inline void nt_event_fn(void *ctx, const struct ns_event *ev)
{
    struct nt *t = ctx;
    if (t->nev < NT_EV)
        t->ev[t->nev] = *ev;
    t->nev++;
}

static inline void nt_tap_fn(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame,
                             size_t len)
{
    struct nt *t = ctx;
    (void)frame;
    (void)len;
    t->tap[ifid][dir]++;
}

/* A rig: with_dev brings virt0 up on a legacy fake with a TX capture. The
 * caller may change t->cfg before nt_start. */
static inline struct nt *nt_new(bool with_dev)
{
    struct nt *t = calloc(1, sizeof(*t));
    if (!t)
        abort();
    ns_config_defaults(&t->cfg);
    t->cfg.lo_slots = t->lo;
    t->cfg.lo_depth = LO_DEPTH_DEFAULT;
    t->cfg.arp = t->arp;
    t->cfg.arp_hold = t->hold;
    t->cfg.arp_n = NT_ARP;
    t->cfg.event = nt_event_fn;
    t->cfg.event_ctx = t;
    t->cfg.tap = nt_tap_fn;
    t->cfg.tap_ctx = t;
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    if (dhcp_server_init(&t->stub, &sc) != DHCP_OK)
        abort();
    t->cfg.stub = &t->stub;
    t->cfg.stub_input = dhcp_server_input;
    if (with_dev) {
        if (vnet_harness_open(&t->h, 1, NULL) != 0 || vnet_harness_up(&t->h) != VNET_OK)
            abort();
        t->have_dev = true;
        vnet_harness_capture(&t->h, nt_cap_fn, t);
        t->cfg.virt0 = &t->h.dev;
    }
    return t;
}

static inline int nt_start(struct nt *t)
{
    return ns_init(&t->ns, &t->cfg);
}

static inline void nt_free(struct nt *t)
{
    if (t->have_dev)
        vnet_harness_close(&t->h);
    free(t);
}

static inline int nt_poll(struct nt *t)
{
    if (t->be.ops)
        (void)fake_backend_poll(&t->be, t->now);
    return ns_poll(&t->ns, t->now);
}

static inline struct ns_counters nt_cnt(const struct nt *t)
{
    struct ns_counters c;
    ns_counters(&t->ns, &c);
    return c;
}

/*
 * The fake's ops with a count of the device's initialisations: how many
 * times the driver set DRIVER_OK (a Status write that has it and not
 * FAILED, the write before it not), and of its resets (Status 0). The fake counts resets
 * itself too (stats.resets); this also sees DRIVER_OK.
 */
struct nt_inits {
    struct vnet_ops inner;
    unsigned driver_ok, resets;
    uint32_t last_status;
};

static inline struct nt_inits *nt_inits_of(void *ctx)
{
    return ctx;
}

static inline uint32_t nt_in_read32(void *ctx, uint32_t off)
{
    return nt_inits_of(ctx)->inner.read32(nt_inits_of(ctx)->inner.ctx, off);
}

static inline uint16_t nt_in_read16(void *ctx, uint32_t off)
{
    return nt_inits_of(ctx)->inner.read16(nt_inits_of(ctx)->inner.ctx, off);
}

static inline uint8_t nt_in_read8(void *ctx, uint32_t off)
{
    return nt_inits_of(ctx)->inner.read8(nt_inits_of(ctx)->inner.ctx, off);
}

static inline void nt_in_write32(void *ctx, uint32_t off, uint32_t val)
{
    struct nt_inits *c = ctx;
    if (off == VNET_MMIO_STATUS) {
        /* FAILED written on top of a DRIVER_OK the device still shows is
         * the driver giving up, not an init. */
        if ((val & VNET_STATUS_DRIVER_OK) && !(val & VNET_STATUS_FAILED) &&
            !(c->last_status & VNET_STATUS_DRIVER_OK))
            c->driver_ok++;
        if (val == 0)
            c->resets++;
        c->last_status = val;
    }
    c->inner.write32(c->inner.ctx, off, val);
}

static inline void nt_in_barrier(void *ctx, enum vnet_barrier kind)
{
    nt_inits_of(ctx)->inner.barrier(nt_inits_of(ctx)->inner.ctx, kind);
}

static inline uint64_t nt_in_dma_addr(void *ctx, const void *ptr)
{
    return nt_inits_of(ctx)->inner.dma_addr(nt_inits_of(ctx)->inner.ctx, ptr);
}

static inline void nt_in_delay_us(void *ctx, uint32_t us)
{
    struct nt_inits *c = ctx;
    if (c->inner.delay_us)
        c->inner.delay_us(c->inner.ctx, us);
}

/* vnet_init on the harness through counting ops (c must outlive dev). */
static inline int nt_up_counted(struct vnet_harness *h, struct nt_inits *c)
{
    struct vnet_ops ops = {
        nt_in_read32, nt_in_write32, nt_in_read16, nt_in_read8, nt_in_barrier, nt_in_dma_addr, c,
        h->ops.flags, nt_in_delay_us};
    memset(c, 0, sizeof(*c));
    c->inner = h->ops;
    return vnet_init(&h->dev, &ops, &h->cfg, h->window, h->window_len);
}

/* The two helpers below assert with cmocka: every test that includes this
 * header has included cmocka.h before it. */

/* A host on the fake device with the stub network behind it (srv: the
 * stub's DHCP server configuration, NULL for its defaults). With inits,
 * the frontend comes up through counting ops (nt_up_counted). t->cfg.virt0
 * is set; the caller sets the rest of t->cfg, then nt_start. */
static inline struct nt *nt_wire(uint32_t version, const struct dhcp_server_config *srv,
                                 struct nt_inits *inits)
{
    struct nt *t = nt_new(false);
    assert_int_equal(vnet_harness_open(&t->h, version, NULL), 0);
    assert_int_equal(inits ? nt_up_counted(&t->h, inits) : vnet_harness_up(&t->h), VNET_OK);
    t->have_dev = true;
    assert_int_equal(stub_net_init(&t->peer, srv), 0);
    t->be = stub_net_backend(&t->peer);
    fake_vnet_attach(&t->h.fake, &t->be);
    t->cfg.virt0 = &t->h.dev;
    return t;
}

/* Polls, jumping to the next deadline, until an event of `type` arrives;
 * every poll must return NS_OK. Returns the event's index in t->ev. */
static inline unsigned nt_run_until(struct nt *t, enum ns_event_type type, unsigned max_polls)
{
    unsigned seen = t->nev;
    for (unsigned i = 0; i < max_polls; i++) {
        assert_int_equal(nt_poll(t), NS_OK);
        for (unsigned k = seen; k < t->nev && k < NT_EV; k++)
            if (t->ev[k].type == type)
                return k;
        seen = t->nev;
        uint64_t dl = ns_next_deadline(&t->ns);
        t->now = dl != UINT64_MAX && dl > t->now + 1 ? dl : t->now + 1;
    }
    fail_msg("no event %d after %u polls", (int)type, max_polls);
    return 0;
}

/* An IPv4 packet around plen bytes already at f + 34, in an Ethernet frame
 * dst/src. Returns the frame length. */
static inline size_t nt_ip_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint8_t proto,
                                 uint32_t sip, uint32_t dip, size_t plen)
{
    struct np_ipv4 h;
    struct np_eth e;
    size_t n;
    memset(&h, 0, sizeof(h));
    h.ttl = 64;
    h.proto = proto;
    h.src = sip;
    h.dst = dip;
    memset(&e, 0, sizeof(e));
    memcpy(e.dst, dst, 6);
    memcpy(e.src, src, 6);
    e.type = NP_ETHERTYPE_IPV4;
    if (np_ipv4_build(f + 14, NS_FRAME_MAX - 14, &h, plen, &n) != NP_OK ||
        np_eth_build(f, NS_FRAME_MAX, &e, n, &n) != NP_OK)
        abort();
    return n;
}

/* An echo request (id, seq, payload of plen bytes i*3+seq). */
static inline size_t nt_echo_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint32_t sip,
                                   uint32_t dip, uint16_t id, uint16_t seq, size_t plen)
{
    struct np_icmp m = {NP_ICMP_ECHO_REQUEST, 0, id, seq, NULL, 0};
    size_t n;
    for (size_t i = 0; i < plen; i++)
        f[34 + 8 + i] = (uint8_t)(i * 3u + seq);
    if (np_icmp_build(f + 34, NS_FRAME_MAX - 34, &m, plen, &n) != NP_OK)
        abort();
    return nt_ip_frame(f, dst, src, NP_IP_PROTO_ICMP, sip, dip, n);
}

static inline size_t nt_arp_frame(uint8_t *f, const uint8_t *edst, uint16_t op, const uint8_t *sha,
                                  uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
    struct np_arp a;
    struct np_eth e;
    size_t n;
    a.op = op;
    memcpy(a.sha, sha, 6);
    a.spa = spa;
    memcpy(a.tha, tha, 6);
    a.tpa = tpa;
    memcpy(e.dst, edst, 6);
    memcpy(e.src, sha, 6);
    e.type = NP_ETHERTYPE_ARP;
    if (np_arp_build(f + 14, NS_FRAME_MAX - 14, &a, &n) != NP_OK ||
        np_eth_build(f, NS_FRAME_MAX, &e, n, &n) != NP_OK)
        abort();
    return n;
}

static inline size_t nt_udp_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint32_t sip,
                                  uint32_t dip, uint16_t sport, uint16_t dport, const void *data,
                                  size_t len)
{
    struct np_udp u = {sport, dport, false, NULL, 0};
    size_t n;
    memcpy(f + 42, data, len);
    if (np_udp_build(f + 34, NS_FRAME_MAX - 34, &u, sip, dip, len, &n) != NP_OK)
        abort();
    return nt_ip_frame(f, dst, src, NP_IP_PROTO_UDP, sip, dip, n);
}

#endif
