/*
 * Proof 3: TCP through lwIP on rvnet's frontend, over libslirp in this
 * process (restricted, as QEMU's -netdev user,restrict=on): this test,
 * as a host program on 127.0.0.1, connects to a host forward (127.0.0.1:P
 * -> 10.0.2.15:8080, slirp_backend_add_tcp_forward), slirp carries the
 * connection to lwIP's listener, and 1 MiB goes each way at once,
 * byte-exact: each side checks every byte it receives against the other's
 * generator and the FNV-1a hash of the stream against the sender's. No
 * address but 127.0.0.1 and slirp's own network is used.
 *
 * libslirp runs on the real clock (CLOCK_MONOTONIC, as every real backend
 * does): lwIP's sys_now() is set to the same milliseconds each round. The
 * host socket is non-blocking and served in the same loop, so only this
 * thread ever touches the frontend. Nothing here fails on time: the loop
 * is bounded by rounds, and ctest's timeout is the backstop.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lwip_rig.h"
#include "slirp.h"

#include "lwip/tcp.h"

#define XFER (1024u * 1024u + 777u) /* a MiB and an odd tail, each way */
#define GUEST_PORT 8080u
#define ROUNDS 2000000u /* at most, in all */
#define IDLE 30000u     /* rounds in a row in which no byte moved (each waits up to 1 ms) */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A byte stream from a seed (splitmix64), the same on both sides. */
struct gen {
    uint64_t s, word;
    unsigned left;
};

static uint8_t gen_byte(struct gen *g)
{
    if (g->left == 0) {
        g->s += 0x9e3779b97f4a7c15ull;
        uint64_t z = g->s;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        g->word = z ^ (z >> 31);
        g->left = 8;
    }
    uint8_t b = (uint8_t)g->word;
    g->word >>= 8;
    g->left--;
    return b;
}

/* One direction of the stream: what was sent (its hash) and what arrived
 * (checked byte by byte against a twin generator, and hashed). */
struct flow {
    struct gen tx, rx_want;
    uint64_t sent, got, bad;
    uint64_t tx_hash, rx_hash;
};

static void flow_init(struct flow *f, uint64_t seed)
{
    memset(f, 0, sizeof(*f));
    f->tx.s = f->rx_want.s = seed;
    f->tx_hash = f->rx_hash = 0xcbf29ce484222325ull;
}

static void fnv(uint64_t *h, uint8_t b)
{
    *h = (*h ^ b) * 0x100000001b3ull;
}

static void flow_take(struct flow *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        f->bad += b[i] != gen_byte(&f->rx_want);
        fnv(&f->rx_hash, b[i]);
    }
    f->got += n;
}

static size_t flow_make(struct flow *f, uint8_t *b, size_t cap)
{
    size_t n = XFER - f->sent < cap ? XFER - f->sent : cap;
    for (size_t i = 0; i < n; i++) {
        b[i] = gen_byte(&f->tx);
        fnv(&f->tx_hash, b[i]);
    }
    return n;
}

/* The lwIP side: a listener on 8080, one connection, 1 MiB out (flow
 * lw.tx) while the host's 1 MiB comes in (flow host.rx on lwIP's side). */
struct lw {
    struct tcp_pcb *listen, *conn;
    struct flow out;    /* lwIP -> host */
    struct flow in;     /* host -> lwIP, checked here */
    uint8_t pend[8192]; /* generated, not yet taken by tcp_write */
    size_t pend_len;
    bool eof, closed, failed;
    uint32_t remote;
    uint16_t remote_port;
};

static err_t lw_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct lw *a = arg;
    if (!p) {
        a->eof = true;
        return ERR_OK;
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return err;
    }
    for (struct pbuf *q = p; q; q = q->next)
        flow_take(&a->in, q->payload, q->len);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void lw_err(void *arg, err_t err)
{
    struct lw *a = arg;
    (void)err;
    a->failed = true;
    a->conn = NULL;
}

