/*
 * The DHCP codec: exact offsets of the fixed header and of the options a
 * client sends, the 300-byte minimum with zeroed padding, the same bytes on
 * every build, and the traps that broke other implementations that must be
 * accepted (PAD is one byte, unknown options such as a looping 119 are
 * skipped, strings with NUL or shell characters are copied verbatim,
 * overload reads file before sname). The rejecting rules are in
 * test_dhcp_malformed.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dhcp-stub/dhcp_msg.h"
#include "netproto/np.h"

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static struct dhcp_msg discover(void)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.type = DHCP_DISCOVER;
    m.xid = 0x11223344u;
    m.secs = 0x0102;
    m.broadcast = true;
    memcpy(m.chaddr, mac, 6);
    m.client_id[0] = 1;
    memcpy(m.client_id + 1, mac, 6);
    m.client_id_len = 7;
    const uint8_t prl[] = {1, 3, 6};
    memcpy(m.prl, prl, 3);
    m.prl_len = 3;
    m.present = DHCP_HAVE_MAX_SIZE;
    m.max_size = 576;
    return m;
}

static void test_build_exact_layout(void **state)
{
    (void)state;
    struct dhcp_msg m = discover();
    m.ciaddr = NP_IPV4(1, 2, 3, 4);
    m.yiaddr = NP_IPV4(5, 6, 7, 8);
    m.siaddr = NP_IPV4(9, 10, 11, 12);
    m.giaddr = NP_IPV4(13, 14, 15, 16);
    uint8_t b[DHCP_MSG_BUILD_MAX];
    memset(b, 0xa5, sizeof b);
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_OK);
    /* RFC 1542 §2.1: at least 300 bytes. */
    assert_int_equal(len, 300);
    const uint8_t head[] = {1,  1,  6,  0,  0x11, 0x22, 0x33, 0x44, 0x01, 0x02, 0x80, 0x00,
                            1,  2,  3,  4,  5,    6,    7,    8,    9,    10,   11,   12,
                            13, 14, 15, 16, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    assert_memory_equal(b, head, sizeof head);
    const uint8_t cookie[] = {99, 130, 83, 99};
    assert_memory_equal(b + 236, cookie, 4);
    /* Options in the codec's fixed order: 53, 61, 55, 57, END. */
    const uint8_t opts[] = {53, 1,  1, 61, 7, 1, 0x02, 0, 0,    0,    0,
                            1,  55, 3, 1,  3, 6, 57,   2, 0x02, 0x40, 255};
    assert_memory_equal(b + 240, opts, sizeof opts);
    /* Zeros everywhere else: chaddr padding, sname, file, after END. */
    for (size_t i = 34; i < 236; i++)
        assert_int_equal(b[i], 0);
    for (size_t i = 240 + sizeof opts; i < len; i++)
        assert_int_equal(b[i], 0);
    assert_int_equal(b[len], 0xa5); /* nothing written past len */
}

static void test_build_same_bytes_every_time(void **state)
{
    (void)state;
    struct dhcp_msg m = discover();
    uint8_t a[DHCP_MSG_BUILD_MAX], b[DHCP_MSG_BUILD_MAX];
    memset(a, 0x00, sizeof a);
    memset(b, 0xff, sizeof b);
    size_t la, lb;
    assert_int_equal(dhcp_msg_build(&m, a, sizeof a, &la), DHCP_OK);
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &lb), DHCP_OK);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
}

