/*
 * The TFTP read-request client (RFC 1350 with RFC 2347-2349 and 7440
 * options), sans-IO. The decisions where the RFCs leave room are listed at
 * the top of tftp/tftp.h and argued in docs/tftp.md.
 *
 * Input never sends: it moves the state on and queues at most one datagram
 * for the server (c->out) and at most one ERROR 5 for a foreign port; poll
 * sends them one per call, then runs the retransmission timer.
 */
#include <string.h>

#include "tftp_wire.h"

/* What is queued for the server. */
enum { OUT_NONE, OUT_RRQ, OUT_ACK, OUT_ERROR };

#define NO_ERROR_PACKET (-1)
#define DEFAULT_BLKSIZE 512u /* RFC 1350 §2 */

void tftp_client_config_defaults(struct tftp_client_config *cfg)
{
    if (cfg == NULL)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->server_port = TFTP_PORT;
    cfg->blksize = 1468;
    cfg->windowsize = 0;
    cfg->timeout_s = 0;
    cfg->tsize = true;
    cfg->retrans_ms = 1000;
    cfg->retries = 5;
    cfg->max_size = UINT64_MAX;
}

int tftp_client_init(struct tftp_client *c, const struct tftp_client_config *cfg)
{
    if (c == NULL || cfg == NULL || cfg->sink == NULL || cfg->server_port == 0 ||
        cfg->retrans_ms == 0)
        return TFTP_ERR_INVAL;
    if (cfg->blksize != 0 && (cfg->blksize < TFTP_BLKSIZE_MIN || cfg->blksize > TFTP_BLKSIZE_MAX))
        return TFTP_ERR_INVAL;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->res.state = TFTP_CLIENT_IDLE;
    c->res.blksize = DEFAULT_BLKSIZE;
    c->res.windowsize = 1;
    c->timer_ms = TFTP_NEVER;
    return TFTP_OK;
}

int tftp_client_start(struct tftp_client *c, uint64_t now_ms, const char *filename)
{
    if (c == NULL || filename == NULL)
        return TFTP_ERR_INVAL;
    size_t n = 0;
    while (n <= TFTP_FILENAME_MAX && filename[n] != '\0')
        n++;
    if (n == 0 || n > TFTP_FILENAME_MAX)
        return TFTP_ERR_INVAL;
    if (c->res.state != TFTP_CLIENT_IDLE)
        return TFTP_ERR_STATE;
    memcpy(c->name, filename, n);
    c->name_len = (uint16_t)n;
    c->res.state = TFTP_CLIENT_REQUEST;
    c->out = OUT_RRQ;
    c->queued_ms = now_ms;
    return TFTP_OK;
}

static uint64_t after(uint64_t now, uint32_t ms)
{
    return now > TFTP_NEVER - ms ? TFTP_NEVER : now + ms;
}

/* Queue time is that of the oldest datagram still queued. */
static void mark_queued(struct tftp_client *c, uint64_t now)
{
    if (c->out == OUT_NONE && !c->foreign_queued)
        c->queued_ms = now;
}

static void queue(struct tftp_client *c, uint64_t now, uint8_t what)
{
    mark_queued(c, now);
    c->out = what;
}

/* The transfer ends with err; with an ERROR code, the server is told
 * (once: RFC 1350 §7, errors are neither acknowledged nor retransmitted),
 * and whatever ACK was queued is superseded. */
static int fail(struct tftp_client *c, uint64_t now, int err, int code)
{
    c->res.state = TFTP_CLIENT_FAILED;
    c->res.err = err;
    c->timer_ms = TFTP_NEVER;
    if (code == NO_ERROR_PACKET) {
        c->out = OUT_NONE;
    } else {
        queue(c, now, OUT_ERROR);
        c->out_code = (uint8_t)code;
    }
    return err;
}

/* A datagram dropped: one counter, by reason. */
static int drop(struct tftp_client *c, int err)
{
    switch (err) {
    case TFTP_ERR_DUPLICATE:
        c->stats.rx_duplicate++;
        break;
    case TFTP_ERR_AHEAD:
        c->stats.rx_ahead++;
        break;
    case TFTP_ERR_UNEXPECTED:
        c->stats.rx_unexpected++;
        break;
    default: /* _SHORT, _OPCODE, _TOO_LONG */
        c->stats.rx_malformed++;
        break;
    }
    return err;
}

/*
 * RFC 1350 §4: a datagram from a port that is not the server's TID gets an
 * ERROR 5 and the transfer goes on. An ERROR is never answered (that could
 * loop between two confused peers), port 0 cannot be answered, and one
 * ERROR 5 waits at a time: a flood of strangers costs one datagram per poll.
 */