/* Queues as much of lwIP's MiB as its send buffer takes, then sends. */
static void lw_push(struct lw *a)
{
    if (!a->conn || a->closed)
        return;
    for (;;) {
        if (a->pend_len == 0)
            a->pend_len = flow_make(&a->out, a->pend, sizeof(a->pend));
        if (a->pend_len == 0)
            break;
        u16_t room = tcp_sndbuf(a->conn);
        if (room < a->pend_len && room < 1460)
            break;
        u16_t n = (u16_t)(a->pend_len < room ? a->pend_len : room);
        if (tcp_write(a->conn, a->pend, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        a->out.sent += n;
        memmove(a->pend, a->pend + n, a->pend_len - n);
        a->pend_len -= n;
    }
    tcp_output(a->conn);
    /* Both ways done: the host shut its side, all of ours is queued. */
    if (a->eof && a->out.sent == XFER && a->pend_len == 0 && tcp_close(a->conn) == ERR_OK)
        a->closed = true;
}

static err_t lw_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    lw_push(arg);
    return ERR_OK;
}

static err_t lw_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct lw *a = arg;
    if (err != ERR_OK || !pcb || a->conn)
        return ERR_VAL;
    a->conn = pcb;
    a->remote = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)));
    a->remote_port = pcb->remote_port;
    tcp_arg(pcb, a);
    tcp_recv(pcb, lw_recv);
    tcp_sent(pcb, lw_sent);
    tcp_err(pcb, lw_err);
    lw_push(a);
    return ERR_OK;
}

/* The host side: a non-blocking socket to 127.0.0.1:port. */
struct host {
    int fd;
    struct flow out; /* host -> lwIP */
    struct flow in;  /* lwIP -> host, checked here */
    uint8_t pend[16384];
    size_t pend_off, pend_len;
    bool connected, shut, eof;
};

/* One round of the host socket; true when it moved bytes. */
static bool host_io(struct host *h)
{
    bool moved = false;
    if (!h->shut) {
        if (h->pend_off == h->pend_len) {
            h->pend_off = 0;
            h->pend_len = flow_make(&h->out, h->pend, sizeof(h->pend));
        }
        if (h->pend_len > h->pend_off) {
            ssize_t n = send(h->fd, h->pend + h->pend_off, h->pend_len - h->pend_off, 0);
            if (n > 0) {
                h->pend_off += (size_t)n;
                h->out.sent += (uint64_t)n;
                moved = true;
            }
        }
        if (h->out.sent == XFER && h->pend_off == h->pend_len) {
            assert_int_equal(shutdown(h->fd, SHUT_WR), 0);
            h->shut = true;
        }
    }
    while (!h->eof) {
        uint8_t b[16384];
        ssize_t n = recv(h->fd, b, sizeof(b), 0);
        if (n > 0) {
            flow_take(&h->in, b, (size_t)n);
            moved = true;
        } else if (n == 0) {
            h->eof = true;
        } else {
            assert_true(errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN);
            break;
        }
    }
    return moved;
}

/* A port on 127.0.0.1 that nobody listens on now (the kernel picks it). */
static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t l = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* One round: slirp, the interrupt line, the port, lwIP's sender. */
static void round_once(struct lr *r, struct lw *a)
{
    r->now = mono_ms();
    assert_int_equal(fake_backend_poll(&r->be, r->now), 0);
    lwip_vnet_clock_set(r->now);
    if (fake_vnet_irq_line(&r->h.fake))
        assert_int_equal(lwip_vnet_irq(&r->v), LWIP_VNET_OK);
    assert_int_equal(lwip_vnet_poll(&r->v, r->now), LWIP_VNET_OK);
    if (a)
        lw_push(a);
}

/* The transfer on a device of that MTU (0: QEMU's default, 1500 without
 * VIRTIO_NET_F_MTU). */
