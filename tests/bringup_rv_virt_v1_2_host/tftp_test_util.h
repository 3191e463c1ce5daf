/*
 * Shared rig of the TFTP client tests: a client whose sink records what it
 * is given, builders for the server's packets and for the datagrams the
 * client must send (written here from RFC 1350/2347, not with the library's
 * codec), and poll helpers that assert each datagram byte for byte.
 * Include after <cmocka.h>.
 */
#ifndef RVNET_TESTS_TFTP_TEST_UTIL_H
#define RVNET_TESTS_TFTP_TEST_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tftp/tftp.h"

#define TT_SERVER 3001u /* the server's TID */
#define TT_OTHER 4002u  /* some other transfer */
#define TT_KEEP 65536u  /* bytes of the file the sink keeps for comparison */
#define TT_PKT (4u + 65464u)

struct tt {
    struct tftp_client c;
    struct tftp_client_config cfg;
    uint64_t sink_calls;
    uint64_t sink_bytes;
    uint64_t refuse_call; /* refuse the n-th sink call (1-based); 0: never */
    uint32_t crc;         /* CRC-32 of everything handed to the sink */
    uint8_t keep[TT_KEEP];
    uint8_t txb[TFTP_TX_MAX];
    struct tftp_tx tx;
};

/* CRC-32 (IEEE 802.3, reflected, as zlib): the same check the image prints. */
static inline uint32_t tt_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (table[1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

/* The byte at offset off of every test file: a shifted, repeated or
 * swapped block (block 1 for block 65537, say) never compares equal. */
static inline uint8_t tt_byte(uint64_t off)
{
    uint32_t x = (uint32_t)off * 0x9e3779b1u ^ (uint32_t)(off >> 32);
    return (uint8_t)((x >> 24) ^ (x >> 11));
}

static inline uint32_t tt_file_crc(uint64_t size)
{
    uint32_t crc = 0;
    uint8_t buf[4096];
    for (uint64_t off = 0; off < size;) {
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = tt_byte(off + i);
        crc = tt_crc32(crc, buf, n);
        off += n;
    }
    return crc;
}

/* The sink checks that offsets are contiguous; a refusal is scripted. */
static inline int tt_sink(void *ctx, uint64_t off, const uint8_t *d, size_t n)
{
    struct tt *t = ctx;
    t->sink_calls++;
    assert_true(n > 0);
    assert_true(off == t->sink_bytes);
    if (t->refuse_call != 0 && t->sink_calls == t->refuse_call)
        return 1;
    for (size_t i = 0; i < n && off + i < TT_KEEP; i++)
        t->keep[off + i] = d[i];
    t->crc = tt_crc32(t->crc, d, n);
    t->sink_bytes += n;
    return 0;
}

/* Defaults and our sink; change t->cfg, then tt_init. */
static inline void tt_setup(struct tt *t)
{
    memset(t, 0, sizeof *t);
    tftp_client_config_defaults(&t->cfg);
    t->cfg.sink = tt_sink;
    t->cfg.sink_ctx = t;
    t->tx.buf = t->txb;
    t->tx.cap = sizeof t->txb;
}

static inline void tt_init(struct tt *t)
{
    assert_int_equal(tftp_client_init(&t->c, &t->cfg), TFTP_OK);
}

static inline void tt_start(struct tt *t, uint64_t now, const char *name)
{
    tt_init(t);
    assert_int_equal(tftp_client_start(&t->c, now, name), TFTP_OK);
}

static inline size_t tt_put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return 2;
}

static inline size_t tt_putstr(uint8_t *p, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(p, s, n);
    return n;
}

/* name NUL value NUL ... from a NULL-terminated list of strings. */
static inline size_t tt_pairs(uint8_t *p, va_list ap)
{
    size_t n = 0;
    const char *s;
    while ((s = va_arg(ap, const char *)) != NULL)
        n += tt_putstr(p + n, s);
    return n;
}

/* The RRQ the client must send: opcode 1, name, "octet", then pairs. */
static inline size_t tt_rrq(uint8_t *b, const char *name, ...)
{
    size_t n = tt_put16(b, 1);
    n += tt_putstr(b + n, name);
    n += tt_putstr(b + n, "octet");
    va_list ap;
    va_start(ap, name);
    n += tt_pairs(b + n, ap);
    va_end(ap);
    return n;
}

/* An OACK (opcode 6) with the pairs given. */
static inline size_t tt_oack(uint8_t *b, ...)
{
    size_t n = tt_put16(b, 6);
    va_list ap;
    va_start(ap, b);
    n += tt_pairs(b + n, ap);
    va_end(ap);
    return n;
}

/* DATA blk carrying the test file's bytes [off, off + len). */
static inline size_t tt_data(uint8_t *b, unsigned blk, uint64_t off, size_t len)
{
    size_t n = tt_put16(b, 3);
    n += tt_put16(b + n, blk);
    for (size_t i = 0; i < len; i++)
        b[n + i] = tt_byte(off + i);
    return n + len;
}

static inline size_t tt_error(uint8_t *b, unsigned code, const char *msg)
{
    size_t n = tt_put16(b, 5);
    n += tt_put16(b + n, code);
    return n + tt_putstr(b + n, msg);
}

static inline int tt_in(struct tt *t, uint64_t now, unsigned port, const uint8_t *b, size_t n)
{
    return tftp_client_input(&t->c, now, (uint16_t)port, b, n);
}

/* DATA blk of a file of blocks of bsz bytes, from the server. */
static inline int tt_in_block(struct tt *t, uint64_t now, unsigned blk, uint64_t index, size_t bsz,
                              size_t len)
{
    static uint8_t b[TT_PKT];
    size_t n = tt_data(b, blk, (index - 1) * bsz, len);
    return tt_in(t, now, TT_SERVER, b, n);
}

static inline void tt_dump(const char *what, const uint8_t *p, size_t n)
{
    printf("%s (%zu):", what, n);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

/* One poll at now must send exactly want to port. */
static inline void tt_expect(struct tt *t, uint64_t now, unsigned port, const uint8_t *want,
                             size_t n)
{
    assert_int_equal(tftp_client_poll(&t->c, now, &t->tx), TFTP_OK);
    if (t->tx.len != n || memcmp(t->tx.buf, want, n) != 0) {
        tt_dump("want", want, n);
        tt_dump("got ", t->tx.buf, t->tx.len);
        fail_msg("at %llu ms the client sent other bytes", (unsigned long long)now);
    }
    assert_int_equal(t->tx.port, port);
}

static inline void tt_expect_ack(struct tt *t, uint64_t now, unsigned blk)
{
    uint8_t b[4];
    tt_put16(b, 4);
    tt_put16(b + 2, blk);
    tt_expect(t, now, TT_SERVER, b, 4);
}

/* The client's ERROR, with the message it uses for that code. */
static inline void tt_expect_error(struct tt *t, uint64_t now, unsigned port, unsigned code)
{
    const char *msg = code == 3   ? "allocation exceeded"
                      : code == 5 ? "unknown transfer ID"
                      : code == 8 ? "option refused"
                                  : "illegal operation";
    uint8_t b[64];
    size_t n = tt_error(b, code, msg);
    tt_expect(t, now, port, b, n);
}

static inline void tt_expect_nothing(struct tt *t, uint64_t now)
{
    assert_int_equal(tftp_client_poll(&t->c, now, &t->tx), TFTP_OK);
    if (t->tx.len != 0) {
        tt_dump("unexpected", t->tx.buf, t->tx.len);
        fail_msg("at %llu ms the client sent something", (unsigned long long)now);
    }
}

/* Polls the RRQ out and answers it with an OACK of the pairs given. */
static inline void tt_oack_in(struct tt *t, uint64_t now, ...)
{
    uint8_t b[512];
    size_t n = tt_put16(b, 6);
    va_list ap;
    va_start(ap, now);
    n += tt_pairs(b + n, ap);
    va_end(ap);
    assert_int_equal(tftp_client_poll(&t->c, now, &t->tx), TFTP_OK);
    assert_int_equal(t->tx.port, TFTP_PORT);
    assert_int_equal(tt_in(t, now, TT_SERVER, b, n), TFTP_OK);
}

static inline uint32_t tt_rx_total(const struct tftp_client *c)
{
    struct tftp_client_stats s;
    tftp_client_get_stats(c, &s);
    return s.rx_taken + s.rx_malformed + s.rx_foreign + s.rx_duplicate + s.rx_ahead +
           s.rx_unexpected;
}

#endif