static int foreign(struct tftp_client *c, uint64_t now, uint16_t port, const uint8_t *d, size_t len)
{
    c->stats.rx_foreign++;
    bool is_error = len >= 2 && tftp_get16(d) == TFTP_OP_ERROR;
    if (!is_error && port != 0 && !c->foreign_queued) {
        mark_queued(c, now);
        c->foreign_queued = true;
        c->foreign_port = port;
    }
    return TFTP_ERR_TID;
}

/*
 * A block that is not the next one (or a repeated OACK). RFC 7440 §4: the
 * receiver tells the sender of a sequence error by ACKing the last block
 * it got in order, and the sender restarts its window there. The first
 * block past a hole is answered at once; everything else (the rest of that
 * window, duplicates) at most once per cfg.retrans_ms since the last ACK,
 * because a server that resends on every ACK would otherwise double every
 * packet (RFC 1123 §4.2.3.1, the Sorcerer's Apprentice). Never while an ACK
 * or ERROR is queued, never past the retries; each answer is one of them.
 */
static int not_next(struct tftp_client *c, uint64_t now, uint16_t blk)
{
    uint16_t ahead = (uint16_t)(blk - c->next);
    /* After 65535 we expect 0. At windowsize 1 the server can only send
     * that block or repeat 65535, so block 1 means it wraps to 1. */
    if (c->next == 0 && blk == 1 && c->res.windowsize == 1) {
        c->stats.rx_taken++;
        return fail(c, now, TFTP_ERR_WRAP, TFTP_EC_ILLEGAL);
    }
    bool gap = ahead < 0x8000u;
    bool first_past_hole = gap && !c->hole_acked;
    if (c->out == OUT_NONE && c->tries < c->cfg.retries &&
        (first_past_hole || now >= c->answer_ms)) {
        c->hole_acked |= gap;
        c->tries++;
        c->stats.tx_dup_acks++;
        c->answer_ms = after(now, c->cfg.retrans_ms);
        queue(c, now, OUT_ACK);
    }
    return drop(c, gap ? TFTP_ERR_AHEAD : TFTP_ERR_DUPLICATE);
}

/* The next block in order: checked against the limits, then to the sink. */
static int take_block(struct tftp_client *c, uint64_t now, const uint8_t *data, size_t n)
{
    struct tftp_result *r = &c->res;
    uint64_t off = r->bytes;
    bool last = n < r->blksize; /* RFC 1350 §6: a short block ends the file */
    c->stats.rx_taken++;
    /* off never exceeds max_size or tsize: each block is checked here. */
    if (n > c->cfg.max_size - off)
        return fail(c, now, TFTP_ERR_TOO_BIG, TFTP_EC_DISK_FULL);
    if (r->have_tsize && (n > r->tsize - off || (last && off + n != r->tsize)))
        return fail(c, now, TFTP_ERR_TSIZE, TFTP_EC_ILLEGAL);
    if (n != 0 && c->cfg.sink(c->cfg.sink_ctx, off, data, n) != 0)
        return fail(c, now, TFTP_ERR_SINK, TFTP_EC_DISK_FULL);
    r->bytes += n;
    r->blocks++;
    c->next++; /* 65535 + 1 wraps to 0 in the uint16_t */
    c->since_ack++;
    c->hole_acked = false;
    c->tries = 0;
    if (last) {
        r->state = TFTP_CLIENT_DONE;
        c->timer_ms = TFTP_NEVER;
        queue(c, now, OUT_ACK);
    } else {
        c->timer_ms = after(now, c->cfg.retrans_ms);
        /* RFC 7440 §4: one ACK for the last block of each window. */
        if (c->since_ack >= r->windowsize)
            queue(c, now, OUT_ACK);
    }
    return TFTP_OK;
}

static int on_data(struct tftp_client *c, uint64_t now, uint16_t port, const uint8_t *d, size_t len)
{
    if (len < TFTP_HDR_LEN)
        return drop(c, TFTP_ERR_SHORT);
    uint16_t blk = tftp_get16(d + 2);
    size_t n = len - TFTP_HDR_LEN;
    if (c->res.state == TFTP_CLIENT_REQUEST) {
        /* RFC 2347: a server that ignores the options answers with DATA 1
         * in 512-byte blocks; its port is the TID from now on. */
        if (blk != 1)
            return drop(c, TFTP_ERR_UNEXPECTED);
        if (n > DEFAULT_BLKSIZE)
            return drop(c, TFTP_ERR_TOO_LONG);
        c->res.server_tid = port;
        c->res.state = TFTP_CLIENT_TRANSFER;
        c->next = 1;
    }
    if (n > c->res.blksize)
        return drop(c, TFTP_ERR_TOO_LONG);
    if (c->res.state == TFTP_CLIENT_DONE) {
        /* Dallying (RFC 1350 §6): the final block again means our last
         * ACK was lost. Anything else is over. */
        if (blk != (uint16_t)(c->next - 1))
            return drop(c, TFTP_ERR_UNEXPECTED);
        return not_next(c, now, blk);
    }
    if (blk != c->next)
        return not_next(c, now, blk);
    return take_block(c, now, d + TFTP_HDR_LEN, n);
}

