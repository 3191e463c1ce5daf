/*
 * Generates the seed corpora of the netproto and DHCP fuzz targets from the
 * same exchanges the unit tests run (issue 7: seeds come from a program,
 * not hand-typed hex). Under ctest it generates everything twice and checks
 * the seeds are the same bytes each time and that every DHCP message in
 * them parses, and when the source tree is at hand (found from __FILE__)
 * that tests/fuzz/corpus/<target>/ holds exactly these seeds, byte for
 * byte, so the checked-in corpora cannot drift from the generator. To
 * refresh the checked-in corpora:
 *
 *   RVNET_CORPUS_DIR=tests/fuzz/corpus build/gcc/tests/bringup_rv_virt_v1_2_host/test_dhcp_corpus
 *
 * The script formats are those documented at the top of
 * tests/fuzz/fuzz_dhcp_client.c and tests/fuzz/fuzz_dhcp_server.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "dhcp-stub/dhcp_client.h"
#include "dhcp-stub/dhcp_server.h"
#include "netproto/netproto.h"

#define MAX_SEEDS 64
#define SEED_MAX 4096

struct seed {
    char target[32];
    char name[48];
    uint8_t bytes[SEED_MAX];
    size_t len;
};

static struct seed seeds[2][MAX_SEEDS];
static size_t nseeds[2];
static int gen; /* which of the two generations is being filled */

