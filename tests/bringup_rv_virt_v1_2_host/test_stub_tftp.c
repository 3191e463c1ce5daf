/*
 * The stub network's TFTP server (host/backend/stub_net.h). First on the
 * wire, frame in and frames out of stub_net_answer, every answer byte for
 * byte: the OACK as slirp gives it (blksize capped at 1428, tsize),
 * windowsize and timeout, options it leaves out, DATA 1 at 512 when none is
 * left, the window sent again on a repeated ACK, ERROR 1, 2, 4 and 5, the
 * end of a transfer, the same bytes on a second run and other bytes under
 * another seed. Then end to end: the netstack on the fake device with the
 * stub behind it, an ephemeral UDP port and the TFTP client fetching every
 * built-in file, each byte compared with the generator, with and without
 * options, windowed, past the block-number wrap, a missing file and a size
 * limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"
#include "tftp_test_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define CPORT 49153u
#define TID0 (0xc000u + (unsigned)(STUB_TFTP_SEED & 0x3fffu)) /* the first request's TID */
#define OUTMAX 80u

/* --- on the wire ------------------------------------------------------------ */

struct wire {
    struct stub_net s;
    struct fake_rx_sink sink;
    unsigned n;
    size_t len[OUTMAX];
    uint8_t f[OUTMAX][NS_FRAME_MAX];
};

static int wire_take(void *ctx, const uint8_t *frame, size_t len)
{
    struct wire *w = ctx;
    assert_true(w->n < OUTMAX);
    memcpy(w->f[w->n], frame, len);
    w->len[w->n++] = len;
    return 0;
}

static struct wire *wire_new(uint64_t seed)
{
    struct wire *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    assert_int_equal(stub_net_init(&w->s, NULL), 0);
    w->s.tftp_seed = seed;
    w->sink.deliver = wire_take;
    w->sink.ctx = w;
    return w;
}

/* One UDP datagram from us (sport) to the stub's dport; returns how many
 * frames came back. */
static unsigned wire_send(struct wire *w, unsigned sport, unsigned dport, const uint8_t *p,
                          size_t n)
{
    uint8_t f[NS_FRAME_MAX];
    size_t len =
        nt_udp_frame(f, nt_peer_mac, nt_our_mac, OUR, PEER, (uint16_t)sport, (uint16_t)dport, p, n);
    w->n = 0;
    (void)stub_net_answer(&w->s, f, len, &w->sink);
    return w->n;
}

/* Answer i must be UDP from 10.0.2.2:sport to us at CPORT (or dport),
 * with exactly these bytes. */
static void wire_expect(const struct wire *w, unsigned i, unsigned sport, unsigned dport,
                        const uint8_t *want, size_t n)
{
    struct np_udp_frame f;
    assert_true(i < w->n);
    assert_int_equal(np_udp_frame_parse(w->f[i], w->len[i], &f), NP_OK);
    assert_memory_equal(f.dst_mac, nt_our_mac, 6);
    assert_memory_equal(f.src_mac, nt_peer_mac, 6);
    assert_int_equal(f.src_ip, PEER);
    assert_int_equal(f.dst_ip, OUR);
    assert_int_equal(f.src_port, sport);
    assert_int_equal(f.dst_port, dport);
    if (f.payload_len != n || memcmp(f.payload, want, n) != 0) {
        tt_dump("got", f.payload, f.payload_len);
        tt_dump("want", want, n);
        fail();
    }
}

static size_t ack(uint8_t *b, unsigned blk)
{
    tt_put16(b, 4);
    return 2 + tt_put16(b + 2, blk);
}

/* DATA blk of file f at blksize bsz, as the generator makes it. */
static size_t data_of(uint8_t *b, uint64_t seed, const char *name, unsigned blk, uint64_t index,
                      size_t bsz)
{
    const struct stub_tftp_file *f = stub_tftp_find(name);
    assert_non_null(f);
    uint64_t off = (index - 1) * bsz;
    size_t n = f->size - off < bsz ? (size_t)(f->size - off) : bsz;
    tt_put16(b, 3);
    tt_put16(b + 2, blk);
    stub_tftp_read(seed, f, off, b + 4, n);
    return 4 + n;
}

