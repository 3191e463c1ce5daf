/*
 * The bring-up's TFTP fetch (fetch.h): bootargs in, a file in the fetch
 * region out, its size and CRC-32 on the console.
 *
 * The receive path is kept short because the benchmark (bench/run.sh P7)
 * times it. A DATA block is copied three times by the guest: by the
 * netstack from the device's RX buffer into the socket's queue, by
 * ns_udp_recv into fetch_rxbuf, and by the sink into the region; mem.c's
 * memcpy moves them eight bytes a step. Nothing else touches the payload
 * until the CRC-32 is taken, after the clock has stopped. The socket is
 * drained completely after every wake-up, and the ACK goes out
 * (ns_udp_send kicks the device at once) before the image looks at
 * anything else. Then the image sleeps in wfi until the next block's
 * interrupt, or, with spin=N in bootargs, first polls the stack for it up
 * to N times (fetch.h). (Receiving straight into the
 * region, the header on the 4 bytes before the block's place and put back after, saves one of the
 * three copies: about 300 of 10,000 instructions a block, measured, for
 * a coupling between the socket and the region; not done.)
 */
#include "fetch.h"

#include <string.h>

#include "board.h"
#include "fdt.h"

/* The region, from the link script: nothing is loaded there. */
extern uint8_t __fetch_start[], __fetch_end[];

#define FETCH_BLKSIZE 1468u /* tftp_client_config_defaults' 1500-byte-MTU block */
#define FETCH_DEPTH 4u /* one block in flight (slirp has no window), and room for a duplicate */
#define FETCH_PORT_BASE 49152u /* the dynamic range, RFC 6335 §6 */

/* 8-aligned, as ns_dgram's data is: the copies in and out run by words. */
static struct ns_dgram fetch_slots[FETCH_DEPTH] __attribute__((aligned(8))); /* the queue */
static uint8_t fetch_rxbuf[NS_DGRAM_MAX] __attribute__((aligned(8)));

/* The transfer in progress; file-static so the wait's done() can reach it. */
static struct {
    struct ns_udp_sock sock;
    struct tftp_client c;
    const char *name;
    uint32_t server;
    bool have; /* fetch_rxbuf holds a datagram not yet given to the client */
    size_t len;
    uint32_t src;
    uint16_t sport;
    uint32_t foreign; /* datagrams from another address: dropped */
    uint64_t i0, i1;  /* board_instret at the first request and the last byte */
    uint64_t idle;    /* ... of that, counted across wfi */
} x;

static uint64_t region_size(void)
{
    return (uint64_t)(__fetch_end - __fetch_start);
}

/* A decimal of 1..19 digits, all of [p, e). */
static bool dec(const char *p, const char *e, uint64_t *v)
{
    if (p == e || e - p > 19)
        return false;
    uint64_t n = 0;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10u + (uint64_t)(*p - '0');
    }
    *v = n;
    return true;
}

static bool word_is(const char *w, const char *eq, const char *key)
{
    size_t k = strlen(key);
    return (size_t)(eq - w) == k && memcmp(w, key, k) == 0;
}

const char *fetch_parse(const char *args, size_t len, uint64_t limit, struct fetch_req *req)
{
    memset(req, 0, sizeof(*req));
    req->blksize = FETCH_BLKSIZE;
    req->max_size = limit;
    const char *p = args, *end = args + len;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *w = p;
        while (p < end && *p != ' ' && *p != '\t')
            p++;
        const char *eq = memchr(w, '=', (size_t)(p - w));
        if (!eq)
            continue; /* a word for someone else */
        const char *val = eq + 1;
        uint64_t v;
        if (word_is(w, eq, "tftp")) {
            size_t n = (size_t)(p - val);
            if (n == 0 || n > TFTP_FILENAME_MAX)
                return "bad-tftp-name";
            memcpy(req->name, val, n);
            req->name[n] = 0;
            req->want = true;
        } else if (word_is(w, eq, "blksize")) {
            if (!dec(val, p, &v) || v < TFTP_BLKSIZE_MIN || v > TFTP_BLKSIZE_MAX)
                return "bad-blksize";
            req->blksize = (uint16_t)v;
        } else if (word_is(w, eq, "spin")) {
            if (!dec(val, p, &v) || v > FETCH_SPIN_MAX)
                return "bad-spin";
            req->spin = (uint16_t)v;
        } else if (word_is(w, eq, "maxsize")) {
            if (!dec(val, p, &v) || v > limit)
                return "bad-maxsize";
            req->max_size = v;
        }
    }
    return NULL;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

