/*
 * nx-net: the host front door of rvnet, in the shape of ip/ping. Every
 * subcommand runs the whole host in one process: the virtio-net frontend on
 * the fake virtio-mmio device, a stub network behind the device (a peer at
 * 10.0.2.2 answering DHCP, ARP and ICMP, as QEMU's slirp would), lo, and the
 * netstack, on a virtual clock that starts at 0 and moves 1 ms per poll. So
 * the same command gives the same frames, the same output and, with --pcap,
 * the same file, byte for byte. Host only.
 *
 *   nx-net [up]                  the bring-up sequence, marker lines, summary
 *   nx-net if                    interfaces after DHCP
 *   nx-net dhcp                  run DHCP on virt0, print the lease
 *   nx-net ping ADDR [-c N]      echo requests through the stack
 *   nx-net sendraw --proto N --dst ADDR --hex BYTES
 *   common: --virtio legacy|modern, --pcap FILE, --json, --help
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/netstack.h"
#include "pcap.h"
#include "rvnet/version.h"
#include "stub_net.h"
#include "vnet_harness.h"

/* The slot the fake device stands for: QEMU's virt board puts the first
 * -device in the highest of its eight virtio-mmio slots. */
#define NX_MMIO_BASE 0x10008000u
#define NX_IRQ 8u
#define NX_ARP_N 8u
#define NX_SOCK_DEPTH 8u
#define NX_STEP_LIMIT 200000u /* virtual ms any one wait may take */

enum cmd { CMD_UP, CMD_IF, CMD_DHCP, CMD_PING, CMD_SENDRAW };

static const char *const cmd_names[] = {"up", "if", "dhcp", "ping", "sendraw"};

struct opts {
    enum cmd cmd;
    uint32_t version;
    const char *pcap;
    bool json;
    unsigned count;
    int proto;
    const char *dst;
    const char *hex;
};

struct world {
    struct vnet_harness h;
    struct stub_net peer;
    struct fake_backend be; /* the stub network, behind the fake device */
    struct ns_host ns;
    struct lo_slot lo_slots[LO_DEPTH_DEFAULT];
    struct ns_arp_entry arp[NX_ARP_N];
    struct ns_frame arp_hold[NX_ARP_N];
    struct ns_raw_sock raw;
    struct ns_dgram raw_slots[NX_SOCK_DEPTH];
    struct pcap_out pcap;
    bool pcap_on;
    uint64_t now;
    bool bound;
    struct ns_event lease;
    const struct opts *o;
};

/* --- output --------------------------------------------------------------- */

/* Text lines go to stdout unless --json, where one object is printed at
 * the end instead. */
static void say(const struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct world *w, const char *fmt, ...)
{
    if (w->o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static const char *ip_str(uint32_t ip, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255u, (ip >> 8) & 255u, ip & 255u);
    return buf;
}

static const char *ip_or_none(uint32_t ip, bool have, char buf[16])
{
    if (!have || ip == 0) {
        snprintf(buf, 16, "none");
        return buf;
    }
    return ip_str(ip, buf);
}

static unsigned prefix_len(uint32_t mask)
{
    unsigned n = 0;
    while (n < 32u && (mask & (0x80000000u >> n)))
        n++;
    return n;
}

static const char *mac_str(const uint8_t m[6], char buf[18])
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

static int parse_ip(const char *s, uint32_t *out)
{
    unsigned a, b, c, d;
    char tail;
    if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 || c > 255 ||
        d > 255)
        return -1;
    *out = (a << 24) | (b << 16) | (c << 8) | d;
    return 0;
}

static int fail_step(const struct world *w, const char *step, const char *reason)
{
    if (w->o->json)
        printf("{\"ok\":false,\"step\":\"%s\",\"reason\":\"%s\"}\n", step, reason);
    else
        printf("SELFTEST: %s FAIL reason=%s\n", step, reason);
    return 1;
}

/* --- the world ------------------------------------------------------------- */

static void tap(void *ctx, enum ns_ifid ifid, enum ns_dir dir, const uint8_t *frame, size_t len)
{
    struct world *w = ctx;
    if (!w->pcap_on)
        return;
    /* lo hands each packet over twice (TX, then RX); a capture of lo, as
     * Linux writes one, shows it once. */
    if (ifid == NS_IF_LO && dir == NS_DIR_RX)
        return;
    (void)pcap_write_eth(&w->pcap, w->now, frame, len);
}

