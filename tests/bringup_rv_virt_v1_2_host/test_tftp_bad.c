/*
 * Everything a server or the wire can do wrong, one case at a time: each
 * gives its own error and counter, the datagram the client then owes the
 * server (exact bytes) or none, and never a crash or a silent drop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tftp_test_util.h"

/* A client with an RRQ out, waiting for the first reply. */
static void requested(struct tt *t)
{
    tt_start(t, 0, "f");
    assert_int_equal(tftp_client_poll(&t->c, 0, &t->tx), TFTP_OK);
    assert_int_equal(t->tx.port, 69);
}

/* A client in TRANSFER at 512-byte blocks, `blocks` blocks taken. */
static void transferring(struct tt *t, unsigned blocks)
{
    t->cfg.blksize = 0;
    t->cfg.tsize = false;
    requested(t);
    for (unsigned b = 1; b <= blocks; b++) {
        assert_int_equal(tt_in_block(t, b, b, b, 512, 512), TFTP_OK);
        tt_expect_ack(t, b, b);
    }
}

static void assert_failed(struct tt *t, int err)
{
    const struct tftp_result *r = tftp_client_result(&t->c);
    assert_int_equal(r->state, TFTP_CLIENT_FAILED);
    if (r->err != err)
        fail_msg("err %s, want %s", tftp_strerror(r->err), tftp_strerror(err));
}

/* ERROR 1 is reported as "file not found", with the server's words. */
static void test_error_not_found(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    requested(&t);
    uint8_t b[64];
    size_t n = tt_error(b, 1, "File not found");
    assert_int_equal(tt_in(&t, 5, TT_SERVER, b, n), TFTP_ERR_NOT_FOUND);
    assert_failed(&t, TFTP_ERR_NOT_FOUND);
    tt_expect_nothing(&t, 5); /* an ERROR is never answered */
    assert_int_equal(tftp_client_deadline(&t.c), TFTP_NEVER);
    const struct tftp_result *r = tftp_client_result(&t.c);
    assert_int_equal(r->server_code, 1);
    assert_int_equal(r->server_msg_len, 14);
    assert_memory_equal(r->server_msg, "File not found", 15);
    assert_string_equal(tftp_strerror(r->err), "not-found");
}

/* Another code mid-transfer; a message too long is cut, one without NUL
 * is taken to the end; binary bytes are kept as they are. */
static void test_error_other_codes_and_messages(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    transferring(&t, 2);
    uint8_t b[400];
    size_t n = tt_put16(b, 5) + tt_put16(b + 2, 2);
    for (unsigned i = 0; i < 300; i++)
        b[n++] = (uint8_t)(0x80 + i % 100);
    b[n++] = 0;
    assert_int_equal(tt_in(&t, 9, TT_SERVER, b, n), TFTP_ERR_SERVER);
    assert_failed(&t, TFTP_ERR_SERVER);
    const struct tftp_result *r = tftp_client_result(&t.c);
    assert_int_equal(r->server_code, 2);
    assert_int_equal(r->server_msg_len, TFTP_ERRMSG_MAX);
    assert_memory_equal(r->server_msg, b + 4, TFTP_ERRMSG_MAX);
    assert_int_equal(r->server_msg[TFTP_ERRMSG_MAX], 0);
    assert_int_equal(r->bytes, 1024);

    tt_setup(&t);
    requested(&t);
    const uint8_t nonul[] = {0, 5, 0, 0, 'n', 'o', 'p', 'e'};
    assert_int_equal(tt_in(&t, 1, TT_SERVER, nonul, sizeof nonul), TFTP_ERR_SERVER);
    r = tftp_client_result(&t.c);
    assert_int_equal(r->server_msg_len, 4);
    assert_string_equal((const char *)r->server_msg, "nope");
    assert_int_equal(r->server_code, 0);
}

struct oack_case {
    const char *what;
    uint8_t bytes[48];
    size_t len;
    int err;
};