static void test_wire_oack_like_slirp(void **state)
{
    (void)state;
    struct wire *w = wire_new(STUB_TFTP_SEED);
    uint8_t b[1600], x[1600];
    /* blksize 1468 is granted as 1428 (slirp's cap), tsize is the size. */
    size_t n = tt_rrq(b, "hello.txt", "blksize", "1468", "tsize", "0", NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    n = tt_oack(x, "blksize", "1428", "tsize", "34", NULL);
    wire_expect(w, 0, TID0, CPORT, x, n);
    assert_int_equal(w->s.stats.tftp_requests, 1);
    assert_int_equal(w->s.stats.tftp_oacks, 1);
    /* ACK 0: DATA 1, the whole text; ACK 1: the end, nothing more. */
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 0)), 1);
    static const char text[] = "Hello from the rvnet stub network\n";
    n = tt_put16(x, 3) + tt_put16(x + 2, 1);
    memcpy(x + n, text, sizeof(text) - 1);
    wire_expect(w, 0, TID0, CPORT, x, n + sizeof(text) - 1);
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 1)), 0);
    assert_int_equal(w->s.stats.tftp_done, 1);
    /* A late ACK after the end is ignored, not answered. */
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 1)), 0);
    assert_int_equal(w->s.stats.tftp_stale, 1);
    assert_int_equal(w->s.stats.tftp_data, 1);
    assert_int_equal(w->s.stats.tftp_errors_out, 0);
    free(w);
}

static void test_wire_options(void **state)
{
    (void)state;
    struct wire *w = wire_new(STUB_TFTP_SEED);
    uint8_t b[1600], x[1600];
    /* Names in any case, in the order asked; unknown options and values out
     * of range left out; windowsize capped at STUB_TFTP_WINDOW_MAX. */
    size_t n = tt_rrq(b, "big.bin", "BlkSize", "600", "foo", "bar", "timeout", "3", "tsize", "7",
                      "windowsize", "100", NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    n = tt_oack(x, "blksize", "600", "timeout", "3", "windowsize", "64", NULL);
    wire_expect(w, 0, TID0, CPORT, x, n);
    free(w);
    /* Nothing grantable (blksize 7, 99999, "abc"; timeout 0): no OACK, DATA
     * 1 at 512 from the TID at once (RFC 2347). */
    w = wire_new(STUB_TFTP_SEED);
    n = tt_rrq(b, "big.bin", "blksize", "7", "blksize", "99999", "blksize", "abc", "timeout", "0",
               NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    n = data_of(x, STUB_TFTP_SEED, "big.bin", 1, 1, 512);
    wire_expect(w, 0, TID0, CPORT, x, n);
    assert_int_equal(w->s.stats.tftp_oacks, 0);
    /* A second request replaces the first, from the next TID; an incomplete
     * pair ends the options. */
    n = tt_rrq(b, "zero.bin", "tsize", "0", NULL);
    memcpy(b + n, "blksize\0001428", 12); /* no NUL after the value */
    assert_int_equal(wire_send(w, CPORT + 1, 69, b, n + 12), 1);
    n = tt_oack(x, "tsize", "0", NULL);
    wire_expect(w, 0, TID0 + 1, CPORT + 1, x, n);
    assert_int_equal(wire_send(w, CPORT + 1, TID0 + 1, b, ack(b, 0)), 1);
    n = tt_put16(x, 3) + tt_put16(x + 2, 1);
    wire_expect(w, 0, TID0 + 1, CPORT + 1, x, n); /* zero.bin: one empty block */
    /* The first transfer's TID is no longer served. */
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 1)), 0);
    assert_int_equal(w->s.stats.ignored, 1);
    free(w);
}

/* windowsize 4: a window per ACK; an ACK inside the window moves it on
 * from there, the same ACK again sends the same window again. */
