/*
 * A bounded, checked walk of a flattened device tree (DTB, devicetree spec
 * v0.4 §5) that finds the virtio-mmio transports: nodes whose "compatible"
 * holds "virtio,mmio", with their "reg" base and first "interrupts" cell;
 * the timer's rate, /cpus' "timebase-frequency"; the kernel command line,
 * /chosen's "bootargs" (QEMU fills it from -append); and the RAM, the first
 * memory node's first "reg" pair.
 * Every offset and length is checked against the blob's declared sizes and
 * a caller-given upper bound before it is read; a malformed blob is an
 * error, never a wild read.
 */
#ifndef RVNET_PLATFORM_FDT_H
#define RVNET_PLATFORM_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_DEPTH 16u

enum fdt_err {
    FDT_OK = 0,
    FDT_ERR_INVAL = -1,     /* NULL argument */
    FDT_ERR_MAGIC = -2,     /* not a DTB */
    FDT_ERR_VERSION = -3,   /* older than version 16 */
    FDT_ERR_BOUNDS = -4,    /* a size or offset points outside the blob */
    FDT_ERR_FORMAT = -5,    /* bad token, nesting or property */
    FDT_ERR_NOT_FOUND = -6, /* no such property (timebase, bootargs, memory) */
};

struct fdt_virtio {
    uint64_t base;
    uint32_t irq;
};

/* Walks the blob at `fdt` (never reading beyond `max_len` bytes) and stores
 * up to `cap` virtio-mmio nodes in `out`, in tree order; *n gets the number
 * stored. Returns FDT_OK or a negative enum fdt_err. */
int fdt_find_virtio(const void *fdt, size_t max_len, struct fdt_virtio *out, unsigned cap,
                    unsigned *n);

/* The rate of the time CSR: "timebase-frequency" of /cpus or, failing
 * that, of the first cpu node under it (4 or 8 bytes, not 0). Returns FDT_OK
 * and sets *hz, FDT_ERR_NOT_FOUND, or the walk's error; *hz is untouched on
 * failure. */
int fdt_timebase(const void *fdt, size_t max_len, uint64_t *hz);

/* /chosen's "bootargs" (devicetree spec v0.4 §3.5): *args points into the
 * blob, *len bytes, up to the NUL (or the property's end when a bad blob
 * has none). FDT_ERR_NOT_FOUND when there is none or it is empty; *args
 * and *len are untouched on failure. */
int fdt_bootargs(const void *fdt, size_t max_len, const char **args, size_t *len);

/* The first memory node under the root (device_type "memory", §3.4): the
 * base and size of its first "reg" pair, in the root's cells. */
int fdt_memory(const void *fdt, size_t max_len, uint64_t *base, uint64_t *size);

#endif
