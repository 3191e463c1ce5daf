/*
 * UDP ports (given, or ephemeral: netstack.h) and raw sockets. Each socket
 * is caller storage linked into the host, with a bounded FIFO of datagrams
 * in caller-provided slots; a full queue drops the new datagram and counts
 * it on the socket and the host.
 */
#include "ns_internal.h"

#include <string.h>

static int queue_init(struct ns_queue *q, struct ns_dgram *slots, unsigned depth)
{
    if (!slots || depth == 0 || depth > 0xffffu)
        return NS_ERR_INVAL;
    q->slots = slots;
    q->depth = (uint16_t)depth;
    q->head = 0;
    q->count = 0;
    q->drops = 0;
    return NS_OK;
}

static bool queue_push(struct ns_queue *q, uint32_t addr, uint16_t port, const uint8_t *data,
                       size_t len)
{
    if (q->count >= q->depth) {
        q->drops++;
        return false;
    }
    unsigned i = (unsigned)q->head + q->count;
    if (i >= q->depth)
        i -= q->depth;
    struct ns_dgram *d = &q->slots[i];
    d->addr = addr;
    d->port = port;
    d->len = (uint16_t)len; /* len <= NS_DGRAM_MAX: it came in one frame */
    memcpy(d->data, data, len);
    q->count++;
    return true;
}

static int queue_pop(struct ns_queue *q, void *buf, size_t cap, size_t *len, uint32_t *src,
                     uint16_t *sport)
{
    if (!q->slots || !len || (!buf && cap != 0))
        return NS_ERR_INVAL;
    if (q->count == 0)
        return NS_ERR_EMPTY;
    const struct ns_dgram *d = &q->slots[q->head];
    if (d->len > cap)
        return NS_ERR_TOO_BIG;
    if (d->len)
        memcpy(buf, d->data, d->len);
    *len = d->len;
    if (src)
        *src = d->addr;
    if (sport)
        *sport = d->port;
    q->head = (uint16_t)(q->head + 1u >= q->depth ? 0u : q->head + 1u);
    q->count--;
    return NS_OK;
}

/* The host's lists: each socket links its struct ns_sock, its first
 * member, so a list entry is also the socket (C11 §6.7.2.1p15). */
static bool listed(const struct ns_sock *head, const struct ns_sock *s)
{
    for (; head; head = head->next)
        if (head == s)
            return true;
    return false;
}

static int sock_open(struct ns_sock **head, struct ns_sock *s, struct ns_dgram *slots,
                     unsigned depth)
{
    if (listed(*head, s))
        return NS_ERR_IN_USE;
    int rc = queue_init(&s->q, slots, depth);
    if (rc != NS_OK)
        return rc;
    s->next = *head;
    *head = s;
    return NS_OK;
}

static int sock_close(struct ns_sock **head, struct ns_sock *s)
{
    for (struct ns_sock **p = head; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            s->next = NULL;
            return NS_OK;
        }
    }
    return NS_ERR_NOT_FOUND;
}

/* --- UDP -------------------------------------------------------------- */

static bool udp_bound(const struct ns_host *ns, uint16_t port)
{
    for (const struct ns_sock *o = ns->udp; o; o = o->next)
        if (((const struct ns_udp_sock *)o)->port == port)
            return true;
    return false;
}

static uint16_t udp_after(uint16_t p)
{
    return p >= NS_UDP_EPHEMERAL_MAX ? (uint16_t)NS_UDP_EPHEMERAL_MIN : (uint16_t)(p + 1u);
}

/* The ephemeral port the next bind of port 0 takes (netstack.h): a counter
 * that starts from the MAC, so it is deterministic and two hosts on a link
 * do not start on the same port; 0 when every dynamic port is bound. */
static uint16_t udp_ephemeral(const struct ns_host *ns)
{
    const uint8_t *m = ns->ifs[NS_IF_VIRT0].mac;
    uint16_t p = ns->udp_next;
    if (p == 0)
        p = (uint16_t)(NS_UDP_EPHEMERAL_MIN + ((((unsigned)m[4] << 8) | m[5]) & 0x3fffu));
    for (unsigned i = 0; i <= NS_UDP_EPHEMERAL_MAX - NS_UDP_EPHEMERAL_MIN; i++, p = udp_after(p))
        if (!udp_bound(ns, p))
            return p;
    return 0;
}

int ns_udp_bind(struct ns_host *ns, struct ns_udp_sock *s, uint16_t port, struct ns_dgram *slots,
                unsigned depth)
{
    if (!ns || !s)
        return NS_ERR_INVAL;
    uint16_t p = port ? port : udp_ephemeral(ns);
    if (p == 0 || (port && udp_bound(ns, port)))
        return NS_ERR_IN_USE;
    int rc = sock_open(&ns->udp, &s->s, slots, depth);
    if (rc != NS_OK)
        return rc;
    s->port = p;
    if (!port)
        ns->udp_next = udp_after(p);
    return NS_OK;
}

uint16_t ns_udp_port(const struct ns_udp_sock *s)
{
    return s ? s->port : 0u;
}

