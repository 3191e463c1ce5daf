/*
 * nx-net tftp get FILE: the TFTP client (userspace/libs/tftp) on a UDP
 * socket of the netstack, on an ephemeral port (ns_udp_bind port 0), after
 * the host is up. The client is sans-IO: this file hands it the datagrams
 * from the server's address with their source port, sends what it queues,
 * and runs the world's loop until its deadline. OUT is nx_tftp_out.c's.
 */
#define _GNU_SOURCE /* PATH_MAX, for nx_tftp.h */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nx_tftp.h"

#define NX_TFTP_BLKSIZE 1468u   /* one 1500-byte frame: 20 IP + 8 UDP + 4 TFTP */
#define NX_TFTP_PROGRESS_MS 100 /* between progress lines, on the real clock */

/* --- before anything runs ---------------------------------------------------- */

int nx_tftp_usage(const char *fmt, const char *what)
{
    fprintf(stderr, "nx-net: tftp: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, " (try 'nx-net tftp --help')\n");
    return NX_EXIT_USAGE;
}

/* The value of one of tftp's options, into o (nx_net.c's take_values
 * hands them here). 0 or NX_EXIT_USAGE. */
int nx_tftp_value(enum nx_opt bit, const char *s, struct nx_opts *o)
{
    unsigned long v;
    switch (bit) {
    case NX_OPT_OUTPUT:
        if (!*s)
            return nx_tftp_usage("-o takes a file name or -, not '%s'", s);
        o->out = s;
        break;
    case NX_OPT_SERVER:
        if (nx_parse_ip(s, &o->server) != 0)
            return nx_tftp_usage("--server: '%s' is not an IPv4 address", s);
        o->have_server = true;
        break;
    case NX_OPT_BLKSIZE:
        /* One frame: the netstack does not reassemble fragments. */
        if (nx_parse_uint(s, 1468, &v) != 0 || v < 8)
            return nx_tftp_usage("--blksize takes 8 to 1468 (what one 1500-byte frame carries), "
                                 "not '%s'",
                                 s);
        o->blksize = (unsigned)v;
        break;
    case NX_OPT_WINDOWSIZE:
        if (nx_parse_uint(s, 65535, &v) != 0 || v == 0)
            return nx_tftp_usage("--windowsize takes 1 to 65535, not '%s'", s);
        o->windowsize = (unsigned)v;
        break;
    case NX_OPT_MAX_SIZE:
        if (nx_parse_uint(s, ULONG_MAX, &v) != 0)
            return nx_tftp_usage("--max-size takes a number of bytes, not '%s'", s);
        o->have_max_size = true;
        o->max_size = v;
        break;
    case NX_OPT_NO_OPTIONS:
        o->no_options = true;
        break;
    default:
        break; /* not one of tftp's */
    }
    return 0;
}

/* The default OUT: FILE's last path component, if it is a file name. */
static const char *base_name(const char *file)
{
    const char *b = strrchr(file, '/');
    b = b ? b + 1 : file;
    if (!*b || strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
        return NULL;
    return b;
}

int nx_tftp_check(struct nx_opts *o)
{
    if (o->nwords != 2 || strcmp(o->words[0], "get") != 0)
        return nx_tftp_usage("%s", "the command is 'tftp get FILE' (read requests only)");
    const char *file = o->words[1];
    if (strlen(file) == 0 || strlen(file) > TFTP_FILENAME_MAX)
        return nx_tftp_usage("%s: the file name takes 1 to 255 bytes", "get");
    if (o->no_options && (o->seen & (NX_OPT_BLKSIZE | NX_OPT_WINDOWSIZE)))
        return nx_tftp_usage("%s: a plain request asks for no block size or window",
                             "--no-options");
    if (o->have_static && !o->have_server)
        return nx_tftp_usage("%s: without DHCP there is no server to default to: give --server",
                             "--static");
    if (o->backend == NX_BE_SLIRP && !o->tftp_dir)
        return nx_tftp_usage("%s: slirp serves TFTP only from --tftp DIR", "--backend slirp");
    if (!o->out) {
        o->out = base_name(file);
        if (!o->out)
            return nx_tftp_usage("'%s' has no file name to write to: give -o OUT", file);
    }
    return nx_tftp_out_check(o->out);
}

/* --- the transfer ------------------------------------------------------------------ */

static bool finished(const struct nx_tftp *t)
{
    enum tftp_client_state s = tftp_client_state(&t->c);
    return s == TFTP_CLIENT_DONE || s == TFTP_CLIENT_FAILED;
}

/* A line on stderr, over the last one, at most every NX_TFTP_PROGRESS_MS
 * of the real clock (the display only: on the stub nothing else reads it). */
static void show_progress(struct nx_world *w, struct nx_tftp *t, bool last)
{
    if (!t->progress)
        return;
    uint64_t real = nx_mono_ms();
    if (!last && real < t->shown_ms + NX_TFTP_PROGRESS_MS)
        return;
    t->shown_ms = real;
    const struct tftp_result *r = tftp_client_result(&t->c);
    uint64_t ms = w->now - t->t0;
    double mib = (double)r->bytes / 1048576.0;
    fprintf(stderr, "\r%s: %.2f MiB", t->file, mib);
    if (r->have_tsize && r->tsize)
        fprintf(stderr, " of %.2f MiB (%u%%)", (double)r->tsize / 1048576.0,
                (unsigned)(r->bytes * 100u / r->tsize));
    fprintf(stderr, ", %.2f MiB/s\033[K", ms ? mib * 1000.0 / (double)ms : 0.0);
    if (last)
        fprintf(stderr, "\r\033[K");
}

/* The loop's done(): what arrived goes to the client (from the server's
 * address only; the client checks the port), what it queued goes out. */
static bool pump(struct nx_world *w, void *arg)
{
    struct nx_tftp *t = arg;
    size_t len;
    uint32_t src;
    uint16_t sport;
    while (ns_udp_recv(&t->sock, t->rx, sizeof(t->rx), &len, &src, &sport) == NS_OK) {
        if (src != t->server) {
            t->foreign++;
            continue;
        }
        (void)tftp_client_input(&t->c, w->now, sport, t->rx, len);
        if (finished(t) && t->t1 == 0)
            t->t1 = w->now;
    }
    uint8_t out[TFTP_TX_MAX];
    struct tftp_tx tx = {out, sizeof(out), 0, 0};
    do {
        (void)tftp_client_poll(&t->c, w->now, &tx);
        if (tx.len)
            (void)ns_udp_send(&w->ns, &t->sock, t->server, tx.port, out, tx.len);
    } while (tx.len);
    if (finished(t) && t->t1 == 0)
        t->t1 = w->now; /* a timeout, found by poll */
    show_progress(w, t, false);
    return finished(t);
}

/* Runs the world until the client is done or failed, waking for its
 * deadline. Returns 0, or the reason the run stopped first. */
static const char *transfer(struct nx_world *w, struct nx_tftp *t)
{
    while (!pump(w, t)) {
        uint64_t d = tftp_client_deadline(&t->c);
        uint64_t budget = d == TFTP_NEVER ? 1000u : d > w->now ? d - w->now : 1u;
        uint64_t end = w->now + budget;
        if (nx_run(w, pump, t, budget))
            break;
        if (w->broken)
            return "device-broken";
        if (w->real && w->now < end)
            return "interrupted"; /* nx_run stops early only at a signal */
    }
    return NULL;
}

/* --- reporting ---------------------------------------------------------------------- */

/* A string for JSON: quotes, backslashes and every byte outside printable
 * ASCII escaped. */
static void json_str(const uint8_t *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            printf("\\%c", s[i]);
        else if (s[i] < 0x20u || s[i] >= 0x7fu)
            printf("\\u%04x", s[i]);
        else
            putchar(s[i]);
    }
    putchar('"');
}

/* The server's message for text: as it came, bytes outside printable
 * ASCII (and the quote) as \xNN, as the image prints it. */
static void text_msg(FILE *to, const struct tftp_result *r)
{
    fputc('"', to);
    for (unsigned i = 0; i < r->server_msg_len; i++) {
        uint8_t b = r->server_msg[i];
        if (b >= 0x20u && b < 0x7fu && b != '"' && b != '\\')
            fputc(b, to);
        else
            fprintf(to, "\\x%02x", b);
    }
    fputc('"', to);
}

static const char *reason_of(const struct tftp_result *r)
{
    switch (r->err) {
    case TFTP_ERR_NOT_FOUND:
        return "not-found";
    case TFTP_ERR_SERVER:
        return "server-error";
    default:
        return tftp_strerror(r->err);
    }
}

static int report_failure(struct nx_world *w, const struct nx_tftp *t, const char *why)
{
    const struct tftp_result *r = tftp_client_result(&t->c);
    char a[16];
    bool server_err = r->err == TFTP_ERR_NOT_FOUND || r->err == TFTP_ERR_SERVER;
    if (!why)
        why = t->werr ? "write" : reason_of(r);
    if (w->o->json) {
        printf("{\"ok\":false,%s,\"step\":\"tftp\",\"reason\":\"%s\",\"file\":", nx_json_be(w),
               why);
        json_str((const uint8_t *)t->file, strlen(t->file));
        printf(",\"server\":\"%s\",\"bytes\":%llu", nx_ip_str(t->server, a),
               (unsigned long long)r->bytes);
        if (server_err) {
            printf(",\"server_error\":%u,\"server_msg\":", r->server_code);
            json_str(r->server_msg, r->server_msg_len);
        }
        printf("}\n");
    } else {
        printf("SELFTEST: tftp FAIL reason=%s file=%s bytes=%llu", why, t->file,
               (unsigned long long)r->bytes);
        if (server_err) {
            printf(" server-error=%u server-msg=", r->server_code);
            text_msg(stdout, r);
        }
        printf("\n");
    }
    /* And in words, on stderr. */
    fprintf(stderr, "nx-net: tftp get %s from %s: ", t->file, nx_ip_str(t->server, a));
    if (r->err == TFTP_ERR_NOT_FOUND) {
        fprintf(stderr, "not found: the server says ");
        text_msg(stderr, r);
        fprintf(stderr, " (ERROR 1)\n");
    } else if (r->err == TFTP_ERR_SERVER) {
        fprintf(stderr, "the server refused it with ERROR %u ", r->server_code);
        text_msg(stderr, r);
        fprintf(stderr, "\n");
    } else if (t->werr) {
        fprintf(stderr, "writing %s: %s\n", t->out, strerror(t->werr));
    } else if (r->err == TFTP_ERR_TOO_BIG) {
        fprintf(stderr, "larger than --max-size %llu: refused (ERROR 3 sent)\n",
                (unsigned long long)w->o->max_size);
    } else {
        fprintf(stderr, "%s\n", why);
    }
    return NX_EXIT_FAIL;
}

static void report(struct nx_world *w, const struct nx_tftp *t)
{
    const struct tftp_result *r = tftp_client_result(&t->c);
    struct tftp_client_stats k;
    tftp_client_get_stats(&t->c, &k);
    uint64_t ms = t->t1 - t->t0;
    double rate = (double)r->bytes / 1048576.0 * 1000.0 / (double)(ms ? ms : 1u);
    char a[16];
    nx_ip_str(t->server, a);
    if (w->o->json) {
        printf("{\"ok\":true,%s,\"file\":", nx_json_be(w));
        json_str((const uint8_t *)t->file, strlen(t->file));
        printf(",\"server\":\"%s\",\"out\":", a);
        json_str((const uint8_t *)t->out, strlen(t->out));
        printf(",\"size\":%llu,\"blocks\":%llu,\"blksize\":%u,\"windowsize\":%u,\"oack\":%s,"
               "\"tsize\":",
               (unsigned long long)r->bytes, (unsigned long long)r->blocks, r->blksize,
               r->windowsize, r->oack ? "true" : "false");
        if (r->have_tsize)
            printf("%llu", (unsigned long long)r->tsize);
        else
            printf("null");
        printf(",\"retransmits\":%u,\"duplicates\":%u,\"dup_acks\":%u,\"foreign\":%u,"
               "\"local_port\":%u,\"server_port\":%u,\"ms\":%llu,\"mib_s\":%.2f,"
               "\"crc32\":\"0x%08x\"}\n",
               k.tx_retransmits, k.rx_duplicate, k.tx_dup_acks, k.rx_foreign + t->foreign,
               ns_udp_port(&t->sock), r->server_tid, (unsigned long long)ms, rate, t->crc);
        return;
    }
    printf("tftp: %s from %s: %llu bytes in %llu blocks of %u (window %u), %u retransmits, "
           "%llu ms, %.2f MiB/s (%s clock)\n",
           t->file, a, (unsigned long long)r->bytes, (unsigned long long)r->blocks, r->blksize,
           r->windowsize, k.tx_retransmits, (unsigned long long)ms, rate, nx_clock_name(w));
    printf("SELFTEST: tftp ok file=%s size=%llu crc32=0x%08x blocks=%llu blksize=%u "
           "windowsize=%u retransmits=%u ms=%llu port=%u out=%s\n",
           t->file, (unsigned long long)r->bytes, t->crc, (unsigned long long)r->blocks, r->blksize,
           r->windowsize, k.tx_retransmits, (unsigned long long)ms, ns_udp_port(&t->sock), t->out);
}

/* --- the command ---------------------------------------------------------------------- */

static void client_config(const struct nx_opts *o, struct nx_tftp *t,
                          struct tftp_client_config *cfg)
{
    tftp_client_config_defaults(cfg);
    cfg->blksize = (uint16_t)(o->blksize ? o->blksize : NX_TFTP_BLKSIZE);
    cfg->windowsize = (uint16_t)o->windowsize;
    if (o->no_options) {
        cfg->blksize = 0;
        cfg->windowsize = 0;
        cfg->tsize = false;
    }
    if (o->have_max_size)
        cfg->max_size = o->max_size;
    cfg->sink = nx_tftp_sink;
    cfg->sink_ctx = t;
}

int nx_cmd_tftp(struct nx_world *w)
{
    static struct nx_tftp t;
    const struct nx_opts *o = w->o;
    int rc = nx_seq_address(w);
    if (rc)
        return rc;
    memset(&t, 0, sizeof(t));
    t.file = o->words[1];
    t.out = o->out;
    t.server = o->have_server ? o->server : w->lease.server;
    t.progress = isatty(STDERR_FILENO) == 1;
    struct tftp_client_config cfg;
    client_config(o, &t, &cfg);
    if (tftp_client_init(&t.c, &cfg) != TFTP_OK)
        return nx_fail_step(w, "tftp", "config");
    /* The client's transfer ID (RFC 1350 §4): an ephemeral port, the same
     * on every run (netstack.h). */
    rc = ns_udp_bind(&w->ns, &t.sock, 0, t.slots, NX_TFTP_DEPTH);
    if (rc != NS_OK)
        return nx_fail_step(w, "tftp", ns_strerror(rc));
    if (nx_tftp_open(&t) != 0) {
        fprintf(stderr, "nx-net: tftp: cannot make a file beside %s: %s\n", t.out,
                strerror(t.werr));
        (void)ns_udp_close(&w->ns, &t.sock);
        return nx_fail_step(w, "tftp", "write");
    }
    t.t0 = w->now;
    (void)tftp_client_start(&t.c, w->now, t.file);
    const char *why = transfer(w, &t);
    show_progress(w, &t, true);
    (void)ns_udp_close(&w->ns, &t.sock);
    bool whole = !why && tftp_client_state(&t.c) == TFTP_CLIENT_DONE;
    if (nx_tftp_close(&t, whole) != 0 && whole)
        return report_failure(w, &t, "write");
    if (!whole)
        return report_failure(w, &t, why);
    report(w, &t);
    return NX_EXIT_OK;
}
