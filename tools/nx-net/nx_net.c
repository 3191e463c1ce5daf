/*
 * nx-net: the host front door of rvnet. For now one subcommand, `up`: bring
 * the virtio-net frontend up on the fake virtio-mmio device, send one frame
 * out, have the far side echo it back, receive it, and print what was
 * negotiated. Host only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_harness.h"

/* The slot the fake device models: QEMU's virt board puts the first
 * -device in the highest of its eight virtio-mmio slots. */
#define NX_MMIO_BASE 0x10008000u
#define NX_IRQ 8u

struct echo_port {
    struct fake_vnet *fake;
    unsigned echoed;
};

/* The far side: a peer that sends every frame back with the addresses swapped. */
static void echo_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct echo_port *p = ctx;
    uint8_t back[2048];
    if (len < 14 || len > sizeof(back))
        return;
    memcpy(back, frame + 6, 6);
    memcpy(back + 6, frame, 6);
    memcpy(back + 12, frame + 12, len - 12);
    if (fake_vnet_inject(p->fake, back, len) == 0)
        p->echoed++;
}

struct rx_seen {
    unsigned frames;
    size_t len;
    uint8_t buf[2048];
};

static void rx_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct rx_seen *s = ctx;
    s->frames++;
    s->len = len;
    memcpy(s->buf, frame, len < sizeof(s->buf) ? len : sizeof(s->buf));
}

static int fail(const char *step, const char *reason)
{
    printf("SELFTEST: %s FAIL reason=%s\n", step, reason);
    return 1;
}

static int cmd_up(uint32_t version)
{
    static struct vnet_harness h;
    if (vnet_harness_open(&h, version, NULL) != 0)
        return fail("virtionet", "harness");
    struct echo_port port = {&h.fake, 0};
    h.fake.on_tx = echo_fn;
    h.fake.port_ctx = &port;
    int rc = vnet_harness_up(&h);
    if (rc != VNET_OK) {
        vnet_harness_close(&h);
        return fail("virtionet", vnet_strerror(rc));
    }
    const uint8_t *m = h.dev.mac;
    printf("virtionet: ready\n");
    printf("virtionet: mmio=0x%08x irq=%u mac=%02x:%02x:%02x:%02x:%02x:%02x mtu=1500 virtio=%s\n",
           NX_MMIO_BASE, NX_IRQ, m[0], m[1], m[2], m[3], m[4], m[5],
           version == 1 ? "legacy" : "modern");
    char names[128];
    vnet_features_str(h.dev.negotiated, names, sizeof(names));
    printf("virtionet: features offered=0x%016llx negotiated=0x%016llx (%s) hdr=%u rxq=%u txq=%u\n",
           (unsigned long long)h.dev.offered, (unsigned long long)h.dev.negotiated, names,
           h.dev.hdr_len, h.dev.rxq.size, h.dev.txq.size);

    /* One frame out and back: a broadcast with a local experimental
     * ethertype and a recognisable payload. */
    uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    memcpy(frame + 6, m, 6);
    frame[12] = 0x88;
    frame[13] = 0xb5;
    memcpy(frame + 14, "rvnet bring-up frame", 20);
    rc = vnet_send(&h.dev, frame, sizeof(frame));
    if (rc != VNET_OK) {
        vnet_harness_close(&h);
        return fail("virtionet tx", vnet_strerror(rc));
    }
    struct rx_seen seen = {0};
    uint32_t bits = 0;
    rc = vnet_irq(&h.dev, &bits);
    if (rc == VNET_OK)
        rc = vnet_tx_reclaim(&h.dev, NULL);
    if (rc == VNET_OK)
        rc = vnet_rx_poll(&h.dev, 16, rx_fn, &seen, NULL);
    if (rc != VNET_OK) {
        vnet_harness_close(&h);
        return fail("virtionet rx", vnet_strerror(rc));
    }
    if (seen.frames != 1 || seen.len != sizeof(frame) || memcmp(seen.buf + 14, frame + 14, 46) ||
        memcmp(seen.buf + 6, frame, 6) || memcmp(seen.buf, frame + 6, 6)) {
        vnet_harness_close(&h);
        return fail("virtionet echo", "frame-mismatch");
    }
    printf("virtionet: tx %zu bytes, rx %zu bytes echoed back byte-exact, irq bits=0x%x\n",
           sizeof(frame), seen.len, bits);
    struct vnet_counters c;
    vnet_counters(&h.dev, &c);
    printf("summary: tx_frames=%llu tx_bytes=%llu rx_frames=%llu rx_bytes=%llu kicks=%llu "
           "irqs=%llu drops=%llu\n",
           (unsigned long long)c.tx_frames, (unsigned long long)c.tx_bytes,
           (unsigned long long)c.rx_frames, (unsigned long long)c.rx_bytes,
           (unsigned long long)c.kicks, (unsigned long long)c.irqs,
           (unsigned long long)(c.rx_len_over + c.rx_len_short + c.tx_full + c.tx_bad_len));
    vnet_harness_close(&h);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: nx-net [up] [--virtio legacy|modern] [--help]\n"
                 "\n"
                 "  up   bring the virtio-net frontend up on the fake virtio-mmio device,\n"
                 "       send a frame, receive its echo, print what was negotiated\n"
                 "       (the default when no subcommand is given)\n"
                 "\n"
                 "  --virtio legacy|modern   virtio-mmio Version 1 (default) or 2\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"virtio", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint32_t version = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            if (strcmp(optarg, "legacy") == 0) {
                version = 1;
            } else if (strcmp(optarg, "modern") == 0) {
                version = 2;
            } else {
                fprintf(stderr, "nx-net: --virtio takes legacy or modern, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc && strcmp(argv[optind], "up") != 0) {
        fprintf(stderr, "nx-net: unknown subcommand '%s'\n", argv[optind]);
        return 2;
    }
    return cmd_up(version);
}
