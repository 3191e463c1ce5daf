/*
 * P8: what a bigger stack costs on rvnet's frontend. lwIP (Debian's
 * liblwip.so through ports/lwip) and rvnet's netstack, each on the
 * virtio-net frontend over the fake device (host/fake), doing the same
 * work, so bench/run.sh can put them side by side:
 *
 *   echo --stack lwip|netstack   one ICMP echo per iteration: a request
 *       (56-byte payload) from the peer 10.0.2.2 is injected into the
 *       device, one poll of the stack takes it, answers it and sends the
 *       reply, and the peer (the fake's backend) checks it: one frame in,
 *       one frame out. The peer also answers ARP for 10.0.2.2 (once, in
 *       the warm-up).
 *   tcp                          lwIP only (rvnet's netstack has no TCP):
 *       two lwIP netifs, each on its own frontend and fake device, wired
 *       back to back (what one device sends, the other receives); a
 *       connection from 10.0.2.15 to 10.0.2.16, and one iteration is one
 *       full segment (1460 bytes) sent and received, with the ACKs that
 *       come back. Both ends are lwIP on the frontend, so each frame is
 *       one send and one receive.
 *
 * Everything runs on one thread, lwIP without its tcpip thread (lwip_init
 * only) and on a virtual clock (lwip_vnet_clock.c interposes sys_now), so
 * the instruction counts are the same on every run. The counts include
 * the fake device's share (its barrier model off, as in bench_virtio) and
 * the peer's, which are the same for both stacks.
 *
 * Run: bench_lwip_vnet echo --stack lwip             (1,000,000 echoes)
 *      bench_lwip_vnet tcp                           (200,000 segments)
 *      ... --smoke                                   (1,000)
 *      ... --iterations N                            (valgrind --tool=callgrind
 *        with N=10000 and N=0: the difference over 10000 is per iteration;
 *        "frames:" says how many frames crossed the devices, for per frame)
 * It prints what ran; it never fails on speed, only when a frame goes wrong.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "../bench_util.h"

#include "lwip-vnet/lwip_vnet.h"
#include "lwip-vnet/lwip_vnet_clock.h"
#include "netproto/netproto.h"
#include "netstack/netstack.h"
#include "vnet_harness.h"

#include "lwip/init.h"
#include "lwip/tcp.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)
#define OTHER NP_IPV4(10, 0, 2, 16)
#define PAYLOAD 56u
#define SEG 1460u

static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static void die(const char *what)
{
    fprintf(stderr, "bench_lwip_vnet: %s\n", what);
    exit(1);
}

/* A device with the frontend up, QEMU's modern defaults, barriers not
 * modelled (the fake's checking is not what is measured). */
static void device_up(struct vnet_harness *h, const uint8_t mac[6])
{
    if (vnet_harness_open(h, 2, NULL) != 0)
        die("harness");
    memcpy(h->fake.cfg.mac, mac, 6);
    h->fake.knobs.model_barriers = false;
    if (vnet_harness_up(h) != VNET_OK)
        die("vnet_init");
}

/* --- echo ------------------------------------------------------------- */

struct peer {
    struct fake_fn_backend be;
    uint8_t request[128];
    size_t request_len;
    unsigned long replies, bad, arp;
};

/* The far side of the device: answers ARP for 10.0.2.2 and checks each
 * echo reply (type 0, our id and sequence, the payload). */
static void peer_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct peer *p = ctx;
    struct np_eth e;
    struct np_ipv4 ip;
    struct np_icmp m;
    if (np_eth_parse(frame, len, &e) != NP_OK)
        return;
    if (e.type == NP_ETHERTYPE_ARP) {
        struct np_arp a, r;
        if (np_arp_parse(e.payload, e.payload_len, &a) != NP_OK || a.op != NP_ARP_REQUEST ||
            a.tpa != PEER)
            return;
        r.op = NP_ARP_REPLY;
        memcpy(r.sha, peer_mac, 6);
        r.spa = PEER;
        memcpy(r.tha, a.sha, 6);
        r.tpa = a.spa;
        uint8_t out[NP_ETH_MIN_FRAME];
        struct np_eth h = {{0}, {0}, NP_ETHERTYPE_ARP, NULL, 0};
        memcpy(h.dst, a.sha, 6);
        memcpy(h.src, peer_mac, 6);
        size_t n;
        if (np_arp_build(out + NP_ETH_HLEN, sizeof(out) - NP_ETH_HLEN, &r, &n) == NP_OK &&
            np_eth_build(out, sizeof(out), &h, n, &n) == NP_OK)
            (void)fake_fn_backend_deliver(&p->be, out, n);
        p->arp++;
        return;
    }
    if (e.type != NP_ETHERTYPE_IPV4 || np_ipv4_parse(e.payload, e.payload_len, &ip) != NP_OK ||
        ip.proto != NP_IP_PROTO_ICMP || np_icmp_parse(ip.payload, ip.payload_len, &m) != NP_OK)
        return;
    const uint8_t *want = p->request + NP_ETH_HLEN + NP_IPV4_HLEN + NP_ICMP_HLEN;
    if (m.type == NP_ICMP_ECHO_REPLY && m.id == 0x7276 && m.seq == 1 && ip.src == OUR &&
        ip.dst == PEER && m.payload_len == PAYLOAD && memcmp(m.payload, want, PAYLOAD) == 0)
        p->replies++;
    else
        p->bad++;
}

