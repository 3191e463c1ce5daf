/*
 * netproto: the Internet checksum against RFC 1071's worked example, exact
 * header bytes for each builder, and one row per malformed-input rule for
 * every parser, each asserting its own error and an untouched output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "netproto/netproto.h"

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static void test_byte_order_helpers(void **state)
{
    (void)state;
    uint8_t b[4];
    np_put32(b, NP_IPV4(10, 0, 2, 15));
    const uint8_t want[4] = {10, 0, 2, 15};
    assert_memory_equal(b, want, 4);
    assert_int_equal(np_get32(want), 0x0a00020fu);
    np_put16(b, 0x0800);
    assert_int_equal(b[0], 0x08);
    assert_int_equal(b[1], 0x00);
    assert_int_equal(np_get16(b), 0x0800);
}

static void test_checksum_rfc1071_example(void **state)
{
    (void)state;
    /* RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (with carries). */
    const uint8_t data[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(np_csum_add(0, data, 8), 0xddf2u);
    assert_int_equal(np_inet_checksum(data, 8), (uint16_t)~0xddf2u);
    /* Odd length: the last byte is the high half of a zero-padded word. */
    const uint8_t odd[3] = {0x12, 0x34, 0x56};
    assert_int_equal(np_inet_checksum(odd, 3), (uint16_t) ~(0x1234u + 0x5600u));
    /* Split sums give the same result as one pass. */
    uint32_t s = np_csum_add(0, data, 4);
    s = np_csum_add(s, data + 4, 4);
    assert_int_equal(np_csum_finish(s), np_inet_checksum(data, 8));
}

static void test_checksum_long_buffer_no_overflow(void **state)
{
    (void)state;
    static uint8_t big[65536];
    memset(big, 0xff, sizeof big);
    /* All-ones words sum to all ones in one's complement: checksum 0. */
    assert_int_equal(np_inet_checksum(big, sizeof big), 0);
    big[0] = 0xfe;
    assert_int_equal(np_inet_checksum(big, sizeof big), 0x0100);
}

/* The checksum as RFC 1071 §4.1 writes it: big-endian words, one at a time,
 * the carries folded in at the end. */
static uint32_t ref_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 1 < n; i += 2)
        s += ((uint32_t)p[i] << 8) | p[i + 1];
    if (i < n)
        s += (uint32_t)p[i] << 8;
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return (uint32_t)s;
}

static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 16;
}

/* The word-at-a-time sum equals the byte-wise one for every length 0..300,
 * all 8 start alignments, running sums in and split sums, over random bytes
 * and over all-zero and all-ones bytes (the 0x0000/0xffff corner). */
static void test_checksum_matches_reference(void **state)
{
    (void)state;
    static uint64_t words[(8 + 300 + 8) / 8];
    uint8_t *buf = (uint8_t *)words;
    uint32_t x = 1;
    for (unsigned fill = 0; fill < 3; fill++) {
        for (size_t i = 0; i < sizeof(words); i++)
            buf[i] = fill == 0 ? (uint8_t)lcg(&x) : fill == 1 ? 0x00 : 0xff;
        for (size_t off = 0; off < 8; off++) {
            for (size_t n = 0; n <= 300; n++) {
                const uint8_t *p = buf + off;
                uint32_t want = ref_csum_add(0, p, n);
                assert_int_equal(np_csum_add(0, p, n), want);
                assert_int_equal(np_inet_checksum(p, n), (uint16_t)~want);
                uint32_t in = fill == 0 ? lcg(&x) : fill == 1 ? 0u : 0xffffu;
                assert_int_equal(np_csum_add(in, p, n), ref_csum_add(in, p, n));
                size_t half = (n / 2) & ~(size_t)1; /* only the last part may be odd */
                assert_int_equal(np_csum_add(np_csum_add(in, p, half), p + half, n - half),
                                 ref_csum_add(in, p, n));
            }
        }
    }
    /* The running sum may be any 32-bit value a caller accumulated. */
    assert_int_equal(np_csum_add(0xfffffu, buf, 5), ref_csum_add(0xfffffu, buf, 5));
    assert_int_equal(np_csum_add16(0xffffu, 0xffffu), 0xffffu);
    assert_int_equal(np_csum_add16(0, 0), 0);
    assert_int_equal(np_csum_finish(0x1ffffu), 0xfffeu);
}

