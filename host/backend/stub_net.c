/*
 * The stub network (stub_net.h): the frame responder (ARP, ICMP echo, DHCP
 * through the dhcp-stub server, TFTP) and the backend around it.
 */
#include "stub_net.h"

#include <strings.h>
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
    s->answer_dhcp = s->answer_arp = s->answer_icmp = s->answer_tftp = true;
    s->tftp_seed = STUB_TFTP_SEED;
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

/* --- TFTP (stub_net.h) ----------------------------------------------------- */

enum { OP_RRQ = 1, OP_WRQ = 2, OP_DATA = 3, OP_ACK = 4, OP_ERROR = 5, OP_OACK = 6 };

static const char hello[] = "Hello from the rvnet stub network\n";

const struct stub_tftp_file stub_tftp_files[STUB_TFTP_NFILES] = {
    {"hello.txt", sizeof(hello) - 1u},
    {"zero.bin", 0},
    {"block.bin", 357u * 512u}, /* = 128 * 1428 */
    {"big.bin", 4u * 1024u * 1024u + 1234u},
    {"wrap.bin", 33u * 1024u * 1024u + 1000u},
};

const struct stub_tftp_file *stub_tftp_find(const char *name)
{
    for (unsigned i = 0; i < STUB_TFTP_NFILES; i++)
        if (strcmp(stub_tftp_files[i].name, name) == 0)
            return &stub_tftp_files[i];
    return NULL;
}

static uint64_t splitmix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void stub_tftp_read(uint64_t seed, const struct stub_tftp_file *f, uint64_t off, uint8_t *buf,
                    size_t n)
{
    if (f == &stub_tftp_files[0]) {
        memcpy(buf, hello + off, n);
        return;
    }
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a-64 of the name */
    for (const char *c = f->name; *c; c++)
        h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
    uint64_t key = seed ^ h;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = off + i;
        uint64_t w = splitmix64(key + (at / 8u + 1u) * 0x9e3779b97f4a7c15ull);
        buf[i] = (uint8_t)(w >> (8u * (at % 8u)));
    }
}

/* One TFTP datagram from the server's port sport to the peer, built at
 * out + NP_UDP_FRAME_HLEN (plen bytes there already). */
static void tftp_send(struct stub_net *p, const struct fake_rx_sink *to, uint16_t sport,
                      const struct np_udp_frame *peer, uint8_t *out, size_t plen, uint32_t *counter)
{
    struct np_udp_frame f;
    size_t n;
    memset(&f, 0, sizeof(f));
    memcpy(f.dst_mac, peer->src_mac, 6);
    memcpy(f.src_mac, p->mac, 6);
    f.src_ip = p->ip;
    f.dst_ip = peer->src_ip;
    f.src_port = sport;
    f.dst_port = peer->src_port;
    f.ttl = 64;
    f.ip_id = p->ip_id++;
    if (np_udp_frame_build(out, NP_ETH_MAX_FRAME, &f, plen, &n) != NP_OK)
        return; /* cannot happen: every datagram built here fits one frame */
    (*counter)++;
    uint32_t delivered = 0; /* a refused one is counted in inject_fail */
    inject(p, to, out, n, &delivered);
}

static void put16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

/* ERROR code with msg (RFC 1350 §5), from sport. */
static void tftp_error(struct stub_net *p, const struct fake_rx_sink *to, uint16_t sport,
                       const struct np_udp_frame *peer, unsigned code, const char *msg)
{
    uint8_t out[NP_ETH_MAX_FRAME];
    uint8_t *d = out + NP_UDP_FRAME_HLEN;
    size_t m = strlen(msg) + 1u;
    put16(d, OP_ERROR);
    put16(d + 2, code);
    memcpy(d + 4, msg, m);
    tftp_send(p, to, sport, peer, out, 4u + m, &p->stats.tftp_errors_out);
}

/* The window after the last block acknowledged (RFC 7440 §4; 1 block
 * without the option): blocks acked + 1 on, up to the last. */
static void tftp_window(struct stub_net *p, const struct fake_rx_sink *to,
                        const struct np_udp_frame *peer)
{
    struct stub_tftp *t = &p->tftp;
    uint8_t out[NP_ETH_MAX_FRAME];
    uint8_t *d = out + NP_UDP_FRAME_HLEN;
    for (uint64_t b = t->acked + 1u; b <= t->acked + t->window && b <= t->nblocks; b++) {
        uint64_t off = (b - 1u) * t->blksize;
        size_t n = t->file->size - off < t->blksize ? (size_t)(t->file->size - off) : t->blksize;
        put16(d, OP_DATA);
        put16(d + 2, (unsigned)(b & 0xffffu)); /* 65535 wraps to 0 */
        stub_tftp_read(p->tftp_seed, t->file, off, d + 4, n);
        if (b <= t->sent)
            p->stats.tftp_again++;
        else
            t->sent = b;
        tftp_send(p, to, t->tid, peer, out, 4u + n, &p->stats.tftp_data);
    }
}