static void make_request(struct peer *p, const uint8_t *our_mac)
{
    uint8_t *icmp = p->request + NP_ETH_HLEN + NP_IPV4_HLEN;
    for (unsigned i = 0; i < PAYLOAD; i++)
        icmp[NP_ICMP_HLEN + i] = (uint8_t)i;
    struct np_icmp m = {NP_ICMP_ECHO_REQUEST, 0, 0x7276, 1, NULL, 0};
    struct np_ipv4 h;
    memset(&h, 0, sizeof(h));
    h.id = 1;
    h.ttl = 64;
    h.proto = NP_IP_PROTO_ICMP;
    h.src = PEER;
    h.dst = OUR;
    struct np_eth e = {{0}, {0}, NP_ETHERTYPE_IPV4, NULL, 0};
    memcpy(e.dst, our_mac, 6);
    memcpy(e.src, peer_mac, 6);
    size_t n;
    if (np_icmp_build(icmp, 100, &m, PAYLOAD, &n) != NP_OK ||
        np_ipv4_build(p->request + NP_ETH_HLEN, 110, &h, n, &n) != NP_OK ||
        np_eth_build(p->request, sizeof(p->request), &e, n, &p->request_len) != NP_OK)
        die("request");
}

static struct vnet_harness ha, hb;
static struct lwip_vnet pa, pb;
static struct ns_host ns;
static struct lo_slot lo[LO_DEPTH_DEFAULT];
static struct ns_arp_entry arp[4];
static struct ns_frame hold[4];

/* The stack under test, one poll at a time. */
static bool use_lwip;

static void stack_poll(uint64_t now)
{
    if (use_lwip) {
        if (fake_vnet_irq_line(&ha.fake))
            (void)lwip_vnet_irq(&pa);
        if (lwip_vnet_poll(&pa, now) != LWIP_VNET_OK)
            die("lwip_vnet_poll");
    } else {
        if (fake_vnet_irq_line(&ha.fake))
            (void)ns_irq(&ns);
        if (ns_poll(&ns, now) != NS_OK)
            die("ns_poll");
    }
}

static void stack_up(struct peer *p)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    device_up(&ha, mac);
    struct fake_backend be = fake_fn_backend(&p->be, peer_fn, p);
    fake_vnet_attach(&ha.fake, &be);
    if (use_lwip) {
        struct lwip_vnet_config c;
        lwip_vnet_config_defaults(&c);
        c.dhcp = false;
        if (lwip_vnet_init(&pa, &ha.dev, &c, 0) != LWIP_VNET_OK)
            die("lwip_vnet_init");
        ip4_addr_t a, m, g;
        IP4_ADDR(&a, 10, 0, 2, 15);
        IP4_ADDR(&m, 255, 255, 255, 0);
        IP4_ADDR(&g, 10, 0, 2, 2);
        netif_set_addr(lwip_vnet_netif(&pa), &a, &m, &g);
    } else {
        struct ns_config c;
        ns_config_defaults(&c);
        c.virt0 = &ha.dev;
        c.lo_slots = lo;
        c.lo_depth = LO_DEPTH_DEFAULT;
        c.arp = arp;
        c.arp_hold = hold;
        c.arp_n = 4;
        if (ns_init(&ns, &c) != NS_OK ||
            ns_if_set_addr(&ns, NS_IF_VIRT0, OUR, NP_IPV4(255, 255, 255, 0), PEER) != NS_OK)
            die("ns_init");
    }
}