static void event(void *ctx, const struct ns_event *ev)
{
    struct world *w = ctx;
    if (ev->type == NS_EV_DHCP_BOUND || ev->type == NS_EV_DHCP_CHANGED) {
        w->bound = true;
        w->lease = *ev;
    } else if (ev->type == NS_EV_DHCP_LOST) {
        w->bound = false;
    }
}

/* One virtual millisecond: the interrupt line, then the one poll. */
static int step(struct world *w)
{
    if (fake_vnet_irq_line(&w->h.fake))
        (void)ns_irq(&w->ns);
    (void)fake_backend_poll(&w->be, w->now);
    int rc = ns_poll(&w->ns, w->now);
    w->now++;
    return rc;
}

static int world_open(struct world *w, const struct opts *o)
{
    memset(w, 0, sizeof(*w));
    w->o = o;
    if (vnet_harness_open(&w->h, o->version, NULL) != 0)
        return fail_step(w, "virtionet", "harness");
    if (stub_net_init(&w->peer, NULL) != 0)
        return fail_step(w, "virtionet", "stub-peer");
    w->be = stub_net_backend(&w->peer);
    fake_vnet_attach(&w->h.fake, &w->be);
    int rc = vnet_harness_up(&w->h);
    if (rc != VNET_OK)
        return fail_step(w, "virtionet", vnet_strerror(rc));
    char mac[18];
    say(w, "virtionet: ready\n");
    say(w, "virtionet: mmio=0x%08x irq=%u mac=%s mtu=1500 virtio=%s\n", NX_MMIO_BASE, NX_IRQ,
        mac_str(w->h.dev.mac, mac), o->version >= 2u ? "modern" : "legacy");
    if (o->pcap) {
        if (pcap_open(&w->pcap, o->pcap) != 0)
            return fail_step(w, "pcap", strerror(errno));
        w->pcap_on = true;
    }
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.virt0 = &w->h.dev;
    cfg.lo_slots = w->lo_slots;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    cfg.arp = w->arp;
    cfg.arp_hold = w->arp_hold;
    cfg.arp_n = NX_ARP_N;
    cfg.dhcp = NS_DHCP_WIRE;
    cfg.tap = tap;
    cfg.tap_ctx = w;
    cfg.event = event;
    cfg.event_ctx = w;
    rc = ns_init(&w->ns, &cfg);
    if (rc != NS_OK)
        return fail_step(w, "netstack", ns_strerror(rc));
    say(w, "netstack: ready\n");
    struct ns_if_info lo;
    if (ns_if_get(&w->ns, NS_IF_LO, &lo) != NS_OK || !lo.up)
        return fail_step(w, "netstack lo", "down");
    say(w, "netstack: lo up\n");
    return 0;
}

static void world_close(struct world *w)
{
    if (w->pcap_on)
        (void)pcap_close(&w->pcap);
    vnet_harness_close(&w->h);
}

static int run_dhcp(struct world *w)
{
    for (unsigned i = 0; i < NX_STEP_LIMIT && !w->bound; i++)
        (void)step(w);
    if (!w->bound)
        return fail_step(w, "netstack virt0 dhcp", "no-lease");
    char a[16], g[16], d[16];
    const struct ns_event *l = &w->lease;
    say(w, "netstack: virt0 dhcp addr=%s/%u gw=%s dns=%s\n", ip_str(l->addr, a),
        prefix_len(l->mask), ip_or_none(l->gw, l->have & NS_HAVE_ROUTER, g),
        ip_or_none(l->dns, l->have & NS_HAVE_DNS, d));
    return 0;
}

/* Pings dst count times, one request per 10 virtual ms; the result in *r. */
static int run_ping(struct world *w, uint32_t dst, unsigned count, struct ns_ping_result *r)
{
    struct ns_ping_params p = {dst, 0x7276 /* "rv" */, (uint16_t)count, 56, 10, 1000};
    int rc = ns_ping_start(&w->ns, &p);
    if (rc != NS_OK)
        return rc;
    for (unsigned i = 0; i < NX_STEP_LIMIT; i++) {
        (void)step(w);
        ns_ping_get(&w->ns, r);
        if (r->done)
            break;
    }
    ns_ping_stop(&w->ns);
    return NS_OK;
}