/* Each refused with ERROR 8 to the OACK's port and a clear error (RFC
 * 2347); the client asked blksize 1468, tsize, timeout 2, windowsize 4. */
static const struct oack_case oack_cases[] = {
    {"empty", {0, 6}, 2, TFTP_ERR_OACK_MALFORMED},
    {"name without NUL", {0, 6, 'b', 'l', 'k'}, 5, TFTP_ERR_OACK_MALFORMED},
    {"no value", {0, 6, 't', 's', 'i', 'z', 'e', 0}, 8, TFTP_ERR_OACK_MALFORMED},
    {"value without NUL",
     {0, 6, 't', 's', 'i', 'z', 'e', 0, '1', '2'},
     10,
     TFTP_ERR_OACK_MALFORMED},
    {"empty name", {0, 6, 0, '1', 0}, 5, TFTP_ERR_OACK_MALFORMED},
    {"empty value", {0, 6, 't', 's', 'i', 'z', 'e', 0, 0}, 9, TFTP_ERR_OACK_MALFORMED},
    {"not decimal", {0, 6, 't', 's', 'i', 'z', 'e', 0, '1', 'x', 0}, 11, TFTP_ERR_OACK_MALFORMED},
    {"signed", {0, 6, 't', 's', 'i', 'z', 'e', 0, '-', '1', 0}, 11, TFTP_ERR_OACK_MALFORMED},
    {"unknown option",
     {0, 6, 'm', 'u', 'l', 't', 'i', 'c', 'a', 's', 't', 0, '1', 0},
     14,
     TFTP_ERR_OACK_OPTION},
    {"twice",
     {0, 6, 't', 's', 'i', 'z', 'e', 0, '1', 0, 'T', 'S', 'I', 'Z', 'E', 0, '1', 0},
     18,
     TFTP_ERR_OACK_OPTION},
    {"a prefix of a name", {0, 6, 'b', 'l', 'k', 0, '8', 0}, 8, TFTP_ERR_OACK_OPTION},
    {"a name with more", {0, 6, 't', 's', 'i', 'z', 'e', 's', 0, '8', 0}, 11, TFTP_ERR_OACK_OPTION},
    {"blksize 7", {0, 6, 'b', 'l', 'k', 's', 'i', 'z', 'e', 0, '7', 0}, 12, TFTP_ERR_OACK_VALUE},
    {"blksize above asked",
     {0, 6, 'b', 'l', 'k', 's', 'i', 'z', 'e', 0, '1', '4', '6', '9', 0},
     15,
     TFTP_ERR_OACK_VALUE},
    {"windowsize 0",
     {0, 6, 'w', 'i', 'n', 'd', 'o', 'w', 's', 'i', 'z', 'e', 0, '0', 0},
     15,
     TFTP_ERR_OACK_VALUE},
    {"windowsize above asked",
     {0, 6, 'w', 'i', 'n', 'd', 'o', 'w', 's', 'i', 'z', 'e', 0, '5', 0},
     15,
     TFTP_ERR_OACK_VALUE},
    {"timeout changed",
     {0, 6, 't', 'i', 'm', 'e', 'o', 'u', 't', 0, '1', 0},
     12,
     TFTP_ERR_OACK_VALUE},
    {"tsize over 64 bits",
     {0,   6,   't', 's', 'i', 'z', 'e', 0,   '1', '8', '4', '4', '6', '7', '4',
      '4', '0', '7', '3', '7', '0', '9', '5', '5', '1', '6', '1', '6', 0},
     29,
     TFTP_ERR_OACK_VALUE},
};

