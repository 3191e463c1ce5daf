/*
 * The virtio-mmio register file (virtio 1.2 §4.2.2; legacy layout §4.2.4)
 * and the net device's config space (§5.1.4). Registers that do not exist
 * on this version, or for the selected queue, read 0 and are a violation,
 * as is any queue register written while the queue is live.
 */
#include <string.h>

#include "fake_internal.h"

/* Config space bytes: mac[6], status, max_virtqueue_pairs, mtu. Multi-byte
 * fields are little-endian (modern) or guest order (legacy). */
static void config_bytes(const struct fake_vnet *f, uint8_t cfg[12])
{
    memcpy(cfg, f->cfg.mac, 6);
    fake_st16(f, cfg + 6, f->regs.net_status);
    fake_st16(f, cfg + 8, 1);
    fake_st16(f, cfg + 10, f->cfg.mtu);
}

static bool config_read(struct fake_vnet *f, uint32_t off, unsigned width, uint8_t *out)
{
    uint8_t cfg[12];
    if (off < VNET_MMIO_CONFIG || off - VNET_MMIO_CONFIG + width > sizeof(cfg)) {
        fake_violation(f, "config read of %u bytes at 0x%x", width, off);
        return false;
    }
    config_bytes(f, cfg);
    memcpy(out, cfg + (off - VNET_MMIO_CONFIG), width);
    if (fake_fault_take(f, FAKE_FAULT_CONFIG_TORN)) {
        /* Half old, half new: garbage, and a new generation (virtio 1.2
         * §2.5.1: the driver must then read the fields again). */
        for (unsigned i = 0; i < width; i++)
            out[i] = (uint8_t)~out[i];
        f->regs.config_generation++;
    }
    return true;
}

/* Registers of a present device; *known false for one that does not exist. */
static uint32_t read_device_reg(struct fake_vnet *f, uint32_t off, bool *known)
{
    struct fake_vnet_queue *q = f->regs.queue_sel < FAKE_QUEUES ? &f->q[f->regs.queue_sel] : NULL;
    *known = true;
    switch (off) {
    case VNET_MMIO_DEVICE_FEATURES:
        if (f->regs.dev_features_sel == 0)
            return (uint32_t)f->cfg.features;
        if (f->regs.dev_features_sel == 1 && fake_modern(f))
            return (uint32_t)(f->cfg.features >> 32);
        return 0;
    case VNET_MMIO_QUEUE_NUM_MAX:
        return q ? f->cfg.queue_num_max : 0;
    case VNET_MMIO_QUEUE_PFN:
        if (!fake_modern(f))
            return q ? q->pfn : 0;
        break;
    case VNET_MMIO_QUEUE_READY:
        if (fake_modern(f))
            return q ? q->ready : 0;
        break;
    case VNET_MMIO_INTERRUPT_STATUS: {
        uint32_t v = f->regs.int_status;
        if (f->raise_on_status_read) {
            fake_raise_bits(f, f->raise_on_status_read);
            f->raise_on_status_read = 0;
        }
        return v;
    }
    case VNET_MMIO_STATUS:
        f->stats.status_reads++;
        if (f->regs.reset_left > 0) {
            f->regs.reset_left--;
            return f->regs.reset_shows;
        }
        return f->regs.status;
    case VNET_MMIO_CONFIG_GENERATION:
        if (fake_modern(f)) {
            f->stats.generation_reads++;
            return f->regs.config_generation;
        }
        break;
    default:
        break;
    }
    *known = false;
    return 0;
}

uint32_t fake_vnet_read32(struct fake_vnet *f, uint32_t off)
{
    if (off >= VNET_MMIO_CONFIG) {
        uint8_t b[4];
        return config_read(f, off, 4, b) ? fake_ld32(f, b) : 0;
    }
    switch (off) {
    case VNET_MMIO_MAGIC_VALUE:
        return VNET_MMIO_MAGIC;
    case VNET_MMIO_VERSION:
        return f->cfg.version;
    case VNET_MMIO_DEVICE_ID:
        return f->cfg.device_id;
    case VNET_MMIO_VENDOR_ID:
        return f->cfg.device_id ? 0x554d4551u : 0; /* "QEMU" */
    default:
        break;
    }
    if (f->cfg.device_id == 0)
        return 0;
    bool known;
    uint32_t v = read_device_reg(f, off, &known);
    if (!known)
        fake_violation(f, "read of register 0x%03x", off);
    return v;
}

uint16_t fake_vnet_read16(struct fake_vnet *f, uint32_t off)
{
    uint8_t b[2];
    if (f->cfg.device_id == 0 || !config_read(f, off, 2, b))
        return 0;
    return fake_ld16(f, b);
}

uint8_t fake_vnet_read8(struct fake_vnet *f, uint32_t off)
{
    uint8_t b;
    if (f->cfg.device_id == 0 || !config_read(f, off, 1, &b))
        return 0;
    return b;
}

