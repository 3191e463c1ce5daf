/*
 * The TFTP client over sequences of datagrams on a virtual clock (issue
 * 15). The input configures the client, then is a script of steps; after
 * every step the client is polled until it has nothing more to send and
 * checked: a known state with a consistent result, every datagram it sends
 * well formed and to the right port, the sink given contiguous bytes within
 * the limits, a deadline in the future whenever something is pending, and
 * every datagram handed in counted exactly once in its stats.
 *
 * Header (16 bytes): flags (bit 0 tsize, bit 1 blksize, bit 2 windowsize,
 * bit 3 timeout, bit 4 the server ignores options), blksize asked (u16,
 * taken into 8..65464), windowsize asked, timeout asked, retries (mod 8),
 * retrans_ms (u16, + 1), max_size (u32, 0xffffffff: none), the sink call
 * to refuse (0: none), file size (u24).
 *
 * Steps, one opcode byte mod 7 (the generator in tests/bringup_rv_virt_v1_2_host/
 * test_tftp_corpus.c writes the same format):
 *   0 ADVANCE  u16         now += u16 ms
 *   1 JUMP                 now = the client's deadline, if any
 *   2 RAW      s n16 ..    deliver n bytes from port s % 3 (server, other, 0)
 *   3 SERVE    p x d       the fake server answers the client's last
 *                          datagram; byte p of its first reply ^= x; reply
 *                          number d is lost
 *   4 DATA     b16 n16     DATA block b16 of n16 file bytes, from the server
 *   5 OACK     n16 ..      opcode 6 then n bytes, from the server
 *   6 ERROR    s c16       ERROR c16 "x" from port s % 3
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftp/tftp.h"
#include "fuzz_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SERVER_PORT 3001u
#define OTHER_PORT 4002u
#define PKT_MAX (4u + 65464u)
#define WINDOW_MAX 8u /* replies one SERVE sends at most */

/* What the last run ended in, for the corpus test that runs the seeds. */
static enum tftp_client_state fuzz_last_state;
static int fuzz_last_err;

struct sink_state {
    uint64_t next_off;
    uint64_t calls;
    uint64_t refuse_call;
};

static int sink(void *ctx, uint64_t off, const uint8_t *d, size_t n)
{
    struct sink_state *s = ctx;
    if (off != s->next_off || n == 0 || d == NULL)
        abort();
    s->calls++;
    if (s->refuse_call != 0 && s->calls == s->refuse_call)
        return 1;
    s->next_off += n;
    return 0;
}

/* A small server, good enough to carry the client deep into a transfer. */
struct srv {
    bool ignore_options;
    uint64_t size;
    uint16_t blksize, window;
    uint64_t acked; /* 64-bit block last ACKed */
    size_t last_len;
    uint8_t last[TFTP_TX_MAX]; /* what the client sent last */
    uint8_t pkt[PKT_MAX];
};

static uint8_t file_byte(uint64_t off)
{
    return (uint8_t)(off * 131u + (off >> 9));
}

static size_t put_str(uint8_t *p, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(p, s, n);
    return n;
}

