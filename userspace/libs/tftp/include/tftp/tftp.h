/*
 * A TFTP client for read requests (RFC 1350, octet mode) with option
 * negotiation (RFC 2347): blksize (RFC 2348), tsize and timeout (RFC 2349)
 * and windowsize (RFC 7440). Sans-IO: it never owns a socket and never
 * reads a clock. The caller gives it the time in milliseconds and each UDP
 * payload that arrives with its source port; it gives back the payloads to
 * send with their destination port, and the time by which it wants
 * tftp_client_poll called again. Received data goes straight to the
 * caller's sink; nothing is buffered.
 *
 *   tftp_client_config_defaults(&cfg); cfg.sink = write_it; cfg.sink_ctx = ...;
 *   tftp_client_init(&c, &cfg);
 *   tftp_client_start(&c, now, "vmlinux");
 *   while (state is REQUEST or TRANSFER, or poll still has something):
 *     do tftp_client_poll(&c, now, &tx); send tx.len bytes to tx.port
 *     while (tx.len != 0);
 *     wait for a datagram or tftp_client_deadline(&c);
 *     on a datagram from the server's address: tftp_client_input(&c, now, sport, p, n);
 *
 * The UDP socket is the caller's: its local port is the client's transfer
 * ID (RFC 1350 §4), picked by the caller (from its own seed) and kept for
 * the whole transfer. The RRQ goes to cfg.server_port (69); the source
 * port of the first valid reply becomes the server's TID and every later
 * datagram goes there. The caller passes only datagrams from the server's
 * address; the client itself checks the port.
 *
 * One poll writes at most one datagram, so the caller polls until tx.len is
 * 0: a single input can leave two datagrams to send (an ERROR 5 to a
 * foreign port and the ACK that was already due). tftp_client_input never
 * sends: it queues, and tftp_client_deadline then returns the input's time.
 * When the state becomes DONE or FAILED, poll until tx.len is 0 once more:
 * the final ACK, or the ERROR telling the server why, is still queued.
 *
 * One client does one transfer; init again (with a new local port) for the
 * next. API misuse (TFTP_ERR_INVAL, _STATE, _NOSPACE) leaves the client
 * untouched. tftp_client_input returns 0 for a datagram it took, and a
 * negative code for one it dropped (only a counter changes, and possibly an
 * answer is queued: ERROR 5 to a foreign port, or a rate-limited ACK for a
 * duplicate) or for one that failed the transfer (state FAILED, and
 * tftp_client_result()->err holds the same code).
 *
 * Decisions where the RFCs leave room (docs/tftp.md has the reasons):
 * - Block numbers wrap from 65535 to 0, as tftpd-hpa, slirp and U-Boot do.
 *   A server that goes from 65535 to 1 is refused with TFTP_ERR_WRAP at
 *   windowsize 1; with a larger window it looks like a lost block and the
 *   transfer ends in TFTP_ERR_TIMEOUT.
 * - The client ACKs the last block of each window (RFC 7440 §4) and the
 *   short block that ends the file. A duplicate or out-of-order block is
 *   dropped (never stored). The first block past a hole is answered at once
 *   with an ACK of the last block received in order, so the server
 *   restarts its window there (RFC 7440 §4); any other such block (the rest
 *   of that window, a duplicate) only when no ACK has gone out for
 *   cfg.retrans_ms, so a server that retransmits on every ACK cannot start
 *   the Sorcerer's Apprentice (RFC 1123 §4.2.3.1). An answer restarts the
 *   retransmission timer like any ACK sent and counts as a retry.
 * - Timer: cfg.retrans_ms after each RRQ or ACK sent and after each new
 *   in-order block; on expiry the RRQ or the ACK of the last in-order block
 *   is sent again, up to cfg.retries times without progress, then
 *   TFTP_ERR_TIMEOUT. The timeout option only tells the server its own timer.
 * - An OACK must hold only options we asked for, each once, with values
 *   within what we asked (blksize 8..asked, windowsize 1..asked, timeout
 *   equal); anything else, an empty OACK included, is refused with ERROR 8
 *   (RFC 2347). An option we asked for and the OACK leaves out takes its
 *   default (512, 1, no tsize).
 * - With tsize in the OACK, a file over cfg.max_size is refused before any
 *   data (ERROR 3), and data that runs past tsize or ends short of it fails
 *   with TFTP_ERR_TSIZE (ERROR 4).
 * - After DONE the client still answers a retransmitted final block with
 *   its ACK (rate-limited as above), for as long as the caller keeps passing
 *   datagrams (RFC 1350 §6: "dallying is encouraged").
 */
#ifndef TFTP_TFTP_H
#define TFTP_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFTP_NEVER UINT64_MAX /* a deadline that never comes */
#define TFTP_PORT 69u
#define TFTP_FILENAME_MAX 255u /* bytes of a file name, NUL excluded */
#define TFTP_ERRMSG_MAX 127u   /* bytes of a server's ERROR message kept */
#define TFTP_BLKSIZE_MIN 8u    /* RFC 2348 */
#define TFTP_BLKSIZE_MAX 65464u
/* The largest datagram the client sends: an RRQ with the longest name and
 * every option at its longest value. */