static void test_eth_build_pads_and_parses(void **state)
{
    (void)state;
    uint8_t f[64];
    memset(f, 0xa5, sizeof f);
    struct np_eth h = {.type = NP_ETHERTYPE_ARP};
    memcpy(h.dst, mac_b, 6);
    memcpy(h.src, mac_a, 6);
    memset(f + NP_ETH_HLEN, 0x11, 28);
    size_t len = 0;
    assert_int_equal(np_eth_build(f, sizeof f, &h, 28, &len), NP_OK);
    assert_int_equal(len, 60);
    assert_memory_equal(f, mac_b, 6);
    assert_memory_equal(f + 6, mac_a, 6);
    assert_int_equal(f[12], 0x08);
    assert_int_equal(f[13], 0x06);
    for (size_t i = 42; i < 60; i++)
        assert_int_equal(f[i], 0);
    assert_int_equal(f[60], 0xa5); /* nothing past the frame */
    struct np_eth p;
    assert_int_equal(np_eth_parse(f, len, &p), NP_OK);
    assert_int_equal(p.type, NP_ETHERTYPE_ARP);
    assert_memory_equal(p.src, mac_a, 6);
    assert_ptr_equal(p.payload, f + 14);
    assert_int_equal(p.payload_len, 46);
    /* Too small for the padded frame. */
    assert_int_equal(np_eth_build(f, 59, &h, 28, &len), NP_ERR_NOSPACE);
    assert_int_equal(np_eth_build(f, 2000, &h, 1501, &len), NP_ERR_TOO_BIG);
}

static void test_eth_short_untouched(void **state)
{
    (void)state;
    uint8_t f[13] = {0};
    struct np_eth p, before;
    memset(&p, 0x5a, sizeof p);
    before = p;
    assert_int_equal(np_eth_parse(f, 13, &p), NP_ERR_ETH_SHORT);
    assert_memory_equal(&p, &before, sizeof p);
}

static void test_eth_oversized_untouched(void **state)
{
    (void)state;
    static uint8_t f[NP_ETH_MAX_FRAME + 1];
    struct np_eth p, before;
    memset(&p, 0x5a, sizeof p);
    before = p;
    assert_int_equal(np_eth_parse(f, NP_ETH_MAX_FRAME + 1, &p), NP_ERR_ETH_LONG);
    assert_memory_equal(&p, &before, sizeof p);
    assert_int_equal(np_udp_frame_parse(f, NP_ETH_MAX_FRAME + 1, &(struct np_udp_frame){0}),
                     NP_ERR_ETH_LONG);
    /* The largest frame is fine. */
    assert_int_equal(np_eth_parse(f, NP_ETH_MAX_FRAME, &p), NP_OK);
    assert_int_equal(p.payload_len, 1500);
    assert_string_equal(np_strerror(NP_ERR_ETH_LONG), "eth-long");
}

static void test_arp_exact_bytes_and_roundtrip(void **state)
{
    (void)state;
    struct np_arp a = {
        .op = NP_ARP_REQUEST, .spa = NP_IPV4(10, 0, 2, 15), .tpa = NP_IPV4(10, 0, 2, 2)};
    memcpy(a.sha, mac_a, 6);
    uint8_t p[28];
    size_t len;
    assert_int_equal(np_arp_build(p, sizeof p, &a, &len), NP_OK);
    const uint8_t want[28] = {0x00, 0x01, 0x08, 0x00, 6,  4, 0x00, 0x01, 0x02, 0x00,
                              0x00, 0x00, 0x00, 0x01, 10, 0, 2,    15,   0,    0,
                              0,    0,    0,    0,    10, 0, 2,    2};
    assert_int_equal(len, 28);
    assert_memory_equal(p, want, 28);
    struct np_arp b;
    assert_int_equal(np_arp_parse(p, len, &b), NP_OK);
    assert_int_equal(b.op, NP_ARP_REQUEST);
    assert_int_equal(b.spa, a.spa);
    assert_int_equal(b.tpa, a.tpa);
    assert_memory_equal(b.sha, mac_a, 6);
    a.op = 3;
    assert_int_equal(np_arp_build(p, sizeof p, &a, &len), NP_ERR_INVAL);
    assert_int_equal(np_arp_build(p, 27, &b, &len), NP_ERR_NOSPACE);
}