static void test_oack_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof oack_cases / sizeof oack_cases[0]; i++) {
        const struct oack_case *k = &oack_cases[i];
        struct tt t;
        tt_setup(&t);
        t.cfg.timeout_s = 2;
        t.cfg.windowsize = 4;
        requested(&t);
        int rc = tt_in(&t, 7, TT_SERVER, k->bytes, k->len);
        if (rc != k->err)
            fail_msg("%s: %s, want %s", k->what, tftp_strerror(rc), tftp_strerror(k->err));
        assert_failed(&t, k->err);
        assert_int_equal(tftp_client_deadline(&t.c), 7);
        tt_expect_error(&t, 7, TT_SERVER, 8);
        tt_expect_nothing(&t, 7);
        assert_int_equal(tftp_client_deadline(&t.c), TFTP_NEVER);
        assert_false(tftp_client_result(&t.c)->oack);
        assert_int_equal(tftp_client_result(&t.c)->blksize, 512);
    }
}

/* Options we did not ask for are refused even when they look harmless. */
static void test_oack_options_not_asked(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.tsize = false;
    requested(&t);
    uint8_t b[64];
    size_t n = tt_oack(b, "blksize", "512", "tsize", "10", NULL);
    assert_int_equal(tt_in(&t, 1, TT_SERVER, b, n), TFTP_ERR_OACK_OPTION);
    tt_expect_error(&t, 1, TT_SERVER, 8);

    tt_setup(&t);
    t.cfg.blksize = 0;
    t.cfg.tsize = false;
    requested(&t);
    n = tt_oack(b, "blksize", "512", NULL);
    assert_int_equal(tt_in(&t, 1, TT_SERVER, b, n), TFTP_ERR_OACK_OPTION);
    tt_expect_error(&t, 1, TT_SERVER, 8);
}

/* Names are case-insensitive, values may be lowered; leading zeros are
 * still decimal. */
static void test_oack_accepted_variants(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.timeout_s = 3;
    t.cfg.windowsize = 16;
    requested(&t);
    uint8_t b[128];
    size_t n = tt_oack(b, "WindowSize", "2", "BLKSIZE", "0008", "Timeout", "3", NULL);
    assert_int_equal(tt_in(&t, 1, TT_SERVER, b, n), TFTP_OK);
    tt_expect_ack(&t, 1, 0);
    const struct tftp_result *r = tftp_client_result(&t.c);
    assert_int_equal(r->blksize, 8);
    assert_int_equal(r->windowsize, 2);
    assert_int_equal(r->timeout_s, 3);
    assert_false(r->have_tsize); /* asked, left out: unknown size */
}

