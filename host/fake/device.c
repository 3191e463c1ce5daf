/*
 * The fake device's life cycle and what it lets a test see and arm: the
 * record of driver violations, the interrupt line, the faults, the seeded
 * shuffle, link and DEVICE_NEEDS_RESET events. See fake_vnet.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_internal.h"

void fake_violation(struct fake_vnet *f, const char *fmt, ...)
{
    if (f->violations++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->first_violation, sizeof(f->first_violation), fmt, ap);
        va_end(ap);
    }
}

void fake_raise_bits(struct fake_vnet *f, uint32_t bits)
{
    if (bits == 0)
        return;
    if (f->regs.int_status == 0)
        f->stats.irqs_raised++;
    f->regs.int_status |= bits;
}

/* xorshift64: a fixed sequence for a given seed, on every host. */
uint64_t fake_rand(struct fake_vnet *f)
{
    uint64_t x = f->rng ? f->rng : 0x2545f4914f6cdd1dull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    f->rng = x;
    return x;
}

bool fake_fault_take(struct fake_vnet *f, enum fake_vnet_fault fault)
{
    if ((unsigned)fault >= FAKE_FAULT_COUNT || f->fault_armed[fault] == 0)
        return false;
    f->fault_armed[fault]--;
    return true;
}

void fake_vnet_fault(struct fake_vnet *f, enum fake_vnet_fault fault, unsigned times)
{
    if ((unsigned)fault < FAKE_FAULT_COUNT)
        f->fault_armed[fault] += times;
}

void fake_vnet_cfg_defaults(struct fake_vnet_cfg *cfg, uint32_t version)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    memset(cfg, 0, sizeof(*cfg));
    cfg->version = version;
    cfg->device_id = VNET_MMIO_DEVICE_ID_NET;
    cfg->features = version >= 2u ? FAKE_VNET_QEMU_MODERN_FEATURES : FAKE_VNET_QEMU_LEGACY_FEATURES;
    memcpy(cfg->mac, mac, sizeof(mac));
    cfg->link_up = true;
    cfg->mtu = 1500;
    cfg->queue_num_max = FAKE_VNET_QUEUE_NUM_MAX;
    cfg->seed = 0x2545f4914f6cdd1dull;
    cfg->knobs.auto_complete_tx = true;
    cfg->knobs.model_barriers = true;
    cfg->knobs.ooo_window = 0;
}

static bool cfg_ok(const struct fake_vnet_cfg *cfg)
{
    return cfg && (cfg->version == 1u || cfg->version == 2u) && cfg->mem && cfg->mem_len > 0 &&
           cfg->queue_num_max <= FAKE_VNET_QUEUE_NUM_MAX;
}

_Static_assert(offsetof(struct fake_vnet, q) < offsetof(struct fake_vnet, knobs),
               "start() clears around the queues");

/* Everything but the pending store, from cfg; the device as after a reset.
 * The queues' stores (128 KiB) are left alone, as a reset leaves them: a
 * loop of reinits (the fuzz targets) would spend its time clearing them. */
static void start(struct fake_vnet *f, const struct fake_vnet_cfg *cfg)
{
    uint8_t(*pending)[FAKE_VNET_FRAME_MAX] = f->pending;
    memset(f, 0, offsetof(struct fake_vnet, q));
    for (unsigned i = 0; i < FAKE_QUEUES; i++)
        memset(&f->q[i], 0, offsetof(struct fake_vnet_queue, s));
    memset(&f->knobs, 0, sizeof(*f) - offsetof(struct fake_vnet, knobs));
    f->pending = pending;
    f->cfg = *cfg;
    f->knobs = cfg->knobs;
    f->rng = cfg->seed;
    f->regs.net_status = cfg->link_up ? 1u : 0u;
}

int fake_vnet_init(struct fake_vnet *f, const struct fake_vnet_cfg *cfg)
{
    memset(f, 0, sizeof(*f));
    if (!cfg_ok(cfg))
        return -1;
    /* A slot is always written before it is read: the store is not zeroed. */
    f->pending = malloc(FAKE_VNET_RX_PENDING_MAX * sizeof(*f->pending));
    if (!f->pending)
        return -1;
    start(f, cfg);
    return 0;
}

int fake_vnet_reinit(struct fake_vnet *f, const struct fake_vnet_cfg *cfg)
{
    if (!f->pending)
        return fake_vnet_init(f, cfg);
    if (!cfg_ok(cfg))
        return -1;
    start(f, cfg);
    return 0;
}

void fake_vnet_free(struct fake_vnet *f)
{
    free(f->pending);
    f->pending = NULL;
}

void fake_vnet_raise(struct fake_vnet *f, uint32_t bits)
{
    fake_raise_bits(f, bits);
}

bool fake_vnet_irq_line(const struct fake_vnet *f)
{
    return f->regs.int_status != 0;
}