/* RFC 2347: only what we asked for; RFC 2348/7440: never above what we
 * asked; RFC 2349: timeout exactly as asked. */
static int check_oack(const struct tftp_client_config *cfg, const struct tftp_oack *o)
{
    unsigned asked = (cfg->blksize ? 1u << OPT_BLKSIZE : 0) | (cfg->tsize ? 1u << OPT_TSIZE : 0) |
                     (cfg->timeout_s ? 1u << OPT_TIMEOUT : 0) |
                     (cfg->windowsize ? 1u << OPT_WINDOWSIZE : 0);
    if (o->have & ~asked)
        return TFTP_ERR_OACK_OPTION;
    if ((o->have & (1u << OPT_BLKSIZE)) &&
        (o->val[OPT_BLKSIZE] < TFTP_BLKSIZE_MIN || o->val[OPT_BLKSIZE] > cfg->blksize))
        return TFTP_ERR_OACK_VALUE;
    if ((o->have & (1u << OPT_WINDOWSIZE)) &&
        (o->val[OPT_WINDOWSIZE] < 1 || o->val[OPT_WINDOWSIZE] > cfg->windowsize))
        return TFTP_ERR_OACK_VALUE;
    if ((o->have & (1u << OPT_TIMEOUT)) && o->val[OPT_TIMEOUT] != cfg->timeout_s)
        return TFTP_ERR_OACK_VALUE;
    return TFTP_OK;
}

static int on_oack(struct tftp_client *c, uint64_t now, uint16_t port, const uint8_t *d, size_t len)
{
    struct tftp_result *r = &c->res;
    if (r->state == TFTP_CLIENT_TRANSFER && r->oack && r->blocks == 0) {
        /* The OACK again: our ACK 0 was lost. Answered as block 0 again. */
        return not_next(c, now, 0);
    }
    if (r->state != TFTP_CLIENT_REQUEST)
        return drop(c, TFTP_ERR_UNEXPECTED);
    c->stats.rx_taken++;
    r->server_tid = port;
    struct tftp_oack o;
    int rc = tftp_wire_oack(d + 2, len - 2, &o);
    if (rc == TFTP_OK)
        rc = check_oack(&c->cfg, &o);
    if (rc != TFTP_OK) /* RFC 2347: the client refuses an OACK with ERROR 8 */
        return fail(c, now, rc, TFTP_EC_OPTION);
    r->oack = true;
    if (o.have & (1u << OPT_BLKSIZE))
        r->blksize = (uint16_t)o.val[OPT_BLKSIZE];
    if (o.have & (1u << OPT_WINDOWSIZE))
        r->windowsize = (uint16_t)o.val[OPT_WINDOWSIZE];
    if (o.have & (1u << OPT_TIMEOUT))
        r->timeout_s = (uint8_t)o.val[OPT_TIMEOUT];
    r->have_tsize = (o.have & (1u << OPT_TSIZE)) != 0;
    r->tsize = o.val[OPT_TSIZE];
    /* RFC 2349: a file too large for the client is refused with ERROR 3,
     * before any data. */
    if (r->have_tsize && r->tsize > c->cfg.max_size)
        return fail(c, now, TFTP_ERR_TOO_BIG, TFTP_EC_DISK_FULL);
    r->state = TFTP_CLIENT_TRANSFER;
    c->next = 1;
    queue(c, now, OUT_ACK); /* ACK 0 accepts the OACK */
    return TFTP_OK;
}

/* The server gave up: keep its code and message (bytes up to the NUL, or
 * to the end of the datagram if it forgot the NUL, at most
 * TFTP_ERRMSG_MAX) and fail without answering (RFC 1350 §7). */
static int on_error(struct tftp_client *c, uint64_t now, uint16_t port, const uint8_t *d,
                    size_t len)
{
    if (len < TFTP_HDR_LEN)
        return drop(c, TFTP_ERR_SHORT);
    if (c->res.state == TFTP_CLIENT_DONE)
        return drop(c, TFTP_ERR_UNEXPECTED);
    struct tftp_result *r = &c->res;
    c->stats.rx_taken++;
    r->server_tid = port;
    r->server_code = tftp_get16(d + 2);
    size_t n = 0;
    while (TFTP_HDR_LEN + n < len && n < TFTP_ERRMSG_MAX && d[TFTP_HDR_LEN + n] != 0)
        n++;
    memcpy(r->server_msg, d + TFTP_HDR_LEN, n);
    r->server_msg[n] = 0;
    r->server_msg_len = (uint8_t)n;
    int err = r->server_code == TFTP_EC_NOT_FOUND ? TFTP_ERR_NOT_FOUND : TFTP_ERR_SERVER;
    return fail(c, now, err, NO_ERROR_PACKET);
}