const char *fetch_setup(const void *fdt, struct fetch_req *req)
{
    const char *args = "";
    size_t len = 0;
    if (fdt && fdt_bootargs(fdt, 1u << 20, &args, &len) != FDT_OK)
        len = 0; /* no bootargs (or a tree fdt.c refuses): nothing asked */
    const char *why = fetch_parse(args, len, region_size(), req);
    if (why || !req->want)
        return why;
    /* The region must be RAM, and not the tree's own bytes. */
    uint64_t base, size;
    if (!fdt || fdt_memory(fdt, 1u << 20, &base, &size) != FDT_OK)
        return "no-memory-node";
    uint64_t s = (uint64_t)(uintptr_t)__fetch_start, e = (uint64_t)(uintptr_t)__fetch_end;
    if (s < base || e > base + size)
        return "region-outside-ram";
    uint64_t f = (uint64_t)(uintptr_t)fdt, fe = f + be32((const uint8_t *)fdt + 4);
    if (fe > s && f < e)
        return "region-over-fdt";
    return NULL;
}

/* The sink: the client has checked off + n against cfg.max_size, which is
 * at most the region's size; checked again here, as a device value would
 * be, because a wrong offset would write outside it. */
static int to_region(void *ctx, uint64_t off, const uint8_t *p, size_t n)
{
    (void)ctx;
    uint64_t cap = region_size();
    if (off > cap || n > cap - off)
        return -1;
    memcpy(__fetch_start + off, p, n);
    return 0;
}

/* The wait's done(): true once a datagram is in fetch_rxbuf (which holds
 * the largest, NS_DGRAM_MAX: ns_udp_recv cannot refuse it as too big). */
static bool arrived(void *arg)
{
    (void)arg;
    if (!x.have)
        x.have = ns_udp_recv(&x.sock, fetch_rxbuf, sizeof(fetch_rxbuf), &x.len, &x.src, &x.sport) ==
                 NS_OK;
    return x.have;
}

/* Gives the waiting datagram to the client: only the server's address
 * (the client checks the port). */
static void take(uint64_t now)
{
    x.have = false;
    if (x.src == x.server)
        (void)tftp_client_input(&x.c, now, x.sport, fetch_rxbuf, x.len);
    else
        x.foreign++;
}

static void send_queued(struct ns_host *ns, uint64_t now)
{
    uint8_t out[TFTP_TX_MAX];
    struct tftp_tx tx = {out, sizeof(out), 0, 0};
    do {
        (void)tftp_client_poll(&x.c, now, &tx);
        if (tx.len)
            (void)ns_udp_send(ns, &x.sock, x.server, tx.port, out, tx.len);
    } while (tx.len);
}

static bool finished(void)
{
    enum tftp_client_state s = tftp_client_state(&x.c);
    return s == TFTP_CLIENT_DONE || s == TFTP_CLIENT_FAILED;
}

/* CRC-32 (ISO-HDLC: reflected 0x04C11DB7, as zlib and gzip), one table
 * lookup per byte; the table lives on the stack while it is needed. */