static void test_roundtrip_full_struct(void **state)
{
    (void)state;
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREPLY;
    m.type = DHCP_ACK;
    m.hops = 1;
    m.xid = 0xdeadbeefu;
    m.yiaddr = NP_IPV4(10, 0, 2, 15);
    memcpy(m.chaddr, mac, 6);
    m.present = DHCP_HAVE_SERVER_ID | DHCP_HAVE_REQUESTED_IP | DHCP_HAVE_LEASE | DHCP_HAVE_T1 |
                DHCP_HAVE_T2 | DHCP_HAVE_SUBNET_MASK | DHCP_HAVE_MAX_SIZE;
    m.server_id = NP_IPV4(10, 0, 2, 2);
    m.requested_ip = NP_IPV4(10, 0, 2, 15);
    m.lease_s = 3600;
    m.t1_s = 1000;
    m.t2_s = 2000;
    m.subnet_mask = NP_IPV4(255, 255, 255, 0);
    m.max_size = 1500;
    m.n_routers = DHCP_MSG_ADDRS_MAX;
    m.n_dns = DHCP_MSG_ADDRS_MAX;
    for (unsigned i = 0; i < DHCP_MSG_ADDRS_MAX; i++)
        m.routers[i] = NP_IPV4(10, 0, 2, (uint8_t)(100 + i));
    m.dns[0] = NP_IPV4(8, 8, 8, 8);
    m.dns[1] = NP_IPV4(1, 1, 1, 1);
    m.dns[2] = NP_IPV4(9, 9, 9, 9);
    m.dns[3] = NP_IPV4(10, 0, 2, 3);
    m.hostname_len = DHCP_MSG_HOSTNAME_MAX;
    memset(m.hostname, 'h', DHCP_MSG_HOSTNAME_MAX);
    m.message_len = DHCP_MSG_TEXT_MAX;
    memset(m.message, 'm', DHCP_MSG_TEXT_MAX);
    m.prl_len = DHCP_MSG_PRL_MAX;
    memset(m.prl, 1, DHCP_MSG_PRL_MAX);
    m.client_id_len = DHCP_MSG_CLIENT_ID_MAX;
    memset(m.client_id, 'c', DHCP_MSG_CLIENT_ID_MAX);
    /* Every capacity filled still fits DHCP_MSG_BUILD_MAX. */
    uint8_t b[DHCP_MSG_BUILD_MAX];
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_OK);
    /* 240 + 3 (53) + 6 * 6 (fixed 4-byte options) + 4 (57) + 2 * 18
     * (routers, DNS) + 66 (12) + 34 (61) + 18 (55) + 66 (56) + 1 (END). */
    assert_int_equal(len, 504);
    assert_true(len <= DHCP_MSG_BUILD_MAX);
    struct dhcp_msg p;
    assert_int_equal(dhcp_msg_parse(b, len, &p), DHCP_OK);
    assert_true(dhcp_msg_equal(&m, &p));
    /* dhcp_msg_equal can fail: one changed DNS address is noticed. */
    p.dns[1]++;
    assert_false(dhcp_msg_equal(&m, &p));
    /* One byte short of the buffer it needs. */
    assert_int_equal(dhcp_msg_build(&m, b, len - 1, &len), DHCP_ERR_NOSPACE);
}

static void test_build_rejects_impossible_struct(void **state)
{
    (void)state;
    uint8_t b[DHCP_MSG_BUILD_MAX];
    size_t len = 1234;
    struct dhcp_msg m = discover();
    m.type = 9;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_ERR_INVAL);
    m = discover();
    m.op = 0;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_ERR_INVAL);
    m = discover();
    m.n_dns = DHCP_MSG_ADDRS_MAX + 1;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_ERR_INVAL);
    m = discover();
    m.client_id_len = 1;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_ERR_INVAL);
    m = discover();
    m.max_size = 575;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_ERR_INVAL);
    assert_int_equal(len, 1234);
}

/* A reply with raw option bytes and exactly 240 + n bytes: no padding, so
 * the options field ends where the buffer ends. */
static size_t raw_reply(uint8_t *b, const uint8_t *opts, size_t n)
{
    memset(b, 0, 240);
    b[0] = 2;
    b[1] = 1;
    b[2] = 6;
    np_put32(b + 4, 0x01020304u);
    memcpy(b + 28, mac, 6);
    b[236] = 99;
    b[237] = 130;
    b[238] = 83;
    b[239] = 99;
    memcpy(b + 240, opts, n);
    return 240 + n;
}

static void test_pad_is_one_byte(void **state)
{
    (void)state;
    /* PAD, then a message type; if PAD were length-prefixed, the next byte
     * (0) would be its length and 53 would be read as a code of a
     * different option. */
    const uint8_t opts[] = {0, 0, 53, 1, 2, 0, 54, 4, 10, 0, 2, 2, 0, 255};
    uint8_t b[300];
    size_t len = raw_reply(b, opts, sizeof opts);
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
    assert_int_equal(m.type, DHCP_OFFER);
    assert_int_equal(m.server_id, NP_IPV4(10, 0, 2, 2));
    /* Shorter than 300 bytes is accepted on receipt. */
    assert_true(len < 300);
}

static void test_unknown_options_skipped_119_loop(void **state)
{
    (void)state;
    /* Option 119 (domain search) with a compression pointer to itself: a
     * decoder would loop; this codec never reads inside unknown options. */
    const uint8_t opts[] = {53, 1, 5, 119, 4, 0xc0, 0x00, 0xc0, 0x00, 250, 0, 255};
    uint8_t b[300];
    size_t len = raw_reply(b, opts, sizeof opts);
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
    assert_int_equal(m.type, DHCP_ACK);
    /* Unknown options may repeat (RFC 3396 splits long options). */
    const uint8_t twice[] = {53, 1, 5, 119, 1, 0, 119, 1, 0, 255};
    len = raw_reply(b, twice, sizeof twice);
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
}

