/*
 * TFTP client timelines, the form of every timeline test here: each step is a
 * time, the datagram that arrives (if any), and the exact bytes and port
 * the client must send, retransmissions included. Polls one millisecond
 * before each timer must send nothing, so every time is asserted exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tftp_test_util.h"

/* RFC 1350 §5 and RFC 2347: the RRQ with the default options. */
static void test_rrq_bytes_default_options(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    tt_start(&t, 0, "boot/Image");
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_REQUEST);
    assert_int_equal(tftp_client_deadline(&t.c), 0);
    uint8_t want[128];
    size_t n = tt_rrq(want, "boot/Image", "blksize", "1468", "tsize", "0", NULL);
    tt_expect(&t, 0, 69, want, n);
    tt_expect_nothing(&t, 0);
    assert_int_equal(tftp_client_deadline(&t.c), 1000);
}

static void test_rrq_bytes_every_option_and_none(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.blksize = 65464;
    t.cfg.timeout_s = 255;
    t.cfg.windowsize = 65535;
    t.cfg.server_port = 6969;
    char name[TFTP_FILENAME_MAX + 1];
    memset(name, 'x', TFTP_FILENAME_MAX);
    name[TFTP_FILENAME_MAX] = 0;
    tt_start(&t, 5, name);
    uint8_t want[TFTP_TX_MAX + 8];
    size_t n = tt_rrq(want, name, "blksize", "65464", "tsize", "0", "timeout", "255", "windowsize",
                      "65535", NULL);
    assert_int_equal(n, TFTP_TX_MAX); /* the longest RRQ is exactly the bound */
    tt_expect(&t, 5, 6969, want, n);

    tt_setup(&t);
    t.cfg.blksize = 0;
    t.cfg.tsize = false;
    tt_start(&t, 0, "a");
    n = tt_rrq(want, "a", NULL);
    tt_expect(&t, 0, 69, want, n);
}

/* OACK -> ACK 0 (RFC 2347), then one ACK per block until the short one. */
static void test_oack_ack0_then_each_block(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    tt_start(&t, 0, "f");
    tt_oack_in(&t, 3, "blksize", "1428", "tsize", "3000", NULL);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_TRANSFER);
    assert_int_equal(tftp_client_deadline(&t.c), 3);
    tt_expect_ack(&t, 3, 0);
    tt_expect_nothing(&t, 3);
    assert_int_equal(tt_in_block(&t, 10, 1, 1, 1428, 1428), TFTP_OK);
    tt_expect_ack(&t, 10, 1);
    assert_int_equal(tt_in_block(&t, 12, 2, 2, 1428, 1428), TFTP_OK);
    tt_expect_ack(&t, 12, 2);
    assert_int_equal(tt_in_block(&t, 14, 3, 3, 1428, 144), TFTP_OK);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
    tt_expect_ack(&t, 14, 3);
    tt_expect_nothing(&t, 100000);
    assert_int_equal(tftp_client_deadline(&t.c), TFTP_NEVER);

    const struct tftp_result *r = tftp_client_result(&t.c);
    assert_int_equal(r->state, TFTP_CLIENT_DONE);
    assert_int_equal(r->err, 0);
    assert_int_equal(r->bytes, 3000);
    assert_int_equal(r->blocks, 3);
    assert_int_equal(r->blksize, 1428);
    assert_int_equal(r->windowsize, 1);
    assert_true(r->oack && r->have_tsize);
    assert_int_equal(r->tsize, 3000);
    assert_int_equal(r->server_tid, TT_SERVER);
    assert_int_equal(t.sink_bytes, 3000);
    assert_int_equal(t.crc, tt_file_crc(3000));
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_taken, 4);
    assert_int_equal(s.tx_retransmits + s.tx_dup_acks + s.tx_error5, 0);
}

/* A server that ignores options answers DATA 1: 512-byte blocks, no OACK. */
static void test_server_ignoring_options(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.windowsize = 8;
    t.cfg.timeout_s = 2;
    tt_start(&t, 0, "f");
    assert_int_equal(tftp_client_poll(&t.c, 0, &t.tx), TFTP_OK);
    /* 1468 bytes would be too long: the server did not agree to it. */
    assert_int_equal(tt_in_block(&t, 1, 1, 1, 512, 1468), TFTP_ERR_TOO_LONG);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_REQUEST);
    assert_int_equal(tt_in_block(&t, 1, 1, 1, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 1, 1);
    assert_int_equal(tt_in_block(&t, 2, 2, 2, 512, 100), TFTP_OK);
    tt_expect_ack(&t, 2, 2);
    const struct tftp_result *r = tftp_client_result(&t.c);
    assert_int_equal(r->state, TFTP_CLIENT_DONE);
    assert_false(r->oack);
    assert_false(r->have_tsize);
    assert_int_equal(r->blksize, 512);
    assert_int_equal(r->windowsize, 1);
    assert_int_equal(r->timeout_s, 0);
    assert_int_equal(t.crc, tt_file_crc(612));
}

