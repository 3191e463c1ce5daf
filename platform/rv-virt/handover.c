/*
 * The hand-over's frontend side on QEMU: the netstack gives virt0's live
 * device away (ns_handover) and a second, minimal consumer runs on the
 * same frontend, with no reset in between. The host suite shows lwIP
 * taking the device (tests/lwip/test_lwip_handover.c); lwIP itself cannot
 * be built for this image from Debian's packages (docs/lwip.md), so this
 * consumer stands in for it: raw Ethernet frames through vnet_send and
 * vnet_rx_poll, nothing else of the netstack.
 *
 * What it shows, on QEMU's own virtio-net device behind slirp:
 *  - the device keeps working: the consumer pings the gateway every
 *    100 ms and every reply comes back, through the rings the netstack set
 *    up (it never calls vnet_init or vnet_reset);
 *  - it answers ARP from slirp: slirp never forgets a neighbour by itself,
 *    so every fourth ping the consumer first sends slirp ARP replies for 16
 *    unused addresses of the subnet (10.0.2.200-215, locally administered
 *    MACs), which push our entry out of its 16-entry table (libslirp
 *    arp_table.c: round robin); slirp then has to ask "who has 10.0.2.15"
 *    before it can deliver the echo reply, and the consumer answers;
 *  - the device was not reset: its Status register (virtio 1.2 §4.2.2)
 *    reads the same, DRIVER_OK set, before the hand-over and at the end,
 *    the frontend stays READY, and its counters, which run from its one
 *    vnet_init, carry on from the netstack's numbers by exactly the frames
 *    the consumer took and sent;
 *  - the netstack refuses the device afterwards (NS_ERR_HANDED_OVER).
 * It also answers echo requests to its address, which slirp never sends
 * (nothing outside can reach the guest but through a host forward, and
 * restrict=on drops what the guest sends back over UDP ones).
 *
 * The interrupt: main.c's trap handler is bound to the netstack (ns_irq),
 * which after the hand-over acknowledges nothing, so the device's PLIC
 * source is turned off and the consumer polls every millisecond, sleeping
 * in wfi on the timer; it acknowledges the device itself (vnet_irq).
 */
#include "handover.h"

#include <stdbool.h>
#include <string.h>

#include "board.h"
#include "fdt.h"
#include "netproto/netproto.h"
#include "netstack/handover.h"
#include "virtio-net/virtio_net.h"

#define HO_MAX_MS 60000u
#define HO_PING_EVERY_MS 100u
#define HO_TAIL_MS 300u /* no new ping this close to the end: its reply has time */
#define HO_EVICT 16u    /* slirp's ARP table holds 16 entries (ARP_TABLE_SIZE) */
#define HO_PING_ID 0x686fu
#define HO_PAYLOAD 56u
#define HO_SEEN_MAX 1024u

struct consumer {
    struct vnet_dev *dev;
    uint32_t addr, peer;
    uint8_t mac[6], peer_mac[6];
    bool have_peer;
    uint16_t seq;        /* of the last echo request sent */
    unsigned evict_left; /* eviction replies still to send before the next ping */
    bool ping_pending;   /* a ping waits for them */
    uint32_t ping_ok, ping_late, arp_asked, arp_replies_in, echo_in;
    uint32_t other, tx_err;
    uint64_t frames, sent;          /* every frame the callback got; every frame vnet_send took */
    uint8_t seen[HO_SEEN_MAX / 8u]; /* replies taken, by sequence number */
    uint8_t out[NP_ETH_MAX_FRAME];
};

static struct consumer co;

/* handover=MS from bootargs (at most HO_MAX_MS); 0 without it. */
static uint32_t duration(const void *fdt)
{
    const char *a;
    size_t len;
    if (!fdt || fdt_bootargs(fdt, 1u << 20, &a, &len) != FDT_OK)
        return 0;
    static const char key[] = "handover=";
    for (size_t i = 0; i + sizeof(key) - 1 <= len; i++) {
        if ((i > 0 && a[i - 1] != ' ') || memcmp(a + i, key, sizeof(key) - 1) != 0)
            continue;
        uint32_t v = 0;
        for (size_t j = i + sizeof(key) - 1; j < len && a[j] >= '0' && a[j] <= '9'; j++)
            if (v <= HO_MAX_MS) /* stops growing past the cap: no overflow */
                v = v * 10u + (uint32_t)(a[j] - '0');
        return v > HO_MAX_MS ? HO_MAX_MS : v;
    }
    return 0;
}

