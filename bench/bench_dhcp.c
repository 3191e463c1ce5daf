/*
 * The DHCP client against the in-process stub server: nanoseconds per
 * handshake (DISCOVER, OFFER, REQUEST, ACK, then BOUND), measured three ways:
 *
 *   payload  the four DHCP messages handed over as UDP payloads: the codec
 *            (build and parse, twice each side) and both state machines;
 *   frames   the same, each message also wrapped in Ethernet/IPv4/UDP by
 *            dhcp_tx_frame (checksums included) and the replies unwrapped by
 *            dhcp_client_input_frame, as a netstack would run it;
 *   renewal  one renewal at T1 (REQUEST unicast, ACK, RENEWED) on a bound
 *            client, the idempotent cycle the issue asks for.
 *
 * Every iteration starts from a fresh client and server (init included in
 * the time) and must end BOUND (or RENEWED) with 10.0.2.15; the program
 * fails if one does not, so a number is never printed for work not done.
 * Time comes from clock_gettime(CLOCK_MONOTONIC) around the whole loop.
 *
 * Run: build/gcc/bench/bench_dhcp            (>= 1 s per measurement)
 *      build/gcc/bench/bench_dhcp --smoke    (tiny, for ctest)
 *      build/gcc/bench/bench_dhcp --iterations N [--frames]
 *        exactly N handshakes of one kind (payload, or frames with
 *        --frames) and nothing else, e.g. for valgrind --tool=callgrind
 *        with N=10000 and N=0: the difference over 10000 is instructions
 *        per handshake (P5 in bench/run.sh)
 * It prints what ran; it never fails on speed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench_util.h"

#include "dhcp-stub/dhcp_client.h"
#include "dhcp-stub/dhcp_server.h"
#include "netproto/netproto.h"

static const uint8_t server_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

struct pair {
    struct dhcp_client c;
    struct dhcp_server s;
    uint8_t cframe[NP_ETH_MAX_FRAME]; /* client's frame; its payload at + NP_UDP_FRAME_HLEN */
    uint8_t sframe[NP_ETH_MAX_FRAME];
    struct dhcp_tx ctx, stx;
    uint8_t mac[6];
};

static void die(const char *what)
{
    fprintf(stderr, "bench_dhcp: %s\n", what);
    exit(1);
}

static void pair_init(struct pair *p, uint64_t seed)
{
    struct dhcp_client_config cc;
    dhcp_client_config_defaults(&cc);
    cc.seed = seed;
    memcpy(p->mac, cc.mac, 6);
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    if (dhcp_client_init(&p->c, &cc) != DHCP_OK || dhcp_server_init(&p->s, &sc) != DHCP_OK)
        die("init failed");
    p->ctx.buf = p->cframe + NP_UDP_FRAME_HLEN;
    p->ctx.cap = sizeof p->cframe - NP_UDP_FRAME_HLEN;
    p->stx.buf = p->sframe + NP_UDP_FRAME_HLEN;
    p->stx.cap = sizeof p->sframe - NP_UDP_FRAME_HLEN;
}

/* One client message to the server and the reply back; with frames, both
 * cross the Ethernet/IPv4/UDP codecs. Returns the client's event. */
static enum dhcp_client_event exchange(struct pair *p, uint64_t now, int frames)
{
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    if (dhcp_client_poll(&p->c, now, &p->ctx, &ev) != DHCP_OK || p->ctx.len == 0)
        die("client sent nothing");
    const uint8_t *req = p->ctx.buf;
    size_t req_len = p->ctx.len;
    if (frames) {
        size_t flen;
        /* A unicast REQUEST (renewal) goes to the server's MAC, as ARP
         * would have told a netstack. */
        if (dhcp_tx_frame(&p->ctx, p->mac, server_mac, p->cframe, sizeof p->cframe, &flen) !=
            DHCP_OK)
            die("client frame");
        struct np_udp_frame f;
        if (np_udp_frame_parse(p->cframe, flen, &f) != NP_OK || f.dst_port != DHCP_SERVER_PORT)
            die("server could not read the client's frame");
        req = f.payload;
        req_len = f.payload_len;
    }
    if (dhcp_server_input(&p->s, now, req, req_len, &p->stx) != DHCP_OK || p->stx.len == 0)
        die("server did not answer");
    int rc;
    if (frames) {
        size_t flen;
        if (dhcp_tx_frame(&p->stx, server_mac, p->mac, p->sframe, sizeof p->sframe, &flen) !=
            DHCP_OK)
            die("server frame");
        rc = dhcp_client_input_frame(&p->c, now, p->sframe, flen, &ev);
    } else {
        rc = dhcp_client_input(&p->c, now, p->stx.buf, p->stx.len, &ev);
    }
    if (rc != DHCP_OK)
        die("client refused the reply");
    return ev;
}