#define TFTP_TX_MAX (2u + TFTP_FILENAME_MAX + 1u + 6u + 14u + 8u + 12u + 17u)

/*
 * Errors: every call returns 0 or one of these. The first three are API
 * misuse; then the reasons a datagram is dropped (the transfer goes on);
 * then the reasons a transfer fails (the state becomes FAILED).
 */
enum tftp_err {
    TFTP_OK = 0,
    TFTP_ERR_INVAL = -1,   /* a NULL pointer, a bad argument or configuration */
    TFTP_ERR_STATE = -2,   /* the call is not valid in the current state */
    TFTP_ERR_NOSPACE = -3, /* tx->cap is below TFTP_TX_MAX */

    TFTP_ERR_SHORT = -4,       /* shorter than its opcode's fixed part */
    TFTP_ERR_OPCODE = -5,      /* RRQ, WRQ, ACK or an unknown opcode */
    TFTP_ERR_TID = -6,         /* not from the server's TID: ERROR 5 answered */
    TFTP_ERR_DUPLICATE = -7,   /* a block (or the OACK) already received */
    TFTP_ERR_AHEAD = -8,       /* a block past the next one expected: dropped */
    TFTP_ERR_TOO_LONG = -9,    /* DATA longer than the block size */
    TFTP_ERR_UNEXPECTED = -10, /* well formed, but not what this state waits for */

    TFTP_ERR_NOT_FOUND = -11,      /* the server sent ERROR 1, file not found */
    TFTP_ERR_SERVER = -12,         /* the server sent another ERROR (code in the result) */
    TFTP_ERR_OACK_MALFORMED = -13, /* OACK empty, unterminated, or a non-decimal value */
    TFTP_ERR_OACK_OPTION = -14,    /* OACK option we did not ask for, or twice */
    TFTP_ERR_OACK_VALUE = -15,     /* OACK value out of range or above what we asked */
    TFTP_ERR_TOO_BIG = -16,        /* the file is over cfg.max_size: ERROR 3 sent */
    TFTP_ERR_TSIZE = -17,          /* the data disagreed with the OACK's tsize: ERROR 4 */
    TFTP_ERR_SINK = -18,           /* the sink refused a block: ERROR 3 sent */
    TFTP_ERR_WRAP = -19,           /* block 1 after 65535 (we wrap to 0): ERROR 4 sent */
    TFTP_ERR_TIMEOUT = -20,        /* cfg.retries retransmissions without progress */
};

/* The lowest (most negative) code: every value from it to 0 is named. A new
 * code goes below it, and this moves to the new one. */
#define TFTP_ERR_LOWEST TFTP_ERR_TIMEOUT

/* ERROR codes on the wire (RFC 1350 §5, RFC 2347). */
enum tftp_error_code {
    TFTP_EC_UNDEFINED = 0,
    TFTP_EC_NOT_FOUND = 1,
    TFTP_EC_ACCESS = 2,
    TFTP_EC_DISK_FULL = 3, /* "disk full or allocation exceeded" */
    TFTP_EC_ILLEGAL = 4,
    TFTP_EC_UNKNOWN_TID = 5,
    TFTP_EC_EXISTS = 6,
    TFTP_EC_NO_USER = 7,
    TFTP_EC_OPTION = 8,
};

enum tftp_client_state {
    TFTP_CLIENT_IDLE,     /* after init */
    TFTP_CLIENT_REQUEST,  /* RRQ sent, no reply yet */
    TFTP_CLIENT_TRANSFER, /* the server's TID is known; receiving */
    TFTP_CLIENT_DONE,     /* the last block arrived; result.err is 0 */
    TFTP_CLIENT_FAILED,   /* result.err says why */
};

/* Takes len (> 0) bytes of the file at offset; offsets are contiguous from
 * 0. Return 0 to go on, anything else to abort the transfer (ERROR 3). It
 * runs inside tftp_client_input and must not call the client. */
typedef int (*tftp_sink_fn)(void *ctx, uint64_t offset, const uint8_t *data, size_t len);

struct tftp_client_config {
    uint16_t server_port; /* where the RRQ goes: 69 */
    uint16_t blksize;     /* asked for, 8..65464; 0 asks nothing (512): 1468 */
    uint16_t windowsize;  /* asked for, 1..65535; 0 asks nothing (1): 0 */
    uint8_t timeout_s;    /* timeout option, 1..255 s; 0 asks nothing: 0 */
    bool tsize;           /* ask for tsize (sent as 0): true */
    uint32_t retrans_ms;  /* the client's retransmission timer: 1000 */
    uint8_t retries;      /* retransmissions without progress before failing: 5 */
    uint64_t max_size;    /* largest file accepted, bytes: UINT64_MAX */
    tftp_sink_fn sink;    /* required */
    void *sink_ctx;
};