static struct seed *add(const char *target, const char *name)
{
    assert_true(nseeds[gen] < MAX_SEEDS);
    struct seed *s = &seeds[gen][nseeds[gen]++];
    memset(s, 0, sizeof *s);
    snprintf(s->target, sizeof s->target, "%s", target);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

static void put(struct seed *s, const void *p, size_t n)
{
    assert_true(s->len + n <= SEED_MAX);
    memcpy(s->bytes + s->len, p, n);
    s->len += n;
}

static void put8(struct seed *s, uint8_t v)
{
    put(s, &v, 1);
}

static void put16(struct seed *s, uint16_t v)
{
    uint8_t b[2];
    np_put16(b, v);
    put(s, b, 2);
}

static void add_bytes(const char *target, const char *name, const uint8_t *p, size_t n)
{
    put(add(target, name), p, n);
}

/* The client, the stub server and their buffers. */
struct pair {
    struct dhcp_client c;
    struct dhcp_server s;
    uint8_t cbuf[DHCP_MSG_BUILD_MAX], sbuf[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx ctx, stx;
};

static void pair_init(struct pair *p, const struct dhcp_server_config *sc_in)
{
    struct dhcp_client_config cc;
    dhcp_client_config_defaults(&cc);
    assert_int_equal(dhcp_client_init(&p->c, &cc), DHCP_OK);
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    assert_int_equal(dhcp_server_init(&p->s, sc_in ? sc_in : &sc), DHCP_OK);
    p->ctx = (struct dhcp_tx){.buf = p->cbuf, .cap = sizeof p->cbuf};
    p->stx = (struct dhcp_tx){.buf = p->sbuf, .cap = sizeof p->sbuf};
}

static void poll_client(struct pair *p, uint64_t now)
{
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_poll(&p->c, now, &p->ctx, &ev), DHCP_OK);
}

static void serve(struct pair *p, uint64_t now)
{
    assert_int_equal(dhcp_server_input(&p->s, now, p->cbuf, p->ctx.len, &p->stx), DHCP_OK);
}

static void answer(struct pair *p, uint64_t now)
{
    enum dhcp_client_event ev;
    assert_int_equal(dhcp_client_input(&p->c, now, p->sbuf, p->stx.len, &ev), DHCP_OK);
}

static void add_frame(const char *name, const struct dhcp_tx *tx, const uint8_t *payload)
{
    uint8_t frame[NP_ETH_MAX_FRAME];
    memcpy(frame + NP_UDP_FRAME_HLEN, payload, tx->len);
    struct dhcp_tx t = *tx;
    t.buf = frame + NP_UDP_FRAME_HLEN;
    const uint8_t src[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    const uint8_t dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    size_t len;
    assert_int_equal(dhcp_tx_frame(&t, src, dst, frame, sizeof frame, &len), DHCP_OK);
    add_bytes("fuzz_netproto", name, frame, len);
}

static void dhcp_messages(void)
{
    struct pair p;
    pair_init(&p, NULL);
    assert_int_equal(dhcp_client_start(&p.c, 0), DHCP_OK);
    poll_client(&p, 0);
    add_bytes("fuzz_dhcp_codec", "discover", p.cbuf, p.ctx.len);
    add_frame("discover_frame", &p.ctx, p.cbuf);
    serve(&p, 0);
    add_bytes("fuzz_dhcp_codec", "offer", p.sbuf, p.stx.len);
    add_frame("offer_unicast_frame", &p.stx, p.sbuf);
    answer(&p, 0);
    poll_client(&p, 0);
    add_bytes("fuzz_dhcp_codec", "request_selecting", p.cbuf, p.ctx.len);
    serve(&p, 0);
    add_bytes("fuzz_dhcp_codec", "ack", p.sbuf, p.stx.len);
    answer(&p, 0);
    poll_client(&p, dhcp_client_deadline(&p.c));
    add_bytes("fuzz_dhcp_codec", "request_renewing", p.cbuf, p.ctx.len);
    add_frame("request_renewing_frame", &p.ctx, p.cbuf);
    serve(&p, dhcp_client_deadline(&p.c));
    add_bytes("fuzz_dhcp_codec", "ack_renewing", p.sbuf, p.stx.len);
    assert_int_equal(dhcp_client_stop(&p.c, 1, &p.ctx), DHCP_OK);
    add_bytes("fuzz_dhcp_codec", "release", p.cbuf, p.ctx.len);

    /* INIT-REBOOT for an address the stub will not give: a NAK. */
    pair_init(&p, NULL);
    assert_int_equal(dhcp_client_start_reboot(&p.c, 0, NP_IPV4(192, 168, 1, 9)), DHCP_OK);
    poll_client(&p, 0);
    add_bytes("fuzz_dhcp_codec", "request_reboot", p.cbuf, p.ctx.len);
    serve(&p, 0);
    add_bytes("fuzz_dhcp_codec", "nak", p.sbuf, p.stx.len);

    /* slirp restrict=on: no router, no DNS, broadcast replies. */
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.router = sc.dns = 0;
    sc.always_broadcast = true;
    sc.t1_s = 1000;
    sc.t2_s = 2000;
    pair_init(&p, &sc);
    assert_int_equal(dhcp_client_start(&p.c, 0), DHCP_OK);
    poll_client(&p, 0);
    serve(&p, 0);
    add_bytes("fuzz_dhcp_codec", "offer_restricted", p.sbuf, p.stx.len);
    add_frame("offer_broadcast_frame", &p.stx, p.sbuf);

    /* An INFORM and its ACK. */
    struct dhcp_msg m;
    memset(&m, 0, sizeof m);
    m.op = DHCP_BOOTREQUEST;
    m.type = DHCP_INFORM;
    m.xid = 99;
    m.ciaddr = NP_IPV4(10, 0, 2, 15);
    m.chaddr[0] = 2;
    m.chaddr[5] = 1;
    uint8_t b[DHCP_MSG_BUILD_MAX];
    size_t len;
    assert_int_equal(dhcp_msg_build(&m, b, sizeof b, &len), DHCP_OK);
    add_bytes("fuzz_dhcp_codec", "inform", b, len);
    assert_int_equal(dhcp_server_input(&p.s, 0, b, len, &p.stx), DHCP_OK);
    add_bytes("fuzz_dhcp_codec", "inform_ack", p.sbuf, p.stx.len);

    /* The OFFER again with its options moved into file (overload 1): the
     * main field keeps 53 and 52, the rest follows in file. */
    struct seed *off = &seeds[gen][2];
    assert_string_equal(off->name, "offer");
    uint8_t ov[DHCP_MSG_BUILD_MAX];
    memcpy(ov, off->bytes, off->len);
    size_t opt_end = 243;
    while (ov[opt_end] != 255)
        opt_end += 2u + ov[opt_end + 1];
    memset(ov + 108, 0, 128);
    memcpy(ov + 108, ov + 243, opt_end + 1 - 243);
    const uint8_t head[] = {53, 1, 2, 52, 1, 1, 255};
    memset(ov + 240, 0, off->len - 240);
    memcpy(ov + 240, head, sizeof head);
    add_bytes("fuzz_dhcp_codec", "offer_overload_file", ov, off->len);
}

static void netproto_frames(void)
{
    uint8_t f[128];
    memset(f, 0, sizeof f);
    struct np_arp a = {
        .op = NP_ARP_REQUEST, .spa = NP_IPV4(10, 0, 2, 15), .tpa = NP_IPV4(10, 0, 2, 2)};
    a.sha[0] = 2;
    a.sha[5] = 1;
    size_t len, flen;
    assert_int_equal(np_arp_build(f + NP_ETH_HLEN, sizeof f - NP_ETH_HLEN, &a, &len), NP_OK);
    struct np_eth eh = {.type = NP_ETHERTYPE_ARP};
    memset(eh.dst, 0xff, 6);
    memcpy(eh.src, a.sha, 6);
    assert_int_equal(np_eth_build(f, sizeof f, &eh, len, &flen), NP_OK);
    add_bytes("fuzz_netproto", "arp_request", f, flen);

    memset(f, 0, sizeof f);
    uint8_t *ip = f + NP_ETH_HLEN, *icmp = ip + NP_IPV4_HLEN;
    memcpy(icmp + NP_ICMP_HLEN, "rvnet-ping-payload", 18);
    struct np_icmp ch = {.type = NP_ICMP_ECHO_REQUEST, .id = 1, .seq = 1};
    assert_int_equal(np_icmp_build(icmp, 64, &ch, 18, &len), NP_OK);
    struct np_ipv4 ih = {.ttl = 64,
                         .proto = NP_IP_PROTO_ICMP,
                         .src = NP_IPV4(10, 0, 2, 15),
                         .dst = NP_IPV4(10, 0, 2, 2)};
    assert_int_equal(np_ipv4_build(ip, 100, &ih, len, &len), NP_OK);
    eh.type = NP_ETHERTYPE_IPV4;
    assert_int_equal(np_eth_build(f, sizeof f, &eh, len, &flen), NP_OK);
    add_bytes("fuzz_netproto", "icmp_echo", f, flen);
}

static struct seed *script(const char *target, const char *name)
{
    return add(target, name);
}

/* A probing client (CONFIG 1) that starts and takes the stub's OFFER and
 * ACK, so it is CHECKING (RFC 5227). */
static struct seed *probing_script(const char *t, const char *name)
{
    struct seed *s = script(t, name);
    put8(s, 7), put8(s, 1);             /* CONFIG: probe */
    put8(s, 4), put8(s, 0);             /* start */
    put8(s, 3), put8(s, 0), put8(s, 0); /* OFFER */
    put8(s, 3), put8(s, 0), put8(s, 0); /* ACK: CHECKING */
    return s;
}

static void probe_scripts(const char *t)
{
    struct seed *s = probing_script(t, "probe_clean");
    for (int i = 0; i < 6; i++)
        put8(s, 1);             /* probes, then BOUND */
    put8(s, 6), put8(s, 2 | 1); /* then a reply from the address: no longer a conflict */

    s = probing_script(t, "probe_conflict");
    put8(s, 1);                 /* the first probe */
    put8(s, 6), put8(s, 2 | 1); /* a reply from the address: conflict */
    for (int i = 0; i < 3; i++)
        put8(s, 1); /* DECLINE sent; 10 s; DISCOVER */
    put8(s, 3), put8(s, 0), put8(s, 0);

    s = probing_script(t, "probe_other_host");
    put8(s, 6), put8(s, 0); /* another host's probe for it */
    put8(s, 1), put8(s, 1);

    s = probing_script(t, "probe_own_echo");
    put8(s, 6), put8(s, 8); /* our own probe, echoed */
    for (int i = 0; i < 6; i++)
        put8(s, 1);

    /* The conflict as an Ethernet ARP frame. */
    uint8_t f[NP_ETH_MIN_FRAME];
    memset(f, 0, sizeof f);
    struct np_arp a = {.op = NP_ARP_REPLY, .spa = NP_IPV4(10, 0, 2, 15)};
    a.sha[0] = 0x52;
    a.sha[5] = 0x99;
    size_t n;
    assert_int_equal(np_arp_build(f + NP_ETH_HLEN, sizeof f - NP_ETH_HLEN, &a, &n), NP_OK);
    struct np_eth eh = {.type = NP_ETHERTYPE_ARP};
    memset(eh.dst, 0xff, 6);
    memcpy(eh.src, a.sha, 6);
    assert_int_equal(np_eth_build(f, sizeof f, &eh, n, &n), NP_OK);
    s = probing_script(t, "probe_arp_frame");
    put8(s, 5), put16(s, (uint16_t)n), put(s, f, n);
    put8(s, 1), put8(s, 1);

    s = script(t, "jitter_initial_delay");
    put8(s, 7), put8(s, 2 | 4);
    put8(s, 4), put8(s, 0);
    for (int i = 0; i < 8; i++)
        put8(s, 1);
}

static void client_scripts(void)
{
    const char *t = "fuzz_dhcp_client";
    struct seed *s = script(t, "handshake_renew_release");
    put8(s, 4), put8(s, 0);             /* start */
    put8(s, 3), put8(s, 0), put8(s, 0); /* OFFER */
    put8(s, 3), put8(s, 0), put8(s, 0); /* ACK */
    for (int i = 0; i < 3; i++) {
        put8(s, 1);                         /* T1 */
        put8(s, 3), put8(s, 0), put8(s, 0); /* renewal ACK */
    }
    put8(s, 4), put8(s, 2); /* stop: RELEASE */

    s = script(t, "no_server_retransmits");
    put8(s, 4), put8(s, 0);
    for (int i = 0; i < 8; i++)
        put8(s, 1);

    s = script(t, "expiry_after_rebinding");
    put8(s, 4), put8(s, 0);
    put8(s, 3), put8(s, 0), put8(s, 0);
    put8(s, 3), put8(s, 0), put8(s, 0);
    for (int i = 0; i < 16; i++)
        put8(s, 1);

    s = script(t, "reboot");
    put8(s, 4), put8(s, 1);
    put8(s, 3), put8(s, 0), put8(s, 0);
    put8(s, 0), put16(s, 50000);

    /* The stub's OFFER for the default client (seed 1) delivered raw, and
     * again as an Ethernet frame. */
    struct pair p;
    pair_init(&p, NULL);
    assert_int_equal(dhcp_client_start(&p.c, 0), DHCP_OK);
    poll_client(&p, 0);
    serve(&p, 0);
    s = script(t, "raw_offer");
    put8(s, 4), put8(s, 0);
    put8(s, 2), put16(s, (uint16_t)p.stx.len), put(s, p.sbuf, p.stx.len);
    put8(s, 3), put8(s, 0), put8(s, 0);

    uint8_t frame[NP_ETH_MAX_FRAME];
    memcpy(frame + NP_UDP_FRAME_HLEN, p.sbuf, p.stx.len);
    struct dhcp_tx ft = p.stx;
    ft.buf = frame + NP_UDP_FRAME_HLEN;
    const uint8_t src[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    size_t flen;
    assert_int_equal(dhcp_tx_frame(&ft, src, NULL, frame, sizeof frame, &flen), DHCP_OK);
    s = script(t, "unicast_offer_frame");
    put8(s, 4), put8(s, 0);
    put8(s, 5), put16(s, (uint16_t)flen), put(s, frame, flen);

    s = script(t, "mutated_ack");
    put8(s, 4), put8(s, 0);
    put8(s, 3), put8(s, 0), put8(s, 0);
    put8(s, 3), put8(s, 128), put8(s, 0x04); /* a byte in the options */

    probe_scripts(t);
}

static void server_scripts(void)
{
    const char *t = "fuzz_dhcp_server";
    struct seed *s = script(t, "handshake_renew");
    put8(s, 3), put8(s, 0), put8(s, 0); /* client 0 start */
    for (int i = 0; i < 2; i++)
        put8(s, 2), put8(s, 0), put8(s, 0), put8(s, 0);
    put8(s, 0), put16(s, 300); /* to T1 of the 600 s lease */
    put8(s, 2), put8(s, 0), put8(s, 0), put8(s, 0);

    s = script(t, "second_client_then_release");
    put8(s, 3), put8(s, 0), put8(s, 0);
    put8(s, 3), put8(s, 1), put8(s, 0);
    for (int i = 0; i < 2; i++)
        put8(s, 2), put8(s, 0), put8(s, 0), put8(s, 0);
    put8(s, 2), put8(s, 1), put8(s, 0), put8(s, 0); /* refused */
    put8(s, 3), put8(s, 0), put8(s, 2);             /* client 0 RELEASE */
    put8(s, 0), put16(s, 4);
    for (int i = 0; i < 2; i++)
        put8(s, 2), put8(s, 1), put8(s, 0), put8(s, 0);

    s = script(t, "reboot_and_expiry");
    put8(s, 3), put8(s, 1), put8(s, 1);
    put8(s, 2), put8(s, 1), put8(s, 0), put8(s, 0);
    put8(s, 0), put16(s, 700);
    put8(s, 3), put8(s, 0), put8(s, 0);
    put8(s, 2), put8(s, 0), put8(s, 0), put8(s, 0);

    /* Raw requests taken from the codec seeds. */
    const char *raw[] = {"discover", "request_selecting", "request_reboot", "inform", "release"};
    s = script(t, "raw_requests");
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        for (size_t j = 0; j < nseeds[gen]; j++) {
            struct seed *c = &seeds[gen][j];
            if (strcmp(c->target, "fuzz_dhcp_codec") == 0 && strcmp(c->name, raw[i]) == 0) {
                put8(s, 1), put16(s, (uint16_t)c->len), put(s, c->bytes, c->len);
            }
        }
    }
}

static void generate(int which)
{
    gen = which;
    nseeds[gen] = 0;
    dhcp_messages();
    netproto_frames();
    client_scripts();
    server_scripts();
}

/* dir/a or dir/a/b into out; fails the test rather than truncate (and
 * using snprintf's result keeps gcc -O2's -Wformat-truncation quiet). */
static void join(char *out, size_t cap, const char *dir, const char *a, const char *b)
{
    int n = b ? snprintf(out, cap, "%s/%s/%s", dir, a, b) : snprintf(out, cap, "%s/%s", dir, a);
    if (n < 0 || (size_t)n >= cap)
        fail_msg("path too long under %s", dir);
}

static void write_all(const char *dir)
{
    for (size_t i = 0; i < nseeds[0]; i++) {
        const struct seed *s = &seeds[0][i];
        char path[512];
        join(path, sizeof path, dir, s->target, NULL);
        mkdir(path, 0755);
        join(path, sizeof path, dir, s->target, s->name);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(s->bytes, 1, s->len, f), s->len);
        assert_int_equal(fclose(f), 0);
    }
    printf("wrote %zu seeds under %s\n", nseeds[0], dir);
}

/* tests/fuzz/corpus beside this file, or "" when __FILE__ is not a path
 * that leads there. */
static void corpus_dir(char *out, size_t cap)
{
    const char *me = __FILE__;
    const char *tail = "bringup_rv_virt_v1_2_host/test_dhcp_corpus.c";
    size_t n = strlen(me), t = strlen(tail);
    out[0] = 0;
    if (n < t || strcmp(me + n - t, tail) != 0)
        return;
    int w = snprintf(out, cap, "%.*sfuzz/corpus", (int)(n - t), me);
    if (w < 0 || (size_t)w >= cap)
        out[0] = 0;
}

static bool file_equals(const char *path, const uint8_t *p, size_t n)
{
    static uint8_t buf[SEED_MAX + 1];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    size_t got = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return got == n && memcmp(buf, p, n) == 0;
}

static void test_checked_in_corpus_is_current(void **state)
{
    (void)state;
    char dir[512];
    corpus_dir(dir, sizeof dir);
    struct stat st;
    if (dir[0] == 0 || stat(dir, &st) != 0) {
        printf("corpus: source tree not found from __FILE__, not compared\n");
        return;
    }
    generate(0);
    const char *targets[4] = {"fuzz_netproto", "fuzz_dhcp_codec", "fuzz_dhcp_client",
                              "fuzz_dhcp_server"};
    for (size_t i = 0; i < nseeds[0]; i++) {
        const struct seed *s = &seeds[0][i];
        char path[1024];
        join(path, sizeof path, dir, s->target, s->name);
        if (!file_equals(path, s->bytes, s->len))
            fail_msg("%s differs from the generator; regenerate (see the top of %s)", path,
                     __FILE__);
    }
    /* And nothing stale beside them. */
    for (int t = 0; t < 4; t++) {
        char path[1024];
        join(path, sizeof path, dir, targets[t], NULL);
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            bool known = false;
            for (size_t i = 0; i < nseeds[0] && !known; i++)
                known = strcmp(seeds[0][i].target, targets[t]) == 0 &&
                        strcmp(seeds[0][i].name, e->d_name) == 0;
            if (!known)
                fail_msg("%s/%s is not made by the generator", path, e->d_name);
        }
        closedir(d);
    }
}

