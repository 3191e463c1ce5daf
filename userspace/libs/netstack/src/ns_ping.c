/*
 * The ping helper: echo requests (RFC 792) with an 8-byte send time in the
 * caller's clock at the front of the payload and a pattern behind it, so a
 * reply carries its own round-trip start and needs no table of send times.
 */
#include "ns_internal.h"

#include <string.h>

#define PING_STAMP_LEN 8u

/*
 * Byte i of the payload, from PING_STAMP_LEN on, is i * 7 + 1 (mod 256).
 * It is made and checked eight bytes at a time: a word holds bytes i..i+7,
 * and the next word is each of its bytes plus 56, added byte by byte (the
 * low seven bits of each byte are added, the top bit is put back with an
 * exclusive or), so no carry crosses a byte and the host's byte order does
 * not matter.
 */
#define PATTERN_HI 0x8080808080808080u

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 7u + 1u);
}

static uint64_t pattern_first(void)
{
    uint8_t b[8];
    uint64_t w;
    for (unsigned i = 0; i < 8u; i++)
        b[i] = pattern(PING_STAMP_LEN + i);
    memcpy(&w, b, sizeof(w));
    return w;
}

static uint64_t pattern_next(uint64_t w)
{
    return ((w & ~PATTERN_HI) + 0x3838383838383838u) ^ (w & PATTERN_HI);
}

static void pattern_fill(uint8_t *data, size_t len)
{
    uint64_t w = pattern_first();
    size_t i = PING_STAMP_LEN;
    for (; i + 8u <= len; i += 8u, w = pattern_next(w))
        memcpy(data + i, &w, sizeof(w));
    for (; i < len; i++)
        data[i] = pattern(i);
}

static bool pattern_ok(const uint8_t *data, size_t len)
{
    uint64_t w = pattern_first();
    size_t i = PING_STAMP_LEN;
    for (; i + 8u <= len; i += 8u, w = pattern_next(w)) {
        if (memcmp(data + i, &w, sizeof(w)) != 0)
            return false;
    }
    for (; i < len; i++) {
        if (data[i] != pattern(i))
            return false;
    }
    return true;
}

int ns_ping_start(struct ns_host *ns, const struct ns_ping_params *p)
{
    if (!ns || !p || p->count == 0 || p->payload_len < PING_STAMP_LEN ||
        p->payload_len > NS_DGRAM_MAX - NP_ICMP_HLEN)
        return NS_ERR_INVAL;
    if (ns->ping.r.active)
        return NS_ERR_BUSY;
    memset(&ns->ping, 0, sizeof(ns->ping));
    ns->ping.p = *p;
    ns->ping.r.active = true;
    ns->ping.next_ms = ns->now_ms; /* the first request goes out at the next poll */
    return NS_OK;
}

void ns_ping_stop(struct ns_host *ns)
{
    if (ns)
        ns->ping.r.active = false;
}

void ns_ping_get(const struct ns_host *ns, struct ns_ping_result *out)
{
    if (!out)
        return;
    if (!ns) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = ns->ping.r;
}

static void finish(struct ns_host *ns)
{
    struct ns_event e;
    ns->ping.r.active = false;
    ns->ping.r.done = true;
    memset(&e, 0, sizeof(e));
    e.type = NS_EV_PING_DONE;
    e.now_ms = ns->now_ms;
    e.from = ns->ping.p.dst;
    e.seq = ns->ping.r.last_seq;
    ns_emit(ns, &e);
}

static bool behind_arp(const struct ns_host *ns)
{
    uint32_t hop = ns_ip_arp_hop(ns, ns->ping.p.dst);
    return hop != 0 && ns_arp_holds(ns, hop);
}

void ns_ping_step(struct ns_host *ns, uint64_t now_ms)
{
    struct ns_ping *pg = &ns->ping;
    if (!pg->r.active)
        return;
    if (pg->r.sent >= pg->p.count) {
        if (now_ms >= pg->last_tx_ms + pg->p.timeout_ms)
            finish(ns);
        return;
    }
    /* ARP holds one packet per neighbour, the newest (ns_arp_output): a
     * request sent while the one before still waits for the same next hop
     * would replace it, and that one would be lost though the peer answers
     * all. So the next request waits while its next hop's ARP holds one;
     * that ends when ARP resolves it or gives up (ns_arp_timers, at most
     * arp_tries * arp_retry_ms), and the next poll sends it. */
    if (now_ms < pg->next_ms || behind_arp(ns))
        return;
    uint8_t *msg = ns->tx + NS_L4_OFF;
    uint8_t *data = msg + NP_ICMP_HLEN;
    for (unsigned i = 0; i < PING_STAMP_LEN; i++)
        data[i] = (uint8_t)(now_ms >> (56u - 8u * i));
    pattern_fill(data, pg->p.payload_len);
    struct np_icmp h = {NP_ICMP_ECHO_REQUEST, 0, pg->p.id, pg->r.sent, NULL, 0};
    size_t n;
    int rc = NS_ERR_INVAL;
    if (np_icmp_build(msg, sizeof(ns->tx) - NS_L4_OFF, &h, pg->p.payload_len, &n) == NP_OK)
        rc = ns_ip_output(ns, NP_IP_PROTO_ICMP, 0, pg->p.dst, n, true);
    if (rc != NS_OK)
        pg->r.errors++;
    pg->r.sent++;
    pg->last_tx_ms = now_ms;
    pg->next_ms = now_ms + pg->p.interval_ms;
}

void ns_ping_input(struct ns_host *ns, const struct np_ipv4 *ip, const struct np_icmp *m)
{
    struct ns_ping *pg = &ns->ping;
    if (!pg->r.active || m->id != pg->p.id || ip->src != pg->p.dst) {
        ns->cnt.icmp_other++;
        return;
    }
    /* payload_len is at least PING_STAMP_LEN: ns_ping_start checked it. */
    bool ok = m->payload_len == pg->p.payload_len && m->seq < pg->r.sent &&
              pattern_ok(m->payload, m->payload_len);
    uint64_t stamp = ok ? (uint64_t)np_get32(m->payload) << 32 | np_get32(m->payload + 4) : 0;
    if (!ok || stamp > ns->now_ms) {
        ns->cnt.ping_bad++;
        return;
    }
    struct ns_ping_result *r = &pg->r;
    uint32_t rtt = (uint32_t)(ns->now_ms - stamp);
    if (r->received != 0 && m->seq != (uint16_t)(r->last_seq + 1u))
        r->out_of_order++;
    if (r->received == 0 || rtt < r->rtt_min_ms)
        r->rtt_min_ms = rtt;
    if (rtt > r->rtt_max_ms)
        r->rtt_max_ms = rtt;
    r->rtt_sum_ms += rtt;
    r->last_rtt_ms = rtt;
    r->last_seq = m->seq;
    r->received++;
    struct ns_event e;
    memset(&e, 0, sizeof(e));
    e.type = NS_EV_PING_REPLY;
    e.now_ms = ns->now_ms;
    e.from = ip->src;
    e.seq = m->seq;
    e.rtt_ms = rtt;
    ns_emit(ns, &e);
    if (r->received >= pg->p.count)
        finish(ns);
}

uint64_t ns_ping_deadline(const struct ns_host *ns)
{
    const struct ns_ping *pg = &ns->ping;
    if (!pg->r.active)
        return UINT64_MAX;
    if (pg->r.sent >= pg->p.count)
        return pg->last_tx_ms + pg->p.timeout_ms;
    /* Waiting behind ARP: the reply or ARP's own deadline wakes us. */
    if (behind_arp(ns))
        return UINT64_MAX;
    return pg->next_ms;
}