static void test_wire_window(void **state)
{
    (void)state;
    struct wire *w = wire_new(STUB_TFTP_SEED);
    uint8_t b[1600], x[1600];
    size_t n = tt_rrq(b, "block.bin", "blksize", "512", "windowsize", "4", NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 0)), 4);
    for (unsigned i = 0; i < 4; i++) {
        n = data_of(x, STUB_TFTP_SEED, "block.bin", i + 1, i + 1, 512);
        wire_expect(w, i, TID0, CPORT, x, n);
    }
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 2)), 4);
    for (unsigned i = 0; i < 4; i++) {
        n = data_of(x, STUB_TFTP_SEED, "block.bin", i + 3, i + 3, 512);
        wire_expect(w, i, TID0, CPORT, x, n);
    }
    assert_int_equal(w->s.stats.tftp_again, 2); /* blocks 3 and 4 */
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 2)), 4);
    assert_int_equal(w->s.stats.tftp_again, 6);
    /* An ACK beyond the window (block 7 of 3..6) or behind it: ignored. */
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 7)), 0);
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 1)), 0);
    assert_int_equal(w->s.stats.tftp_stale, 2);
    /* 357 blocks of 512 and the empty 358th, which ends the last window. */
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 6)), 4);
    unsigned acked = 10;
    while (acked + 4 < 358) {
        assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, acked)), 4);
        acked += 4;
    }
    assert_int_equal(acked, 354);
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, acked)), 4);
    n = tt_put16(x, 3) + tt_put16(x + 2, 358);
    wire_expect(w, 3, TID0, CPORT, x, n);
    assert_int_equal(wire_send(w, CPORT, TID0, b, ack(b, 358)), 0);
    assert_int_equal(w->s.stats.tftp_done, 1);
    free(w);
}

