/*
 * P6: frames per second through TX -> fake virtio-mmio device -> RX on one
 * core, 64-byte and 1514-byte frames, beside a plain memcpy of the same
 * bytes (the limit of any copying path). The fake device's far side loops
 * every transmitted frame straight back into the RX queue, so each frame
 * crosses both rings: driver copy into a TX slot, device copy out, device
 * copy into an RX buffer, driver hands it to the receive callback.
 *
 * Run: build/gcc/bench/bench_virtio            (>= 1 s per measurement)
 *      build/gcc/bench/bench_virtio --smoke    (tiny, for ctest)
 * It prints what ran; it never fails on speed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench_util.h"

#include "vnet_harness.h"

struct loop {
    struct fake_vnet *fake;
    uint64_t looped;
};

static void loop_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct loop *l = ctx;
    if (fake_vnet_inject(l->fake, frame, len) == 0)
        l->looped++;
}

struct sink {
    uint64_t frames, bytes;
    uint8_t last;
};

static void sink_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct sink *s = ctx;
    s->frames++;
    s->bytes += len;
    s->last ^= frame[len - 1];
}

/* Pushes frames of `len` bytes for at least `min_s` seconds (and at least
 * min_frames), in batches of half a ring. Returns frames per second. */
static double run(uint32_t version, size_t len, double min_s, uint64_t min_frames,
                  uint64_t *frames_out)
{
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    cfg.rx_queue_size = 256;
    cfg.tx_queue_size = 256;
    static struct vnet_harness h;
    if (vnet_harness_open(&h, version, &cfg) != 0) {
        fprintf(stderr, "bench_virtio: could not open the fake device\n");
        exit(1);
    }
    /* The fake's barrier model snapshots the avail side at every barrier:
     * test machinery, not device work, so it is left out of the measure. */
    h.fake.knobs.model_barriers = false;
    if (vnet_harness_up(&h) != VNET_OK) {
        fprintf(stderr, "bench_virtio: could not bring the device up\n");
        exit(1);
    }
    struct loop l = {&h.fake, 0};
    vnet_harness_capture(&h, loop_fn, &l);
    struct sink s = {0, 0, 0};
    uint8_t frame[1514];
    memset(frame, 0x5a, sizeof(frame));
    const unsigned batch = 128;
    double t0 = now_s(), t1 = t0;
    uint64_t sent = 0;
    while (sent < min_frames || t1 - t0 < min_s) {
        for (unsigned i = 0; i < batch; i++) {
            if (vnet_send_queue(&h.dev, frame, len) != VNET_OK)
                break;
            sent++;
        }
        vnet_send_kick(&h.dev);
        vnet_tx_reclaim(&h.dev, NULL);
        vnet_rx_poll(&h.dev, batch, sink_fn, &s, NULL);
        if ((sent & 0x3fffu) < batch)
            t1 = now_s();
    }
    while (s.frames < sent) {
        unsigned got = 0;
        vnet_rx_poll(&h.dev, batch, sink_fn, &s, &got);
        if (got == 0)
            break;
    }
    t1 = now_s();
    if (s.frames != sent || h.fake.stats.rx_dropped != 0) {
        fprintf(stderr, "bench_virtio: sent %llu, received %llu, device dropped %llu\n",
                (unsigned long long)sent, (unsigned long long)s.frames,
                (unsigned long long)h.fake.stats.rx_dropped);
        exit(1);
    }
    vnet_harness_close(&h);
    *frames_out = sent;
    return (double)sent / (t1 - t0);
}

static double memcpy_rate(size_t len, double min_s)
{
    static uint8_t src[1514], dst[1514];
    volatile uint8_t sink = 0;
    uint64_t n = 0;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < min_s) {
        for (int i = 0; i < 4096; i++) {
            src[n & 1023u] = (uint8_t)n;
            memcpy(dst, src, len);
            sink ^= dst[len - 1];
            n++;
        }
        t1 = now_s();
    }
    (void)sink;
    return (double)n / (t1 - t0);
}

int main(int argc, char **argv)
{
    int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    double min_s = smoke ? 0.0 : 1.0;
    uint64_t min_frames = smoke ? 2000 : 100000;
    struct utsname u;
    machine_name(&u);
    printf("bench_virtio (P6): TX -> fake virtio-mmio -> RX, queue size 256, batch 128, one core; "
           "the fake's barrier model off\n");
    printf("machine: %s %s; command: %s%s\n", u.sysname, u.machine, argv[0],
           smoke ? " --smoke" : "");
    printf("%-8s %-6s %12s %14s %14s %10s\n", "virtio", "bytes", "frames", "frames/s", "memcpy/s",
           "ratio");
    for (uint32_t v = 1; v <= 2; v++) {
        for (int k = 0; k < 2; k++) {
            size_t len = k == 0 ? 64 : 1514;
            uint64_t frames = 0;
            double fps = run(v, len, min_s, min_frames, &frames);
            double mps = memcpy_rate(len, smoke ? 0.01 : 1.0);
            printf("%-8s %-6zu %12llu %14.0f %14.0f %10.4f\n", v == 1 ? "legacy" : "modern", len,
                   (unsigned long long)frames, fps, mps, fps / mps);
        }
    }
    return 0;
}