static size_t put_num(uint8_t *p, uint64_t v)
{
    char b[24];
    size_t n = sizeof b - 1;
    b[n] = 0;
    do {
        b[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return put_str(p, b + n);
}

static size_t make_data(uint8_t *p, uint16_t blk, uint64_t off, size_t n)
{
    p[0] = 0;
    p[1] = 3;
    p[2] = (uint8_t)(blk >> 8);
    p[3] = (uint8_t)blk;
    for (size_t i = 0; i < n; i++)
        p[4 + i] = file_byte(off + i);
    return 4 + n;
}

/* An OACK granting what the RRQ asked (as the RRQ spells it), tsize = size. */
static size_t make_oack(struct srv *s, const struct tftp_client_config *cfg)
{
    size_t n = 2;
    s->pkt[0] = 0;
    s->pkt[1] = 6;
    s->blksize = 512;
    s->window = 1;
    if (cfg->blksize) {
        n += put_str(s->pkt + n, "blksize");
        n += put_num(s->pkt + n, cfg->blksize);
        s->blksize = cfg->blksize;
    }
    if (cfg->tsize) {
        n += put_str(s->pkt + n, "tsize");
        n += put_num(s->pkt + n, s->size);
    }
    if (cfg->timeout_s) {
        n += put_str(s->pkt + n, "timeout");
        n += put_num(s->pkt + n, cfg->timeout_s);
    }
    if (cfg->windowsize) {
        n += put_str(s->pkt + n, "windowsize");
        n += put_num(s->pkt + n, cfg->windowsize);
        s->window = cfg->windowsize > WINDOW_MAX ? WINDOW_MAX : cfg->windowsize;
    }
    return n == 2 ? 0 : n;
}

/* Reply number i (0-based) to the client's last datagram; 0 when none. */
static size_t serve(struct srv *s, const struct tftp_client_config *cfg, unsigned i)
{
    if (s->last_len < 4)
        return 0;
    unsigned op = s->last[1];
    if (op == 1) { /* RRQ */
        s->acked = 0;
        size_t n = s->ignore_options || i != 0 ? 0 : make_oack(s, cfg);
        if (n != 0 || i != 0)
            return n;
        s->blksize = 512;
        s->window = 1;
    } else if (op == 4) { /* ACK */
        uint16_t a = (uint16_t)(s->last[2] << 8 | s->last[3]);
        s->acked += (uint64_t)(int64_t)(int16_t)(uint16_t)(a - (uint16_t)s->acked);
    } else {
        return 0;
    }
    if (s->blksize == 0 || i >= s->window)
        return 0;
    uint64_t k = s->acked + 1 + i, off = (k - 1) * s->blksize;
    if (off > s->size)
        return 0;
    size_t len = s->size - off < s->blksize ? (size_t)(s->size - off) : s->blksize;
    return make_data(s->pkt, (uint16_t)k, off, len);
}

static void config(struct script *sc, struct tftp_client_config *cfg, struct srv *s,
                   struct sink_state *ss)
{
    tftp_client_config_defaults(cfg);
    uint32_t flags = take(sc, 1);
    uint32_t blk = take(sc, 2), win = take(sc, 1), tmo = take(sc, 1);
    cfg->tsize = flags & 1u;
    cfg->blksize = (flags & 2u) ? (uint16_t)(8u + blk % (TFTP_BLKSIZE_MAX - 7u)) : 0;
    cfg->windowsize = (flags & 4u) ? (uint16_t)(win + 1u) : 0;
    cfg->timeout_s = (flags & 8u) ? (uint8_t)(tmo % 255u + 1u) : 0;
    s->ignore_options = flags & 16u;
    cfg->retries = (uint8_t)(take(sc, 1) % 8u);
    cfg->retrans_ms = take(sc, 2) + 1u;
    uint32_t max = take(sc, 4);
    cfg->max_size = max == 0xffffffffu ? UINT64_MAX : max;
    ss->refuse_call = take(sc, 1);
    s->size = take(sc, 3);
    cfg->sink = sink;
    cfg->sink_ctx = ss;
}

static uint16_t port_of(uint32_t sel, const struct tftp_client *c)
{
    sel %= 3;
    if (sel == 0) {
        uint16_t tid = tftp_client_result(c)->server_tid;
        return tid ? tid : SERVER_PORT;
    }
    return sel == 1 ? OTHER_PORT : 0;
}

/* Every datagram the client sends. */
static void check_sent(const struct tftp_client *c, const struct tftp_tx *tx, uint16_t port69)
{
    const struct tftp_result *r = tftp_client_result(c);
    if (tx->len < 4 || tx->len > TFTP_TX_MAX || tx->buf[0] != 0)
        abort();
    switch (tx->buf[1]) {
    case 1: /* RRQ, only before a reply, only to the server port */
        if (tx->port != port69 || r->server_tid != 0 || tx->buf[tx->len - 1] != 0)
            abort();
        break;
    case 4:
        if (tx->len != 4 || tx->port != r->server_tid)
            abort();
        break;
    case 5: {
        unsigned code = (unsigned)(tx->buf[2] << 8 | tx->buf[3]);
        bool foreign = code == TFTP_EC_UNKNOWN_TID;
        if (tx->buf[tx->len - 1] != 0 || tx->len < 6 || (!foreign && tx->port != r->server_tid) ||
            (foreign && (tx->port == r->server_tid || tx->port == 0)))
            abort();
        if (code != 3 && code != 4 && code != 5 && code != 8)
            abort();
        break;
    }
    default:
        abort();
    }
}

static void check_client(const struct tftp_client *c, const struct tftp_client_config *cfg,
                         const struct sink_state *ss, uint64_t now)
{
    const struct tftp_result *r = tftp_client_result(c);
    enum tftp_client_state st = r->state;
    if (st > TFTP_CLIENT_FAILED || r->bytes != ss->next_off || r->bytes > cfg->max_size)
        abort();
    if ((st == TFTP_CLIENT_FAILED) != (r->err != 0) || (r->err != 0 && r->err > TFTP_ERR_NOT_FOUND))
        abort();
    if (st == TFTP_CLIENT_DONE && r->have_tsize && r->bytes != r->tsize)
        abort();
    if (r->have_tsize && st != TFTP_CLIENT_FAILED && r->bytes > r->tsize)
        abort();
    uint16_t bmax = r->oack && cfg->blksize ? cfg->blksize : 512;
    uint16_t wmax = r->oack && cfg->windowsize ? cfg->windowsize : 1;
    if (r->blksize < 8 || r->blksize > bmax || r->windowsize < 1 || r->windowsize > wmax)
        abort();
    if (r->server_msg_len > TFTP_ERRMSG_MAX || r->server_msg[r->server_msg_len] != 0)
        abort();
    uint64_t d = tftp_client_deadline(c);
    bool live = st == TFTP_CLIENT_REQUEST || st == TFTP_CLIENT_TRANSFER;
    if (live ? d <= now : d != TFTP_NEVER)
        abort();
}

static uint32_t rx_total(const struct tftp_client *c)
{
    struct tftp_client_stats s;
    tftp_client_get_stats(c, &s);
    return s.rx_taken + s.rx_malformed + s.rx_foreign + s.rx_duplicate + s.rx_ahead +
           s.rx_unexpected;
}

static const uint8_t *take_bytes(struct script *s, size_t *len)
{
    size_t want = take(s, 2);
    if (want > s->n)
        want = s->n;
    const uint8_t *p = s->p;
    s->p += want;
    s->n -= want;
    *len = want;
    return p;
}

/* One step of the script; returns how many datagrams it handed in. */
static uint32_t step(struct script *sc, struct tftp_client *c, struct srv *s,
                     const struct tftp_client_config *cfg, uint64_t *now)
{
    uint32_t in = 0;
    switch (take(sc, 1) % 7) {
    case 0:
        *now += take(sc, 2);
        break;
    case 1:
        if (tftp_client_deadline(c) != TFTP_NEVER)
            *now = tftp_client_deadline(c);
        break;
    case 2: {
        uint16_t port = port_of(take(sc, 1), c);
        size_t n;
        const uint8_t *p = take_bytes(sc, &n);
        (void)tftp_client_input(c, *now, port, p, n);
        in++;
        break;
    }
    case 3: {
        uint32_t pos = take(sc, 2), x = take(sc, 1), lose = take(sc, 1);
        for (unsigned i = 0; i < WINDOW_MAX; i++) {
            size_t n = serve(s, cfg, i);
            if (n == 0)
                break;
            if (i == 0)
                s->pkt[pos % n] ^= (uint8_t)x;
            if (i == lose)
                continue;
            (void)tftp_client_input(c, *now, port_of(0, c), s->pkt, n);
            in++;
        }
        break;
    }
    case 4: {
        uint16_t blk = (uint16_t)take(sc, 2);
        size_t n = take(sc, 2) % (PKT_MAX - 4u + 1u);
        n = make_data(s->pkt, blk, (uint64_t)(uint16_t)(blk - 1) * 512u, n);
        (void)tftp_client_input(c, *now, port_of(0, c), s->pkt, n);
        in++;
        break;
    }
    case 5: {
        size_t n;
        const uint8_t *p = take_bytes(sc, &n);
        n = n < PKT_MAX - 2u ? n : PKT_MAX - 2u;
        s->pkt[0] = 0;
        s->pkt[1] = 6;
        memcpy(s->pkt + 2, p, n);
        (void)tftp_client_input(c, *now, port_of(0, c), s->pkt, n + 2);
        in++;
        break;
    }
    default: {
        uint16_t port = port_of(take(sc, 1), c);
        uint32_t code = take(sc, 2);
        const uint8_t e[] = {0, 5, (uint8_t)(code >> 8), (uint8_t)code, 'x', 0};
        (void)tftp_client_input(c, *now, port, e, sizeof e);
        in++;
        break;
    }
    }
    return in;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct srv s;
    static struct tftp_client c;
    static uint8_t buf[TFTP_TX_MAX];
    struct script sc = {data, size};
    struct tftp_client_config cfg;
    struct sink_state ss = {0, 0, 0};
    memset(&s, 0, sizeof s);
    config(&sc, &cfg, &s, &ss);
    if (tftp_client_init(&c, &cfg) != TFTP_OK || tftp_client_start(&c, 0, "fuzz.bin") != TFTP_OK)
        abort();
    struct tftp_tx tx = {.buf = buf, .cap = sizeof buf};
    uint64_t now = 0, inputs = 0;
    for (int steps = 0; steps < 1024; steps++) {
        /* Poll until nothing is left: at most the queued datagram, an
         * ERROR 5, and a retransmission. */
        for (int polls = 0;; polls++) {
            if (polls > 3 || tftp_client_poll(&c, now, &tx) != TFTP_OK)
                abort();
            if (tx.len == 0)
                break;
            check_sent(&c, &tx, cfg.server_port);
            if (tx.buf[1] == 5 && tx.buf[3] == TFTP_EC_UNKNOWN_TID)
                continue; /* to a stranger: not for the fake server */
            memcpy(s.last, tx.buf, tx.len);
            s.last_len = tx.len;
        }
        check_client(&c, &cfg, &ss, now);
        if (rx_total(&c) != inputs)
            abort();
        if (sc.n == 0)
            break;
        inputs += step(&sc, &c, &s, &cfg, &now);
    }
    fuzz_last_state = tftp_client_state(&c);
    fuzz_last_err = tftp_client_result(&c)->err;
    return 0;
}