static void send_frame(size_t n)
{
    int rc = vnet_send(co.dev, co.out, n);
    if (rc == VNET_ERR_AGAIN) {
        (void)vnet_tx_reclaim(co.dev, NULL);
        rc = vnet_send(co.dev, co.out, n);
    }
    if (rc != VNET_OK)
        co.tx_err++;
    else
        co.sent++;
}

/* An ARP packet (RFC 826) from sha/spa to tha/tpa, in a frame to dst. */
static void send_arp(uint16_t op, const uint8_t *dst, const uint8_t *sha, uint32_t spa,
                     const uint8_t *tha, uint32_t tpa)
{
    struct np_arp a;
    a.op = op;
    memcpy(a.sha, sha, 6);
    a.spa = spa;
    memcpy(a.tha, tha, 6);
    a.tpa = tpa;
    struct np_eth h = {{0}, {0}, NP_ETHERTYPE_ARP, NULL, 0};
    memcpy(h.dst, dst, 6);
    memcpy(h.src, sha, 6);
    size_t n;
    if (np_arp_build(co.out + NP_ETH_HLEN, sizeof(co.out) - NP_ETH_HLEN, &a, &n) == NP_OK &&
        np_eth_build(co.out, sizeof(co.out), &h, n, &n) == NP_OK)
        send_frame(n);
}

/* An IPv4 packet of plen bytes already at out + 34, to dst at dmac. */
static void send_ip(const uint8_t *dmac, uint32_t dst, uint8_t proto, size_t plen)
{
    struct np_ipv4 ip;
    memset(&ip, 0, sizeof(ip));
    ip.ttl = NP_IPV4_TTL_DEFAULT;
    ip.proto = proto;
    ip.src = co.addr;
    ip.dst = dst;
    struct np_eth h = {{0}, {0}, NP_ETHERTYPE_IPV4, NULL, 0};
    memcpy(h.dst, dmac, 6);
    memcpy(h.src, co.mac, 6);
    size_t n;
    if (np_ipv4_build(co.out + NP_ETH_HLEN, sizeof(co.out) - NP_ETH_HLEN, &ip, plen, &n) == NP_OK &&
        np_eth_build(co.out, sizeof(co.out), &h, n, &n) == NP_OK)
        send_frame(n);
}

static void send_echo(const uint8_t *dmac, uint32_t dst, uint8_t type, uint16_t id, uint16_t seq,
                      const uint8_t *payload, size_t plen)
{
    uint8_t *icmp = co.out + NP_ETH_HLEN + NP_IPV4_HLEN;
    memmove(icmp + NP_ICMP_HLEN, payload, plen);
    struct np_icmp m = {type, 0, id, seq, NULL, 0};
    size_t n;
    if (np_icmp_build(icmp, sizeof(co.out) - (size_t)(icmp - co.out), &m, plen, &n) == NP_OK)
        send_ip(dmac, dst, NP_IP_PROTO_ICMP, n);
}

static void on_arp(const struct np_eth *e)
{
    struct np_arp a;
    if (np_arp_parse(e->payload, e->payload_len, &a) != NP_OK) {
        co.other++;
        return;
    }
    if (a.spa == co.peer) {
        memcpy(co.peer_mac, a.sha, 6);
        co.have_peer = true;
    }
    if (a.op == NP_ARP_REQUEST && a.tpa == co.addr) {
        co.arp_asked++;
        send_arp(NP_ARP_REPLY, a.sha, co.mac, co.addr, a.sha, a.spa);
    } else if (a.op == NP_ARP_REPLY) {
        co.arp_replies_in++;
    }
}

