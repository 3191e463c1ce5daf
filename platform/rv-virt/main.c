/*
 * The bring-up image: finds the virtio-net device, brings the frontend up
 * on QEMU's own virtio-mmio device and prints the same marker lines as
 * `nx-net up`.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "fdt.h"
#include "virtio-net/virtio_net.h"

int rv_main(const void *fdt);

/* The frontend's DMA block: rings and both slabs (vnet_dma_size of the
 * default config is 61632 bytes; checked at run time). */
static uint8_t dma[64u * 1024u] __attribute__((aligned(4096)));
static struct vnet_dev dev;

struct slot {
    uintptr_t base;
    uint32_t irq;
    const char *how;
};

static void fail(const char *step, const char *reason)
{
    board_puts("SELFTEST: ");
    board_puts(step);
    board_puts(" FAIL reason=");
    board_puts(reason);
    board_puts("\n");
    board_exit(1);
}

/* The device tree first (bounded walk), then the eight fixed slots. */
static int find_net(const void *fdt, struct slot *out)
{
    struct fdt_virtio found[BOARD_VIRTIO_SLOTS];
    unsigned n = 0;
    int rc = fdt ? fdt_find_virtio(fdt, 1u << 20, found, BOARD_VIRTIO_SLOTS, &n) : FDT_ERR_INVAL;
    if (rc != FDT_OK)
        n = 0;
    for (unsigned i = 0; i < n; i++) {
        struct vnet_ops ops;
        struct vnet_mmio_info info;
        board_vnet_ops((uintptr_t)found[i].base, &ops);
        if (vnet_mmio_probe(&ops, &info) == VNET_OK && info.slot == VNET_SLOT_NET) {
            out->base = (uintptr_t)found[i].base;
            out->irq = found[i].irq;
            out->how = "dtb";
            return 0;
        }
    }
    for (unsigned i = 0; i < BOARD_VIRTIO_SLOTS; i++) {
        struct vnet_ops ops;
        struct vnet_mmio_info info;
        uintptr_t base = BOARD_VIRTIO_BASE + i * BOARD_VIRTIO_STRIDE;
        board_vnet_ops(base, &ops);
        if (vnet_mmio_probe(&ops, &info) == VNET_OK && info.slot == VNET_SLOT_NET) {
            out->base = base;
            out->irq = 1u + i;
            out->how = "scan";
            return 0;
        }
    }
    return -1;
}

int rv_main(const void *fdt)
{
    struct slot s;
    board_puts("rvnet rv-virt bring-up\n");
    if (find_net(fdt, &s) != 0)
        fail("virtionet", "no-device");
    struct vnet_ops ops;
    board_vnet_ops(s.base, &ops);
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    if (vnet_dma_size(&cfg) > sizeof(dma))
        fail("virtionet", "dma-too-small");
    int rc = vnet_init(&dev, &ops, &cfg, dma, sizeof(dma));
    if (rc != VNET_OK)
        fail("virtionet", vnet_strerror(rc));
    board_puts("virtionet: ready\n");
    board_puts("virtionet: mmio=0x");
    board_put_hex(s.base, 8);
    board_puts(" irq=");
    board_put_dec(s.irq);
    board_puts(" mac=");
    board_put_mac(dev.mac);
    board_puts(" mtu=1500 virtio=");
    board_puts(dev.mmio.version >= 2u ? "modern" : "legacy");
    board_puts("\n");
    board_puts("virtionet: found by ");
    board_puts(s.how);
    board_puts("\n");
    board_puts("SELFTEST: done\n");
    return 0;
}
