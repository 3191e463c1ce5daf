/*
 * The libslirp backend (host/backend/slirp.c) behind the fake device, with
 * the netstack on the real driver in front: slirp's DHCP lease (restricted:
 * no router, no DNS), slirp's echo reply from 10.0.2.2, its TFTP server
 * from a directory, a host forward carrying a connection from 127.0.0.1
 * into the guest, and what restrict=on refuses (nothing leaves: no socket
 * is made for a datagram to anyone but slirp's own services). The time is
 * given (1 ms per poll from 1000): slirp reads no clock of its own, so
 * nothing here depends on how fast the machine is. No root needed.
 * Without libslirp in the build the open must say so.
 */
#define _POSIX_C_SOURCE 200809L /* getpid, mkdtemp */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "slirp.h"
#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define SLIRP NP_IPV4(10, 0, 2, 2)

struct seen {
    unsigned tcp_syn_to_7777; /* TCP SYNs from slirp to 10.0.2.15:7777 */
    unsigned frames_in;
};

static void seen_tap(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame,
                     size_t len)
{
    struct seen *s = ctx;
    struct np_eth e;
    struct np_ipv4 ip;
    if (ifid != NS_IF_VIRT0 || dir != NS_DIR_RX)
        return;
    s->frames_in++;
    if (np_eth_parse(frame, len, &e) != NP_OK || e.type != NP_ETHERTYPE_IPV4 ||
        np_ipv4_parse(e.payload, e.payload_len, &ip) != NP_OK || ip.proto != 6 ||
        ip.payload_len < 20)
        return;
    const uint8_t *tcp = ip.payload;
    unsigned dport = ((unsigned)tcp[2] << 8) | tcp[3];
    if (ip.dst == OUR && dport == 7777 && (tcp[13] & 0x02u))
        s->tcp_syn_to_7777++;
}

struct rig {
    struct nt *t;
    struct slirp_backend s;
    struct seen seen;
};

static struct rig *rig_new(const struct slirp_backend_cfg *cfg)
{
    struct rig *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    char why[160];
    assert_int_equal(slirp_backend_open(&r->s, cfg, why, sizeof(why)), 0);
    struct nt *t = nt_new(false);
    r->t = t;
    assert_int_equal(vnet_harness_open(&t->h, 2, NULL), 0);
    assert_int_equal(vnet_harness_up(&t->h), VNET_OK);
    t->have_dev = true;
    t->be = slirp_backend_backend(&r->s);
    assert_string_equal(fake_backend_name(&t->be), "slirp");
    assert_int_equal(fake_backend_clock(&t->be), FAKE_CLOCK_MONOTONIC);
    fake_vnet_attach(&t->h.fake, &t->be);
    t->cfg.virt0 = &t->h.dev;
    t->cfg.dhcp = NS_DHCP_WIRE;
    t->cfg.tap = seen_tap;
    t->cfg.tap_ctx = &r->seen;
    assert_int_equal(nt_start(t), NS_OK);
    t->now = 1000;
    return r;
}

static void rig_free(struct rig *r)
{
    assert_int_equal(r->t->h.fake.violations, 0);
    fake_vnet_attach(&r->t->h.fake, NULL);
    fake_backend_close(&r->t->be);
    assert_null(r->s.slirp);
    fake_backend_close(&r->t->be); /* twice is harmless */
    nt_free(r->t);
    free(r);
}

/* One ms: the backend, the interrupt line, the stack. */
static void step(struct rig *r)
{
    struct nt *t = r->t;
    assert_int_equal(fake_backend_poll(&t->be, t->now), 0);
    if (fake_vnet_irq_line(&t->h.fake))
        assert_int_equal(ns_irq(&t->ns), NS_OK);
    assert_int_equal(ns_poll(&t->ns, t->now), NS_OK);
    t->now++;
}

static bool has_event(const struct nt *t, enum ns_event_type type, unsigned *at)
{
    for (unsigned k = 0; k < t->nev && k < NT_EV; k++)
        if (t->ev[k].type == type) {
            if (at)
                *at = k;
            return true;
        }
    return false;
}