static void handshake(struct pair *p, uint64_t seed, int frames)
{
    pair_init(p, seed);
    if (dhcp_client_start(&p->c, 0) != DHCP_OK)
        die("start");
    if (exchange(p, 0, frames) != DHCP_CLIENT_EV_NONE ||
        dhcp_client_state(&p->c) != DHCP_CLIENT_REQUESTING)
        die("no OFFER taken");
    if (exchange(p, 0, frames) != DHCP_CLIENT_EV_BOUND)
        die("not BOUND");
    const struct dhcp_lease *l = dhcp_client_lease(&p->c);
    if (l == NULL || l->addr != NP_IPV4(10, 0, 2, 15))
        die("wrong lease");
}

struct result {
    uint64_t n;
    double secs;
    uint32_t sink; /* folds every xid, so no iteration can be optimised away */
};

static struct result run_handshakes(int frames, double min_s, uint64_t min_n)
{
    static struct pair p;
    struct result r = {0, 0, 0};
    double t0 = now_s();
    do {
        for (int i = 0; i < 64; i++) {
            handshake(&p, r.n + 1, frames);
            r.sink ^= np_get32(p.stx.buf + 4);
            r.n++;
        }
        r.secs = now_s() - t0;
    } while (r.secs < min_s || r.n < min_n);
    return r;
}

/* Exactly n handshakes, for instruction counts (n = 0 runs none). */
static struct result run_exact(int frames, uint64_t n)
{
    static struct pair p;
    struct result r = {0, 0, 0};
    double t0 = now_s();
    for (; r.n < n; r.n++) {
        handshake(&p, r.n + 1, frames);
        r.sink ^= np_get32(p.stx.buf + 4);
    }
    r.secs = now_s() - t0;
    return r;
}

static struct result run_renewals(double min_s, uint64_t min_n)
{
    static struct pair p;
    struct result r = {0, 0, 0};
    handshake(&p, 1, 0);
    double t0 = now_s();
    do {
        for (int i = 0; i < 64; i++) {
            uint64_t t1 = dhcp_client_deadline(&p.c);
            if (exchange(&p, t1, 0) != DHCP_CLIENT_EV_RENEWED)
                die("renewal not RENEWED");
            r.sink ^= np_get32(p.stx.buf + 4);
            r.n++;
        }
        r.secs = now_s() - t0;
    } while (r.secs < min_s || r.n < min_n);
    return r;
}

static void print_row(const char *what, const char *msgs, struct result r)
{
    printf("%-8s %-34s %10llu %10.3f %12.0f %10.0f\n", what, msgs, (unsigned long long)r.n, r.secs,
           r.secs * 1e9 / (double)r.n, (double)r.n / r.secs);
}

int main(int argc, char **argv)
{
    int smoke = 0, frames_only = 0, exact = 0;
    uint64_t exact_n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            smoke = 1;
        } else if (strcmp(argv[i], "--frames") == 0) {
            frames_only = 1;
        } else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            char *end;
            exact = 1;
            exact_n = strtoull(argv[++i], &end, 10);
            if (*end != 0) {
                fprintf(stderr, "bench_dhcp: bad --iterations\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: %s [--smoke | --iterations N [--frames]]\n", argv[0]);
            return 2;
        }
    }
    if (frames_only && !exact) {
        fprintf(stderr, "bench_dhcp: --frames goes with --iterations N\n");
        return 2;
    }
    double min_s = smoke ? 0.0 : 1.0;
    uint64_t min_n = smoke ? 64 : 10000;
    struct utsname u;
    machine_name(&u);
    printf("bench_dhcp: dhcp-stub client against the in-process stub server, one core, "
           "no I/O\n");
#if defined(__clang__)
    const char *cc = "clang";
#elif defined(__GNUC__)
    const char *cc = "gcc";
#else
    const char *cc = "cc";
#endif
#ifdef __OPTIMIZE__
    const char *opt = "optimised";
#else
    const char *opt = "not optimised (-O0: numbers are pessimistic)";
#endif
    printf("machine: %s %s; compiler: %s %s, %s; command: %s%s\n", u.sysname, u.machine, cc,
           __VERSION__, opt, argv[0],
           smoke   ? " --smoke"
           : exact ? " --iterations N"
                   : "");
    printf("%-8s %-34s %10s %10s %12s %10s\n", "run", "messages per iteration", "iterations",
           "seconds", "ns/iter", "iter/s");
    if (exact) {
        struct result e = run_exact(frames_only, exact_n);
        if (e.n > 0)
            print_row(frames_only ? "frames" : "payload",
                      frames_only ? "the same in Ethernet/IPv4/UDP" : "DISCOVER OFFER REQUEST ACK",
                      e);
        printf("%llu handshakes, every one ended BOUND with 10.0.2.15 (check word %08x)\n",
               (unsigned long long)e.n, (unsigned)e.sink);
        return 0;
    }
    struct result a = run_handshakes(0, min_s, min_n);
    print_row("payload", "DISCOVER OFFER REQUEST ACK", a);
    struct result b = run_handshakes(1, min_s, min_n);
    print_row("frames", "the same in Ethernet/IPv4/UDP", b);
    struct result c = run_renewals(min_s, min_n);
    print_row("renewal", "REQUEST ACK (RENEWED)", c);
    printf("every iteration ended BOUND/RENEWED with 10.0.2.15 (check word %08x)\n",
           (unsigned)(a.sink ^ b.sink ^ c.sink));
    return 0;
}