/* RFC 2349: with tsize over the limit, ERROR 3 before any data. */
static void test_tsize_over_limit(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.max_size = 1000;
    requested(&t);
    uint8_t b[64];
    size_t n = tt_oack(b, "blksize", "512", "tsize", "1001", NULL);
    assert_int_equal(tt_in(&t, 4, TT_SERVER, b, n), TFTP_ERR_TOO_BIG);
    assert_failed(&t, TFTP_ERR_TOO_BIG);
    tt_expect_error(&t, 4, TT_SERVER, 3);
    tt_expect_nothing(&t, 4);
    assert_int_equal(tftp_client_result(&t.c)->tsize, 1001);
    assert_int_equal(tt_in_block(&t, 5, 1, 1, 512, 512), TFTP_ERR_UNEXPECTED);
    assert_int_equal(t.sink_calls, 0);

    /* Exactly the limit is fine. */
    tt_setup(&t);
    t.cfg.max_size = 1000;
    requested(&t);
    n = tt_oack(b, "blksize", "512", "tsize", "1000", NULL);
    assert_int_equal(tt_in(&t, 4, TT_SERVER, b, n), TFTP_OK);
    tt_expect_ack(&t, 4, 0);
    assert_int_equal(tt_in_block(&t, 5, 1, 1, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 5, 1);
    assert_int_equal(tt_in_block(&t, 6, 2, 2, 512, 488), TFTP_OK);
    tt_expect_ack(&t, 6, 2);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
}

/* Without tsize, the block that would pass the limit aborts with ERROR 3
 * and never reaches the sink. */
static void test_data_over_limit(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.max_size = 1000;
    transferring(&t, 1);
    assert_int_equal(tt_in_block(&t, 9, 2, 2, 512, 512), TFTP_ERR_TOO_BIG);
    assert_failed(&t, TFTP_ERR_TOO_BIG);
    tt_expect_error(&t, 9, TT_SERVER, 3);
    assert_int_equal(t.sink_bytes, 512);
    assert_int_equal(tftp_client_result(&t.c)->bytes, 512);
}

/* Data that disagrees with the OACK's tsize, either way. */
static void test_tsize_mismatch(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    requested(&t);
    uint8_t b[64];
    size_t n = tt_oack(b, "blksize", "512", "tsize", "600", NULL);
    assert_int_equal(tt_in(&t, 1, TT_SERVER, b, n), TFTP_OK);
    tt_expect_ack(&t, 1, 0);
    assert_int_equal(tt_in_block(&t, 2, 1, 1, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 2, 1);
    assert_int_equal(tt_in_block(&t, 3, 2, 2, 512, 512), TFTP_ERR_TSIZE);
    tt_expect_error(&t, 3, TT_SERVER, 4);
    assert_int_equal(t.sink_bytes, 512);

    tt_setup(&t);
    requested(&t);
    n = tt_oack(b, "blksize", "512", "tsize", "2000", NULL);
    assert_int_equal(tt_in(&t, 1, TT_SERVER, b, n), TFTP_OK);
    tt_expect_ack(&t, 1, 0);
    assert_int_equal(tt_in_block(&t, 2, 1, 1, 512, 300), TFTP_ERR_TSIZE);
    assert_failed(&t, TFTP_ERR_TSIZE);
    tt_expect_error(&t, 2, TT_SERVER, 4);
}

/* The sink refuses the second block: ERROR 3, and the count stays at one. */
static void test_sink_refuses(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.refuse_call = 2;
    transferring(&t, 1);
    assert_int_equal(tt_in_block(&t, 5, 2, 2, 512, 512), TFTP_ERR_SINK);
    assert_failed(&t, TFTP_ERR_SINK);
    tt_expect_error(&t, 5, TT_SERVER, 3);
    tt_expect_nothing(&t, 5);
    assert_int_equal(t.sink_calls, 2);
    assert_int_equal(tftp_client_result(&t.c)->bytes, 512);
    assert_int_equal(tftp_client_result(&t.c)->blocks, 1);
}

/*
 * The Sorcerer's Apprentice (RFC 1123 §4.2.3.1): a server that sends every
 * block twice. The client ACKs each block once, never the duplicate, and
 * the duplicates do not touch the timer.
 */
static void test_duplicates_no_ack_storm(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    transferring(&t, 0);
    for (unsigned b = 1; b <= 100; b++) {
        uint64_t now = 10 * b;
        assert_int_equal(tt_in_block(&t, now, b, b, 512, 512), TFTP_OK);
        assert_int_equal(tt_in_block(&t, now, b, b, 512, 512), TFTP_ERR_DUPLICATE);
        tt_expect_ack(&t, now, b);
        assert_int_equal(tt_in_block(&t, now + 1, b, b, 512, 512), TFTP_ERR_DUPLICATE);
        tt_expect_nothing(&t, now + 1);
    }
    assert_int_equal(tftp_client_deadline(&t.c), 1000 + 1000);
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_duplicate, 200);
    assert_int_equal(s.tx_dup_acks, 0);
    assert_int_equal(s.tx_retransmits, 0);
    assert_int_equal(t.sink_calls, 100);
}

/* A duplicate that comes a period after the last ACK is answered, once:
 * the ACK and the timer share that slot, so no two ACKs go out together.
 * Answers count as retries: with 2, the third expiry fails the transfer
 * even though a duplicate arrived just before it. */
static void test_duplicate_at_the_timer(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.retries = 2;
    transferring(&t, 1); /* ACK 1 at 1 */
    assert_int_equal(tt_in_block(&t, 1001, 1, 1, 512, 512), TFTP_ERR_DUPLICATE);
    assert_int_equal(tftp_client_deadline(&t.c), 1001);
    tt_expect_ack(&t, 1001, 1);
    tt_expect_nothing(&t, 1001);
    assert_int_equal(tftp_client_deadline(&t.c), 2001);
    tt_expect_nothing(&t, 2000);
    tt_expect_ack(&t, 2001, 1);
    assert_int_equal(tt_in_block(&t, 3001, 1, 1, 512, 512), TFTP_ERR_DUPLICATE);
    tt_expect_nothing(&t, 3001);
    assert_failed(&t, TFTP_ERR_TIMEOUT);
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.tx_dup_acks, 1);
    assert_int_equal(s.tx_retransmits, 1);
}

