/*
 * nx-net serve: the host comes up (DHCP, or --static on a link without a
 * server) and stays up for --seconds, so that a real host on the link can
 * talk to it: the netstack answers ARP for its address and ICMP echo
 * requests to it, and a UDP socket on --udp-echo (default 7, RFC 862's
 * echo port) sends every datagram back to where it came from (through
 * ns_udp_recv and ns_udp_send). DHCP events are printed as they happen (a
 * renewal shows as RENEWED). It ends by itself, or at SIGINT/SIGTERM, and
 * prints what it answered.
 */
#include <stdio.h>

#include "nx_net.h"

#define NX_SERVE_DEPTH 8u

struct serve {
    struct ns_udp_sock sock;
    struct ns_dgram slots[NX_SERVE_DEPTH];
    bool on;
    uint64_t echoed, bytes, echo_failed;
};

/* After every poll: each datagram waiting on the echo port goes back. */
static bool echo_all(struct nx_world *w, void *arg)
{
    struct serve *s = arg;
    uint8_t buf[NS_UDP_MAX];
    size_t len;
    uint32_t src;
    uint16_t sport;
    while (s->on && ns_udp_recv(&s->sock, buf, sizeof(buf), &len, &src, &sport) == NS_OK) {
        if (ns_udp_send(&w->ns, &s->sock, src, sport, buf, len) == NS_OK) {
            s->echoed++;
            s->bytes += len;
        } else {
            s->echo_failed++;
        }
    }
    return false; /* serve until the time is up */
}

static void report(const struct nx_world *w, const struct serve *s)
{
    struct ns_counters c;
    struct vnet_counters v;
    ns_counters(&w->ns, &c);
    vnet_counters(&w->h.dev, &v);
    if (w->o->json) {
        printf("{\"ok\":true,%s,\"ms\":%llu,\"icmp_echo_replies\":%u,\"arp_replies\":%u,"
               "\"udp_echoed\":%llu,\"udp_bytes\":%llu,\"udp_echo_failed\":%llu,"
               "\"dhcp\":{\"renewed\":%u,\"changed\":%u,\"lost\":%u,\"declined\":%u},"
               "\"drops\":%llu}\n",
               nx_json_be(w), (unsigned long long)nx_elapsed(w), c.icmp_echo_out, c.arp_rep_out,
               (unsigned long long)s->echoed, (unsigned long long)s->bytes,
               (unsigned long long)s->echo_failed, w->renewed, w->changed, w->lost, w->declined,
               (unsigned long long)nx_drops(&c, &v));
        return;
    }
    printf("serve: %llu %s ms: answered %u echo requests, %u ARP requests, %llu UDP datagrams "
           "(%llu bytes) echoed, %llu not; dhcp renewed %u changed %u lost %u; drops %llu\n",
           (unsigned long long)nx_elapsed(w), nx_clock_name(w), c.icmp_echo_out, c.arp_rep_out,
           (unsigned long long)s->echoed, (unsigned long long)s->bytes,
           (unsigned long long)s->echo_failed, w->renewed, w->changed, w->lost,
           (unsigned long long)nx_drops(&c, &v));
}

int nx_cmd_serve(struct nx_world *w)
{
    const struct nx_opts *o = w->o;
    static struct serve s;
    w->print_events = true;
    int rc = nx_seq_address(w);
    if (rc)
        return rc;
    if (o->udp_echo) {
        rc = ns_udp_bind(&w->ns, &s.sock, o->udp_echo, s.slots, NX_SERVE_DEPTH);
        if (rc != NS_OK)
            return nx_fail_step(w, "serve udp", ns_strerror(rc));
        s.on = true;
    }
    struct ns_if_info f;
    (void)ns_if_get(&w->ns, NS_IF_VIRT0, &f);
    char a[16];
    nx_say(w, "serve: up at %s/%u for %u s: ARP, ICMP echo", nx_ip_str(f.addr, a),
           nx_prefix_len(f.mask), o->seconds);
    if (o->udp_echo)
        nx_say(w, ", UDP echo on port %u", o->udp_echo);
    nx_say(w, "\n");
    fflush(stdout);
    (void)nx_run(w, echo_all, &s, (uint64_t)o->seconds * 1000u);
    (void)echo_all(w, &s);
    report(w, &s);
    if (s.on)
        (void)ns_udp_close(&w->ns, &s.sock);
    return 0;
}