/* A decimal option value of at most 10 digits, or -1. */
static int64_t tftp_dec(const char *v)
{
    uint64_t x = 0;
    if (!*v || strlen(v) > 10u)
        return -1;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return -1;
        x = x * 10u + (uint64_t)(*v - '0');
    }
    return (int64_t)x;
}

/* Appends "name\0value\0" to the OACK at *d. */
static void oack_put(uint8_t **d, const char *name, uint64_t v)
{
    char num[24];
    int k = 0;
    char rev[24];
    do {
        rev[k++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    for (int i = 0; i < k; i++)
        num[i] = rev[k - 1 - i];
    num[k] = '\0';
    size_t nl = strlen(name) + 1u;
    memcpy(*d, name, nl);
    memcpy(*d + nl, num, (size_t)k + 1u);
    *d += nl + (size_t)k + 1u;
}

/* The options of a request (RFC 2347: name NUL value NUL pairs after the
 * mode), granted into t and echoed into the OACK at oack; returns the
 * OACK's end (oack when nothing was granted). An incomplete pair ends
 * the list; names are case-insensitive. */
static uint8_t *tftp_options(struct stub_tftp *t, const char *o, const char *end, uint8_t *oack)
{
    uint8_t *d = oack;
    while (o < end) {
        const char *v = memchr(o, 0, (size_t)(end - o));
        const char *e = v ? memchr(v + 1, 0, (size_t)(end - v - 1)) : NULL;
        if (!e)
            break;
        v++;
        int64_t x = tftp_dec(v);
        if (strcasecmp(o, "blksize") == 0 && x >= 8 && x <= 65464) {
            t->blksize = (uint16_t)(x > STUB_TFTP_BLKSIZE_MAX ? STUB_TFTP_BLKSIZE_MAX : x);
            oack_put(&d, "blksize", t->blksize);
        } else if (strcasecmp(o, "tsize") == 0 && x == 0) {
            oack_put(&d, "tsize", t->file->size);
        } else if (strcasecmp(o, "timeout") == 0 && x >= 1 && x <= 255) {
            oack_put(&d, "timeout", (uint64_t)x);
        } else if (strcasecmp(o, "windowsize") == 0 && x >= 1 && x <= 65535) {
            t->window = (uint16_t)(x > STUB_TFTP_WINDOW_MAX ? STUB_TFTP_WINDOW_MAX : x);
            oack_put(&d, "windowsize", t->window);
        }
        o = e + 1;
    }
    return d;
}

/* A datagram to port 69: a new transfer from a new TID, or an ERROR. */
static void tftp_request(struct stub_net *p, const struct fake_rx_sink *to,
                         const struct np_udp_frame *f)
{
    struct stub_tftp *t = &p->tftp;
    const uint8_t *d = f->payload;
    size_t len = f->payload_len;
    unsigned op = len >= 2u ? ((unsigned)d[0] << 8 | d[1]) : 0u;
    if (op == OP_ERROR)
        return; /* an ERROR is never answered (RFC 1350 §7) */
    p->stats.tftp_requests++;
    t->active = false;
    t->file = NULL;
    t->tid = (uint16_t)(0xc000u + ((p->tftp_seed + t->requests++) & 0x3fffu));
    /* The request, copied with a NUL after it, so every string in it ends. */
    char req[NP_ETH_MAX_FRAME + 1];
    memcpy(req, d, len);
    req[len] = '\0';
    const char *end = req + len;
    const char *name = req + 2;
    const char *mode = len > 2u ? memchr(name, 0, (size_t)(end - name)) : NULL;
    const char *opts =
        mode && mode + 1 < end ? memchr(mode + 1, 0, (size_t)(end - mode - 1)) : NULL;
    const char *why = NULL;
    unsigned code = 4;
    if (op == OP_WRQ) {
        code = 2;
        why = "Access violation: read only";
    } else if (op != OP_RRQ || !opts || mode == name) {
        why = "Illegal operation: malformed request";
    } else if (strcasecmp(mode + 1, "octet") != 0) {
        why = "Unsupported transfer mode: octet only";
    } else if ((t->file = stub_tftp_find(name)) == NULL) {
        code = 1;
        why = "File not found";
    }
    if (why) {
        tftp_error(p, to, t->tid, f, code, why);
        return;
    }
    t->peer_ip = f->src_ip;
    t->peer_port = f->src_port;
    t->blksize = 512;
    t->window = 1;
    t->acked = t->sent = 0;
    t->active = true;
    uint8_t out[NP_ETH_MAX_FRAME];
    uint8_t *o = out + NP_UDP_FRAME_HLEN;
    uint8_t *oend = tftp_options(t, opts + 1, end, o + 2);
    t->nblocks = t->file->size / t->blksize + 1u;
    if (oend == o + 2) {
        tftp_window(p, to, f); /* nothing granted: DATA 1 at 512 (RFC 2347) */
        return;
    }
    put16(o, OP_OACK);
    tftp_send(p, to, t->tid, f, out, (size_t)(oend - o), &p->stats.tftp_oacks);
}

/* A datagram to the transfer's ID (RFC 1350 §4): from its peer, an ACK
 * moves the window on, an ERROR ends the transfer; from anyone else,
 * ERROR 5. */
static void tftp_transfer(struct stub_net *p, const struct fake_rx_sink *to,
                          const struct np_udp_frame *f)
{
    struct stub_tftp *t = &p->tftp;
    const uint8_t *d = f->payload;
    unsigned op = f->payload_len >= 2u ? ((unsigned)d[0] << 8 | d[1]) : 0u;
    if (f->src_ip != t->peer_ip || f->src_port != t->peer_port || !t->file) {
        if (op != OP_ERROR)
            tftp_error(p, to, t->tid, f, 5, "Unknown transfer ID");
        return;
    }
    if (op == OP_ERROR) {
        p->stats.tftp_errors_in += t->active;
        t->active = false;
        return;
    }
    if (op != OP_ACK || f->payload_len < 4u) {
        if (t->active)
            tftp_error(p, to, t->tid, f, 4, "Illegal operation");
        t->active = false;
        return;
    }
    /* Which block of the window it acknowledges: from 0 (the last ACK again,
     * or ACK 0 after the OACK) to the window's size; block numbers wrap
     * (RFC 1350 leaves it open; slirp and tftpd-hpa go on from 0). */
    uint16_t k = (uint16_t)(((unsigned)d[2] << 8 | d[3]) - (unsigned)(t->acked & 0xffffu));
    if (!t->active || k > t->window || t->acked + k > t->nblocks) {
        p->stats.tftp_stale++;
        return;
    }
    t->acked += k;
    if (t->acked == t->nblocks) {
        t->active = false;
        p->stats.tftp_done++;
        return;
    }
    tftp_window(p, to, f);
}

/* A UDP datagram to the stub's address: TFTP when it goes to port 69 or to
 * the transfer's ID. */
static bool tftp_answer(struct stub_net *p, const struct fake_rx_sink *to,
                        const struct np_udp_frame *f)
{
    if (f->dst_port == STUB_TFTP_PORT)
        tftp_request(p, to, f);
    else if (p->tftp.tid != 0 && f->dst_port == p->tftp.tid)
        tftp_transfer(p, to, f);
    else
        return false;
    return true;
}

static bool answer_dhcp(struct stub_net *p, const struct fake_rx_sink *to,
                        const struct np_udp_frame *f)
{
    uint8_t out[NP_ETH_MAX_FRAME];
    size_t n;
    struct dhcp_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.buf = out + NP_UDP_FRAME_HLEN;
    tx.cap = sizeof(out) - NP_UDP_FRAME_HLEN;
    if (dhcp_server_input(&p->dhcp, p->now_ms, f->payload, f->payload_len, &tx) != DHCP_OK ||
        tx.len == 0)
        return false;
    /* A unicast reply goes to the MAC the request came from. */
    if (dhcp_tx_frame(&tx, p->mac, f->src_mac, out, sizeof(out), &n) != DHCP_OK)
        return false;
    inject(p, to, out, n, &p->stats.dhcp_replies);
    return true;
}

static bool answer_udp(struct stub_net *p, const struct fake_rx_sink *to, const uint8_t *frame,
                       size_t len)
{
    struct np_udp_frame f;
    if (np_udp_frame_parse(frame, len, &f) != NP_OK)
        return false;
    if (f.dst_port == DHCP_SERVER_PORT)
        return p->answer_dhcp && answer_dhcp(p, to, &f);
    return p->answer_tftp && f.dst_ip == p->ip && tftp_answer(p, to, &f);
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
            else if (ip.proto == NP_IP_PROTO_UDP)
                done = answer_udp(s, to, frame, len);
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