static void transfer(uint16_t mtu)
{
    if (!slirp_backend_available()) {
        fprintf(stderr, "SKIPPED: this build has no libslirp (Debian libslirp-dev)\n");
        skip();
    }
    static struct slirp_backend s;
    struct slirp_backend_cfg scfg;
    slirp_backend_cfg_defaults(&scfg);
    char why[160];
    assert_int_equal(slirp_backend_open(&s, &scfg, why, sizeof(why)), 0);
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, 2);
    if (mtu) {
        fc.features |= VNET_FEATURE(VNET_F_MTU);
        fc.mtu = mtu;
    }
    struct lr *r = lr_new_dev(&fc);
    assert_int_equal(vnet_mtu(&r->h.dev), mtu ? mtu : 1500);
    assert_int_equal(r->v.netif.mtu, 0);
    struct fake_backend be = slirp_backend_backend(&s);
    lr_attach(r, &be);
    r->now = mono_ms();
    assert_int_equal(lr_start(r), LWIP_VNET_OK);
    for (unsigned i = 0; i < 20000 && lr_count(r, LWIP_VNET_EV_BOUND) == 0; i++) {
        round_once(r, NULL);
        if (lr_count(r, LWIP_VNET_EV_BOUND) == 0)
            (void)fake_backend_wait(&r->be, 1);
    }
    assert_int_equal(lr_count(r, LWIP_VNET_EV_BOUND), 1);
    assert_int_equal(r->v.netif.mtu, vnet_mtu(&r->h.dev));
    assert_int_equal(lr_ip(r), SLIRP_BACKEND_DHCP_START);
    assert_int_equal(lr_gw(r), 0); /* restrict=on: slirp sends no router */

    static struct lw a;
    memset(&a, 0, sizeof(a));
    flow_init(&a.out, 0x6c77697021ull);
    flow_init(&a.in, 0x686f737421ull);
    struct tcp_pcb *l = tcp_new();
    assert_non_null(l);
    assert_int_equal(tcp_bind(l, IP4_ADDR_ANY, GUEST_PORT), ERR_OK);
    a.listen = tcp_listen(l);
    assert_non_null(a.listen);
    tcp_arg(a.listen, &a);
    tcp_accept(a.listen, lw_accept);

    uint16_t port = 0;
    for (unsigned tries = 0; tries < 8 && port == 0; tries++) {
        uint16_t p = free_port();
        if (slirp_backend_add_tcp_forward(&s, 0x7f000001u, p, GUEST_PORT) == 0)
            port = p;
    }
    assert_int_not_equal(port, 0);
    static struct host h;
    memset(&h, 0, sizeof(h));
    flow_init(&h.out, 0x686f737421ull);
    flow_init(&h.in, 0x6c77697021ull);
    h.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(h.fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(h.fd, (struct sockaddr *)&sa, sizeof(sa));
    assert_true(rc == 0 || errno == EINPROGRESS);

    unsigned rounds = 0, idle = 0;
    for (; rounds < ROUNDS && idle < IDLE && !(h.eof && a.eof && a.closed); rounds++) {
        uint64_t before = a.in.got + a.out.sent;
        round_once(r, &a);
        bool moved = host_io(&h) || a.in.got + a.out.sent != before;
        idle = moved ? 0 : idle + 1;
        if (!moved && !fake_vnet_irq_line(&r->h.fake) && !lwip_vnet_work_pending(&r->v))
            (void)fake_backend_wait(&r->be, 1);
    }
    fprintf(stderr, "tcp: %u rounds, %llu frames out of the device, slirp %llu in\n", rounds,
            (unsigned long long)r->wire.ntx, (unsigned long long)s.stats.rx_frames);
    assert_false(a.failed);
    assert_int_equal(a.remote, SLIRP_BACKEND_HOST); /* slirp's side of a host forward */
    /* lwIP got the host's MiB, every byte as generated. */
    assert_int_equal(a.in.got, XFER);
    assert_int_equal(a.in.bad, 0);
    assert_true(a.in.rx_hash == h.out.tx_hash);
    /* And the host got lwIP's. */
    assert_true(h.eof);
    assert_int_equal(h.in.got, XFER);
    assert_int_equal(h.in.bad, 0);
    assert_true(h.in.rx_hash == a.out.tx_hash);
    assert_int_equal(a.out.sent, XFER);

    struct lwip_vnet_counters c;
    lwip_vnet_counters(&r->v, &c);
    assert_int_equal(c.rx_no_pbuf + c.rx_input_err + c.tx_bad_len + c.tx_dev_err, 0);
    assert_int_equal(r->h.fake.violations, 0);
    close(h.fd);
    tcp_close(a.listen);
    /* lwIP's own end of the connection finishes (FIN, TIME-WAIT) in lwIP. */
    for (unsigned i = 0; i < 50; i++)
        round_once(r, NULL);
    /* Every segment fitted the device's MTU, both ways. */
    struct vnet_counters vc;
    vnet_counters(&r->h.dev, &vc);
    assert_int_equal(vc.tx_bad_len + vc.rx_len_long, 0);
    lr_free(r);
    slirp_backend_close(&s);
}

static void test_tcp_mib_both_ways_over_slirp(void **state)
{
    (void)state;
    transfer(0);
}

/* A device with VIRTIO_NET_F_MTU 1000: lwIP's netif takes the frontend's
 * MTU, so its MSS (and the one it offers slirp) is 960, and every frame
 * fits. */
static void test_tcp_on_a_device_with_mtu_1000(void **state)
{
    (void)state;
    transfer(1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_mib_both_ways_over_slirp),
        cmocka_unit_test(test_tcp_on_a_device_with_mtu_1000),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
