/*
 * Shared rig of the lwIP port's tests: one fake virtio-mmio device with the
 * frontend up, a backend behind it (the stub network, or any other) seen
 * through a wire that keeps every frame the device carried out, the port
 * on the frontend, and a record of the port's events and of what lwIP's
 * input was given. The clock is the test's: lwip_vnet_clock_set makes
 * lwIP's sys_now() read it (lwip_vnet_clock.h).
 */
#ifndef RVNET_TESTS_LWIP_RIG_H
#define RVNET_TESTS_LWIP_RIG_H

#include <stdlib.h>
#include <string.h>

#include "lwip-vnet/lwip_vnet.h"
#include "lwip-vnet/lwip_vnet_clock.h"
#include "netproto/netproto.h"
#include "stub_net.h"
#include "vnet_harness.h"

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

#define LR_WIRE 256u /* frames the wire keeps, the latest */
#define LR_RX 256u   /* frames lwIP's input got, the first */
#define LR_EV 64u

#define LR_OUR NP_IPV4(10, 0, 2, 15)
#define LR_PEER NP_IPV4(10, 0, 2, 2)

static const uint8_t lr_peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t lr_our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t lr_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct lr_frame {
    size_t len;
    uint8_t b[LWIP_VNET_FRAME_MAX];
};

/* A backend around another that keeps what the device sent to it. */
struct lr_wire {
    struct fake_backend inner;
    struct fake_backend_ops ops;
    uint64_t ntx; /* frames the device handed to the backend */
    struct lr_frame tx[LR_WIRE];
};

struct lr {
    struct vnet_harness h;
    struct stub_net stub;
    struct lr_wire wire;
    struct fake_backend be; /* the wire, around stub (or what lr_attach got) */
    struct lwip_vnet v;
    struct lwip_vnet_config cfg;
    bool started;
    uint64_t now;
    int last_rc;
    unsigned nev;
    struct lwip_vnet_event ev[LR_EV];
    unsigned nrx, ndhcp; /* frames lwIP's input got; frames the DHCP client got */
    struct lr_frame rx[LR_RX];
};

static inline void lr_wire_bind(void *ctx, const struct fake_rx_sink *sink)
{
    struct lr_wire *w = ctx;
    w->inner.ops->bind(w->inner.ctx, sink);
}

static inline void lr_wire_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct lr_wire *w = ctx;
    struct lr_frame *f = &w->tx[w->ntx % LR_WIRE];
    f->len = len < sizeof(f->b) ? len : sizeof(f->b);
    memcpy(f->b, frame, f->len);
    w->ntx++;
    w->inner.ops->tx(w->inner.ctx, frame, len);
}

static inline int lr_wire_poll(void *ctx, uint64_t now_ms)
{
    struct lr_wire *w = ctx;
    return fake_backend_poll(&w->inner, now_ms);
}

static inline uint64_t lr_wire_deadline(void *ctx)
{
    struct lr_wire *w = ctx;
    return fake_backend_deadline(&w->inner);
}

static inline int lr_wire_wait(void *ctx, uint64_t timeout_ms)
{
    struct lr_wire *w = ctx;
    return fake_backend_wait(&w->inner, timeout_ms);
}

static inline void lr_wire_close(void *ctx)
{
    struct lr_wire *w = ctx;
    fake_backend_close(&w->inner);
}

/* The k-th frame the device sent (0: the first), which must still be kept. */
static inline const struct lr_frame *lr_sent(const struct lr *r, uint64_t k)
{
    if (k >= r->wire.ntx || r->wire.ntx - k > LR_WIRE)
        abort();
    return &r->wire.tx[k % LR_WIRE];
}

static inline void lr_event(void *ctx, const struct lwip_vnet_event *ev)
{
    struct lr *r = ctx;
    if (r->nev < LR_EV)
        r->ev[r->nev] = *ev;
    r->nev++;
}

static inline void lr_tap(void *ctx, enum lwip_vnet_dir dir, bool dhcp, const uint8_t *frame,
                          size_t len)
{
    struct lr *r = ctx;
    if (dir != LWIP_VNET_RX)
        return;
    if (dhcp) {
        r->ndhcp++;
        return;
    }
    if (r->nrx < LR_RX) {
        r->rx[r->nrx].len = len;
        memcpy(r->rx[r->nrx].b, frame, len);
    }
    r->nrx++;
}

/* Puts be behind the device, through the wire. */
static inline void lr_attach(struct lr *r, const struct fake_backend *be)
{
    r->wire.inner = *be;
    r->wire.ops = *be->ops;
    r->wire.ops.bind = lr_wire_bind;
    r->wire.ops.tx = lr_wire_tx;
    r->wire.ops.poll = lr_wire_poll;
    r->wire.ops.deadline = lr_wire_deadline;
    r->wire.ops.wait = lr_wire_wait;
    r->wire.ops.close = lr_wire_close;
    r->be = (struct fake_backend){&r->wire.ops, &r->wire};
    fake_vnet_attach(&r->h.fake, &r->be);
}

/* A device as fcfg says with the frontend up and no backend; the port's
 * configuration in r->cfg, to change before lr_start. */
