/*
 * Whole transfers between the client and a small fake server on a virtual
 * clock, with deterministic loss: a file over 32 MiB at 512-byte blocks
 * (block numbers wrap 65535 -> 0), a slirp-like server, one that ignores
 * options, a lossy windowed transfer whose every datagram is hashed against
 * a golden value (the same bytes on every compiler and byte order), and a
 * server with the Sorcerer's Apprentice bug. The sink only CRCs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "tftp_test_util.h"

#define QMAX 1024u /* the server's datagrams in flight, a FIFO */

struct pkt {
    size_t len;
    uint8_t b[4 + 1468];
};

/* The fake server. It answers an RRQ with an OACK when it has options to
 * grant (blksize capped at max_blksize, windowsize when it has one, tsize)
 * or with DATA 1 at 512 bytes; it sends a window after each new ACK and
 * again when its own timer expires. */
struct fsrv {
    uint64_t size;
    uint16_t max_blksize; /* 0: ignores every option (RFC 1350 only) */
    bool has_windowsize;  /* slirp has none */
    bool sorcerer;        /* resends the window on every ACK, duplicates too */
    uint16_t blksize, window;
    uint64_t nblocks; /* blocks of the file, the final short one included */
    uint64_t acked;   /* highest block ACKed, as a 64-bit number */
    bool started, oack_pending, done;
    uint64_t timer;
    unsigned tries;
    uint64_t data_sent;
    bool saw_65535, saw_wrap; /* ACK 65535, then ACK 0 right after it */
    struct pkt q[QMAX];
    unsigned head, tail; /* q[head % QMAX] is delivered next */
};

static void srv_push(struct fsrv *s, const uint8_t *b, size_t n)
{
    assert_true(s->tail - s->head < QMAX);
    struct pkt *p = &s->q[s->tail++ % QMAX];
    p->len = n;
    memcpy(p->b, b, n);
}

static void srv_window(struct fsrv *s, uint64_t now)
{
    static uint8_t b[sizeof(struct pkt)];
    if (s->oack_pending) {
        size_t n = tt_put16(b, 6);
        char v[24];
        if (s->blksize != 512) {
            n += tt_putstr(b + n, "blksize");
            snprintf(v, sizeof v, "%u", s->blksize);
            n += tt_putstr(b + n, v);
        }
        if (s->window != 1) {
            n += tt_putstr(b + n, "windowsize");
            snprintf(v, sizeof v, "%u", s->window);
            n += tt_putstr(b + n, v);
        }
        n += tt_putstr(b + n, "tsize");
        snprintf(v, sizeof v, "%llu", (unsigned long long)s->size);
        n += tt_putstr(b + n, v);
        srv_push(s, b, n);
    } else {
        for (uint64_t k = s->acked + 1; k <= s->nblocks && k <= s->acked + s->window; k++) {
            uint64_t off = (k - 1) * s->blksize;
            size_t len = s->size - off < s->blksize ? (size_t)(s->size - off) : s->blksize;
            srv_push(s, b, tt_data(b, (unsigned)(k & 0xffffu), off, len));
            s->data_sent++;
        }
    }
    s->timer = now + 1000;
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a | 0x20) != (*b | 0x20))
            return false;
    return *a == *b;
}

/* The value of option `name` in an RRQ's pairs (the client NUL-terminates
 * every field), 0 when absent. */
static unsigned long rrq_opt(const uint8_t *p, size_t n, const char *name)
{
    assert_int_equal(p[n - 1], 0);
    size_t at = 2;
    for (int field = 0; at < n; field++) {
        const char *s = (const char *)p + at;
        size_t l = strlen(s);
        if (field >= 2 && field % 2 == 0 && same_name(s, name) && at + l + 1 < n)
            return strtoul(s + l + 1, NULL, 10);
        at += l + 1;
    }
    return 0;
}

static void srv_rrq(struct fsrv *s, uint64_t now, const uint8_t *p, size_t n)
{
    if (s->started)
        return; /* a retransmitted RRQ; one transfer only */
    s->started = true;
    s->blksize = 512;
    s->window = 1;
    unsigned long bs = rrq_opt(p, n, "blksize"), ws = rrq_opt(p, n, "windowsize");
    if (s->max_blksize != 0) {
        if (bs != 0)
            s->blksize = (uint16_t)(bs < s->max_blksize ? bs : s->max_blksize);
        if (ws != 0 && s->has_windowsize)
            s->window = (uint16_t)ws;
        s->oack_pending = true;
    }
    s->nblocks = s->size / s->blksize + 1;
    srv_window(s, now);
}