static void on_icmp(const struct np_eth *e, const struct np_ipv4 *ip)
{
    struct np_icmp m;
    if (np_icmp_parse(ip->payload, ip->payload_len, &m) != NP_OK) {
        co.other++;
    } else if (m.type == NP_ICMP_ECHO_REQUEST) {
        co.echo_in++;
        send_echo(e->src, ip->src, NP_ICMP_ECHO_REPLY, m.id, m.seq, m.payload, m.payload_len);
    } else if (m.type == NP_ICMP_ECHO_REPLY && m.id == HO_PING_ID && ip->src == co.peer &&
               m.seq >= 1 && m.seq <= co.seq && m.seq < HO_SEEN_MAX &&
               !(co.seen[m.seq / 8u] & (1u << (m.seq % 8u))) && m.payload_len == HO_PAYLOAD) {
        co.seen[m.seq / 8u] |= (uint8_t)(1u << (m.seq % 8u));
        co.ping_ok++;
        co.ping_late += m.seq != co.seq;
    } else {
        co.other++;
    }
}

/* vnet_rx_poll's callback: the frame is valid only during the call. */
static void on_frame(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    struct np_eth e;
    struct np_ipv4 ip;
    co.frames++;
    if (np_eth_parse(frame, len, &e) != NP_OK ||
        (memcmp(e.dst, co.mac, 6) != 0 && !np_mac_is_broadcast(e.dst))) {
        co.other++;
    } else if (e.type == NP_ETHERTYPE_ARP) {
        on_arp(&e);
    } else if (e.type != NP_ETHERTYPE_IPV4 ||
               np_ipv4_parse(e.payload, e.payload_len, &ip) != NP_OK || ip.dst != co.addr) {
        co.other++;
    } else if (ip.proto == NP_IP_PROTO_ICMP) {
        on_icmp(&e, &ip);
    } else {
        co.other++;
    }
}

/* Replies from 16 unused addresses to slirp: its table then has no room
 * left for us, and its next packet to us needs an ARP request first. As
 * many as the TX ring has room for now (16 and the ping would not fit its
 * 16 slots at once); the rest at the next rounds. */
static void evict_us_from_slirp(void)
{
    while (co.evict_left > 0 && vnet_tx_free(co.dev) > 0) {
        unsigned i = HO_EVICT - co.evict_left--;
        uint8_t mac[6] = {0x02, 0x68, 0x6f, 0x00, 0x00, (uint8_t)i};
        send_arp(NP_ARP_REPLY, co.peer_mac, mac, (co.addr & 0xffffff00u) | (200u + i), co.peer_mac,
                 co.peer);
    }
}

/* A ping is due: every fourth is preceded by the eviction. */
static void ping_due(void)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t zero[6] = {0, 0, 0, 0, 0, 0};
    if (!co.have_peer) {
        send_arp(NP_ARP_REQUEST, bcast, co.mac, co.addr, zero, co.peer);
        return;
    }
    co.ping_pending = true;
    if (co.seq % 4u == 0)
        co.evict_left = HO_EVICT;
}

/* Sends what is pending: the eviction first, then the ping. */
static void send_pending(void)
{
    evict_us_from_slirp();
    if (!co.ping_pending || co.evict_left > 0 || vnet_tx_free(co.dev) == 0)
        return;
    co.ping_pending = false;
    uint8_t payload[HO_PAYLOAD];
    for (unsigned i = 0; i < HO_PAYLOAD; i++)
        payload[i] = (uint8_t)(i + co.seq);
    co.seq++;
    send_echo(co.peer_mac, co.peer, NP_ICMP_ECHO_REQUEST, HO_PING_ID, co.seq, payload, HO_PAYLOAD);
}

static uint32_t status_of(uintptr_t base)
{
    struct vnet_ops ops;
    board_vnet_ops(base, &ops);
    return ops.read32(ops.ctx, VNET_MMIO_STATUS);
}

static void fail(const char *why)
{
    board_puts("SELFTEST: handover FAIL reason=");
    board_puts(why);
    board_puts("\n");
    board_exit(1);
}

/* The consumer's main loop until end_ms: the device's interrupt status
 * acknowledged, TX slots reclaimed, frames taken, a ping due sent, then
 * wfi until the next millisecond. */
static void consume(uint64_t end_ms)
{
    uint64_t next_ping = board_now_ms();
    for (uint64_t now = next_ping; now < end_ms; now = board_now_ms()) {
        (void)vnet_irq(co.dev, NULL);
        (void)vnet_tx_reclaim(co.dev, NULL);
        unsigned n;
        (void)vnet_rx_poll(co.dev, 64, on_frame, NULL, &n);
        if (now >= next_ping && now + HO_TAIL_MS < end_ms) {
            ping_due();
            next_ping = now + HO_PING_EVERY_MS;
        }
        send_pending();
        if (n == 64)
            continue; /* a whole budget: more may wait */
        board_irq_mask();
        board_wait(now + 1);
        board_irq_unmask();
    }
}