static void test_wire_errors(void **state)
{
    (void)state;
    struct wire *w = wire_new(STUB_TFTP_SEED);
    uint8_t b[1600], x[1600];
    size_t n = tt_rrq(b, "missing.bin", "tsize", "0", NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    wire_expect(w, 0, TID0, CPORT, x, tt_error(x, 1, "File not found"));
    n = tt_rrq(b, "hello.txt", NULL);
    b[0] = 0;
    b[1] = 2; /* WRQ */
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    wire_expect(w, 0, TID0 + 1, CPORT, x, tt_error(x, 2, "Access violation: read only"));
    n = tt_put16(b, 1) + tt_putstr(b + 2, "hello.txt") + tt_putstr(b + 12, "netascii");
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    wire_expect(w, 0, TID0 + 2, CPORT, x, tt_error(x, 4, "Unsupported transfer mode: octet only"));
    static const char *const bad[] = {"\0\1hello.txt", "\0\1", "\0\1\0octet", "\0\3\0\1"};
    static const size_t badlen[] = {11, 2, 8, 4};
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(wire_send(w, CPORT, 69, (const uint8_t *)bad[i], badlen[i]), 1);
        wire_expect(w, 0, TID0 + 3 + i, CPORT, x,
                    tt_error(x, 4, "Illegal operation: malformed request"));
    }
    /* An ERROR to port 69 is never answered. */
    assert_int_equal(wire_send(w, CPORT, 69, x, tt_error(x, 0, "x")), 0);
    assert_int_equal(w->s.stats.tftp_errors_out, 7);
    /* A transfer: another port to its TID gets ERROR 5, and it goes on; the
     * client's own ERROR ends it. */
    unsigned tid = TID0 + 7;
    n = tt_rrq(b, "big.bin", NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    assert_int_equal(wire_send(w, CPORT + 9, tid, b, ack(b, 1)), 1);
    wire_expect(w, 0, tid, CPORT + 9, x, tt_error(x, 5, "Unknown transfer ID"));
    assert_int_equal(wire_send(w, CPORT + 9, tid, x, tt_error(x, 0, "x")), 0);
    assert_int_equal(wire_send(w, CPORT, tid, b, ack(b, 1)), 1);
    wire_expect(w, 0, tid, CPORT, x, data_of(x, STUB_TFTP_SEED, "big.bin", 2, 2, 512));
    assert_int_equal(wire_send(w, CPORT, tid, x, tt_error(x, 3, "allocation exceeded")), 0);
    assert_int_equal(w->s.stats.tftp_errors_in, 1);
    assert_int_equal(wire_send(w, CPORT, tid, b, ack(b, 2)), 0);
    assert_int_equal(w->s.stats.tftp_stale, 1);
    /* DATA to the TID is not what a reading client sends: ERROR 4. */
    n = tt_rrq(b, "big.bin", NULL);
    assert_int_equal(wire_send(w, CPORT, 69, b, n), 1);
    assert_int_equal(wire_send(w, CPORT, tid + 1, x, data_of(x, 1, "big.bin", 1, 1, 512)), 1);
    wire_expect(w, 0, tid + 1, CPORT, x, tt_error(x, 4, "Illegal operation"));
    assert_int_equal(wire_send(w, CPORT, tid + 1, b, ack(b, 1)), 0);
    /* TFTP switched off: port 69 is nobody's. */
    w->s.answer_tftp = false;
    assert_int_equal(wire_send(w, CPORT, 69, b, tt_rrq(b, "big.bin", NULL)), 0);
    free(w);
}

/* The same requests give the same frames; another seed other bytes and
 * other TIDs. */
static void test_wire_deterministic(void **state)
{
    (void)state;
    uint8_t b[1600];
    struct wire *w[3] = {wire_new(STUB_TFTP_SEED), wire_new(STUB_TFTP_SEED), wire_new(1)};
    for (unsigned k = 0; k < 3; k++) {
        size_t n = tt_rrq(b, "big.bin", "blksize", "1428", "windowsize", "8", NULL);
        assert_int_equal(wire_send(w[k], CPORT, 69, b, n), 1);
        unsigned tid = 0xc000u + (unsigned)((k < 2 ? STUB_TFTP_SEED : 1) & 0x3fffu);
        assert_int_equal(wire_send(w[k], CPORT, tid, b, ack(b, 0)), 8);
    }
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(w[0]->len[i], w[1]->len[i]);
        assert_memory_equal(w[0]->f[i], w[1]->f[i], w[0]->len[i]);
        assert_int_equal(w[0]->len[i], w[2]->len[i]);
        assert_memory_not_equal(w[0]->f[i] + 46, w[2]->f[i] + 46, 1428);
    }
    for (unsigned k = 0; k < 3; k++)
        free(w[k]);
}

/* --- end to end: the netstack and the TFTP client ------------------------------ */

struct e2e {
    struct nt *t;
    struct ns_udp_sock sock;
    struct ns_dgram slots[STUB_TFTP_WINDOW_MAX];
    const struct stub_tftp_file *want; /* compared byte for byte in the sink */
    uint64_t got;
    uint32_t crc;
    uint8_t buf[1500];
};

static int e2e_sink(void *ctx, uint64_t off, const uint8_t *p, size_t n)
{
    struct e2e *e = ctx;
    uint8_t exp[1500];
    assert_true(n <= sizeof(exp));
    assert_int_equal(off, e->got);
    assert_non_null(e->want);
    assert_true(off + n <= e->want->size);
    stub_tftp_read(e->t->peer.tftp_seed, e->want, off, exp, n);
    assert_memory_equal(p, exp, n);
    e->crc = tt_crc32(e->crc, p, n);
    e->got += n;
    return 0;
}

static struct e2e *e2e_new(uint32_t version)
{
    struct e2e *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    struct nt *t = e->t = nt_wire(version, NULL, NULL);
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, NP_IPV4(255, 255, 255, 0), PEER),
                     NS_OK);
    t->now = 1000;
    return e;
}

static void e2e_free(struct e2e *e)
{
    nt_free(e->t);
    free(e);
}

/* Fetches name with cfg (its sink set here) on a 1 ms clock; returns the
 * client for its result and counters. */