/* Blocks ahead, blocks too long, and a repeated OACK. */
static void test_ahead_too_long_repeated_oack(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    transferring(&t, 1);
    assert_int_equal(tt_in_block(&t, 5, 3, 3, 512, 512), TFTP_ERR_AHEAD);
    assert_int_equal(tt_in_block(&t, 5, 2, 2, 512, 513), TFTP_ERR_TOO_LONG);
    assert_int_equal(tt_in_block(&t, 5, 0, 0, 512, 512), TFTP_ERR_DUPLICATE);
    tt_expect_ack(&t, 5, 1); /* for the hole before 3 */
    tt_expect_nothing(&t, 5);
    assert_int_equal(t.sink_calls, 1);

    tt_setup(&t);
    requested(&t);
    uint8_t b[64];
    size_t n = tt_oack(b, "blksize", "1468", NULL);
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_OK);
    tt_expect_ack(&t, 0, 0);
    assert_int_equal(tt_in(&t, 10, TT_SERVER, b, n), TFTP_ERR_DUPLICATE);
    tt_expect_nothing(&t, 10);
    assert_int_equal(tt_in(&t, 1000, TT_SERVER, b, n), TFTP_ERR_DUPLICATE);
    tt_expect_ack(&t, 1000, 0);
    assert_int_equal(tt_in_block(&t, 1001, 1, 1, 1468, 1468), TFTP_OK);
    assert_int_equal(tt_in(&t, 1001, TT_SERVER, b, n), TFTP_ERR_UNEXPECTED);
}

/* Short datagrams and opcodes a reading client never gets. */
static void test_malformed_and_opcodes(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    transferring(&t, 1);
    const uint8_t one[] = {0}, data3[] = {0, 3, 0}, err3[] = {0, 5, 0};
    const uint8_t ack[] = {0, 4, 0, 1}, rrq[] = {0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0};
    const uint8_t wrq[] = {0, 2, 'f', 0, 'o', 'c', 't', 'e', 't', 0}, op0[] = {0, 0, 0, 2};
    const uint8_t op7[] = {0, 7, 0, 2}, big[] = {1, 3, 0, 2};
    assert_int_equal(tt_in(&t, 2, TT_SERVER, NULL, 0), TFTP_ERR_SHORT);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, one, 1), TFTP_ERR_SHORT);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, data3, 3), TFTP_ERR_SHORT);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, err3, 3), TFTP_ERR_SHORT);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, ack, 4), TFTP_ERR_OPCODE);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, rrq, sizeof rrq), TFTP_ERR_OPCODE);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, wrq, sizeof wrq), TFTP_ERR_OPCODE);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, op0, 4), TFTP_ERR_OPCODE);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, op7, 4), TFTP_ERR_OPCODE);
    assert_int_equal(tt_in(&t, 2, TT_SERVER, big, 4), TFTP_ERR_OPCODE);
    tt_expect_nothing(&t, 2);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_TRANSFER);
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_malformed, 10);
    assert_int_equal(tt_rx_total(&t.c), 11);
    assert_int_equal(tt_in_block(&t, 3, 2, 2, 512, 0), TFTP_OK);
    tt_expect_ack(&t, 3, 2);
}