/* RRQ at 0, then every 1000 ms for 5 retries; at 6000 it gives up. */
static void test_rrq_retransmits_then_timeout(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    tt_start(&t, 0, "f");
    uint8_t want[64];
    size_t n = tt_rrq(want, "f", "blksize", "1468", "tsize", "0", NULL);
    tt_expect(&t, 0, 69, want, n);
    for (uint64_t at = 1000; at <= 5000; at += 1000) {
        assert_int_equal(tftp_client_deadline(&t.c), at);
        tt_expect_nothing(&t, at - 1);
        tt_expect(&t, at, 69, want, n);
    }
    tt_expect_nothing(&t, 5999);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_REQUEST);
    tt_expect_nothing(&t, 6000);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_FAILED);
    assert_int_equal(tftp_client_result(&t.c)->err, TFTP_ERR_TIMEOUT);
    assert_int_equal(tftp_client_deadline(&t.c), TFTP_NEVER);
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.tx_retransmits, 5);
}

/* ACK retransmitted on the timer; a new block resets the count and the
 * timer; 0 retries gives up at the first expiry. */
static void test_ack_retransmits(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.retrans_ms = 300;
    t.cfg.retries = 2;
    tt_start(&t, 0, "f");
    tt_oack_in(&t, 0, "blksize", "512", NULL);
    tt_expect_ack(&t, 0, 0);
    /* ACK 0 lost: again at 300 and 600, then the server's DATA 1. */
    tt_expect_nothing(&t, 299);
    tt_expect_ack(&t, 300, 0);
    tt_expect_nothing(&t, 599);
    tt_expect_ack(&t, 600, 0);
    assert_int_equal(tt_in_block(&t, 650, 1, 1, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 650, 1);
    /* Two retries again from the new block, then failure. */
    tt_expect_nothing(&t, 949);
    tt_expect_ack(&t, 950, 1);
    tt_expect_ack(&t, 1250, 1);
    tt_expect_nothing(&t, 1549);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_TRANSFER);
    tt_expect_nothing(&t, 1550);
    assert_int_equal(tftp_client_result(&t.c)->err, TFTP_ERR_TIMEOUT);

    tt_setup(&t);
    t.cfg.retries = 0;
    tt_start(&t, 0, "f");
    assert_int_equal(tftp_client_poll(&t.c, 0, &t.tx), TFTP_OK);
    assert_int_equal(t.tx.port, 69);
    tt_expect_nothing(&t, 999);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_REQUEST);
    tt_expect_nothing(&t, 1000);
    assert_int_equal(tftp_client_result(&t.c)->err, TFTP_ERR_TIMEOUT);
}

/* RFC 7440: one ACK per window of 4; an OACK may lower the window. */
static void test_window_acks(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.blksize = 512;
    t.cfg.windowsize = 8;
    tt_start(&t, 0, "f");
    tt_oack_in(&t, 0, "blksize", "512", "windowsize", "4", "tsize", "6656", NULL);
    tt_expect_ack(&t, 0, 0);
    assert_int_equal(tftp_client_result(&t.c)->windowsize, 4);
    for (unsigned b = 1; b <= 8; b++) {
        assert_int_equal(tt_in_block(&t, b, b, b, 512, 512), TFTP_OK);
        if (b % 4 == 0)
            tt_expect_ack(&t, b, b);
        else
            tt_expect_nothing(&t, b);
    }
    /* A slow window: the timer runs from the last block in order, and its
     * ACK is of that block (RFC 7440 §4), which restarts the window there:
     * 10..13 are then answered by one ACK, for 13. */
    assert_int_equal(tt_in_block(&t, 900, 9, 9, 512, 512), TFTP_OK);
    tt_expect_nothing(&t, 1899);
    tt_expect_ack(&t, 1900, 9);
    for (unsigned b = 10; b <= 13; b++) {
        assert_int_equal(tt_in_block(&t, 2000, b, b, 512, 512), TFTP_OK);
        if (b < 13)
            tt_expect_nothing(&t, 2000);
    }
    tt_expect_ack(&t, 2000, 13);
    /* 6656 = 13 * 512: the file ends with an empty block 14. */
    assert_int_equal(tt_in_block(&t, 2001, 14, 14, 512, 0), TFTP_OK);
    tt_expect_ack(&t, 2001, 14);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
    assert_int_equal(t.crc, tt_file_crc(6656));
}

/*
 * A hole in a window (RFC 7440 §4): the first block past it is answered at
 * once with the ACK of the last block in order, and the server restarts
 * its window there; the rest of that window is not answered again. If the
 * hole stays, the timer repeats the ACK.
 */