int ns_udp_close(struct ns_host *ns, struct ns_udp_sock *s)
{
    if (!ns || !s)
        return NS_ERR_INVAL;
    return sock_close(&ns->udp, &s->s);
}

int ns_udp_send(struct ns_host *ns, struct ns_udp_sock *s, uint32_t dst, uint16_t dport,
                const void *data, size_t len)
{
    if (!ns || !s || dport == 0 || (!data && len != 0))
        return NS_ERR_INVAL;
    /* What dst's interface carries, checked before anything is built. */
    if (len + NP_UDP_HLEN > ns_ip_payload_max(ns, dst)) {
        ns->cnt.tx_too_big++;
        return NS_ERR_TOO_BIG;
    }
    /* The source address goes into the pseudo-header, so pick it as
     * ns_ip_output will: lo's for 127/8 (or the destination itself when it
     * is virt0's address), else virt0's. */
    const struct ns_iface *v = &ns->ifs[NS_IF_VIRT0];
    uint32_t src = ns_is_loopback(dst) ? NS_LOOPBACK_ADDR : v->addr;
    if (v->addr != 0 && dst == v->addr)
        src = dst;
    uint8_t *seg = ns->tx + NS_L4_OFF;
    struct np_udp h = {s->port, dport, false, NULL, 0};
    size_t n;
    if (len)
        memcpy(seg + NP_UDP_HLEN, data, len);
    if (np_udp_build(seg, sizeof(ns->tx) - NS_L4_OFF, &h, src, dst, len, &n) != NP_OK)
        return NS_ERR_TOO_BIG; /* cannot happen: len was checked against the MTU above */
    return ns_ip_output(ns, NP_IP_PROTO_UDP, src, dst, n, true);
}

int ns_udp_recv(struct ns_udp_sock *s, void *buf, size_t cap, size_t *len, uint32_t *src,
                uint16_t *sport)
{
    if (!s)
        return NS_ERR_INVAL;
    return queue_pop(&s->s.q, buf, cap, len, src, sport);
}

void ns_udp_deliver(struct ns_host *ns, const struct np_ipv4 *ip, const struct np_udp *u)
{
    for (struct ns_sock *o = ns->udp; o; o = o->next) {
        if (((struct ns_udp_sock *)o)->port != u->dst_port)
            continue;
        if (!queue_push(&o->q, ip->src, u->src_port, u->payload, u->payload_len))
            ns->cnt.udp_queue_full++;
        return;
    }
    ns->cnt.udp_no_port++;
}

uint32_t ns_udp_drops(const struct ns_udp_sock *s)
{
    return s ? s->s.q.drops : 0u;
}

/* --- raw -------------------------------------------------------------- */

int ns_raw_open(struct ns_host *ns, struct ns_raw_sock *s, uint8_t proto, struct ns_dgram *slots,
                unsigned depth)
{
    if (!ns || !s)
        return NS_ERR_INVAL;
    int rc = sock_open(&ns->raw, &s->s, slots, depth);
    if (rc == NS_OK) {
        s->proto = proto;
        s->bound = 0;
    }
    return rc;
}

int ns_raw_bind(struct ns_raw_sock *s, uint32_t addr)
{
    if (!s)
        return NS_ERR_INVAL;
    s->bound = addr;
    return NS_OK;
}

int ns_raw_close(struct ns_host *ns, struct ns_raw_sock *s)
{
    if (!ns || !s)
        return NS_ERR_INVAL;
    return sock_close(&ns->raw, &s->s);
}

int ns_raw_send(struct ns_host *ns, struct ns_raw_sock *s, uint32_t dst, const void *data,
                size_t len)
{
    if (!ns || !s || (!data && len != 0))
        return NS_ERR_INVAL;
    if (len > ns_ip_payload_max(ns, dst)) {
        ns->cnt.tx_too_big++;
        return NS_ERR_TOO_BIG;
    }
    if (len)
        memcpy(ns->tx + NS_L4_OFF, data, len);
    return ns_ip_output(ns, s->proto, s->bound, dst, len, false);
}

int ns_raw_recv(struct ns_raw_sock *s, void *buf, size_t cap, size_t *len, uint32_t *src)
{
    if (!s)
        return NS_ERR_INVAL;
    return queue_pop(&s->s.q, buf, cap, len, src, NULL);
}

bool ns_raw_deliver(struct ns_host *ns, const struct np_ipv4 *ip)
{
    bool heard = false;
    for (struct ns_sock *o = ns->raw; o; o = o->next) {
        const struct ns_raw_sock *s = (const struct ns_raw_sock *)o;
        if (s->proto != ip->proto || (s->bound != 0 && s->bound != ip->dst))
            continue;
        heard = true;
        if (!queue_push(&o->q, ip->src, 0, ip->payload, ip->payload_len))
            ns->cnt.raw_queue_full++;
    }
    return heard;
}

uint32_t ns_raw_drops(const struct ns_raw_sock *s)
{
    return s ? s->s.q.drops : 0u;
}