static int run_echo(unsigned long n, const char *argv0)
{
    static struct peer p;
    stack_up(&p);
    make_request(&p, vnet_mac(&ha.dev));
    /* The warm-up echo: the stack asks for the peer's MAC once. */
    if (fake_vnet_inject(&ha.fake, p.request, p.request_len) != 0)
        die("inject");
    /* (the ARP reply is the next poll's, and the echo reply waits for it) */
    for (unsigned i = 0; i < 4 && p.replies == 0; i++)
        stack_poll(0);
    if (p.replies != 1 || p.arp != 1)
        die("the warm-up echo went wrong");
    p.replies = 0;
    uint64_t frames0 = ha.fake.stats.tx_frames + ha.fake.stats.rx_delivered;
    double t0 = now_s();
    for (unsigned long i = 0; i < n; i++) {
        if (fake_vnet_inject(&ha.fake, p.request, p.request_len) != 0)
            die("inject");
        stack_poll(0);
    }
    double dt = now_s() - t0;
    uint64_t frames = ha.fake.stats.tx_frames + ha.fake.stats.rx_delivered - frames0;
    struct utsname u;
    char cpu[128];
    cpu_model(cpu, sizeof(cpu));
    machine_name(&u);
    printf("bench_lwip_vnet P8: ICMP echo over the frontend and the fake device, %s, 56-byte "
           "payload, one poll per echo\n",
           use_lwip ? "lwIP " LWIP_VERSION_STRING " (Debian) through ports/lwip"
                    : "rvnet's netstack");
    printf("machine: %s %s %s, %s\n", u.sysname, u.release, u.machine, cpu);
    printf("echoes: %lu, %lu answered, %lu bad, ARP answered %lu\n", n, p.replies, p.bad, p.arp);
    printf("frames: %llu (in and out, after the warm-up)\n", (unsigned long long)frames);
    if (n > 0)
        printf("time: %.3f s, %.1f ns per echo, %.0f echoes/s\n", dt, dt * 1e9 / (double)n,
               (double)n / dt);
    printf("repeat: %s echo --stack %s --iterations %lu\n", argv0, use_lwip ? "lwip" : "netstack",
           n);
    return p.replies == n && p.bad == 0 ? 0 : 1;
}

/* --- tcp -------------------------------------------------------------- */

/* A wire: what one device sends, the other receives. */
static struct fake_fn_backend wire_a, wire_b;

static void a_to_b(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)fake_vnet_inject(&hb.fake, frame, len);
}

static void b_to_a(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)fake_vnet_inject(&ha.fake, frame, len);
}

struct xfer {
    struct tcp_pcb *listen, *client, *server;
    uint64_t want, queued, got;
    uint64_t bad; /* pbufs B received whose bytes were not all 0x5a */
    bool connected, failed;
};

static uint8_t seg[SEG];

static err_t b_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct xfer *x = arg;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    /* Every byte checked, at memcmp's speed: the receiver's own work is not
     * what is measured. */
    for (struct pbuf *q = p; q; q = q->next)
        if (q->len > sizeof(seg) || memcmp(q->payload, seg, q->len) != 0)
            x->bad++;
    x->got += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t b_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct xfer *x = arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    x->server = pcb;
    tcp_arg(pcb, x);
    tcp_recv(pcb, b_recv);
    return ERR_OK;
}

static err_t a_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct xfer *x = arg;
    (void)pcb;
    x->connected = err == ERR_OK;
    return ERR_OK;
}

static void a_err(void *arg, err_t err)
{
    struct xfer *x = arg;
    (void)err;
    x->failed = true;
    x->client = NULL;
}

static void a_push(struct xfer *x)
{
    if (!x->connected || !x->client)
        return;
    while (x->queued < x->want && tcp_sndbuf(x->client) >= SEG &&
           tcp_write(x->client, seg, SEG, 0) == ERR_OK)
        x->queued += SEG;
    tcp_output(x->client);
}

static void netif_static(struct lwip_vnet *p, uint32_t addr)
{
    ip4_addr_t a, m, g;
    ip4_addr_set_u32(&a, lwip_htonl(addr));
    IP4_ADDR(&m, 255, 255, 255, 0);
    ip4_addr_set_zero(&g);
    netif_set_addr(lwip_vnet_netif(p), &a, &m, &g);
}

/* One round: both stacks polled, the sender refilled, 1 ms of virtual
 * time (lwIP's delayed ACK and retransmission timers run on it). */
static uint64_t tnow;

static void tcp_round(struct xfer *x)
{
    lwip_vnet_clock_set(tnow);
    if (fake_vnet_irq_line(&ha.fake))
        (void)lwip_vnet_irq(&pa);
    if (lwip_vnet_poll(&pa, tnow) != LWIP_VNET_OK)
        die("poll a");
    if (fake_vnet_irq_line(&hb.fake))
        (void)lwip_vnet_irq(&pb);
    if (lwip_vnet_poll(&pb, tnow) != LWIP_VNET_OK)
        die("poll b");
    a_push(x);
    tnow++;
}