static void test_window_hole(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.blksize = 512;
    t.cfg.windowsize = 4;
    tt_start(&t, 0, "f");
    tt_oack_in(&t, 0, "blksize", "512", "windowsize", "4", NULL);
    tt_expect_ack(&t, 0, 0);
    /* Block 1 lost: 2 draws ACK 0 at once, 3 and 4 nothing. */
    assert_int_equal(tt_in_block(&t, 12, 2, 2, 512, 512), TFTP_ERR_AHEAD);
    tt_expect_ack(&t, 12, 0);
    for (unsigned b = 3; b <= 4; b++) {
        assert_int_equal(tt_in_block(&t, 10 + b, b, b, 512, 512), TFTP_ERR_AHEAD);
        tt_expect_nothing(&t, 10 + b);
    }
    assert_int_equal(t.sink_calls, 0);
    for (unsigned b = 1; b <= 4; b++) {
        assert_int_equal(tt_in_block(&t, 20, b, b, 512, 512), TFTP_OK);
        if (b < 4)
            tt_expect_nothing(&t, 20);
    }
    tt_expect_ack(&t, 20, 4);
    /* 6 lost: 7 draws ACK 5, 8 nothing. The restarted window loses 6
     * again: 7..9 are not answered (within a period of ACK 5), and the
     * timer sends ACK 5 once more a period after it. */
    assert_int_equal(tt_in_block(&t, 30, 5, 5, 512, 512), TFTP_OK);
    assert_int_equal(tt_in_block(&t, 31, 7, 7, 512, 512), TFTP_ERR_AHEAD);
    tt_expect_ack(&t, 31, 5);
    assert_int_equal(tt_in_block(&t, 32, 8, 8, 512, 512), TFTP_ERR_AHEAD);
    tt_expect_nothing(&t, 32);
    for (unsigned b = 7; b <= 9; b++) {
        assert_int_equal(tt_in_block(&t, 40, b, b, 512, 512), TFTP_ERR_AHEAD);
        tt_expect_nothing(&t, 40);
    }
    tt_expect_nothing(&t, 1030);
    tt_expect_ack(&t, 1031, 5);
    /* The window after ACK 5 is 6..9: one ACK, for 9. */
    for (unsigned b = 6; b <= 8; b++) {
        assert_int_equal(tt_in_block(&t, 1040, b, b, 512, 512), TFTP_OK);
        tt_expect_nothing(&t, 1040);
    }
    assert_int_equal(tt_in_block(&t, 1040, 9, 9, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 1040, 9);
    assert_int_equal(tt_in_block(&t, 1041, 10, 10, 512, 12), TFTP_OK);
    tt_expect_ack(&t, 1041, 10);
    assert_int_equal(t.crc, tt_file_crc(9 * 512 + 12));
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_ahead, 8);
    assert_int_equal(s.tx_dup_acks, 2);
    assert_int_equal(s.tx_retransmits, 1);
}

/*
 * RFC 1350 §4: a DATA from another port gets ERROR 5 there and the
 * transfer goes on. With an ACK already due, the caller polls twice: the
 * ACK to the server, then the ERROR 5.
 */