static uint32_t crc32(const uint8_t *p, uint64_t n)
{
    uint32_t t[256];
    for (uint32_t i = 0; i < 256u; i++) {
        uint32_t c = i;
        for (unsigned k = 0; k < 8u; k++)
            c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    uint32_t c = 0xffffffffu;
    for (uint64_t i = 0; i < n; i++)
        c = t[(c ^ p[i]) & 0xffu] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* MiB/s with two decimals from bytes and ticks. */
static void put_rate(uint64_t bytes, uint64_t ticks)
{
    if (ticks == 0)
        ticks = 1;
    uint64_t r = bytes * 100u / 1024u * board_ticks_hz() / 1024u / ticks; /* centi-MiB/s */
    board_put_dec(r / 100u);
    board_putc('.');
    board_putc((char)('0' + r / 10u % 10u));
    board_putc((char)('0' + r % 10u));
}

static void report(uint64_t ticks)
{
    const struct tftp_result *r = tftp_client_result(&x.c);
    uint64_t ms = ticks / (board_ticks_hz() / 1000u);
    board_puts("tftp: ");
    board_puts(x.name);
    board_puts(" from ");
    board_put_ip(x.server);
    board_puts(": ");
    board_put_dec(r->bytes);
    board_puts(" bytes in ");
    board_put_dec(ms);
    board_puts(" ms, ");
    put_rate(r->bytes, ticks);
    board_puts(" MiB/s (first request to last byte, guest clock)\n");
    struct tftp_client_stats k;
    tftp_client_get_stats(&x.c, &k);
    board_puts("tftp: retransmits=");
    board_put_dec(k.tx_retransmits);
    board_puts(" duplicates=");
    board_put_dec(k.rx_duplicate);
    board_puts(" dup-acks=");
    board_put_dec(k.tx_dup_acks);
    board_puts(" foreign=");
    board_put_dec(k.rx_foreign + x.foreign);
    board_puts(" queue-drops=");
    board_put_dec(ns_udp_drops(&x.sock));
    board_puts(" instret=");
    board_put_dec(x.i1 - x.i0);
    board_puts(" in-wfi=");
    board_put_dec(x.idle);
    board_puts("\n");
    uint32_t crc = crc32(__fetch_start, r->bytes);
    board_puts("SELFTEST: tftp ok file=");
    board_puts(x.name);
    board_puts(" size=");
    board_put_dec(r->bytes);
    board_puts(" crc32=0x");
    board_put_hex(crc, 8);
    board_puts(" blocks=");
    board_put_dec(r->blocks);
    board_puts(" blksize=");
    board_put_dec(r->blksize);
    board_puts(" ms=");
    board_put_dec(ms);
    board_puts("\n");
}

const char *fetch_run(struct ns_host *ns, uint32_t server, const struct fetch_req *req,
                      const struct bringup_platform *pf)
{
    struct tftp_client_config cfg;
    tftp_client_config_defaults(&cfg);
    cfg.blksize = req->blksize;
    cfg.max_size = req->max_size;
    cfg.sink = to_region;
    memset(&x, 0, sizeof(x));
    x.name = req->name;
    x.server = server;
    int rc = tftp_client_init(&x.c, &cfg);
    if (rc != TFTP_OK)
        return tftp_strerror(rc);
    /* The client's TID (RFC 1350 §4): from the MAC, so the same board
     * always asks from the same port and two boards on a link do not. */
    struct ns_if_info v;
    (void)ns_if_get(ns, NS_IF_VIRT0, &v);
    uint16_t port =
        (uint16_t)(FETCH_PORT_BASE + ((((unsigned)v.mac[4] << 8) | v.mac[5]) & 0x3fffu));
    rc = ns_udp_bind(ns, &x.sock, port, fetch_slots, FETCH_DEPTH);
    if (rc != NS_OK)
        return ns_strerror(rc);
    uint64_t t0 = board_ticks(), t1 = t0;
    struct board_irq_stats b0, b1;
    board_irq_stats(&b0);
    x.i0 = board_instret();
    uint64_t now = board_now_ms();
    (void)tftp_client_start(&x.c, now, req->name);
    for (;;) {
        send_queued(ns, now);
        if (finished())
            break;
        /* With spin=N, poll for the answer to the ACK, the device's
         * source off, before going to sleep: it comes within microseconds,
         * and sleeping at once costs two thread wake-ups in QEMU per block
         * (on an idle host each is a wake-up of an idle CPU: 26 MiB/s
         * instead of 68, bench/README.md P7). Off by default: the image
         * waits for the network asleep in wfi. */
        if (req->spin && !arrived(NULL)) {
            board_irq_source(false);
            /* A broken device ends the spin: the platform's run_until,
             * next, polls again and acts on it (restarts virt0 once). Other
             * errors are one frame, counted by the netstack. */
            for (unsigned i = 0; i < req->spin && !arrived(NULL); i++)
                if (ns_poll(ns, now) == NS_ERR_DEVICE_BROKEN)
                    break;
            board_irq_source(true);
        }
        uint64_t deadline = tftp_client_deadline(&x.c);
        if (!arrived(NULL)) {
            /* From the clock now, not before the spin; a deadline further
             * than 2^32 ms is waited for in steps (the loop comes back). */
            uint64_t t = board_now_ms();
            uint64_t wait = deadline > t ? deadline - t : 0u;
            (void)pf->run_until(pf->ctx, arrived, NULL,
                                wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait);
        }
        /* Everything queued, before the next ACK goes out; one clock read
         * for all of it. */
        now = board_now_ms();
        while (arrived(NULL)) {
            take(now);
            if (finished()) {
                t1 = board_ticks();
                x.i1 = board_instret();
                board_irq_stats(&b1);
                x.idle = b1.wfi_instret - b0.wfi_instret;
                break;
            }
        }
    }
    (void)ns_udp_close(ns, &x.sock);
    const struct tftp_result *r = tftp_client_result(&x.c);
    if (r->state != TFTP_CLIENT_DONE)
        return tftp_strerror(r->err);
    report(t1 - t0);
    return NULL;
}

void fetch_print_failure(void)
{
    const struct tftp_result *r = tftp_client_result(&x.c);
    board_puts(" file=");
    board_puts(x.name);
    board_puts(" bytes=");
    board_put_dec(r->bytes);
    if (r->err == TFTP_ERR_NOT_FOUND || r->err == TFTP_ERR_SERVER) {
        /* The server's message as it came, bytes outside printable ASCII
         * (and the quote) as \xNN. */
        board_puts(" server-error=");
        board_put_dec(r->server_code);
        board_puts(" server-msg=\"");
        for (unsigned i = 0; i < r->server_msg_len; i++) {
            uint8_t b = r->server_msg[i];
            if (b >= 0x20u && b < 0x7fu && b != '"' && b != '\\') {
                board_putc((char)b);
            } else {
                board_puts("\\x");
                board_put_hex(b, 2);
            }
        }
        board_puts("\"");
    }
    if (x.foreign) {
        board_puts(" foreign=");
        board_put_dec(x.foreign);
    }
}