int tftp_client_input(struct tftp_client *c, uint64_t now_ms, uint16_t src_port,
                      const uint8_t *data, size_t len)
{
    if (c == NULL || (data == NULL && len != 0))
        return TFTP_ERR_INVAL;
    enum tftp_client_state st = c->res.state;
    if (st == TFTP_CLIENT_IDLE || st == TFTP_CLIENT_FAILED)
        return drop(c, TFTP_ERR_UNEXPECTED);
    /* Before the first reply any port may become the TID (RFC 1350 §4). */
    if (src_port == 0 || (st != TFTP_CLIENT_REQUEST && src_port != c->res.server_tid))
        return foreign(c, now_ms, src_port, data, len);
    if (len < 2)
        return drop(c, TFTP_ERR_SHORT);
    switch (tftp_get16(data)) {
    case TFTP_OP_DATA:
        return on_data(c, now_ms, src_port, data, len);
    case TFTP_OP_OACK:
        return on_oack(c, now_ms, src_port, data, len);
    case TFTP_OP_ERROR:
        return on_error(c, now_ms, src_port, data, len);
    default:
        return drop(c, TFTP_ERR_OPCODE);
    }
}

/* Writes what c->out holds. Every ACK acknowledges the last block received
 * in order, restarts the window there (RFC 7440 §4) and the timer. */
static void send_out(struct tftp_client *c, uint64_t now, struct tftp_tx *tx)
{
    tx->port = c->res.server_tid;
    switch (c->out) {
    case OUT_RRQ:
        tx->len = tftp_wire_rrq(tx->buf, c->name, c->name_len, &c->cfg);
        tx->port = c->cfg.server_port;
        c->timer_ms = after(now, c->cfg.retrans_ms);
        break;
    case OUT_ACK:
        tftp_put16(tx->buf, TFTP_OP_ACK);
        tftp_put16(tx->buf + 2, (uint16_t)(c->next - 1));
        tx->len = TFTP_HDR_LEN;
        c->since_ack = 0;
        c->answer_ms = after(now, c->cfg.retrans_ms);
        if (c->res.state == TFTP_CLIENT_TRANSFER)
            c->timer_ms = c->answer_ms;
        break;
    default:
        tx->len = tftp_wire_error(tx->buf, c->out_code);
        break;
    }
    c->out = OUT_NONE;
}

int tftp_client_poll(struct tftp_client *c, uint64_t now_ms, struct tftp_tx *tx)
{
    if (c == NULL || tx == NULL || tx->buf == NULL)
        return TFTP_ERR_INVAL;
    if (tx->cap < TFTP_TX_MAX)
        return TFTP_ERR_NOSPACE;
    tx->len = 0;
    if (c->out != OUT_NONE) {
        send_out(c, now_ms, tx);
        return TFTP_OK;
    }
    if (c->foreign_queued) {
        tx->len = tftp_wire_error(tx->buf, TFTP_EC_UNKNOWN_TID);
        tx->port = c->foreign_port;
        c->foreign_queued = false;
        c->stats.tx_error5++;
        return TFTP_OK;
    }
    enum tftp_client_state st = c->res.state;
    if ((st != TFTP_CLIENT_REQUEST && st != TFTP_CLIENT_TRANSFER) || now_ms < c->timer_ms)
        return TFTP_OK;
    if (c->tries >= c->cfg.retries) {
        fail(c, now_ms, TFTP_ERR_TIMEOUT, NO_ERROR_PACKET);
        return TFTP_OK;
    }
    /* RFC 1350 §6/RFC 7440 §4: on timeout, the RRQ again, or the ACK of
     * the last block received in order. */
    c->tries++;
    c->stats.tx_retransmits++;
    c->out = st == TFTP_CLIENT_REQUEST ? OUT_RRQ : OUT_ACK;
    send_out(c, now_ms, tx);
    return TFTP_OK;
}

uint64_t tftp_client_deadline(const struct tftp_client *c)
{
    if (c == NULL)
        return TFTP_NEVER;
    if (c->out != OUT_NONE || c->foreign_queued)
        return c->queued_ms;
    return c->timer_ms;
}

enum tftp_client_state tftp_client_state(const struct tftp_client *c)
{
    return c == NULL ? TFTP_CLIENT_IDLE : c->res.state;
}

const struct tftp_result *tftp_client_result(const struct tftp_client *c)
{
    return c == NULL ? NULL : &c->res;
}

void tftp_client_get_stats(const struct tftp_client *c, struct tftp_client_stats *out)
{
    if (out == NULL)
        return;
    if (c == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = c->stats;
}