static void test_strings_copied_verbatim(void **state)
{
    (void)state;
    /* NUL and shell characters in the host name and message are bytes. */
    const uint8_t opts[] = {53,  1,   6,   12, 7, 'a', 0, ';', 'r',
                            'm', '$', '(', 56, 3, '`', 0, '|', 255};
    uint8_t b[300];
    size_t len = raw_reply(b, opts, sizeof opts);
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
    assert_int_equal(m.hostname_len, 7);
    assert_memory_equal(m.hostname, opts + 5, 7);
    assert_int_equal(m.message_len, 3);
    assert_memory_equal(m.message, opts + 14, 3);
    /* And they come back out unchanged. */
    uint8_t out[DHCP_MSG_BUILD_MAX];
    size_t olen;
    assert_int_equal(dhcp_msg_build(&m, out, sizeof out, &olen), DHCP_OK);
    struct dhcp_msg again;
    assert_int_equal(dhcp_msg_parse(out, olen, &again), DHCP_OK);
    assert_true(dhcp_msg_equal(&m, &again));
}

static void test_lists_cut_to_capacity(void **state)
{
    (void)state;
    uint8_t opts[64];
    size_t n = 0;
    opts[n++] = 53;
    opts[n++] = 1;
    opts[n++] = 5;
    opts[n++] = 6;
    opts[n++] = 4 * (DHCP_MSG_ADDRS_MAX + 2);
    for (unsigned i = 0; i < DHCP_MSG_ADDRS_MAX + 2; i++) {
        np_put32(opts + n, NP_IPV4(10, 0, 0, (uint8_t)i));
        n += 4;
    }
    opts[n++] = 255;
    uint8_t b[400];
    size_t len = raw_reply(b, opts, n);
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
    assert_int_equal(m.n_dns, DHCP_MSG_ADDRS_MAX);
    assert_int_equal(m.dns[DHCP_MSG_ADDRS_MAX - 1], NP_IPV4(10, 0, 0, DHCP_MSG_ADDRS_MAX - 1));
}

static void test_overload_file_then_sname(void **state)
{
    (void)state;
    /* Overload 3: options continue in file (read first), then sname. */
    const uint8_t opts[] = {53, 1, 2, 52, 1, 3, 255};
    uint8_t b[300];
    size_t len = raw_reply(b, opts, sizeof opts);
    const uint8_t file_opts[] = {54, 4, 10, 0, 2, 2, 3, 4, 10, 0, 2, 2, 255};
    const uint8_t sname_opts[] = {51, 4, 0, 0, 0x0e, 0x10, 6, 4, 10, 0, 2, 3, 255};
    memcpy(b + 108, file_opts, sizeof file_opts);
    memcpy(b + 44, sname_opts, sizeof sname_opts);
    struct dhcp_msg m;
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
    assert_int_equal(m.server_id, NP_IPV4(10, 0, 2, 2));
    assert_int_equal(m.n_routers, 1);
    assert_int_equal(m.lease_s, 3600);
    assert_int_equal(m.dns[0], NP_IPV4(10, 0, 2, 3));
    /* Without overload, the same file and sname bytes are not options. */
    b[240 + 5] = 1; /* file only */
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_OK);
    assert_int_equal(m.n_dns, 0);
    assert_int_equal(m.n_routers, 1);
    /* The order shows in which duplicate is reported: a type in file. */
    b[240 + 5] = 3;
    const uint8_t dup[] = {53, 1, 2, 255};
    memcpy(b + 108, dup, sizeof dup);
    assert_int_equal(dhcp_msg_parse(b, len, &m), DHCP_MSG_ERR_TYPE_DUP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_exact_layout),
        cmocka_unit_test(test_build_same_bytes_every_time),
        cmocka_unit_test(test_roundtrip_full_struct),
        cmocka_unit_test(test_build_rejects_impossible_struct),
        cmocka_unit_test(test_pad_is_one_byte),
        cmocka_unit_test(test_unknown_options_skipped_119_loop),
        cmocka_unit_test(test_strings_copied_verbatim),
        cmocka_unit_test(test_lists_cut_to_capacity),
        cmocka_unit_test(test_overload_file_then_sname),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