struct bad_row {
    const char *name;
    size_t offset; /* byte to change, or SIZE_MAX for none */
    uint8_t value;
    size_t len; /* bytes passed to the parser */
    int want;
};

static void test_arp_malformed_table(void **state)
{
    (void)state;
    struct np_arp a = {.op = NP_ARP_REPLY};
    uint8_t good[28];
    size_t len;
    assert_int_equal(np_arp_build(good, sizeof good, &a, &len), NP_OK);
    const struct bad_row rows[] = {
        {"short", SIZE_MAX, 0, 27, NP_ERR_ARP_SHORT}, {"htype", 1, 6, 28, NP_ERR_ARP_FORMAT},
        {"ptype", 2, 0x86, 28, NP_ERR_ARP_FORMAT},    {"hlen", 4, 5, 28, NP_ERR_ARP_FORMAT},
        {"plen", 5, 16, 28, NP_ERR_ARP_FORMAT},       {"op", 7, 3, 28, NP_ERR_ARP_OP},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t p[28];
        memcpy(p, good, 28);
        if (rows[i].offset != SIZE_MAX)
            p[rows[i].offset] = rows[i].value;
        struct np_arp out, before;
        memset(&out, 0x5a, sizeof out);
        before = out;
        int rc = np_arp_parse(p, rows[i].len, &out);
        if (rc != rows[i].want)
            fail_msg("arp row %s: got %s", rows[i].name, np_strerror(rc));
        assert_memory_equal(&out, &before, sizeof out);
    }
}

/* The classic example header: 192.168.0.1 -> 192.168.0.199, UDP, DF, TTL 64,
 * total length 0x73, whose checksum is 0xb861. */