static void put_kv(const char *k, uint64_t v)
{
    board_puts(k);
    board_put_dec(v);
}

bool handover_asked(const void *fdt)
{
    return duration(fdt) != 0;
}

void handover_run(struct ns_host *ns, const void *fdt, uintptr_t base)
{
    uint32_t ms = duration(fdt);
    if (ms == 0)
        return; /* not asked for: the device stays the netstack's */
    static struct ns_handover h;
    uint32_t st0 = status_of(base);
    /* The trap calls ns_irq: not while the device changes hands. */
    board_irq_mask();
    int rc = ns_handover(ns, &h);
    board_irq_source(false);
    board_irq_unmask();
    if (rc != NS_OK)
        fail(ns_strerror(rc));
    struct vnet_counters c0, c1;
    vnet_counters(h.dev, &c0);
    memset(&co, 0, sizeof(co));
    co.dev = h.dev;
    co.addr = h.virt0.addr;
    memcpy(co.mac, h.virt0.mac, 6);
    const struct dhcp_lease *l = dhcp_client_lease(&h.dhcp);
    co.peer = h.virt0.gw ? h.virt0.gw : l ? l->server_id : 0;
    for (unsigned i = 0; i < h.n_arp; i++)
        if (h.arp[i].ip == co.peer) {
            memcpy(co.peer_mac, h.arp[i].mac, 6);
            co.have_peer = true;
        }
    if (!co.addr || !co.peer)
        fail("no-address");
    board_puts("handover: the netstack gave virt0 away: addr=");
    board_put_ip(co.addr);
    board_puts(" peer=");
    board_put_ip(co.peer);
    put_kv(" arp-entries=", h.n_arp);
    put_kv(" held-dropped=", h.held_dropped);
    board_puts(" status=0x");
    board_put_hex(st0, 2);
    board_puts("\n");
    consume(board_now_ms() + ms);
    vnet_counters(co.dev, &c1);
    uint32_t st1 = status_of(base);
    int refused = ns_poll(ns, board_now_ms());
    board_puts("handover: consumer ran ");
    board_put_dec(ms);
    put_kv(" ms: pings=", co.ping_ok);
    put_kv("/", co.seq);
    put_kv(" late=", co.ping_late);
    put_kv(" arp-asked=", co.arp_asked);
    put_kv(" echo-in=", co.echo_in);
    put_kv(" other=", co.other);
    put_kv(" tx-err=", co.tx_err);
    put_kv(" rx=", c0.rx_frames);
    put_kv("->", c1.rx_frames);
    put_kv(" tx=", c0.tx_frames);
    put_kv("->", c1.tx_frames);
    board_puts(" status=0x");
    board_put_hex(st1, 2);
    board_puts(" netstack-poll=");
    board_puts(ns_strerror(refused));
    board_puts("\n");
    if (st1 != st0 || !(st1 & VNET_STATUS_DRIVER_OK) || (st1 & VNET_STATUS_NEEDS_RESET) ||
        vnet_state(co.dev) != VNET_STATE_READY)
        fail("device-reset-or-broken");
    /* The frontend's counters run from its one vnet_init: they carried on
     * from the netstack's numbers by exactly what the consumer moved. */
    if (c1.rx_frames - c0.rx_frames != co.frames || c1.tx_frames - c0.tx_frames != co.sent)
        fail("counters-restarted");
    if (refused != NS_ERR_HANDED_OVER)
        fail("netstack-still-polls");
    if (co.seq < 3 || co.ping_ok != co.seq)
        fail("no-ping-reply");
    if (co.arp_asked == 0)
        fail("slirp-never-asked");
    if (co.tx_err != 0)
        fail("tx-refused");
    put_kv("SELFTEST: handover ok pings=", co.ping_ok);
    put_kv("/", co.seq);
    put_kv(" arp-answered=", co.arp_asked);
    board_puts(" status=0x");
    board_put_hex(st1, 2);
    put_kv(" rx=", c1.rx_frames - c0.rx_frames);
    put_kv(" tx=", c1.tx_frames - c0.tx_frames);
    board_puts("\n");
}
