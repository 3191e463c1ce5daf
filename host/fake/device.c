/*
 * The fake device's life cycle and what it lets a test see and arm: the
 * record of driver violations, the interrupt line, the faults, the seeded
 * shuffle, link and DEVICE_NEEDS_RESET events. See fake_vnet.h.
 */
#include <stdarg.h>
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
    if (f->int_status == 0)
        f->stats.irqs_raised++;
    f->int_status |= bits;
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

/* One pending store kept from the last fake_vnet_free (host tests are
 * single-threaded). */
static uint8_t (*spare_pending)[FAKE_VNET_FRAME_MAX];

int fake_vnet_init(struct fake_vnet *f, uint32_t version, void *mem, size_t mem_len, uint64_t base)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    memset(f, 0, sizeof(*f));
    /* A slot is always written before it is read, so the store need not be
     * zeroed; and the last one freed is reused, so a loop that opens and
     * closes fakes (the fuzz target) does not map and unmap 2 MiB each time. */
    if (spare_pending) {
        f->pending = spare_pending;
        spare_pending = NULL;
    } else {
        f->pending = malloc(FAKE_VNET_RX_PENDING_MAX * sizeof(*f->pending));
    }
    if (!f->pending)
        return -1;
    f->version = version;
    f->device_id = VNET_MMIO_DEVICE_ID_NET;
    f->features = version >= 2u ? FAKE_VNET_QEMU_MODERN_FEATURES : FAKE_VNET_QEMU_LEGACY_FEATURES;
    memcpy(f->mac, mac, sizeof(mac));
    f->net_status = 1;
    f->queue_num_max = FAKE_VNET_QUEUE_NUM_MAX;
    f->mem = mem;
    f->mem_len = mem_len;
    f->mem_base = base;
    f->auto_complete_tx = true;
    f->model_barriers = true;
    f->rng = 0x2545f4914f6cdd1dull;
    return 0;
}

void fake_vnet_free(struct fake_vnet *f)
{
    if (!spare_pending)
        spare_pending = f->pending;
    else
        free(f->pending);
    f->pending = NULL;
}

void fake_vnet_raise(struct fake_vnet *f, uint32_t bits)
{
    fake_raise_bits(f, bits);
}

bool fake_vnet_irq_line(const struct fake_vnet *f)
{
    return f->int_status != 0;
}