static uint64_t drops(const struct ns_counters *c, const struct vnet_counters *v)
{
    return (uint64_t)c->if_down + c->eth_bad_len + c->eth_not_ours + c->eth_bad_type + c->arp_bad +
           c->arp_bad_sender + c->arp_cache_full + c->arp_hold_drop + c->arp_unresolved +
           c->ip_bad_header + c->ip_bad_checksum + c->ip_fragment + c->ip_bad_src + c->ip_not_ours +
           c->ip_unknown_proto + c->ip_no_route + c->icmp_bad + c->udp_bad + c->udp_no_port +
           c->udp_queue_full + c->raw_queue_full + c->lo_full + c->tx_full + c->tx_no_device +
           c->tx_too_big + c->dhcp_dropped + v->tx_bad_len + v->tx_full + v->rx_len_over +
           v->rx_len_long + v->rx_len_short;
}

/* --- subcommands ------------------------------------------------------------ */

static int cmd_up(struct world *w)
{
    int rc = run_dhcp(w);
    if (rc)
        return rc;
    struct ns_ping_result lo, gw;
    if (run_ping(w, 0x7f000001u, 3, &lo) != NS_OK || lo.received != lo.sent || lo.sent != 3)
        return fail_step(w, "net lo ping", "no-reply");
    say(w, "SELFTEST: net lo ping ok\n");
    /* The gateway; a server that offers no router is pinged itself. */
    uint32_t target = (w->lease.have & NS_HAVE_ROUTER) ? w->lease.gw : w->lease.server;
    if (run_ping(w, target, 3, &gw) != NS_OK || gw.received != gw.sent || gw.sent != 3)
        return fail_step(w, "net gw ping", "no-reply");
    say(w, "SELFTEST: net gw ping ok\n");

    struct ns_counters c;
    struct vnet_counters v;
    ns_counters(&w->ns, &c);
    vnet_counters(&w->h.dev, &v);
    char feat[160], a[16], g[16], d[16], mac[18];
    vnet_features_str(w->h.dev.negotiated, feat, sizeof(feat));
    if (w->o->json) {
        const struct ns_event *l = &w->lease;
        printf("{\"ok\":true,\"virtio\":\"%s\",\"mmio\":\"0x%08x\",\"irq\":%u,\"mac\":\"%s\","
               "\"mtu\":1500,\"features_offered\":\"0x%016llx\","
               "\"features_negotiated\":\"0x%016llx\",\"features\":\"%s\",\"lo\":\"up\","
               "\"dhcp\":{\"addr\":\"%s\",\"prefix\":%u,\"gw\":\"%s\",\"dns\":\"%s\"},"
               "\"lo_ping\":{\"sent\":%u,\"received\":%u},"
               "\"gw_ping\":{\"sent\":%u,\"received\":%u},"
               "\"virt0\":{\"tx_frames\":%llu,\"tx_bytes\":%llu,\"rx_frames\":%llu,"
               "\"rx_bytes\":%llu},\"lo_frames\":%u,\"drops\":%llu,\"virtual_ms\":%llu}\n",
               w->o->version >= 2u ? "modern" : "legacy", NX_MMIO_BASE, NX_IRQ,
               mac_str(w->h.dev.mac, mac), (unsigned long long)w->h.dev.offered,
               (unsigned long long)w->h.dev.negotiated, feat, ip_str(l->addr, a),
               prefix_len(l->mask), ip_or_none(l->gw, l->have & NS_HAVE_ROUTER, g),
               ip_or_none(l->dns, l->have & NS_HAVE_DNS, d), lo.sent, lo.received, gw.sent,
               gw.received, (unsigned long long)v.tx_frames, (unsigned long long)v.tx_bytes,
               (unsigned long long)v.rx_frames, (unsigned long long)v.rx_bytes,
               c.tx_frames[NS_IF_LO], (unsigned long long)drops(&c, &v),
               (unsigned long long)w->now);
        return 0;
    }
    say(w, "summary: features negotiated=0x%016llx (%s) of offered=0x%016llx\n",
        (unsigned long long)w->h.dev.negotiated, feat, (unsigned long long)w->h.dev.offered);
    say(w,
        "summary: virt0 tx %llu frames %llu bytes, rx %llu frames %llu bytes; lo %u packets; "
        "drops %llu; %llu virtual ms\n",
        (unsigned long long)v.tx_frames, (unsigned long long)v.tx_bytes,
        (unsigned long long)v.rx_frames, (unsigned long long)v.rx_bytes, c.tx_frames[NS_IF_LO],
        (unsigned long long)drops(&c, &v), (unsigned long long)w->now);
    return 0;
}