static void test_ipv4_known_checksum(void **state)
{
    (void)state;
    uint8_t pkt[0x73];
    memset(pkt, 0, sizeof pkt);
    struct np_ipv4 h = {.df = true,
                        .ttl = 64,
                        .proto = NP_IP_PROTO_UDP,
                        .src = NP_IPV4(192, 168, 0, 1),
                        .dst = NP_IPV4(192, 168, 0, 199)};
    size_t len;
    assert_int_equal(np_ipv4_build(pkt, sizeof pkt, &h, 0x73 - 20, &len), NP_OK);
    const uint8_t want[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                              0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(len, 0x73);
    assert_memory_equal(pkt, want, 20);
    struct np_ipv4 p;
    assert_int_equal(np_ipv4_parse(pkt, len, &p), NP_OK);
    assert_true(p.df);
    assert_int_equal(p.ttl, 64);
    assert_int_equal(p.proto, NP_IP_PROTO_UDP);
    assert_int_equal(p.src, h.src);
    assert_int_equal(p.dst, h.dst);
    assert_int_equal(p.payload_len, 0x73 - 20);
}

/* Recomputes the header checksum after a mutation, so that each row hits
 * the rule it names and not the checksum rule. */
static void fix_ip_checksum(uint8_t *pkt, size_t hlen)
{
    pkt[10] = pkt[11] = 0;
    np_put16(pkt + 10, np_inet_checksum(pkt, hlen));
}

static void test_ipv4_malformed_table(void **state)
{
    (void)state;
    uint8_t good[60];
    memset(good, 0, sizeof good);
    struct np_ipv4 h = {.ttl = 64, .proto = 17, .src = 1, .dst = 2};
    size_t len;
    assert_int_equal(np_ipv4_build(good, sizeof good, &h, 20, &len), NP_OK);
    assert_int_equal(len, 40);
    struct {
        const char *name;
        size_t off;
        uint8_t val;
        size_t len;
        int fix;
        int want;
    } rows[] = {
        {"short", SIZE_MAX, 0, 19, 0, NP_ERR_IP_SHORT},
        {"version 6", 0, 0x65, 40, 1, NP_ERR_IP_VERSION},
        {"ihl 4", 0, 0x44, 40, 0, NP_ERR_IP_IHL},
        {"ihl 0", 0, 0x40, 40, 0, NP_ERR_IP_IHL},
        {"ihl past buffer", 0, 0x4f, 40, 0, NP_ERR_IP_HDR_TRUNC},
        {"total below ihl", 3, 19, 40, 1, NP_ERR_IP_TOTAL_LEN},
        {"total beyond frame", 3, 41, 40, 1, NP_ERR_IP_TOTAL_LEN},
        {"more fragments", 6, 0x20, 40, 1, NP_ERR_IP_FRAGMENT},
        {"fragment offset", 7, 0x01, 40, 1, NP_ERR_IP_FRAGMENT},
        {"checksum", 8, 63, 40, 0, NP_ERR_IP_CHECKSUM},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t p[60];
        memcpy(p, good, sizeof p);
        if (rows[i].off != SIZE_MAX)
            p[rows[i].off] = rows[i].val;
        if (rows[i].fix)
            fix_ip_checksum(p, 20);
        struct np_ipv4 out, before;
        memset(&out, 0x5a, sizeof out);
        before = out;
        int rc = np_ipv4_parse(p, rows[i].len, &out);
        if (rc != rows[i].want)
            fail_msg("ipv4 row %s: got %s, want %s", rows[i].name, np_strerror(rc),
                     np_strerror(rows[i].want));
        assert_memory_equal(&out, &before, sizeof out);
    }
}

static void test_ipv4_options_skipped_and_padding_ignored(void **state)
{
    (void)state;
    /* IHL 6: one 4-byte option (NOP NOP NOP EOL); total length 28. */
    uint8_t p[60];
    memset(p, 0, sizeof p);
    p[0] = 0x46;
    np_put16(p + 2, 28);
    p[8] = 64;
    p[9] = 1;
    np_put32(p + 12, NP_IPV4(10, 0, 2, 2));
    np_put32(p + 16, NP_IPV4(10, 0, 2, 15));
    p[20] = 1;
    p[21] = 1;
    p[22] = 1;
    p[23] = 0;
    p[24] = 0xde;
    fix_ip_checksum(p, 24);
    struct np_ipv4 out;
    /* The buffer is a padded 46-byte Ethernet payload; total length rules. */
    assert_int_equal(np_ipv4_parse(p, 46, &out), NP_OK);
    assert_int_equal(out.hdr_len, 24);
    assert_ptr_equal(out.payload, p + 24);
    assert_int_equal(out.payload_len, 4);
    assert_int_equal(out.payload[0], 0xde);
}

static void test_udp_checksum_rules(void **state)
{
    (void)state;
    uint8_t seg[64];
    memset(seg, 0, sizeof seg);
    memcpy(seg + 8, "hello", 5);
    struct np_udp h = {.src_port = 68, .dst_port = 67};
    uint32_t src = NP_IPV4(10, 0, 2, 15), dst = NP_IPV4(10, 0, 2, 2);
    size_t len;
    assert_int_equal(np_udp_build(seg, sizeof seg, &h, src, dst, 5, &len), NP_OK);
    assert_int_equal(len, 13);
    assert_int_equal(np_get16(seg + 4), 13);
    /* Independently: pseudo-header + segment sums to all ones. */
    uint8_t pseudo[12];
    np_put32(pseudo, src);
    np_put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 17;
    np_put16(pseudo + 10, 13);
    uint32_t s = np_csum_add(0, pseudo, 12);
    s = np_csum_add(s, seg, 13);
    assert_int_equal(np_csum_finish(s), 0);

    struct np_udp out;
    assert_int_equal(np_udp_parse(seg, len, src, dst, &out), NP_OK);
    assert_true(out.has_checksum);
    assert_int_equal(out.payload_len, 5);
    /* A wrong pseudo-header address fails the checksum. */
    assert_int_equal(np_udp_parse(seg, len, src + 1, dst, &out), NP_ERR_UDP_CHECKSUM);
    /* Checksum 0 means none (RFC 768): accepted whatever the data. */
    seg[6] = seg[7] = 0;
    seg[8] ^= 0xff;
    assert_int_equal(np_udp_parse(seg, len, src, dst, &out), NP_OK);
    assert_false(out.has_checksum);
}

static void test_udp_zero_checksum_sent_as_ffff(void **state)
{
    (void)state;
    /* Choose a 2-byte payload that makes the computed checksum 0: with
     * payload 0 the checksum is c, and adding the word c to the sum turns
     * the sum into all ones. */
    uint8_t seg[10] = {0};
    struct np_udp h = {.src_port = 1000, .dst_port = 2000};
    size_t len;
    assert_int_equal(np_udp_build(seg, sizeof seg, &h, 1, 2, 2, &len), NP_OK);
    uint16_t c = np_get16(seg + 6);
    np_put16(seg + 8, c);
    assert_int_equal(np_udp_build(seg, sizeof seg, &h, 1, 2, 2, &len), NP_OK);
    assert_int_equal(np_get16(seg + 6), 0xffff);
    struct np_udp out;
    assert_int_equal(np_udp_parse(seg, len, 1, 2, &out), NP_OK);
    assert_true(out.has_checksum);
}

static void test_udp_malformed_table(void **state)
{
    (void)state;
    uint8_t seg[16] = {0};
    struct np_udp h = {.src_port = 67, .dst_port = 68};
    size_t len;
    assert_int_equal(np_udp_build(seg, sizeof seg, &h, 5, 6, 4, &len), NP_OK);
    struct {
        const char *name;
        size_t off;
        uint8_t val;
        size_t len;
        int want;
    } rows[] = {
        {"short", SIZE_MAX, 0, 7, NP_ERR_UDP_SHORT},
        {"length below 8", 5, 7, 12, NP_ERR_UDP_LEN},
        {"length beyond IP payload", 5, 13, 12, NP_ERR_UDP_LEN},
        {"checksum", 9, 0x77, 12, NP_ERR_UDP_CHECKSUM},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t p[16];
        memcpy(p, seg, sizeof p);
        if (rows[i].off != SIZE_MAX)
            p[rows[i].off] = rows[i].val;
        struct np_udp out, before;
        memset(&out, 0x5a, sizeof out);
        before = out;
        int rc = np_udp_parse(p, rows[i].len, 5, 6, &out);
        if (rc != rows[i].want)
            fail_msg("udp row %s: got %s", rows[i].name, np_strerror(rc));
        assert_memory_equal(&out, &before, sizeof out);
    }
}

static void test_icmp_echo(void **state)
{
    (void)state;
    uint8_t m[16];
    memcpy(m + 8, "pingpong", 8);
    struct np_icmp h = {.type = NP_ICMP_ECHO_REQUEST, .id = 0x1234, .seq = 7};
    size_t len;
    assert_int_equal(np_icmp_build(m, sizeof m, &h, 8, &len), NP_OK);
    assert_int_equal(len, 16);
    assert_int_equal(np_inet_checksum(m, 16), 0);
    assert_int_equal(m[4], 0x12);
    assert_int_equal(m[7], 7);
    struct np_icmp out;
    assert_int_equal(np_icmp_parse(m, len, &out), NP_OK);
    assert_int_equal(out.type, NP_ICMP_ECHO_REQUEST);
    assert_int_equal(out.id, 0x1234);
    assert_int_equal(out.seq, 7);
    assert_int_equal(out.payload_len, 8);
    struct np_icmp before;
    memset(&out, 0x5a, sizeof out);
    before = out;
    assert_int_equal(np_icmp_parse(m, 7, &out), NP_ERR_ICMP_SHORT);
    m[9] ^= 1;
    assert_int_equal(np_icmp_parse(m, 16, &out), NP_ERR_ICMP_CHECKSUM);
    assert_memory_equal(&out, &before, sizeof out);
    assert_int_equal(np_icmp_build(m, 15, &h, 8, &len), NP_ERR_NOSPACE);
}

/* NP_PARSE_CSUM_OK skips the checksum and nothing else: each parser takes a
 * bad checksum with the flag and refuses it without, and refuses a length
 * error either way. */
static void test_parse_csum_ok_skips_only_the_checksum(void **state)
{
    (void)state;
    uint8_t pkt[20 + 8 + 4];
    memset(pkt, 0, sizeof pkt);
    struct np_ipv4 h = {.ttl = 64, .proto = NP_IP_PROTO_UDP, .src = 1, .dst = 2};
    struct np_udp uh = {.src_port = 9, .dst_port = 7};
    struct np_icmp ih = {NP_ICMP_ECHO_REQUEST, 0, 1, 2, NULL, 0};
    size_t n, m;
    memcpy(pkt + 28, "abcd", 4);
    assert_int_equal(np_udp_build(pkt + 20, 12, &uh, 1, 2, 4, &n), NP_OK);
    assert_int_equal(np_ipv4_build(pkt, sizeof pkt, &h, n, &m), NP_OK);
    pkt[10] ^= 0x01; /* IPv4 header checksum */
    pkt[26] ^= 0x01; /* UDP checksum */
    struct np_ipv4 ip;
    struct np_udp u;
    struct np_icmp ic;
    assert_int_equal(np_ipv4_parse(pkt, m, &ip), NP_ERR_IP_CHECKSUM);
    assert_int_equal(np_ipv4_parse_ex(pkt, m, 0, &ip), NP_ERR_IP_CHECKSUM);
    assert_int_equal(np_ipv4_parse_ex(pkt, m, NP_PARSE_CSUM_OK, &ip), NP_OK);
    assert_int_equal(ip.payload_len, 12);
    assert_int_equal(np_ipv4_parse_ex(pkt, 19, NP_PARSE_CSUM_OK, &ip), NP_ERR_IP_SHORT);
    assert_int_equal(np_udp_parse(pkt + 20, 12, 1, 2, &u), NP_ERR_UDP_CHECKSUM);
    assert_int_equal(np_udp_parse_ex(pkt + 20, 12, 1, 2, NP_PARSE_CSUM_OK, &u), NP_OK);
    assert_true(u.has_checksum);
    assert_int_equal(u.payload_len, 4);
    assert_int_equal(np_udp_parse_ex(pkt + 20, 11, 1, 2, NP_PARSE_CSUM_OK, &u), NP_ERR_UDP_LEN);
    assert_int_equal(np_icmp_build(pkt, sizeof pkt, &ih, 4, &n), NP_OK);
    pkt[3] ^= 0x01;
    assert_int_equal(np_icmp_parse(pkt, n, &ic), NP_ERR_ICMP_CHECKSUM);
    assert_int_equal(np_icmp_parse_ex(pkt, n, NP_PARSE_CSUM_OK, &ic), NP_OK);
    assert_int_equal(ic.seq, 2);
    assert_int_equal(np_icmp_parse_ex(pkt, 7, NP_PARSE_CSUM_OK, &ic), NP_ERR_ICMP_SHORT);
}

static void test_udp_frame_roundtrip_and_proto(void **state)
{
    (void)state;
    uint8_t f[128];
    memset(f, 0, sizeof f);
    memcpy(f + NP_UDP_FRAME_HLEN, "dhcp", 4);
    struct np_udp_frame in = {
        .src_ip = 0, .dst_ip = NP_IPV4_BROADCAST, .src_port = 68, .dst_port = 67, .ttl = 64};
    memset(in.dst_mac, 0xff, 6);
    memcpy(in.src_mac, mac_a, 6);
    size_t len;
    assert_int_equal(np_udp_frame_build(f, sizeof f, &in, 4, &len), NP_OK);
    assert_int_equal(len, 60); /* 46 bytes padded to the Ethernet minimum */
    struct np_udp_frame out;
    assert_int_equal(np_udp_frame_parse(f, len, &out), NP_OK);
    assert_int_equal(out.dst_ip, NP_IPV4_BROADCAST);
    assert_int_equal(out.src_port, 68);
    assert_int_equal(out.payload_len, 4);
    assert_memory_equal(out.payload, "dhcp", 4);
    assert_true(np_mac_is_broadcast(out.dst_mac));
    /* Not IPv4: an ARP EtherType. */
    f[13] = 0x06;
    assert_int_equal(np_udp_frame_parse(f, len, &out), NP_ERR_PROTO);
    f[13] = 0x00;
    /* Not UDP: protocol ICMP (checksum fixed so only the protocol differs). */
    f[14 + 9] = 1;
    fix_ip_checksum(f + 14, 20);
    assert_int_equal(np_udp_frame_parse(f, len, &out), NP_ERR_PROTO);
    assert_string_equal(np_strerror(NP_ERR_PROTO), "proto");
    assert_string_equal(np_strerror(12345), "unknown");
}

/* Checks one request against its reply rebuilt from scratch. */
static void check_echo_reply(uint8_t *req, size_t len, uint8_t code, uint16_t id, uint16_t seq)
{
    uint8_t want[NP_ICMP_HLEN + 16], got[NP_ICMP_HLEN + 16];
    struct np_icmp out;
    size_t n;
    assert_int_equal(np_icmp_parse(req, len, &out), NP_OK);
    memcpy(want, req, len);
    struct np_icmp r = {.type = NP_ICMP_ECHO_REPLY, .code = 0, .id = id, .seq = seq};
    assert_int_equal(np_icmp_build(want, sizeof want, &r, len - NP_ICMP_HLEN, &n), NP_OK);
    memcpy(got, req, len);
    assert_int_equal(np_icmp_echo_reply(got, len), NP_OK);
    if (memcmp(got, want, len) != 0)
        fail_msg("echo reply differs: code %u id %04x seq %04x len %zu", code, id, seq, len);
}

/* The reply's checksum patched by RFC 1624 eqn. 3 equals a full recompute
 * for every identifier (so every value of the reply's sum, with the
 * all-zero reply and the one summing to 0xffff among them), random codes,
 * sequence numbers and payloads of every length up to 16, and requests
 * carrying either form of a zero checksum (0x0000 and 0xffff both verify). */
static void test_icmp_echo_reply_incremental(void **state)
{
    (void)state;
    uint8_t req[NP_ICMP_HLEN + 16];
    uint32_t x = 3;
    for (uint32_t i = 0; i < 0x30000u; i++) {
        uint16_t id = (uint16_t)i;
        bool plain = i < 0x10000u; /* code 0, seq 0, no payload: the reply sums to id */
        uint8_t code = plain ? 0 : (uint8_t)lcg(&x);
        uint16_t seq = plain ? 0 : (uint16_t)lcg(&x);
        size_t plen = plain ? 0 : lcg(&x) % 17u;
        for (size_t k = 0; k < plen; k++)
            req[NP_ICMP_HLEN + k] = i < 0x20000u ? 0 : (uint8_t)lcg(&x);
        struct np_icmp h = {.type = NP_ICMP_ECHO_REQUEST, .code = code, .id = id, .seq = seq};
        size_t len;
        assert_int_equal(np_icmp_build(req, sizeof req, &h, plen, &len), NP_OK);
        check_echo_reply(req, len, code, id, seq);
        uint16_t c = np_get16(req + 2);
        if (c == 0x0000 || c == 0xffff) {
            np_put16(req + 2, (uint16_t)~c);
            check_echo_reply(req, len, code, id, seq);
        }
    }
    assert_int_equal(np_icmp_echo_reply(NULL, 8), NP_ERR_INVAL);
    assert_int_equal(np_icmp_echo_reply(req, 7), NP_ERR_ICMP_SHORT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byte_order_helpers),
        cmocka_unit_test(test_checksum_rfc1071_example),
        cmocka_unit_test(test_checksum_long_buffer_no_overflow),
        cmocka_unit_test(test_checksum_matches_reference),
        cmocka_unit_test(test_eth_build_pads_and_parses),
        cmocka_unit_test(test_eth_short_untouched),
        cmocka_unit_test(test_eth_oversized_untouched),
        cmocka_unit_test(test_arp_exact_bytes_and_roundtrip),
        cmocka_unit_test(test_arp_malformed_table),
        cmocka_unit_test(test_ipv4_known_checksum),
        cmocka_unit_test(test_ipv4_malformed_table),
        cmocka_unit_test(test_ipv4_options_skipped_and_padding_ignored),
        cmocka_unit_test(test_udp_checksum_rules),
        cmocka_unit_test(test_udp_zero_checksum_sent_as_ffff),
        cmocka_unit_test(test_udp_malformed_table),
        cmocka_unit_test(test_icmp_echo),
        cmocka_unit_test(test_icmp_echo_reply_incremental),
        cmocka_unit_test(test_udp_frame_roundtrip_and_proto),
        cmocka_unit_test(test_parse_csum_ok_skips_only_the_checksum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