static void srv_ack(struct fsrv *s, uint64_t now, uint16_t n)
{
    if (n == 65535)
        s->saw_65535 = true;
    else if (n == 0 && s->saw_65535)
        s->saw_wrap = true;
    else
        s->saw_65535 = false;
    if (s->oack_pending) {
        if (n != 0)
            return;
        s->oack_pending = false;
        s->tries = 0;
        srv_window(s, now);
        return;
    }
    /* The 64-bit block nearest to acked with these low 16 bits. */
    uint64_t k = s->acked + (uint64_t)(int64_t)(int16_t)(uint16_t)(n - (uint16_t)s->acked);
    if (k > s->acked && k <= s->nblocks) {
        s->acked = k;
        s->tries = 0;
        if (k == s->nblocks)
            s->done = true;
        else
            srv_window(s, now);
    } else if (s->sorcerer && !s->done) {
        srv_window(s, now); /* the bug RFC 1123 §4.2.3.1 forbids */
    }
}

static void srv_input(struct fsrv *s, uint64_t now, const uint8_t *p, size_t n)
{
    assert_true(n >= 4);
    unsigned op = (unsigned)(p[0] << 8 | p[1]);
    if (op == 1)
        srv_rrq(s, now, p, n);
    else if (op == 4)
        srv_ack(s, now, (uint16_t)(p[2] << 8 | p[3]));
    else
        fail_msg("the client sent opcode %u", op);
}

struct run {
    struct tt t;
    struct fsrv s;
    uint32_t loss_permille; /* each datagram, each way */
    uint64_t rng;
    uint64_t hash; /* FNV-1a over (time, port, bytes) of every client datagram */
    uint64_t client_sent, inputs;
    uint64_t now;
};

static bool lost(struct run *r)
{
    r->rng = r->rng * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(r->rng >> 33) % 1000u < r->loss_permille;
}

static void hash_bytes(struct run *r, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        r->hash = (r->hash ^ b[i]) * 0x100000001b3u;
}

/* Everything the client has to send, to the server (or lost). */
static bool client_out(struct run *r)
{
    struct tt *t = &r->t;
    bool any = false;
    for (;;) {
        assert_int_equal(tftp_client_poll(&t->c, r->now, &t->tx), TFTP_OK);
        if (t->tx.len == 0)
            return any;
        any = true;
        r->client_sent++;
        uint8_t stamp[6] = {(uint8_t)(r->now >> 24),    (uint8_t)(r->now >> 16),
                            (uint8_t)(r->now >> 8),     (uint8_t)r->now,
                            (uint8_t)(t->tx.port >> 8), (uint8_t)t->tx.port};
        hash_bytes(r, stamp, sizeof stamp);
        hash_bytes(r, t->tx.buf, t->tx.len);
        if (!lost(r))
            srv_input(&r->s, r->now, t->tx.buf, t->tx.len);
    }
}

/*
 * Runs until the client ends and the server is done or has given up. As a
 * real main loop does, the client is polled after every datagram it is
 * given, so a duplicate right behind its original meets the ACK already
 * sent, and the server's answers join the back of the FIFO.
 */
static void run_transfer(struct run *r)
{
    struct tt *t = &r->t;
    struct fsrv *s = &r->s;
    r->hash = 0xcbf29ce484222325u;
    tt_start(t, 0, "file.bin");
    for (uint64_t steps = 0;; steps++) {
        assert_true(steps < 10000000u);
        bool moved = client_out(r);
        if (s->head != s->tail) {
            struct pkt *p = &s->q[s->head++ % QMAX];
            if (!lost(r)) {
                (void)tftp_client_input(&t->c, r->now, TT_SERVER, p->b, p->len);
                r->inputs++;
                assert_int_equal(tt_rx_total(&t->c), r->inputs);
            }
            continue;
        }
        if (moved)
            continue;
        enum tftp_client_state st = tftp_client_state(&t->c);
        bool client_over = st == TFTP_CLIENT_DONE || st == TFTP_CLIENT_FAILED;
        bool srv_live = s->started && !s->done && s->tries < 10;
        if (client_over && !srv_live)
            return;
        uint64_t next = tftp_client_deadline(&t->c);
        if (srv_live && s->timer < next)
            next = s->timer;
        assert_true(next != TFTP_NEVER);
        r->now = next;
        if (srv_live && r->now >= s->timer) {
            s->tries++;
            srv_window(s, r->now);
        }
    }
}

static struct run *new_run(uint64_t size, uint16_t max_blksize)
{
    struct run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    tt_setup(&r->t);
    r->t.cfg.sink_ctx = &r->t;
    r->s.size = size;
    r->s.max_blksize = max_blksize;
    r->s.has_windowsize = true;
    r->rng = 1;
    return r;
}

static void assert_done(struct run *r)
{
    const struct tftp_result *res = tftp_client_result(&r->t.c);
    if (res->state != TFTP_CLIENT_DONE)
        fail_msg("state %s err %s", tftp_client_state_name(res->state), tftp_strerror(res->err));
    assert_int_equal(res->bytes, r->s.size);
    assert_int_equal(r->t.sink_bytes, r->s.size);
    assert_int_equal(res->blocks, r->s.nblocks);
    assert_int_equal(r->t.crc, tt_file_crc(r->s.size));
}