static void set_lo(uint64_t *r, uint32_t v)
{
    *r = (*r & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
    *r = (*r & 0xffffffffull) | ((uint64_t)v << 32);
}

/* Legacy QueuePFN (virtio 1.2 §4.2.4): the ring is one block at PFN *
 * GuestPageSize, the used ring at the next QueueAlign boundary after the
 * avail ring. 0 resets the whole device in QEMU. As QEMU 7.2 does
 * (hw/virtio/virtio-mmio.c, hw/virtio/virtio.c virtio_queue_update_rings):
 * the PFN is shifted by ctz(GuestPageSize), whatever power of two the
 * driver wrote, and the used ring follows avail->ring[num] without room for
 * used_event (4 + 2 * num bytes, not the spec's 6 + 2 * num). */
static void write_pfn(struct fake_vnet *f, unsigned qi, uint32_t val)
{
    struct fake_vnet_queue *q = &f->q[qi];
    if (val == 0) {
        fake_device_reset(f);
        return;
    }
    if (f->regs.guest_page_size == 0 || q->align == 0 || (q->align & (q->align - 1u)) != 0) {
        fake_violation(f, "queue %u: QueuePFN before GuestPageSize/QueueAlign", qi);
        return;
    }
    q->desc = (uint64_t)val << __builtin_ctz(f->regs.guest_page_size);
    q->driver = q->desc + 16ull * q->num;
    q->device = (q->driver + 4ull + 2ull * q->num + q->align - 1u) & ~(uint64_t)(q->align - 1u);
    if (fake_ring_fits(f, qi)) {
        q->pfn = val;
        fake_avail_snapshot(f, qi); /* the barrier model starts from here */
    }
}

static void write_queue_reg(struct fake_vnet *f, uint32_t off, uint32_t val)
{
    if (f->regs.queue_sel >= FAKE_QUEUES) {
        fake_violation(f, "queue register 0x%03x written for missing queue %u", off,
                       f->regs.queue_sel);
        return;
    }
    unsigned qi = f->regs.queue_sel;
    struct fake_vnet_queue *q = &f->q[qi];
    if (fake_queue_live(f, qi) && !(off == VNET_MMIO_QUEUE_READY && val == 0) &&
        !(off == VNET_MMIO_QUEUE_PFN && val == 0)) {
        fake_violation(f, "queue %u: register 0x%03x written while the queue is live", qi, off);
        return;
    }
    switch (off) {
    case VNET_MMIO_QUEUE_NUM:
        q->num = val;
        return;
    case VNET_MMIO_QUEUE_ALIGN:
        q->align = val;
        return;
    case VNET_MMIO_QUEUE_DESC_LOW:
        set_lo(&q->desc, val);
        return;
    case VNET_MMIO_QUEUE_DESC_HIGH:
        set_hi(&q->desc, val);
        return;
    case VNET_MMIO_QUEUE_DRIVER_LOW:
        set_lo(&q->driver, val);
        return;
    case VNET_MMIO_QUEUE_DRIVER_HIGH:
        set_hi(&q->driver, val);
        return;
    case VNET_MMIO_QUEUE_DEVICE_LOW:
        set_lo(&q->device, val);
        return;
    case VNET_MMIO_QUEUE_DEVICE_HIGH:
        set_hi(&q->device, val);
        return;
    case VNET_MMIO_QUEUE_READY:
        if (val == 0) {
            q->ready = 0;
        } else if (fake_ring_fits(f, qi)) {
            q->ready = 1;
            fake_avail_snapshot(f, qi); /* the barrier model starts from here */
        }
        return;
    case VNET_MMIO_QUEUE_PFN:
        write_pfn(f, qi, val);
        return;
    default:
        return;
    }
}

static void write_driver_features(struct fake_vnet *f, uint32_t val)
{
    if (f->regs.status & (VNET_STATUS_FEATURES_OK | VNET_STATUS_DRIVER_OK)) {
        fake_violation(f, "DriverFeatures written after FEATURES_OK/DRIVER_OK");
        return;
    }
    uint64_t before = f->regs.driver_features;
    if (f->regs.drv_features_sel == 0)
        set_lo(&f->regs.driver_features, val);
    else if (f->regs.drv_features_sel == 1 && fake_modern(f))
        set_hi(&f->regs.driver_features, val);
    else if (val != 0)
        fake_violation(f, "DriverFeatures word %u written", f->regs.drv_features_sel);
    /* Other features: the next FEATURES_OK is judged afresh, as QEMU
     * validates every write that sets it. */
    if (f->regs.driver_features != before)
        f->regs.features_refused = false;
}

static void write_notify(struct fake_vnet *f, uint32_t val)
{
    if (!(f->regs.status & VNET_STATUS_DRIVER_OK) || (f->regs.status & VNET_STATUS_FAILED)) {
        f->stats.notifies_before_driver_ok++;
        fake_violation(f, "QueueNotify %u before DRIVER_OK", val);
        return;
    }
    if (val >= FAKE_QUEUES) {
        fake_violation(f, "QueueNotify names queue %u", val);
        return;
    }
    f->q[val].notifies++;
    fake_order_check(f, val, "QueueNotify");
    /* A failed device ignores kicks until a reset; the driver learns of it
     * from Status, not here. */
    if (!f->regs.broken)
        fake_run(f, val == FAKE_TXQ, val == FAKE_RXQ, false);
}

/* InterruptACK takes bits "as defined in InterruptStatus" (virtio 1.2
 * §4.2.2): bit 0 used buffer, bit 1 configuration change. */
static void write_ack(struct fake_vnet *f, uint32_t val)
{
    f->stats.acks++;
    f->stats.last_ack = val;
    if (val & ~(uint32_t)(VNET_INT_USED_BUFFER | VNET_INT_CONFIG_CHANGE))
        fake_violation(f, "InterruptACK 0x%x sets undefined bits", val);
    f->regs.int_status &= ~val;
    fake_ack_model(f, val);
}

/* Which version a register belongs to: 0 both, 1 legacy only, 2 modern only. */
static unsigned reg_version(uint32_t off)
{
    switch (off) {
    case VNET_MMIO_GUEST_PAGE_SIZE:
    case VNET_MMIO_QUEUE_ALIGN:
    case VNET_MMIO_QUEUE_PFN:
        return 1;
    case VNET_MMIO_QUEUE_READY:
    case VNET_MMIO_QUEUE_DESC_LOW:
    case VNET_MMIO_QUEUE_DESC_HIGH:
    case VNET_MMIO_QUEUE_DRIVER_LOW:
    case VNET_MMIO_QUEUE_DRIVER_HIGH:
    case VNET_MMIO_QUEUE_DEVICE_LOW:
    case VNET_MMIO_QUEUE_DEVICE_HIGH:
        return 2;
    default:
        return 0;
    }
}

void fake_vnet_write32(struct fake_vnet *f, uint32_t off, uint32_t val)
{
    if (f->cfg.device_id == 0) {
        fake_violation(f, "write of 0x%x to 0x%03x on an empty slot", val, off);
        return;
    }
    if (f->regs.reset_left > 0) {
        /* virtio 1.2 §2.4.2: the driver waits for Status to read 0. */
        fake_violation(f, "write of 0x%x to 0x%03x while the reset is in progress", val, off);
        return;
    }
    unsigned only = reg_version(off);
    if (only != 0 && only != (fake_modern(f) ? 2u : 1u)) {
        fake_violation(f, "write of 0x%x to register 0x%03x", val, off);
        return;
    }
    switch (off) {
    case VNET_MMIO_DEVICE_FEATURES_SEL:
        f->regs.dev_features_sel = val;
        return;
    case VNET_MMIO_DRIVER_FEATURES_SEL:
        f->regs.drv_features_sel = val;
        return;
    case VNET_MMIO_DRIVER_FEATURES:
        write_driver_features(f, val);
        return;
    case VNET_MMIO_GUEST_PAGE_SIZE:
        f->regs.guest_page_size = val;
        return;
    case VNET_MMIO_QUEUE_SEL:
        f->regs.queue_sel = val;
        return;
    case VNET_MMIO_QUEUE_NUM:
    case VNET_MMIO_QUEUE_ALIGN:
    case VNET_MMIO_QUEUE_PFN:
    case VNET_MMIO_QUEUE_READY:
    case VNET_MMIO_QUEUE_DESC_LOW:
    case VNET_MMIO_QUEUE_DESC_HIGH:
    case VNET_MMIO_QUEUE_DRIVER_LOW:
    case VNET_MMIO_QUEUE_DRIVER_HIGH:
    case VNET_MMIO_QUEUE_DEVICE_LOW:
    case VNET_MMIO_QUEUE_DEVICE_HIGH:
        write_queue_reg(f, off, val);
        return;
    case VNET_MMIO_QUEUE_NOTIFY:
        write_notify(f, val);
        return;
    case VNET_MMIO_INTERRUPT_ACK:
        write_ack(f, val);
        return;
    case VNET_MMIO_STATUS:
        fake_write_status(f, val);
        return;
    default:
        break;
    }
    fake_violation(f, "write of 0x%x to register 0x%03x", val, off);
}

void fake_vnet_set_link(struct fake_vnet *f, bool up)
{
    f->regs.net_status =
        up ? (uint16_t)(f->regs.net_status | 1u) : (uint16_t)(f->regs.net_status & ~1u);
    f->regs.config_generation++;
    if (fake_driver_ok(f))
        fake_raise_bits(f, VNET_INT_CONFIG_CHANGE);
}
