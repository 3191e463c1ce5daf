/*
 * The rv-virt images' device-tree walk on arbitrary bytes: it must return an
 * error or a result within its bounds, and never read outside the input.
 * Seed: the blob QEMU's virt board passes (tests/fixtures/gen-dtb.sh).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fdt_virtio v[8];
    unsigned n = 0;
    int rc = fdt_find_virtio(data, size, v, 8, &n);
    /* A result from the enum, and never more nodes than room for them. */
    if (rc > FDT_OK || rc < FDT_ERR_FORMAT || n > 8)
        abort();
    /* The same walk for the S-mode image's timebase. */
    uint64_t hz = 0;
    rc = fdt_timebase(data, size, &hz);
    if (rc > FDT_OK || rc < FDT_ERR_NOT_FOUND || (rc == FDT_OK && hz == 0))
        abort();
    /* And the fetch's: bootargs inside the input, never empty; the RAM. */
    const char *args = NULL;
    size_t len = 0;
    rc = fdt_bootargs(data, size, &args, &len);
    if (rc > FDT_OK || rc < FDT_ERR_NOT_FOUND ||
        (rc == FDT_OK &&
         (len == 0 || (const uint8_t *)args < data || (const uint8_t *)args + len > data + size)))
        abort();
    uint64_t base, msize;
    rc = fdt_memory(data, size, &base, &msize);
    if (rc > FDT_OK || rc < FDT_ERR_NOT_FOUND)
        abort();
    return 0;
}
