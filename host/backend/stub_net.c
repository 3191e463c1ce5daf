#include "stub_net.h"

#include <string.h>

#include "netproto/netproto.h"

int stub_net_init(struct stub_net *s, const struct dhcp_server_config *srv)
{
    static const uint8_t mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    struct dhcp_server_config cfg;
    memset(s, 0, sizeof(*s));
    if (srv) {
        cfg = *srv;
    } else {
        dhcp_server_config_defaults(&cfg);
        cfg.always_broadcast = true;
    }
    if (dhcp_server_init(&s->dhcp, &cfg) != DHCP_OK)
        return -1;
    memcpy(s->mac, mac, 6);
    s->ip = cfg.server_id;
    s->answer_dhcp = s->answer_arp = s->answer_icmp = true;
    return 0;
}

static void inject(struct stub_net *p, const struct fake_rx_sink *out, const uint8_t *frame,
                   size_t len, uint32_t *counter)
{
    if (out->deliver && out->deliver(out->ctx, frame, len) == 0)
        (*counter)++;
    else
        p->stats.inject_fail++;
}

static bool answer_arp(struct stub_net *p, const struct fake_rx_sink *to, const struct np_eth *e)
{
    struct np_arp a, r;
    uint8_t out[NP_ETH_MIN_FRAME];
    size_t n;
    if (np_arp_parse(e->payload, e->payload_len, &a) != NP_OK || a.op != NP_ARP_REQUEST ||
        a.tpa != p->ip)
        return false;
    r.op = NP_ARP_REPLY;
    memcpy(r.sha, p->mac, 6);
    r.spa = p->ip;
    memcpy(r.tha, a.sha, 6);
    r.tpa = a.spa;
    struct np_eth h = {{0}, {0}, NP_ETHERTYPE_ARP, NULL, 0};
    memcpy(h.dst, a.sha, 6);
    memcpy(h.src, p->mac, 6);
    if (np_arp_build(out + NP_ETH_HLEN, sizeof(out) - NP_ETH_HLEN, &r, &n) != NP_OK ||
        np_eth_build(out, sizeof(out), &h, n, &n) != NP_OK)
        return false;
    inject(p, to, out, n, &p->stats.arp_replies);
    return true;
}

static bool answer_icmp(struct stub_net *p, const struct fake_rx_sink *to, const struct np_eth *e,
                        const struct np_ipv4 *ip)
{
    struct np_icmp m;
    uint8_t out[NP_ETH_MAX_FRAME];
    size_t n;
    if (ip->dst != p->ip || np_icmp_parse(ip->payload, ip->payload_len, &m) != NP_OK ||
        m.type != NP_ICMP_ECHO_REQUEST)
        return false;
    uint8_t *icmp = out + NP_ETH_HLEN + NP_IPV4_HLEN;
    memcpy(icmp + NP_ICMP_HLEN, m.payload, m.payload_len);
    struct np_icmp r = {NP_ICMP_ECHO_REPLY, 0, m.id, m.seq, NULL, 0};
    struct np_ipv4 h;
    memset(&h, 0, sizeof(h));
    h.ttl = NP_IPV4_TTL_DEFAULT;
    h.proto = NP_IP_PROTO_ICMP;
    h.src = p->ip;
    h.dst = ip->src;
    struct np_eth eh = {{0}, {0}, NP_ETHERTYPE_IPV4, NULL, 0};
    memcpy(eh.dst, e->src, 6);
    memcpy(eh.src, p->mac, 6);
    if (np_icmp_build(icmp, sizeof(out) - (size_t)(icmp - out), &r, m.payload_len, &n) != NP_OK ||
        np_ipv4_build(out + NP_ETH_HLEN, sizeof(out) - NP_ETH_HLEN, &h, n, &n) != NP_OK ||
        np_eth_build(out, sizeof(out), &eh, n, &n) != NP_OK)
        return false;
    inject(p, to, out, n, &p->stats.icmp_replies);
    return true;
}

static bool answer_dhcp(struct stub_net *p, const struct fake_rx_sink *to, const struct np_eth *e)
{
    struct np_udp_frame f;
    uint8_t out[NP_ETH_MAX_FRAME];
    size_t n;
    if (np_udp_frame_parse((const uint8_t *)e->payload - NP_ETH_HLEN, e->payload_len + NP_ETH_HLEN,
                           &f) != NP_OK ||
        f.dst_port != DHCP_SERVER_PORT)
        return false;
    struct dhcp_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.buf = out + NP_UDP_FRAME_HLEN;
    tx.cap = sizeof(out) - NP_UDP_FRAME_HLEN;
    if (dhcp_server_input(&p->dhcp, p->now_ms, f.payload, f.payload_len, &tx) != DHCP_OK ||
        tx.len == 0)
        return false;
    /* A unicast reply goes to the MAC the request came from. */
    if (dhcp_tx_frame(&tx, p->mac, f.src_mac, out, sizeof(out), &n) != DHCP_OK)
        return false;
    inject(p, to, out, n, &p->stats.dhcp_replies);
    return true;
}

bool stub_net_answer(struct stub_net *s, const uint8_t *frame, size_t len,
                     const struct fake_rx_sink *to)
{
    struct np_eth e;
    struct np_ipv4 ip;
    bool done = false;
    s->stats.frames_in++;
    if (np_eth_parse(frame, len, &e) == NP_OK) {
        if (e.type == NP_ETHERTYPE_ARP && s->answer_arp) {
            done = answer_arp(s, to, &e);
        } else if (e.type == NP_ETHERTYPE_IPV4 &&
                   np_ipv4_parse(e.payload, e.payload_len, &ip) == NP_OK) {
            if (ip.proto == NP_IP_PROTO_ICMP && s->answer_icmp)
                done = answer_icmp(s, to, &e, &ip);
            else if (ip.proto == NP_IP_PROTO_UDP && s->answer_dhcp)
                done = answer_dhcp(s, to, &e);
        }
    }
    if (!done)
        s->stats.ignored++;
    return done;
}

static void stub_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct stub_net *p = ctx;
    (void)stub_net_answer(p, frame, len, &p->sink);
}

static void stub_bind(void *ctx, const struct fake_rx_sink *sink)
{
    struct stub_net *p = ctx;
    p->sink = *sink;
}

static int stub_poll(void *ctx, uint64_t now_ms)
{
    struct stub_net *p = ctx;
    p->now_ms = now_ms;
    return 0;
}

/* No timers (the DHCP server keeps leases by time stamps) and nothing to
 * wait for: every answer is given inside tx. */
static const struct fake_backend_ops stub_ops = {
    .name = "stub",
    .clock = FAKE_CLOCK_VIRTUAL,
    .bind = stub_bind,
    .tx = stub_tx,
    .poll = stub_poll,
};

struct fake_backend stub_net_backend(struct stub_net *s)
{
    return (struct fake_backend){&stub_ops, s};
}
