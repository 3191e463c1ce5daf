/*
 * Host harness: one virtio-net frontend driving one fake virtio-mmio device
 * inside a DMA window, as tests, tools and benchmarks use it. Host only.
 */
#ifndef RVNET_HOST_VNET_HARNESS_H
#define RVNET_HOST_VNET_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "fake_vnet.h"
#include "virtio-net/virtio_net.h"

/* Where the DMA window sits in the fake's "guest physical" address space:
 * the start of RAM on QEMU's virt board. */
#define VNET_HARNESS_BASE 0x80000000ull

struct vnet_harness {
    struct fake_vnet fake;
    struct vnet_ops ops;
    struct vnet_config cfg;
    struct vnet_dev dev;
    struct fake_fn_backend capture; /* behind the fake after vnet_harness_capture */
    uint8_t *window; /* 4096-aligned, window_len bytes; the driver's DMA block is at its start */
    size_t window_len;
};

/* Sets up the fake (version 1 or 2, QEMU's defaults) and a DMA window big
 * enough for cfg (NULL: vnet_config_defaults). Does not start the driver, so
 * a test can change the fake first. Returns 0, or -1 (bad cfg, no memory). */
int vnet_harness_open(struct vnet_harness *h, uint32_t version, const struct vnet_config *cfg);

/* The same with the fake's configuration given (fcfg's window fields are
 * the harness's and ignored). */
int vnet_harness_open_cfg(struct vnet_harness *h, const struct fake_vnet_cfg *fcfg,
                          const struct vnet_config *cfg);

/* A fresh fake and driver on a harness that is open (or zeroed: then it is
 * opened), keeping its allocations when they are big enough: for loops that
 * run many short lives (the fuzz targets). Returns what open returns. */
int vnet_harness_reopen(struct vnet_harness *h, const struct fake_vnet_cfg *fcfg,
                        const struct vnet_config *cfg);

/* Puts a function backend behind the fake (backend.h): every frame the
 * driver sends goes to fn(ctx, frame, len). */
void vnet_harness_capture(struct vnet_harness *h,
                          void (*fn)(void *ctx, const uint8_t *frame, size_t len), void *ctx);

/* vnet_init on the fake. Returns what vnet_init returns. */
int vnet_harness_up(struct vnet_harness *h);

/* Frees the window and the fake's store. */
void vnet_harness_close(struct vnet_harness *h);

#endif