static void test_foreign_tid(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.blksize = 0;
    t.cfg.tsize = false;
    tt_start(&t, 0, "f");
    assert_int_equal(tftp_client_poll(&t.c, 0, &t.tx), TFTP_OK);
    assert_int_equal(tt_in_block(&t, 1, 1, 1, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 1, 1);
    uint8_t b[600];
    size_t n = tt_data(b, 2, 512, 512);
    assert_int_equal(tt_in(&t, 2, TT_OTHER, b, n), TFTP_ERR_TID);
    assert_int_equal(tftp_client_deadline(&t.c), 2);
    tt_expect_error(&t, 2, TT_OTHER, 5);
    tt_expect_nothing(&t, 2);
    assert_int_equal(tt_in_block(&t, 3, 2, 2, 512, 512), TFTP_OK);
    assert_int_equal(tt_in(&t, 3, TT_OTHER, b, n), TFTP_ERR_TID);
    tt_expect_ack(&t, 3, 2);
    tt_expect_error(&t, 3, TT_OTHER, 5);
    tt_expect_nothing(&t, 3);
    assert_int_equal(tt_in_block(&t, 4, 3, 3, 512, 1), TFTP_OK);
    tt_expect_ack(&t, 4, 3);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
    assert_int_equal(t.crc, tt_file_crc(1025));
    struct tftp_client_stats s;
    tftp_client_get_stats(&t.c, &s);
    assert_int_equal(s.rx_foreign, 2);
    assert_int_equal(s.tx_error5, 2);
}

/* The retransmitted RRQ reached the server twice and it forked two
 * transfers: the first OACK wins, the second is told ERROR 5. */
static void test_two_answers_to_a_retransmitted_rrq(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    tt_start(&t, 0, "f");
    assert_int_equal(tftp_client_poll(&t.c, 0, &t.tx), TFTP_OK);
    assert_int_equal(tftp_client_poll(&t.c, 1000, &t.tx), TFTP_OK);
    assert_int_equal(t.tx.port, 69);
    uint8_t o[64];
    size_t n = tt_oack(o, "blksize", "1468", NULL);
    assert_int_equal(tt_in(&t, 1001, TT_SERVER, o, n), TFTP_OK);
    assert_int_equal(tt_in(&t, 1002, TT_OTHER, o, n), TFTP_ERR_TID);
    tt_expect_ack(&t, 1002, 0);
    tt_expect_error(&t, 1002, TT_OTHER, 5);
    assert_int_equal(tt_in_block(&t, 1003, 1, 1, 1468, 0), TFTP_OK);
    tt_expect_ack(&t, 1003, 1);
    assert_int_equal(tftp_client_result(&t.c)->server_tid, TT_SERVER);
}

/* A zero-length file: DATA 1 empty, the sink never called. */
static void test_zero_length_file(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    tt_start(&t, 0, "empty");
    tt_oack_in(&t, 0, "blksize", "1468", "tsize", "0", NULL);
    tt_expect_ack(&t, 0, 0);
    assert_int_equal(tt_in_block(&t, 1, 1, 1, 1468, 0), TFTP_OK);
    tt_expect_ack(&t, 1, 1);
    const struct tftp_result *r = tftp_client_result(&t.c);
    assert_int_equal(r->state, TFTP_CLIENT_DONE);
    assert_int_equal(r->bytes, 0);
    assert_int_equal(r->blocks, 1);
    assert_int_equal(t.sink_calls, 0);
}

/* A size that is a multiple of blksize ends with an empty DATA. */
static void test_multiple_of_blksize(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.blksize = 0;
    tt_start(&t, 0, "f");
    tt_oack_in(&t, 0, "tsize", "1024", NULL);
    tt_expect_ack(&t, 0, 0);
    assert_int_equal(tt_in_block(&t, 1, 1, 1, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 1, 1);
    assert_int_equal(tt_in_block(&t, 2, 2, 2, 512, 512), TFTP_OK);
    tt_expect_ack(&t, 2, 2);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_TRANSFER);
    assert_int_equal(tt_in_block(&t, 3, 3, 3, 512, 0), TFTP_OK);
    tt_expect_ack(&t, 3, 3);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
    assert_int_equal(tftp_client_result(&t.c)->bytes, 1024);
    assert_int_equal(t.sink_calls, 2);
}

/* RFC 1350 §6, dallying: the final block again is answered with its ACK,
 * at most once per period. */
static void test_dally_after_done(void **state)
{
    (void)state;
    struct tt t;
    tt_setup(&t);
    t.cfg.blksize = 0;
    t.cfg.tsize = false;
    tt_start(&t, 0, "f");
    assert_int_equal(tftp_client_poll(&t.c, 0, &t.tx), TFTP_OK);
    assert_int_equal(tt_in_block(&t, 0, 1, 1, 512, 7), TFTP_OK);
    tt_expect_ack(&t, 0, 1);
    assert_int_equal(tt_in_block(&t, 500, 1, 1, 512, 7), TFTP_ERR_DUPLICATE);
    tt_expect_nothing(&t, 500);
    assert_int_equal(tt_in_block(&t, 1000, 1, 1, 512, 7), TFTP_ERR_DUPLICATE);
    tt_expect_ack(&t, 1000, 1);
    assert_int_equal(tt_in_block(&t, 1999, 1, 1, 512, 7), TFTP_ERR_DUPLICATE);
    tt_expect_nothing(&t, 1999);
    assert_int_equal(tt_in_block(&t, 2000, 2, 2, 512, 7), TFTP_ERR_UNEXPECTED);
    assert_int_equal(t.sink_calls, 1);
    assert_int_equal(tftp_client_state(&t.c), TFTP_CLIENT_DONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rrq_bytes_default_options),
        cmocka_unit_test(test_rrq_bytes_every_option_and_none),
        cmocka_unit_test(test_oack_ack0_then_each_block),
        cmocka_unit_test(test_server_ignoring_options),
        cmocka_unit_test(test_rrq_retransmits_then_timeout),
        cmocka_unit_test(test_ack_retransmits),
        cmocka_unit_test(test_window_acks),
        cmocka_unit_test(test_window_hole),
        cmocka_unit_test(test_foreign_tid),
        cmocka_unit_test(test_two_answers_to_a_retransmitted_rrq),
        cmocka_unit_test(test_zero_length_file),
        cmocka_unit_test(test_multiple_of_blksize),
        cmocka_unit_test(test_dally_after_done),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