static int run_tcp(unsigned long n, const char *argv0)
{
    static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    memset(seg, 0x5a, sizeof(seg));
    device_up(&ha, mac_a);
    device_up(&hb, mac_b);
    struct fake_backend be = fake_fn_backend(&wire_a, a_to_b, NULL);
    fake_vnet_attach(&ha.fake, &be);
    be = fake_fn_backend(&wire_b, b_to_a, NULL);
    fake_vnet_attach(&hb.fake, &be);
    struct lwip_vnet_config c;
    lwip_vnet_config_defaults(&c);
    c.dhcp = false;
    tnow = 1;
    lwip_vnet_clock_set(tnow);
    if (lwip_vnet_init(&pa, &ha.dev, &c, tnow) != LWIP_VNET_OK ||
        lwip_vnet_init(&pb, &hb.dev, &c, tnow) != LWIP_VNET_OK)
        die("lwip_vnet_init");
    netif_static(&pa, OUR);
    netif_static(&pb, OTHER);

    static struct xfer x;
    x.want = (uint64_t)n * SEG;
    struct tcp_pcb *l = tcp_new();
    if (!l || tcp_bind(l, IP4_ADDR_ANY, 5001) != ERR_OK)
        die("tcp_bind");
    tcp_bind_netif(l, lwip_vnet_netif(&pb));
    x.listen = tcp_listen(l);
    if (!x.listen)
        die("tcp_listen");
    tcp_arg(x.listen, &x);
    tcp_accept(x.listen, b_accept);
    x.client = tcp_new();
    if (!x.client)
        die("tcp_new");
    /* Out through A's netif: B's address is on the same subnet. */
    tcp_bind_netif(x.client, lwip_vnet_netif(&pa));
    tcp_arg(x.client, &x);
    tcp_err(x.client, a_err);
    ip_addr_t dst;
    ip_addr_set_ip4_u32_val(dst, lwip_htonl(OTHER));
    if (tcp_connect(x.client, &dst, 5001, a_connected) != ERR_OK)
        die("tcp_connect");
    unsigned long rounds = 0;
    while (!x.failed && !x.connected && rounds < 1000ul) {
        tcp_round(&x);
        rounds++;
    }
    uint64_t frames0 = ha.fake.stats.tx_frames + hb.fake.stats.tx_frames;
    double t0 = now_s();
    while (!x.failed && x.connected && x.got < x.want && rounds < 100000ul + 100ul * n) {
        tcp_round(&x);
        rounds++;
    }
    double dt = now_s() - t0;
    uint64_t frames = ha.fake.stats.tx_frames + hb.fake.stats.tx_frames - frames0;
    bool ok = !x.failed && x.connected && x.got == x.want && x.bad == 0;
    struct utsname u;
    char cpu[128];
    cpu_model(cpu, sizeof(cpu));
    machine_name(&u);
    printf("bench_lwip_vnet P8: TCP over the frontend and the fake device, lwIP %s (Debian) "
           "through ports/lwip at both ends, %u-byte segments\n",
           LWIP_VERSION_STRING, SEG);
    printf("machine: %s %s %s, %s\n", u.sysname, u.release, u.machine, cpu);
    printf("segments: %lu (%llu bytes), received %llu (%llu pbufs wrong), rounds %lu\n", n,
           (unsigned long long)x.want, (unsigned long long)x.got, (unsigned long long)x.bad,
           rounds);
    printf("frames: %llu (after the handshake; in all A to B %llu, B to A %llu)\n",
           (unsigned long long)frames, (unsigned long long)ha.fake.stats.tx_frames,
           (unsigned long long)hb.fake.stats.tx_frames);
    if (n > 0 && frames > 0)
        printf("time: %.3f s, %.1f ns per frame, %.1f MiB/s\n", dt, dt * 1e9 / (double)frames,
               (double)x.want / dt / 1048576.0);
    printf("repeat: %s tcp --iterations %lu\n", argv0, n);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "echo") != 0 && strcmp(argv[1], "tcp") != 0)) {
        fprintf(stderr, "usage: %s echo|tcp [--stack lwip|netstack] [--smoke | --iterations N]\n",
                argv[0]);
        return 2;
    }
    bool tcp = strcmp(argv[1], "tcp") == 0;
    unsigned long n = tcp ? 200000ul : 1000000ul;
    use_lwip = true;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            n = 1000ul;
        } else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            char *end;
            n = strtoul(argv[++i], &end, 10);
            if (*end != 0)
                die("bad --iterations");
        } else if (strcmp(argv[i], "--stack") == 0 && i + 1 < argc && !tcp) {
            i++;
            if (strcmp(argv[i], "netstack") == 0)
                use_lwip = false;
            else if (strcmp(argv[i], "lwip") != 0)
                die("--stack lwip or netstack");
        } else {
            die("bad argument");
        }
    }
    lwip_vnet_stack_init();
    return tcp ? run_tcp(n, argv[0]) : run_echo(n, argv[0]);
}
