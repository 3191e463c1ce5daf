/*
 * nx-net: what is behind the fake device (--backend), the pcap tee around
 * it (--pcap) and the clock that goes with it.
 *   stub           the stub network (host/backend/stub_net.c): a peer at
 *                  10.0.2.2 answering DHCP, ARP and ICMP; virtual clock,
 *                  the same frames and the same pcap bytes on every run
 *   slirp          libslirp (host/backend/slirp.c), restricted: QEMU's user
 *                  network in this process, no root; monotonic clock
 *   tap:IFNAME     a Linux TAP that exists (host/backend/tap.c); monotonic
 *                  clock
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nx_net.h"

int nx_backend_parse(const char *spec, struct nx_opts *o, char *why, size_t why_len)
{
    if (strcmp(spec, "stub") == 0) {
        o->backend = NX_BE_STUB;
        return 0;
    }
    if (strcmp(spec, "slirp") == 0) {
        if (!slirp_backend_available()) {
            snprintf(why, why_len,
                     "--backend slirp: this nx-net was built without libslirp (install "
                     "libslirp-dev and libglib2.0-dev, then configure and build again)");
            return -1;
        }
        o->backend = NX_BE_SLIRP;
        return 0;
    }
    if (strncmp(spec, "tap:", 4) == 0) {
        if (!tap_backend_name_ok(spec + 4)) {
            snprintf(why, why_len,
                     "--backend %s: '%s' is not an interface name (1 to 15 "
                     "characters, no '/', ':' or spaces)",
                     spec, spec + 4);
            return -1;
        }
        o->backend = NX_BE_TAP;
        snprintf(o->ifname, sizeof(o->ifname), "%s", spec + 4);
        return 0;
    }
    snprintf(why, why_len, "--backend takes stub, slirp or tap:IFNAME, not '%s'", spec);
    return -1;
}

const char *nx_backend_desc(const struct nx_opts *o, char *buf, size_t cap)
{
    if (o->backend == NX_BE_TAP)
        snprintf(buf, cap, "tap:%s", o->ifname);
    else
        snprintf(buf, cap, "%s", o->backend == NX_BE_SLIRP ? "slirp" : "stub");
    return buf;
}

/* Opens what --backend names; why gets the reason without a prefix. */
static int open_inner(struct nx_backend *b, const struct nx_opts *o, char *why, size_t why_len)
{
    b->kind = o->backend;
    int rc = 0;
    switch (o->backend) {
    case NX_BE_STUB:
        if (stub_net_init(&b->stub, NULL) != 0) {
            snprintf(why, why_len, "the stub network's DHCP server would not start");
            return -1;
        }
        b->inner = stub_net_backend(&b->stub);
        break;
    case NX_BE_SLIRP: {
        struct slirp_backend_cfg sc;
        slirp_backend_cfg_defaults(&sc);
        sc.tftp_dir = o->tftp_dir;
        rc = slirp_backend_open(&b->slirp, &sc, why, why_len);
        if (rc == 0)
            b->inner = slirp_backend_backend(&b->slirp);
        break;
    }
    case NX_BE_TAP:
        rc = tap_backend_open(&b->tap, o->ifname, why, why_len);
        if (rc == 0)
            b->inner = tap_backend_backend(&b->tap);
        break;
    }
    return rc == 0 ? 0 : -1;
}

int nx_backend_open(struct nx_backend *b, const struct nx_opts *o, char *why, size_t why_len)
{
    memset(b, 0, sizeof(*b));
    char reason[256], desc[32];
    if (open_inner(b, o, reason, sizeof(reason)) != 0) {
        snprintf(why, why_len, "--backend %s: %s", nx_backend_desc(o, desc, sizeof(desc)), reason);
        return -1;
    }
    b->open = true;
    b->be = b->inner;
    b->real = fake_backend_clock(&b->inner) == FAKE_CLOCK_MONOTONIC;
    if (o->pcap) {
        if (pcap_tee_open(&b->tee, &b->inner, o->pcap) != 0) {
            snprintf(why, why_len, "--pcap %s: cannot write it: %s", o->pcap, strerror(errno));
            nx_backend_close(b);
            return -1;
        }
        b->tee_on = true;
        b->be = pcap_tee_backend(&b->tee);
    }
    return 0;
}

int nx_backend_close(struct nx_backend *b)
{
    int rc = 0;
    if (b->tee_on)
        rc = pcap_tee_close(&b->tee);
    if (b->open)
        fake_backend_close(&b->be); /* the tee's close closes inner too */
    b->open = false;
    b->tee_on = false;
    return rc;
}

uint64_t nx_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* What a real backend did, in one line (text output only): for tap its
 * counters, for slirp its counters and its own ARP table, which shows what
 * slirp learned of us. The stub prints nothing (its runs are golden). */
void nx_backend_report(const struct nx_backend *b, const struct nx_opts *o)
{
    if (o->json || !b->open)
        return;
    if (b->kind == NX_BE_TAP) {
        const struct tap_backend_stats *t = &b->tap.stats;
        printf("backend: tap:%s wrote %llu frames (%llu dropped, %llu errors), read %llu (%llu "
               "too long or short, %llu refused by the device)\n",
               o->ifname, (unsigned long long)t->tx_frames, (unsigned long long)t->tx_dropped,
               (unsigned long long)t->tx_errors, (unsigned long long)t->rx_frames,
               (unsigned long long)t->rx_bad_len, (unsigned long long)t->rx_refused);
    } else if (b->kind == NX_BE_SLIRP) {
        const struct slirp_backend_stats *t = &b->slirp.stats;
        char table[1024], arp[512] = "";
        slirp_backend_neighbors(&b->slirp, table, sizeof(table));
        /* libslirp's lines: "    ARP  02:00:00:00:00:01  10.0.2.15" */
        for (char *line = strtok(table, "\n"); line; line = strtok(NULL, "\n")) {
            char kind[8], mac[24], ip[48];
            if (sscanf(line, "%7s %23s %47s", kind, mac, ip) == 3 && strcmp(kind, "ARP") == 0)
                snprintf(arp + strlen(arp), sizeof(arp) - strlen(arp), "%s%s %s",
                         arp[0] ? ", " : "", mac, ip);
        }
        printf("backend: slirp (libslirp %s, restricted) took %llu frames, gave %llu (%llu "
               "refused by the device); its ARP table: %s\n",
               slirp_backend_version(), (unsigned long long)t->tx_frames,
               (unsigned long long)t->rx_frames, (unsigned long long)t->rx_refused,
               arp[0] ? arp : "empty");
    }
}