static struct tftp_client *e2e_get(struct e2e *e, struct tftp_client_config *cfg, const char *name)
{
    static struct tftp_client c;
    struct nt *t = e->t;
    e->want = stub_tftp_find(name);
    e->got = 0;
    e->crc = 0;
    cfg->sink = e2e_sink;
    cfg->sink_ctx = e;
    assert_int_equal(ns_udp_bind(&t->ns, &e->sock, 0, e->slots, STUB_TFTP_WINDOW_MAX), NS_OK);
    assert_int_equal(tftp_client_init(&c, cfg), TFTP_OK);
    assert_int_equal(tftp_client_start(&c, t->now, name), TFTP_OK);
    uint8_t out[TFTP_TX_MAX];
    struct tftp_tx tx = {out, sizeof(out), 0, 0};
    for (unsigned i = 0; i < 200000; i++) {
        do {
            assert_int_equal(tftp_client_poll(&c, t->now, &tx), TFTP_OK);
            if (tx.len)
                assert_int_equal(ns_udp_send(&t->ns, &e->sock, PEER, tx.port, out, tx.len), NS_OK);
        } while (tx.len);
        enum tftp_client_state st = tftp_client_state(&c);
        if (st == TFTP_CLIENT_DONE || st == TFTP_CLIENT_FAILED)
            break;
        assert_int_equal(nt_poll(t), NS_OK);
        size_t len;
        uint32_t src;
        uint16_t sport;
        while (ns_udp_recv(&e->sock, e->buf, sizeof(e->buf), &len, &src, &sport) == NS_OK) {
            assert_int_equal(src, PEER);
            (void)tftp_client_input(&c, t->now, sport, e->buf, len);
        }
        t->now++;
    }
    assert_int_equal(ns_udp_drops(&e->sock), 0);
    assert_int_equal(ns_udp_close(&t->ns, &e->sock), NS_OK);
    return &c;
}

static void check_whole(const struct e2e *e, const struct tftp_client *c, uint16_t blksize)
{
    const struct tftp_result *r = tftp_client_result(c);
    assert_int_equal(r->err, 0);
    assert_int_equal(r->state, TFTP_CLIENT_DONE);
    assert_int_equal(r->bytes, e->want->size);
    assert_int_equal(e->got, e->want->size);
    assert_int_equal(r->blksize, blksize);
    assert_int_equal(r->blocks, e->want->size / blksize + 1);
    assert_int_equal(e->t->peer.stats.inject_fail, 0);
    assert_int_equal(e->t->h.fake.violations, 0);
}

/* Every file at the defaults (blksize 1468 asked, 1428 granted, tsize),
 * legacy and modern; the transfer ID is the ephemeral port, new per file. */
static void test_e2e_every_file(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct e2e *e = e2e_new(v);
        for (unsigned i = 0; i < STUB_TFTP_NFILES; i++) {
            if (strcmp(stub_tftp_files[i].name, "wrap.bin") == 0)
                continue; /* below, at 512 */
            struct tftp_client_config cfg;
            tftp_client_config_defaults(&cfg);
            struct tftp_client *c = e2e_get(e, &cfg, stub_tftp_files[i].name);
            check_whole(e, c, 1428);
            const struct tftp_result *r = tftp_client_result(c);
            assert_true(r->oack && r->have_tsize);
            assert_int_equal(r->tsize, stub_tftp_files[i].size);
            assert_int_equal(r->server_tid, 0xc000u + ((STUB_TFTP_SEED + i) & 0x3fffu));
            assert_int_equal(ns_udp_port(&e->sock), CPORT + i);
            struct tftp_client_stats k;
            tftp_client_get_stats(c, &k);
            assert_int_equal(k.tx_retransmits + k.rx_duplicate + k.rx_foreign, 0);
        }
        assert_int_equal(e->t->peer.stats.tftp_done, STUB_TFTP_NFILES - 1);
        e2e_free(e);
    }
}