static int cmd_if(struct world *w)
{
    int rc = run_dhcp(w);
    if (rc)
        return rc;
    struct ns_counters c;
    struct vnet_counters v;
    ns_counters(&w->ns, &c);
    vnet_counters(&w->h.dev, &v);
    static const char *const names[NS_IF_COUNT] = {"virt0", "lo"};
    if (w->o->json)
        printf("{\"ok\":true,\"interfaces\":[");
    for (unsigned i = 0; i < NS_IF_COUNT; i++) {
        struct ns_if_info f;
        if (ns_if_get(&w->ns, (enum ns_ifid)i, &f) != NS_OK)
            return fail_step(w, "if", "no-interface");
        char a[16], g[16], mac[18];
        if (w->o->json) {
            printf("%s{\"name\":\"%s\",\"up\":%s,\"addr\":\"%s\",\"prefix\":%u,\"gw\":\"%s\","
                   "\"mac\":\"%s\",\"mtu\":1500,\"rx_frames\":%u,\"tx_frames\":%u}",
                   i ? "," : "", names[i], f.up ? "true" : "false", ip_str(f.addr, a),
                   prefix_len(f.mask), ip_or_none(f.gw, true, g), mac_str(f.mac, mac),
                   c.rx_frames[i], c.tx_frames[i]);
            continue;
        }
        printf("%s: %s mtu 1500\n    inet %s/%u gw %s\n    ether %s\n    rx %u frames, tx %u "
               "frames\n",
               names[i], f.up ? "UP" : "DOWN", ip_str(f.addr, a), prefix_len(f.mask),
               ip_or_none(f.gw, true, g), mac_str(f.mac, mac), c.rx_frames[i], c.tx_frames[i]);
    }
    if (w->o->json)
        printf("],\"drops\":%llu}\n", (unsigned long long)drops(&c, &v));
    return 0;
}

static int cmd_dhcp(struct world *w)
{
    int rc = run_dhcp(w);
    if (rc)
        return rc;
    const struct dhcp_lease *l = ns_dhcp_lease(&w->ns);
    char a[16], m[16], g[16], d[16], s[16];
    if (!l)
        return fail_step(w, "dhcp", "no-lease");
    const struct ns_event *e = &w->lease;
    if (w->o->json) {
        printf("{\"ok\":true,\"addr\":\"%s\",\"mask\":\"%s\",\"prefix\":%u,\"gw\":\"%s\","
               "\"dns\":\"%s\",\"server\":\"%s\",\"lease_s\":%u,\"t1_s\":%u,\"t2_s\":%u}\n",
               ip_str(l->addr, a), ip_str(l->mask, m), l->prefix_len,
               ip_or_none(e->gw, e->have & NS_HAVE_ROUTER, g),
               ip_or_none(e->dns, e->have & NS_HAVE_DNS, d), ip_str(l->server_id, s), l->lease_s,
               l->t1_s, l->t2_s);
        return 0;
    }
    printf("lease: addr %s mask %s server %s lease %us t1 %us t2 %us\n", ip_str(l->addr, a),
           ip_str(l->mask, m), ip_str(l->server_id, s), l->lease_s, l->t1_s, l->t2_s);
    return 0;
}

static int cmd_ping(struct world *w)
{
    uint32_t dst;
    if (parse_ip(w->o->dst, &dst) != 0)
        return fail_step(w, "ping", "bad-address");
    int rc = run_dhcp(w);
    if (rc)
        return rc;
    struct ns_ping_result r;
    rc = run_ping(w, dst, w->o->count, &r);
    if (rc != NS_OK)
        return fail_step(w, "ping", ns_strerror(rc));
    char a[16];
    if (w->o->json) {
        printf("{\"ok\":%s,\"dst\":\"%s\",\"sent\":%u,\"received\":%u,\"rtt_min_ms\":%u,"
               "\"rtt_max_ms\":%u}\n",
               r.received == r.sent ? "true" : "false", ip_str(dst, a), r.sent, r.received,
               r.received ? r.rtt_min_ms : 0, r.received ? r.rtt_max_ms : 0);
    } else {
        printf("ping %s: %u sent, %u received, rtt min %u max %u ms (virtual clock)\n",
               ip_str(dst, a), r.sent, r.received, r.received ? r.rtt_min_ms : 0,
               r.received ? r.rtt_max_ms : 0);
    }
    return r.received == r.sent && r.sent > 0 ? 0 : 1;
}