/* Over 32 MiB at 512-byte blocks: the block after 65535 is 0 (RFC 1350
 * leaves it open; tftpd-hpa, slirp and U-Boot wrap to 0). */
static void test_wrap_over_32mib(void **state)
{
    (void)state;
    struct run *r = new_run(33u * 1024u * 1024u + 1000u, 1468);
    r->t.cfg.blksize = 512;
    run_transfer(r);
    assert_done(r);
    assert_true(r->s.nblocks > 65536u);
    assert_true(r->s.saw_wrap);
    assert_true(r->s.done);
    const struct tftp_result *res = tftp_client_result(&r->t.c);
    assert_int_equal(res->blksize, 512);
    assert_int_equal(res->tsize, r->s.size);
    assert_int_equal(r->client_sent, 1 + 1 + r->s.nblocks); /* RRQ, ACK 0, one per block */
    free(r);
}

/* slirp: blksize capped at 1428, no windowsize in its OACK. */
static void test_slirp_like_server(void **state)
{
    (void)state;
    struct run *r = new_run(300000, 1428);
    r->s.has_windowsize = false;
    r->t.cfg.windowsize = 8;
    run_transfer(r);
    assert_done(r);
    const struct tftp_result *res = tftp_client_result(&r->t.c);
    assert_int_equal(res->blksize, 1428);
    assert_int_equal(res->windowsize, 1);
    assert_true(res->oack);
    free(r);
}

static void test_server_without_options(void **state)
{
    (void)state;
    struct run *r = new_run(100000, 0);
    r->t.cfg.windowsize = 8;
    r->t.cfg.timeout_s = 1;
    run_transfer(r);
    assert_done(r);
    assert_int_equal(tftp_client_result(&r->t.c)->blksize, 512);
    assert_false(tftp_client_result(&r->t.c)->oack);
    free(r);
}

static void lossy_windowed(struct run *r)
{
    r->t.cfg.windowsize = 8;
    r->loss_permille = 30;
    r->rng = 7;
    run_transfer(r);
    assert_done(r);
}

/*
 * 3% loss each way at windowsize 8 and blksize 1468: every byte arrives,
 * and the client's datagrams, with their times, hash to the same value on
 * every run, compiler and byte order.
 */
static void test_lossy_window_deterministic(void **state)
{
    (void)state;
    struct run *a = new_run(2000000, 1468), *b = new_run(2000000, 1468);
    lossy_windowed(a);
    lossy_windowed(b);
    assert_int_equal(a->hash, b->hash);
    assert_int_equal(a->now, b->now);
    struct tftp_client_stats s;
    tftp_client_get_stats(&a->t.c, &s);
    printf("lossy: %llu ms, %llu datagrams, hash %016llx, retransmits %u, dup acks %u, "
           "ahead %u, duplicates %u\n",
           (unsigned long long)a->now, (unsigned long long)a->client_sent,
           (unsigned long long)a->hash, s.tx_retransmits, s.tx_dup_acks, s.rx_ahead,
           s.rx_duplicate);
    assert_true(s.tx_retransmits > 0 && s.tx_dup_acks > 0 && s.rx_ahead > 0);
    assert_int_equal(tftp_client_result(&a->t.c)->windowsize, 8);
    assert_int_equal(a->hash, 0x5a7b060350f56c24u);
    free(a);
    free(b);
}

/*
 * A server that resends on every ACK it gets, duplicates included, with 2%
 * loss: each loss makes it send some blocks twice. If the client answered
 * those duplicates, each would come back doubled again and the traffic
 * would grow with every loss (RFC 1123 §4.2.3.1); it stays within a few
 * datagrams per loss.
 */
static void test_sorcerer_server(void **state)
{
    (void)state;
    struct run *r = new_run(1000000, 1468);
    r->t.cfg.blksize = 512;
    r->s.sorcerer = true;
    r->loss_permille = 20;
    r->rng = 3;
    run_transfer(r);
    assert_done(r);
    struct tftp_client_stats s;
    tftp_client_get_stats(&r->t.c, &s);
    printf("sorcerer: %llu blocks, server sent %llu DATA, client sent %llu, duplicates %u\n",
           (unsigned long long)r->s.nblocks, (unsigned long long)r->s.data_sent,
           (unsigned long long)r->client_sent, s.rx_duplicate);
    assert_true(s.rx_duplicate > 0);
    assert_true(r->s.data_sent < r->s.nblocks + r->s.nblocks / 10);
    assert_true(r->client_sent < r->s.nblocks + r->s.nblocks / 10);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_over_32mib),
        cmocka_unit_test(test_slirp_like_server),
        cmocka_unit_test(test_server_without_options),
        cmocka_unit_test(test_lossy_window_deterministic),
        cmocka_unit_test(test_sorcerer_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