/* The CRC-32 of hello.txt is zlib's of the text; big.bin windowed, with
 * the same bytes; no options at all: DATA at 512 without an OACK. */
static void test_e2e_window_and_no_options(void **state)
{
    (void)state;
    struct e2e *e = e2e_new(2);
    struct tftp_client_config cfg;
    tftp_client_config_defaults(&cfg);
    cfg.windowsize = 16;
    struct tftp_client *c = e2e_get(e, &cfg, "big.bin");
    check_whole(e, c, 1428);
    assert_int_equal(tftp_client_result(c)->windowsize, 16);
    uint32_t crc_window = e->crc;
    assert_int_equal(e->t->peer.stats.tftp_again, 0);
    tftp_client_config_defaults(&cfg);
    cfg.windowsize = 200; /* granted 64 */
    c = e2e_get(e, &cfg, "big.bin");
    check_whole(e, c, 1428);
    assert_int_equal(tftp_client_result(c)->windowsize, STUB_TFTP_WINDOW_MAX);
    assert_int_equal(e->crc, crc_window);
    tftp_client_config_defaults(&cfg);
    cfg.blksize = 0;
    cfg.tsize = false;
    c = e2e_get(e, &cfg, "big.bin");
    check_whole(e, c, 512);
    assert_false(tftp_client_result(c)->oack);
    assert_int_equal(e->crc, crc_window);
    c = e2e_get(e, &cfg, "hello.txt");
    check_whole(e, c, 512);
    assert_int_equal(e->crc,
                     tt_crc32(0, (const uint8_t *)"Hello from the rvnet stub network\n", 34));
    e2e_free(e);
}

/* 33 MiB + 1000 bytes at 512, window 1: 67586 blocks, the stub goes from
 * 65535 to 0 (the client would fail with TFTP_ERR_WRAP on a 1). */
static void test_e2e_wrap(void **state)
{
    (void)state;
    struct e2e *e = e2e_new(1);
    struct tftp_client_config cfg;
    tftp_client_config_defaults(&cfg);
    cfg.blksize = 512;
    struct tftp_client *c = e2e_get(e, &cfg, "wrap.bin");
    check_whole(e, c, 512);
    assert_int_equal(tftp_client_result(c)->blocks, 67586);
    assert_int_equal(e->t->peer.stats.tftp_data, 67586);
    assert_int_equal(e->t->peer.stats.tftp_done, 1);
    e2e_free(e);
}

static void test_e2e_missing_and_too_big(void **state)
{
    (void)state;
    struct e2e *e = e2e_new(1);
    struct tftp_client_config cfg;
    tftp_client_config_defaults(&cfg);
    struct tftp_client *c = e2e_get(e, &cfg, "missing.bin");
    const struct tftp_result *r = tftp_client_result(c);
    assert_int_equal(r->err, TFTP_ERR_NOT_FOUND);
    assert_int_equal(r->server_code, 1);
    assert_string_equal((const char *)r->server_msg, "File not found");
    /* tsize over the limit: ERROR 3 from the client before any data, and
     * the stub ends the transfer. */
    tftp_client_config_defaults(&cfg);
    cfg.max_size = 1000;
    c = e2e_get(e, &cfg, "big.bin");
    r = tftp_client_result(c);
    assert_int_equal(r->err, TFTP_ERR_TOO_BIG);
    assert_int_equal(r->bytes, 0);
    assert_int_equal(e->t->peer.stats.tftp_errors_in, 1);
    assert_int_equal(e->t->peer.stats.tftp_data, 0);
    e2e_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_oack_like_slirp),
        cmocka_unit_test(test_wire_options),
        cmocka_unit_test(test_wire_window),
        cmocka_unit_test(test_wire_errors),
        cmocka_unit_test(test_wire_deterministic),
        cmocka_unit_test(test_e2e_every_file),
        cmocka_unit_test(test_e2e_window_and_no_options),
        cmocka_unit_test(test_e2e_wrap),
        cmocka_unit_test(test_e2e_missing_and_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