static int hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = 0;
    while (*s) {
        if (*s == ' ' || *s == ':') {
            s++;
            continue;
        }
        unsigned v;
        if (n == cap || sscanf(s, "%2x", &v) != 1 || !s[1] ||
            !strchr("0123456789abcdefABCDEF", s[1]))
            return -1;
        out[n++] = (uint8_t)v;
        s += 2;
    }
    *len = n;
    return 0;
}

static int cmd_sendraw(struct world *w)
{
    uint32_t dst;
    uint8_t payload[NS_DGRAM_MAX];
    size_t len;
    if (parse_ip(w->o->dst, &dst) != 0)
        return fail_step(w, "sendraw", "bad-address");
    if (hex_decode(w->o->hex, payload, sizeof(payload), &len) != 0 || len == 0)
        return fail_step(w, "sendraw", "bad-hex");
    int rc = run_dhcp(w);
    if (rc)
        return rc;
    rc = ns_raw_open(&w->ns, &w->raw, (uint8_t)w->o->proto, w->raw_slots, NX_SOCK_DEPTH);
    if (rc == NS_OK)
        rc = ns_raw_send(&w->ns, &w->raw, dst, payload, len);
    if (rc != NS_OK)
        return fail_step(w, "sendraw", ns_strerror(rc));
    for (unsigned i = 0; i < 100; i++)
        (void)step(w);
    char a[16], b[16];
    if (w->o->json)
        printf("{\"ok\":true,\"proto\":%d,\"dst\":\"%s\",\"sent\":%zu,\"received\":[", w->o->proto,
               ip_str(dst, a), len);
    else
        printf("sent %zu bytes proto %d to %s\n", len, w->o->proto, ip_str(dst, a));
    unsigned n = 0;
    uint8_t buf[NS_DGRAM_MAX];
    size_t got;
    uint32_t src;
    while (ns_raw_recv(&w->raw, buf, sizeof(buf), &got, &src) == NS_OK) {
        if (w->o->json)
            printf("%s{\"src\":\"%s\",\"hex\":\"", n ? "," : "", ip_str(src, b));
        else
            printf("recv %zu bytes from %s:", got, ip_str(src, b));
        for (size_t i = 0; i < got; i++)
            printf(w->o->json ? "%02x" : " %02x", buf[i]);
        printf(w->o->json ? "\"}" : "\n");
        n++;
    }
    if (w->o->json)
        printf("]}\n");
    else
        printf("%u packets back\n", n);
    return 0;
}

/* --- command line ----------------------------------------------------------- */

static void usage(FILE *to, enum cmd c, bool all)
{
    if (all) {
        fprintf(to, "usage: nx-net [--virtio legacy|modern] [--pcap FILE] [--json] COMMAND\n"
                    "commands (default: up):\n"
                    "  up                        bring-up sequence with marker lines\n"
                    "  if                        interfaces after DHCP\n"
                    "  dhcp                      run DHCP on virt0 and print the lease\n"
                    "  ping ADDR [-c N]          echo requests to ADDR\n"
                    "  sendraw --proto N --dst ADDR --hex BYTES\n"
                    "                            send through the raw-socket shim\n"
                    "Everything runs in-process: the fake virtio-mmio device with a stub\n"
                    "network (10.0.2.2) behind it, on a virtual clock. 'nx-net COMMAND --help'.\n");
        return;
    }
    switch (c) {
    case CMD_UP:
        fprintf(to, "usage: nx-net up [--virtio legacy|modern] [--pcap FILE] [--json]\n"
                    "Frontend init, lo up, DHCP on virt0, ping on lo, ping of the gateway;\n"
                    "one marker line per step, then a summary. Exit 0 when every step passed.\n");
        break;
    case CMD_IF:
        fprintf(to, "usage: nx-net if [--virtio legacy|modern] [--pcap FILE] [--json]\n"
                    "Brings the host up (DHCP included) and lists virt0 and lo.\n");
        break;
    case CMD_DHCP:
        fprintf(to, "usage: nx-net dhcp [--virtio legacy|modern] [--pcap FILE] [--json]\n"
                    "Runs DHCP on virt0 against the stub network and prints the lease.\n");
        break;
    case CMD_PING:
        fprintf(to, "usage: nx-net ping ADDR [-c N] [--virtio legacy|modern] [--pcap FILE] "
                    "[--json]\n"
                    "N echo requests (default 3) to ADDR after DHCP: 127.x.y.z goes over lo,\n"
                    "10.0.2.2 to the stub peer. Exit 0 when every request was answered.\n");
        break;
    case CMD_SENDRAW:
        fprintf(to, "usage: nx-net sendraw --proto N --dst ADDR --hex BYTES [--virtio ...] "
                    "[--pcap FILE] [--json]\n"
                    "Sends BYTES as the payload of an IPv4 packet of protocol N through a raw\n"
                    "socket and prints what the socket receives in the next 100 virtual ms.\n");
        break;
    }
}

