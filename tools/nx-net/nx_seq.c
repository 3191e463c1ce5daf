/*
 * nx-net: the bring-up sequence, as nx-net runs it. The steps and their
 * marker lines are the bring-up module's (userspace/libs/bringup, the same
 * the rv-virt images and the size image run): nx_world_open brought the
 * frontend and the netstack up (bringup_say_device, bringup_init); here
 * come DHCP on virt0 (or --static's address, nx-net's own), and `up`:
 * bringup_run (DHCP, the ping of lo, the ping of the gateway), then the
 * summary or the JSON object from what it returned.
 */
#include <stdio.h>

#include "nx_net.h"

int nx_seq_dhcp(struct nx_world *w)
{
    return bringup_dhcp(&w->bu) == BRINGUP_OK ? 0 : nx_fail_bringup(w);
}

int nx_seq_address(struct nx_world *w)
{
    const struct nx_opts *o = w->o;
    if (!o->have_static)
        return nx_seq_dhcp(w);
    int rc = ns_if_set_addr(&w->ns, NS_IF_VIRT0, o->st_addr, o->st_mask, o->st_gw);
    if (rc != NS_OK)
        return nx_fail_step(w, "netstack virt0 static", ns_strerror(rc));
    char a[16], g[16];
    nx_say(w, "netstack: virt0 static addr=%s/%u gw=%s\n", nx_ip_str(o->st_addr, a),
           nx_prefix_len(o->st_mask), nx_ip_or_none(o->st_gw, true, g));
    return 0;
}

static void up_json(const struct nx_world *w, const struct ns_ping_result *lo,
                    const struct ns_ping_result *gw)
{
    struct ns_counters c;
    struct vnet_counters v;
    ns_counters(&w->ns, &c);
    vnet_counters(&w->h.dev, &v);
    char feat[160], a[16], g[16], d[16], mac[18];
    vnet_features_str(vnet_features_negotiated(&w->h.dev), feat, sizeof(feat));
    const struct ns_event *l = &w->lease;
    printf("{\"ok\":true,%s,\"virtio\":\"%s\",\"mmio\":\"0x%08x\",\"irq\":%u,\"mac\":\"%s\","
           "\"mtu\":%u,\"features_offered\":\"0x%016llx\","
           "\"features_negotiated\":\"0x%016llx\",\"features\":\"%s\",\"lo\":\"up\","
           "\"dhcp\":{\"addr\":\"%s\",\"prefix\":%u,\"gw\":\"%s\",\"dns\":\"%s\"},"
           "\"lo_ping\":{\"sent\":%u,\"received\":%u},"
           "\"gw_ping\":{\"sent\":%u,\"received\":%u},"
           "\"virt0\":{\"tx_frames\":%llu,\"tx_bytes\":%llu,\"rx_frames\":%llu,"
           "\"rx_bytes\":%llu},\"lo_frames\":%u,\"drops\":%llu,\"%s_ms\":%llu}\n",
           nx_json_be(w), w->o->version >= 2u ? "modern" : "legacy", NX_MMIO_BASE, NX_IRQ,
           nx_mac_str(vnet_mac(&w->h.dev), mac), vnet_mtu(&w->h.dev),
           (unsigned long long)vnet_features_offered(&w->h.dev),
           (unsigned long long)vnet_features_negotiated(&w->h.dev), feat, nx_ip_str(l->addr, a),
           l->prefix_len, nx_ip_or_none(l->gw, l->have & NS_HAVE_ROUTER, g),
           nx_ip_or_none(l->dns, l->have & NS_HAVE_DNS, d), lo->sent, lo->received, gw->sent,
           gw->received, (unsigned long long)v.tx_frames, (unsigned long long)v.tx_bytes,
           (unsigned long long)v.rx_frames, (unsigned long long)v.rx_bytes, c.tx_frames[NS_IF_LO],
           (unsigned long long)nx_drops(&c, &v), nx_clock_name(w),
           (unsigned long long)nx_elapsed(w));
}

static void up_summary(const struct nx_world *w)
{
    struct ns_counters c;
    struct vnet_counters v;
    ns_counters(&w->ns, &c);
    vnet_counters(&w->h.dev, &v);
    char feat[160];
    vnet_features_str(vnet_features_negotiated(&w->h.dev), feat, sizeof(feat));
    nx_say(w, "summary: features negotiated=0x%016llx (%s) of offered=0x%016llx\n",
           (unsigned long long)vnet_features_negotiated(&w->h.dev), feat,
           (unsigned long long)vnet_features_offered(&w->h.dev));
    nx_say(w,
           "summary: virt0 tx %llu frames %llu bytes, rx %llu frames %llu bytes; lo %u packets; "
           "drops %llu; %llu %s ms\n",
           (unsigned long long)v.tx_frames, (unsigned long long)v.tx_bytes,
           (unsigned long long)v.rx_frames, (unsigned long long)v.rx_bytes, c.tx_frames[NS_IF_LO],
           (unsigned long long)nx_drops(&c, &v), (unsigned long long)nx_elapsed(w),
           nx_clock_name(w));
}

int nx_cmd_up(struct nx_world *w)
{
    struct bringup_pings p;
    if (bringup_run(&w->bu, &p) != BRINGUP_OK)
        return nx_fail_bringup(w);
    if (w->o->json)
        up_json(w, &p.lo, &p.gw);
    else
        up_summary(w);
    return 0;
}