static inline struct lr *lr_new_dev(const struct fake_vnet_cfg *fcfg)
{
    struct lr *r = calloc(1, sizeof(*r));
    if (!r || vnet_harness_open_cfg(&r->h, fcfg, NULL) != 0 || vnet_harness_up(&r->h) != VNET_OK)
        abort();
    lwip_vnet_config_defaults(&r->cfg);
    r->cfg.event = lr_event;
    r->cfg.event_ctx = r;
    r->cfg.tap = lr_tap;
    r->cfg.tap_ctx = r;
    r->now = 1000;
    lwip_vnet_clock_set(r->now);
    return r;
}

/* The same with QEMU's device of that version (fake_vnet_cfg_defaults). */
static inline struct lr *lr_new_bare(uint32_t version)
{
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, version);
    return lr_new_dev(&fc);
}

/* A device of that version with the stub network (srv NULL: its
 * defaults) behind it. */
static inline struct lr *lr_new(uint32_t version, const struct dhcp_server_config *srv)
{
    struct lr *r = lr_new_bare(version);
    if (stub_net_init(&r->stub, srv) != 0)
        abort();
    struct fake_backend be = stub_net_backend(&r->stub);
    lr_attach(r, &be);
    return r;
}

static inline int lr_start(struct lr *r)
{
    lwip_vnet_clock_set(r->now);
    int rc = lwip_vnet_init(&r->v, &r->h.dev, &r->cfg, r->now);
    r->started = rc == LWIP_VNET_OK;
    return rc;
}

static inline void lr_free(struct lr *r)
{
    if (r->started)
        lwip_vnet_remove(&r->v);
    fake_vnet_attach(&r->h.fake, NULL);
    vnet_harness_close(&r->h);
    free(r);
}

/* One poll at r->now: the backend, the interrupt line, the port; then the
 * clock moves on by 1 ms. */
static inline void lr_step(struct lr *r)
{
    if (r->be.ops)
        (void)fake_backend_poll(&r->be, r->now);
    lwip_vnet_clock_set(r->now);
    if (fake_vnet_irq_line(&r->h.fake))
        (void)lwip_vnet_irq(&r->v);
    r->last_rc = lwip_vnet_poll(&r->v, r->now);
    r->now++;
}

static inline unsigned lr_count(const struct lr *r, enum lwip_vnet_event_type type)
{
    unsigned n = 0;
    for (unsigned k = 0; k < r->nev && k < LR_EV; k++)
        n += r->ev[k].type == type;
    return n;
}

/* The last event of that type, or NULL. */
static inline const struct lwip_vnet_event *lr_last(const struct lr *r,
                                                    enum lwip_vnet_event_type type)
{
    const struct lwip_vnet_event *e = NULL;
    for (unsigned k = 0; k < r->nev && k < LR_EV; k++)
        if (r->ev[k].type == type)
            e = &r->ev[k];
    return e;
}

/* Steps until the count of events of that type reaches n (at most
 * max_steps polls); true when it did. */
static inline bool lr_until(struct lr *r, enum lwip_vnet_event_type type, unsigned n,
                            unsigned max_steps)
{
    for (unsigned i = 0; i < max_steps && lr_count(r, type) < n; i++)
        lr_step(r);
    return lr_count(r, type) >= n;
}

/* Virtual time straight to the DHCP client's next deadline (lwIP's own
 * timers run once there, as after any long sleep), then one poll. */
static inline void lr_jump_dhcp(struct lr *r)
{
    uint64_t d = dhcp_client_deadline(lwip_vnet_dhcp(&r->v));
    if (d != DHCP_NEVER && d > r->now)
        r->now = d;
    lr_step(r);
}

/* A rig on the stub network (srv NULL: its defaults) whose port holds the
 * stub's lease; NULL when it did not get one in 20 polls. */
static inline struct lr *lr_leased(uint32_t version, const struct dhcp_server_config *srv)
{
    struct lr *r = lr_new(version, srv);
    if (lr_start(r) != LWIP_VNET_OK || !lr_until(r, LWIP_VNET_EV_BOUND, 1, 20)) {
        lr_free(r);
        return NULL;
    }
    return r;
}

/* lwIP's view of the netif, host order. */
static inline uint32_t lr_ip(const struct lr *r)
{
    return lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&r->v.netif)));
}

static inline uint32_t lr_mask(const struct lr *r)
{
    return lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&r->v.netif)));
}

static inline uint32_t lr_gw(const struct lr *r)
{
    return lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&r->v.netif)));
}

/* A UDP frame from the peer (10.0.2.2, its MAC) to us: payload of plen
 * bytes, sport to dport. Returns its length. */
static inline size_t lr_udp_from_peer(uint8_t *f, size_t cap, uint16_t sport, uint16_t dport,
                                      const void *payload, size_t plen)
{
    struct np_udp_frame u;
    memset(&u, 0, sizeof(u));
    memcpy(u.dst_mac, lr_our_mac, 6);
    memcpy(u.src_mac, lr_peer_mac, 6);
    u.src_ip = LR_PEER;
    u.dst_ip = LR_OUR;
    u.src_port = sport;
    u.dst_port = dport;
    u.ttl = 64;
    u.ip_id = 0x4242;
    size_t n = 0;
    memcpy(f + NP_UDP_FRAME_HLEN, payload, plen);
    if (np_udp_frame_build(f, cap, &u, plen, &n) != NP_OK)
        abort();
    return n;
}

#endif