static int bad_usage(const char *why)
{
    fprintf(stderr, "nx-net: %s (try 'nx-net --help')\n", why);
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"virtio", required_argument, NULL, 'v'},
        {"pcap", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"count", required_argument, NULL, 'c'},
        {"proto", required_argument, NULL, 'P'},
        {"dst", required_argument, NULL, 'd'},
        {"hex", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'}, /* rvnet's version */
        {NULL, 0, NULL, 0},
    };
    struct opts o = {CMD_UP, 1, NULL, false, 3, -1, NULL, NULL};
    bool help = false, count_set = false;
    int ch;
    while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'v':
            if (strcmp(optarg, "legacy") == 0)
                o.version = 1;
            else if (strcmp(optarg, "modern") == 0)
                o.version = 2;
            else
                return bad_usage("--virtio takes legacy or modern");
            break;
        case 'p':
            o.pcap = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        case 'c': {
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || v == 0 || v > 1000)
                return bad_usage("-c takes a count from 1 to 1000");
            o.count = (unsigned)v;
            count_set = true;
            break;
        }
        case 'P': {
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || v > 255)
                return bad_usage("--proto takes an IP protocol number 0-255");
            o.proto = (int)v;
            break;
        }
        case 'd':
            o.dst = optarg;
            break;
        case 'x':
            o.hex = optarg;
            break;
        case 'h':
            help = true;
            break;
        case 'V': /* --version: the libraries' version, from rvnet/version.h */
            printf("nx-net %s\n", RVNET_VERSION_STRING);
            return 0;
        default:
            return 2; /* getopt_long printed why */
        }
    }
    bool have_cmd = false;
    if (optind < argc) {
        for (unsigned i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++) {
            if (strcmp(argv[optind], cmd_names[i]) == 0) {
                o.cmd = (enum cmd)i;
                have_cmd = true;
            }
        }
        if (!have_cmd) {
            fprintf(stderr, "nx-net: unknown command '%s' (try 'nx-net --help')\n", argv[optind]);
            return 2;
        }
        optind++;
    }
    if (help) {
        usage(stdout, o.cmd, !have_cmd);
        return 0;
    }
    if (o.cmd == CMD_PING) {
        if (optind >= argc)
            return bad_usage("ping needs an address");
        o.dst = argv[optind++];
    } else if (count_set) {
        return bad_usage("-c belongs to ping");
    }
    if (o.cmd == CMD_SENDRAW) {
        if (o.proto < 0 || !o.dst || !o.hex)
            return bad_usage("sendraw needs --proto, --dst and --hex");
    } else if (o.proto >= 0 || o.hex || (o.dst && o.cmd != CMD_PING)) {
        return bad_usage("--proto, --dst and --hex belong to sendraw");
    }
    if (optind < argc)
        return bad_usage("unexpected arguments");

    static struct world w;
    int rc = world_open(&w, &o);
    if (rc == 0) {
        switch (o.cmd) {
        case CMD_UP:
            rc = cmd_up(&w);
            break;
        case CMD_IF:
            rc = cmd_if(&w);
            break;
        case CMD_DHCP:
            rc = cmd_dhcp(&w);
            break;
        case CMD_PING:
            rc = cmd_ping(&w);
            break;
        case CMD_SENDRAW:
            rc = cmd_sendraw(&w);
            break;
        }
    }
    world_close(&w);
    if (w.pcap.error) {
        fprintf(stderr, "nx-net: writing %s failed\n", o.pcap);
        return 1;
    }
    return rc;
}
