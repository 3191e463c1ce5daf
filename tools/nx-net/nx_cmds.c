/*
 * nx-net: the subcommands other than up. Their arguments were checked in
 * nx_net.c before the world was brought up.
 */
#include <stdio.h>

#include "nx_net.h"

int nx_cmd_if(struct nx_world *w)
{
    int rc = nx_seq_address(w);
    if (rc)
        return rc;
    struct ns_counters c;
    struct vnet_counters v;
    ns_counters(&w->ns, &c);
    vnet_counters(&w->h.dev, &v);
    static const char *const names[NS_IF_COUNT] = {"virt0", "lo"};
    if (w->o->json)
        printf("{\"ok\":true,%s,\"interfaces\":[", nx_json_be(w));
    for (unsigned i = 0; i < NS_IF_COUNT; i++) {
        struct ns_if_info f;
        if (ns_if_get(&w->ns, (enum ns_ifid)i, &f) != NS_OK)
            return nx_fail_step(w, "if", "no-interface");
        char a[16], g[16], mac[18];
        if (w->o->json) {
            printf("%s{\"name\":\"%s\",\"up\":%s,\"addr\":\"%s\",\"prefix\":%u,\"gw\":\"%s\","
                   "\"mac\":\"%s\",\"mtu\":%u,\"rx_frames\":%u,\"tx_frames\":%u}",
                   i ? "," : "", names[i], f.up ? "true" : "false", nx_ip_str(f.addr, a),
                   nx_prefix_len(f.mask), nx_ip_or_none(f.gw, true, g), nx_mac_str(f.mac, mac),
                   f.mtu, c.rx_frames[i], c.tx_frames[i]);
            continue;
        }
        printf("%s: %s mtu %u\n    inet %s/%u gw %s\n    ether %s\n    rx %u frames, tx %u "
               "frames\n",
               names[i], f.up ? "UP" : "DOWN", f.mtu, nx_ip_str(f.addr, a), nx_prefix_len(f.mask),
               nx_ip_or_none(f.gw, true, g), nx_mac_str(f.mac, mac), c.rx_frames[i],
               c.tx_frames[i]);
    }
    if (w->o->json)
        printf("],\"drops\":%llu}\n", (unsigned long long)nx_drops(&c, &v));
    return 0;
}

int nx_cmd_dhcp(struct nx_world *w)
{
    int rc = nx_seq_dhcp(w);
    if (rc)
        return rc;
    const struct dhcp_lease *l = ns_dhcp_lease(&w->ns);
    char a[16], m[16], g[16], d[16], s[16];
    if (!l)
        return nx_fail_step(w, "dhcp", "no-lease");
    const struct ns_event *e = &w->lease;
    if (w->o->json) {
        printf("{\"ok\":true,%s,\"addr\":\"%s\",\"mask\":\"%s\",\"prefix\":%u,\"gw\":\"%s\","
               "\"dns\":\"%s\",\"server\":\"%s\",\"lease_s\":%u,\"t1_s\":%u,\"t2_s\":%u}\n",
               nx_json_be(w), nx_ip_str(l->addr, a), nx_ip_str(l->mask, m), l->prefix_len,
               nx_ip_or_none(e->gw, e->have & NS_HAVE_ROUTER, g),
               nx_ip_or_none(e->dns, e->have & NS_HAVE_DNS, d), nx_ip_str(l->server_id, s),
               l->lease_s, l->t1_s, l->t2_s);
        return 0;
    }
    printf("lease: addr %s mask %s server %s lease %us t1 %us t2 %us\n", nx_ip_str(l->addr, a),
           nx_ip_str(l->mask, m), nx_ip_str(l->server_id, s), l->lease_s, l->t1_s, l->t2_s);
    return 0;
}

int nx_cmd_ping(struct nx_world *w)
{
    int rc = nx_seq_address(w);
    if (rc)
        return rc;
    struct ns_ping_result r;
    uint32_t dst = w->o->addr;
    if (bringup_ping(&w->bu, dst, w->o->count, &r) != BRINGUP_OK)
        return nx_fail_bringup(w);
    char a[16];
    if (w->o->json) {
        printf("{\"ok\":%s,%s,\"dst\":\"%s\",\"sent\":%u,\"received\":%u,\"rtt_min_ms\":%u,"
               "\"rtt_max_ms\":%u}\n",
               r.received == r.sent ? "true" : "false", nx_json_be(w), nx_ip_str(dst, a), r.sent,
               r.received, r.received ? r.rtt_min_ms : 0, r.received ? r.rtt_max_ms : 0);
    } else {
        printf("ping %s: %u sent, %u received, rtt min %u max %u ms (%s clock)\n",
               nx_ip_str(dst, a), r.sent, r.received, r.received ? r.rtt_min_ms : 0,
               r.received ? r.rtt_max_ms : 0, nx_clock_name(w));
    }
    return r.received == r.sent && r.sent > 0 ? NX_EXIT_OK : NX_EXIT_FAIL;
}

static void print_raw_back(struct nx_world *w)
{
    char b[16];
    unsigned n = 0;
    uint8_t buf[NS_DGRAM_MAX];
    size_t got;
    uint32_t src;
    while (ns_raw_recv(&w->raw, buf, sizeof(buf), &got, &src) == NS_OK) {
        if (w->o->json)
            printf("%s{\"src\":\"%s\",\"hex\":\"", n ? "," : "", nx_ip_str(src, b));
        else
            printf("recv %zu bytes from %s:", got, nx_ip_str(src, b));
        for (size_t i = 0; i < got; i++)
            printf(w->o->json ? "%02x" : " %02x", buf[i]);
        printf(w->o->json ? "\"}" : "\n");
        n++;
    }
    if (w->o->json)
        printf("]}\n");
    else
        printf("%u packets back\n", n);
}

int nx_cmd_sendraw(struct nx_world *w)
{
    const struct nx_opts *o = w->o;
    int rc = nx_seq_address(w);
    if (rc)
        return rc;
    rc = ns_raw_open(&w->ns, &w->raw, (uint8_t)o->proto, w->raw_slots, NX_SOCK_DEPTH);
    if (rc == NS_OK)
        rc = ns_raw_send(&w->ns, &w->raw, o->addr, o->hex, o->hex_len);
    if (rc != NS_OK)
        return nx_fail_step(w, "sendraw", ns_strerror(rc));
    (void)nx_run(w, NULL, NULL, 100);
    char a[16];
    if (o->json)
        printf("{\"ok\":true,%s,\"proto\":%d,\"dst\":\"%s\",\"sent\":%zu,\"received\":[",
               nx_json_be(w), o->proto, nx_ip_str(o->addr, a), o->hex_len);
    else
        printf("sent %zu bytes proto %d to %s\n", o->hex_len, o->proto, nx_ip_str(o->addr, a));
    print_raw_back(w);
    return 0;
}