/* Right datagrams at the wrong time. */
static void test_unexpected(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    tt_init(&t);
    uint8_t b[600];
    size_t n = tt_data(b, 1, 0, 10);
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_ERR_UNEXPECTED); /* IDLE */
    tt_expect_nothing(&t, 0);
    assert_int_equal(tftp_client_deadline(&t.c), TFTP_NEVER);
    assert_int_equal(tftp_client_start(&t.c, 0, "f"), TFTP_OK);
    assert_int_equal(tftp_client_poll(&t.c, 0, &t.tx), TFTP_OK);
    n = tt_data(b, 2, 512, 10);
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_ERR_UNEXPECTED); /* not DATA 1 */
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_REQUEST);
    n = tt_error(b, 1, "x");
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_ERR_NOT_FOUND);
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_ERR_UNEXPECTED); /* FAILED */

    tt_setup(&t);
    transferring(&t, 0);
    assert_int_equal(tt_in_block(&t, 0, 1, 1, 512, 0), TFTP_OK);
    n = tt_error(b, 0, "late");
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_ERR_UNEXPECTED); /* DONE */
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_unexpected, 1);
}

/* Strangers: an ERROR is never answered, port 0 cannot be, and only one
 * ERROR 5 waits at a time. */
static void test_foreign_limits(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    transferring(&t, 1);
    uint8_t b[64];
    size_t n = tt_error(b, 0, "x");
    assert_int_equal(tt_in(&t, 5, TT_OTHER, b, n), TFTP_ERR_TID);
    tt_expect_nothing(&t, 5);
    n = tt_data(b, 2, 0, 4);
    assert_int_equal(tt_in(&t, 5, 0, b, n), TFTP_ERR_TID);
    tt_expect_nothing(&t, 5);
    assert_int_equal(tt_in(&t, 6, TT_OTHER, b, n), TFTP_ERR_TID);
    assert_int_equal(tt_in(&t, 6, TT_OTHER + 1, b, 1), TFTP_ERR_TID);
    tt_expect_error(&t, 6, TT_OTHER, 5);
    tt_expect_nothing(&t, 6);
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_foreign, 4);
    assert_int_equal(s.tx_error5, 1);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_TRANSFER);

    /* Before the first reply, port 0 cannot become the TID either. */
    tt_setup(&t);
    requested(&t);
    n = tt_data(b, 1, 0, 4);
    assert_int_equal(tt_in(&t, 1, 0, b, n), TFTP_ERR_TID);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_REQUEST);
}

/* 65535 blocks of 8 bytes, then a server that numbers the next one 1. */
static void test_wrap_to_one_refused(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    requested(&t);
    uint8_t b[64];
    size_t n = tt_oack(b, "blksize", "8", NULL);
    assert_int_equal(tt_in(&t, 0, TT_SERVER, b, n), TFTP_OK);
    tt_expect_ack(&t, 0, 0);
    for (uint32_t i = 1; i <= 65535; i++) {
        assert_int_equal(tt_in_block(&t, 0, i, i, 8, 8), TFTP_OK);
        tt_expect_ack(&t, 0, i);
    }
    assert_int_equal(tt_in_block(&t, 1, 1, 65536, 8, 8), TFTP_ERR_WRAP);
    assert_failed(&t, TFTP_ERR_WRAP);
    tt_expect_error(&t, 1, TT_SERVER, 4);
    assert_int_equal(tftp_client_result(&t.c)->bytes, 65535u * 8u);
}