static void lease(struct rig *r)
{
    for (unsigned i = 0; i < 200 && !has_event(r->t, NS_EV_DHCP_BOUND, NULL); i++)
        step(r);
    unsigned k = 0;
    assert_true(has_event(r->t, NS_EV_DHCP_BOUND, &k));
    const struct ns_event *e = &r->t->ev[k];
    assert_int_equal(e->addr, OUR);
    assert_int_equal(e->mask, NP_IPV4(255, 255, 255, 0));
    assert_int_equal(e->server, SLIRP);
    /* restrict=on: slirp's DHCP server sends neither router nor DNS. */
    assert_int_equal(e->have & (NS_HAVE_ROUTER | NS_HAVE_DNS), 0);
}

static void test_lease_and_ping_from_slirp(void **state)
{
    (void)state;
    if (!slirp_backend_available())
        skip();
    struct rig *r = rig_new(NULL);
    lease(r);
    struct ns_ping_params p = {SLIRP, 0x7276, 3, 56, 10, 1000};
    assert_int_equal(ns_ping_start(&r->t->ns, &p), NS_OK);
    struct ns_ping_result pr;
    for (unsigned i = 0; i < 2000; i++) {
        step(r);
        ns_ping_get(&r->t->ns, &pr);
        if (pr.done)
            break;
    }
    assert_true(pr.done);
    assert_int_equal(pr.sent, 3);
    assert_int_equal(pr.received, 3);
    /* slirp learned us from DHCP: its own ARP table says so. */
    char nb[512];
    slirp_backend_neighbors(&r->s, nb, sizeof(nb));
    assert_non_null(strstr(nb, "10.0.2.15"));
    assert_non_null(strstr(nb, "02:00:00:00:00:01"));
    assert_int_equal(r->s.stats.rx_refused, 0);
    assert_int_equal(r->s.stats.rx_frames, r->seen.frames_in);
    assert_true(r->s.stats.tx_frames > 0);
    rig_free(r);
}

/* restrict=on: a datagram to a port slirp does not serve itself, or to an
 * address that is not slirp's, makes no socket on the host (slirp would
 * have to poll it) and gets nothing back; an echo request to someone other
 * than slirp is not answered. */
static void test_restricted_sends_nothing_out(void **state)
{
    (void)state;
    if (!slirp_backend_available())
        skip();
    struct rig *r = rig_new(NULL);
    lease(r);
    struct ns_udp_sock u;
    struct ns_dgram q[4];
    assert_int_equal(ns_udp_bind(&r->t->ns, &u, 40000, q, 4), NS_OK);
    assert_int_equal(ns_udp_send(&r->t->ns, &u, SLIRP, 5353, "x", 1), NS_OK);
    assert_int_equal(ns_udp_send(&r->t->ns, &u, NP_IPV4(10, 0, 2, 77), 53, "x", 1), NS_OK);
    assert_int_equal(ns_udp_send(&r->t->ns, &u, NP_IPV4(10, 0, 2, 3), 53, "x", 1), NS_OK);
    for (unsigned i = 0; i < 3000; i++)
        step(r);
    assert_int_equal(r->s.nfds, 0);
    uint8_t buf[64];
    size_t n;
    assert_int_equal(ns_udp_recv(&u, buf, sizeof(buf), &n, NULL, NULL), NS_ERR_EMPTY);
    struct ns_ping_params p = {NP_IPV4(10, 0, 2, 77), 0x7276, 1, 56, 10, 500};
    assert_int_equal(ns_ping_start(&r->t->ns, &p), NS_OK);
    struct ns_ping_result pr;
    for (unsigned i = 0; i < 5000; i++) {
        step(r);
        ns_ping_get(&r->t->ns, &pr);
        if (pr.done)
            break;
    }
    assert_true(pr.done);
    assert_int_equal(pr.received, 0);
    ns_ping_stop(&r->t->ns);
    assert_int_equal(ns_udp_close(&r->t->ns, &u), NS_OK);
    rig_free(r);
}

/* slirp's TFTP server from cfg.tftp_dir: a read request for a file there
 * gets its first DATA block back (RFC 1350 §5: opcode 3, block 1). */