/* What one poll gives back: the payload, and the UDP port it goes to. */
struct tftp_tx {
    uint8_t *buf; /* the caller's, at least TFTP_TX_MAX bytes */
    size_t cap;
    size_t len;    /* 0: nothing to send */
    uint16_t port; /* destination port */
};

/* Progress while it runs, the outcome when it ends. */
struct tftp_result {
    enum tftp_client_state state;
    int err;             /* 0, or the tftp_err that failed the transfer */
    uint64_t bytes;      /* handed to the sink */
    uint64_t blocks;     /* DATA blocks taken, the final short one included */
    uint16_t blksize;    /* in use: 512 unless an OACK said otherwise */
    uint16_t windowsize; /* in use: 1 unless an OACK said otherwise */
    uint8_t timeout_s;   /* accepted by the server, 0 if not */
    bool oack;           /* the server answered with an OACK */
    bool have_tsize;     /* the OACK carried tsize */
    uint64_t tsize;
    uint16_t server_tid;                     /* the server's port, 0 until its first reply */
    uint16_t server_code;                    /* the server's ERROR code (_NOT_FOUND, _SERVER) */
    uint8_t server_msg_len;                  /* its message, at most TFTP_ERRMSG_MAX bytes */
    uint8_t server_msg[TFTP_ERRMSG_MAX + 1]; /* NUL after the bytes kept */
};

/*
 * Every tftp_client_input call that does not return TFTP_ERR_INVAL adds one
 * to exactly one rx_ counter.
 */
struct tftp_client_stats {
    uint32_t rx_taken;       /* an OACK, in-order DATA or ERROR acted on */
    uint32_t rx_malformed;   /* _SHORT, _OPCODE, _TOO_LONG */
    uint32_t rx_foreign;     /* _TID */
    uint32_t rx_duplicate;   /* _DUPLICATE */
    uint32_t rx_ahead;       /* _AHEAD */
    uint32_t rx_unexpected;  /* _UNEXPECTED */
    uint32_t tx_retransmits; /* RRQ or ACK sent again when the timer expired */
    uint32_t tx_dup_acks;    /* ACKs sent in answer to a duplicate or ahead block */
    uint32_t tx_error5;      /* ERROR 5 sent to foreign ports */
};

/* Every field is private; use the functions below. */
struct tftp_client {
    struct tftp_client_config cfg;
    uint16_t next;      /* the block number expected next */
    uint32_t since_ack; /* in-order blocks since the last ACK */
    uint8_t out;        /* what is queued for the server (OUT_*) */
    uint8_t out_code;   /* the ERROR code, when out is an ERROR */
    bool hole_acked;    /* a block past a hole was answered; cleared by progress */
    bool foreign_queued;
    uint16_t foreign_port; /* where the queued ERROR 5 goes */
    uint32_t tries;        /* retransmissions without progress */
    uint64_t timer_ms;     /* retransmission deadline */
    uint64_t answer_ms;    /* no answer to a duplicate before this */
    uint64_t queued_ms;    /* when the queued datagram was queued */
    uint16_t name_len;
    uint8_t name[TFTP_FILENAME_MAX];
    struct tftp_result res;
    struct tftp_client_stats stats;
};

/* Port 69, blksize 1468 (a 1500-byte MTU: 20 IP + 8 UDP + 4 TFTP), no
 * window, tsize asked, no timeout option, 1000 ms timer, 5 retries, no
 * size limit, no sink. */
void tftp_client_config_defaults(struct tftp_client_config *cfg);

/* Checks cfg and sets the client up in IDLE. */
int tftp_client_init(struct tftp_client *c, const struct tftp_client_config *cfg);

/* IDLE to REQUEST for filename (1..TFTP_FILENAME_MAX bytes, NUL-terminated);
 * the RRQ is queued for the next poll. */
int tftp_client_start(struct tftp_client *c, uint64_t now_ms, const char *filename);

/* One UDP payload from the server's address and src_port. */
int tftp_client_input(struct tftp_client *c, uint64_t now_ms, uint16_t src_port,
                      const uint8_t *data, size_t len);

/* Runs the timer due at now_ms and writes at most one datagram into tx
 * (tx->len 0: nothing). TFTP_ERR_NOSPACE when tx->cap < TFTP_TX_MAX. */
int tftp_client_poll(struct tftp_client *c, uint64_t now_ms, struct tftp_tx *tx);

/* When poll must next be called; TFTP_NEVER when nothing is pending. */
uint64_t tftp_client_deadline(const struct tftp_client *c);

enum tftp_client_state tftp_client_state(const struct tftp_client *c);

/* Always valid for an initialised client; kept current as blocks arrive. */
const struct tftp_result *tftp_client_result(const struct tftp_client *c);

/* A copy of the counters; zeros for a NULL client. */
void tftp_client_get_stats(const struct tftp_client *c, struct tftp_client_stats *out);

/* Short, stable names ("oack-value", "REQUEST"): "unknown" for any other
 * error value, "?" for any other state. */
const char *tftp_strerror(int err);
const char *tftp_client_state_name(enum tftp_client_state s);

#endif