/* Misuse leaves the client byte for byte as it was. */
static void test_api_misuse(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    struct tftp_client_config bad = t.cfg;
    assert_int_equal(tftp_client_init(NULL, &bad), TFTP_ERR_INVAL);
    assert_int_equal(tftp_client_init(&t.c, NULL), TFTP_ERR_INVAL);
    const uint16_t bad_blk[] = {1, 7, 65465, 65535};
    for (size_t i = 0; i < 4; i++) {
        bad = t.cfg;
        bad.blksize = bad_blk[i];
        assert_int_equal(tftp_client_init(&t.c, &bad), TFTP_ERR_INVAL);
    }
    bad = t.cfg;
    bad.sink = NULL;
    assert_int_equal(tftp_client_init(&t.c, &bad), TFTP_ERR_INVAL);
    bad = t.cfg;
    bad.retrans_ms = 0;
    assert_int_equal(tftp_client_init(&t.c, &bad), TFTP_ERR_INVAL);
    bad = t.cfg;
    bad.server_port = 0;
    assert_int_equal(tftp_client_init(&t.c, &bad), TFTP_ERR_INVAL);

    tt_init(&t);
    char long_name[TFTP_FILENAME_MAX + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    struct tftp_client before;
    memcpy(&before, &t.c, sizeof before);
    assert_int_equal(tftp_client_start(&t.c, 0, ""), TFTP_ERR_INVAL);
    assert_int_equal(tftp_client_start(&t.c, 0, long_name), TFTP_ERR_INVAL);
    assert_int_equal(tftp_client_start(&t.c, 0, NULL), TFTP_ERR_INVAL);
    assert_memory_equal(&before, &t.c, sizeof before);
    assert_int_equal(tftp_client_start(&t.c, 0, "f"), TFTP_OK);
    memcpy(&before, &t.c, sizeof before);
    assert_int_equal(tftp_client_start(&t.c, 0, "g"), TFTP_ERR_STATE);
    uint8_t small[TFTP_TX_MAX - 1];
    struct tftp_tx tx = {.buf = small, .cap = sizeof small};
    assert_int_equal(tftp_client_poll(&t.c, 0, &tx), TFTP_ERR_NOSPACE);
    assert_int_equal(tftp_client_poll(&t.c, 0, NULL), TFTP_ERR_INVAL);
    tx.buf = NULL;
    assert_int_equal(tftp_client_poll(&t.c, 0, &tx), TFTP_ERR_INVAL);
    assert_int_equal(tftp_client_input(&t.c, 0, TT_SERVER, NULL, 4), TFTP_ERR_INVAL);
    assert_int_equal(tftp_client_input(NULL, 0, TT_SERVER, small, 4), TFTP_ERR_INVAL);
    assert_int_equal(tftp_client_poll(NULL, 0, &t.tx), TFTP_ERR_INVAL);
    assert_memory_equal(&before, &t.c, sizeof before);
    assert_int_equal(tftp_client_deadline(NULL), TFTP_NEVER);
    assert_null(tftp_client_result(NULL));
    struct tftp_client_stats s;
    memset(&s, 0xff, sizeof s);
    tftp_client_get_stats(NULL, &s);
    assert_int_equal(s.rx_taken + s.tx_error5, 0);
    assert_string_equal(tftp_client_state_name(TFTP_CLIENT_TRANSFER), "TRANSFER");
    assert_string_equal(tftp_strerror(TFTP_ERR_WRAP), "wrap-to-1");
    /* test_strerror checks every name and the "unknown" of other values. */
    assert_string_equal(tftp_strerror(1), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_not_found),
        cmocka_unit_test(test_error_other_codes_and_messages),
        cmocka_unit_test(test_oack_refused),
        cmocka_unit_test(test_oack_options_not_asked),
        cmocka_unit_test(test_oack_accepted_variants),
        cmocka_unit_test(test_tsize_over_limit),
        cmocka_unit_test(test_data_over_limit),
        cmocka_unit_test(test_tsize_mismatch),
        cmocka_unit_test(test_sink_refuses),
        cmocka_unit_test(test_duplicates_no_ack_storm),
        cmocka_unit_test(test_duplicate_at_the_timer),
        cmocka_unit_test(test_ahead_too_long_repeated_oack),
        cmocka_unit_test(test_malformed_and_opcodes),
        cmocka_unit_test(test_unexpected),
        cmocka_unit_test(test_foreign_limits),
        cmocka_unit_test(test_wrap_to_one_refused),
        cmocka_unit_test(test_api_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