static void test_tftp_from_a_directory(void **state)
{
    (void)state;
    if (!slirp_backend_available())
        skip();
    char dir[256], file[300];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/rvnet_slirp_XXXXXX", tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/hello.txt", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("hello from slirp's tftp\n", f);
    fclose(f);

    struct slirp_backend_cfg cfg;
    slirp_backend_cfg_defaults(&cfg);
    cfg.tftp_dir = dir;
    struct rig *r = rig_new(&cfg);
    lease(r);
    struct ns_udp_sock u;
    struct ns_dgram q[4];
    assert_int_equal(ns_udp_bind(&r->t->ns, &u, 40001, q, 4), NS_OK);
    static const uint8_t rrq[] = {0,   1,   'h', 'e', 'l', 'l', 'o', '.', 't',
                                  'x', 't', 0,   'o', 'c', 't', 'e', 't', 0};
    assert_int_equal(ns_udp_send(&r->t->ns, &u, SLIRP, 69, rrq, sizeof(rrq)), NS_OK);
    uint8_t buf[600];
    size_t n = 0;
    uint32_t src = 0;
    int rc = NS_ERR_EMPTY;
    for (unsigned i = 0; i < 200 && rc == NS_ERR_EMPTY; i++) {
        step(r);
        rc = ns_udp_recv(&u, buf, sizeof(buf), &n, &src, NULL);
    }
    assert_int_equal(rc, NS_OK);
    assert_int_equal(src, SLIRP);
    assert_int_equal(n, 4 + 24);
    assert_int_equal(buf[1], 3); /* DATA */
    assert_int_equal(buf[3], 1); /* block 1 */
    assert_memory_equal(buf + 4, "hello from slirp's tftp\n", 24);
    assert_int_equal(ns_udp_close(&r->t->ns, &u), NS_OK);
    rig_free(r);
    remove(file);
    rmdir(dir);

    /* A directory that is not there is refused before slirp starts. */
    struct slirp_backend s;
    char why[160];
    cfg.tftp_dir = "/nonexistent/rvnet";
    assert_int_equal(slirp_backend_open(&s, &cfg, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "not a readable directory"));
    assert_null(s.slirp);
}

/* A host forward: a connection to 127.0.0.1:PORT on the host reaches the
 * guest as a TCP SYN to 10.0.2.15:7777 from slirp (the netstack has no TCP
 * and drops it, counted; the tap saw it arrive). */
static void test_host_forward_reaches_the_guest(void **state)
{
    (void)state;
    if (!slirp_backend_available())
        skip();
    struct rig *r = rig_new(NULL);
    lease(r);
    uint16_t port = 0;
    for (unsigned k = 0; k < 50 && port == 0; k++) {
        uint16_t p = (uint16_t)(20000u + ((unsigned)getpid() * 7u + k * 131u) % 30000u);
        if (slirp_backend_add_tcp_forward(&r->s, NP_IPV4(127, 0, 0, 1), p, 7777) == 0)
            port = p;
    }
    assert_true(port != 0);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(c >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(c, (struct sockaddr *)&a, sizeof(a));
    assert_true(rc == 0 || errno == EINPROGRESS);
    /* slirp accepts when its listening socket polls readable. */
    for (unsigned i = 0; i < 200 && r->seen.tcp_syn_to_7777 == 0; i++) {
        assert_true(fake_backend_wait(&r->t->be, 20) >= 0);
        step(r);
    }
    assert_true(r->seen.tcp_syn_to_7777 >= 1);
    close(c);
    rig_free(r);
}

static void test_without_libslirp_says_so(void **state)
{
    (void)state;
    if (slirp_backend_available())
        skip();
    struct slirp_backend s;
    char why[160];
    assert_int_equal(slirp_backend_open(&s, NULL, why, sizeof(why)), -ENOSYS);
    assert_non_null(strstr(why, "no libslirp"));
}

int main(void)
{
    printf("libslirp: %s\n", slirp_backend_version());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lease_and_ping_from_slirp),
        cmocka_unit_test(test_restricted_sends_nothing_out),
        cmocka_unit_test(test_tftp_from_a_directory),
        cmocka_unit_test(test_host_forward_reaches_the_guest),
        cmocka_unit_test(test_without_libslirp_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