static void test_corpus_deterministic_and_valid(void **state)
{
    (void)state;
    generate(0);
    generate(1);
    assert_int_equal(nseeds[0], nseeds[1]);
    size_t per_target[4] = {0};
    const char *targets[4] = {"fuzz_netproto", "fuzz_dhcp_codec", "fuzz_dhcp_client",
                              "fuzz_dhcp_server"};
    for (size_t i = 0; i < nseeds[0]; i++) {
        const struct seed *a = &seeds[0][i], *b = &seeds[1][i];
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->len, b->len);
        assert_memory_equal(a->bytes, b->bytes, a->len);
        for (int t = 0; t < 4; t++)
            per_target[t] += strcmp(a->target, targets[t]) == 0;
        if (strcmp(a->target, "fuzz_dhcp_codec") == 0) {
            struct dhcp_msg m;
            int rc = dhcp_msg_parse(a->bytes, a->len, &m);
            if (rc != DHCP_OK)
                fail_msg("seed %s: %s", a->name, dhcp_strerror(rc));
        }
        if (strcmp(a->target, "fuzz_netproto") == 0) {
            struct np_eth eh;
            assert_int_equal(np_eth_parse(a->bytes, a->len, &eh), NP_OK);
        }
    }
    for (int t = 0; t < 4; t++)
        assert_true(per_target[t] >= 4);
    const char *dir = getenv("RVNET_CORPUS_DIR");
    if (dir != NULL)
        write_all(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_deterministic_and_valid),
        cmocka_unit_test(test_checked_in_corpus_is_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
