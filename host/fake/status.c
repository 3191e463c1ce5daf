/*
 * The device status field (virtio 1.2 §2.1) and the initialisation order
 * it enforces (§3.1.1): ACKNOWLEDGE, DRIVER, FEATURES_OK (modern only; the
 * device may refuse it), DRIVER_OK. Writing 0 resets the device (§2.1.1,
 * §4.2.2); so does a legacy QueuePFN of 0 in QEMU.
 *
 * Where the spec leaves it to the device, this is QEMU 7.2's
 * virtio_set_status: the value is stored as written, not ORed in; and a
 * refused FEATURES_OK drops the write that carried it. Every write that
 * breaks the spec's rules is still recorded as a driver violation.
 */
#include <string.h>

#include "fake_internal.h"

bool fake_driver_ok(const struct fake_vnet *f)
{
    return (f->regs.status & VNET_STATUS_DRIVER_OK) != 0 &&
           (f->regs.status & (VNET_STATUS_FAILED | VNET_STATUS_NEEDS_RESET)) == 0 &&
           !f->regs.broken;
}

void fake_device_reset(struct fake_vnet *f)
{
    f->regs.status = 0;
    f->regs.dev_features_sel = 0;
    f->regs.drv_features_sel = 0;
    f->regs.driver_features = 0;
    f->regs.queue_sel = 0;
    f->regs.int_status = 0;
    f->regs.features_refused = false;
    f->regs.broken = false;
    f->regs.reset_left = 0;
    for (unsigned i = 0; i < FAKE_QUEUES; i++)
        fake_queue_reset(&f->q[i]);
    f->stats.resets++;
    /* Frames queued on the wire side stay queued, as in QEMU's net queue. */
}

/* FEATURES_OK is accepted for a subset of the offer that includes
 * VERSION_1 (virtio 1.2 §6.1), and ACCESS_PLATFORM when that is offered
 * (a device MAY fail without it, §6.2: QEMU 7.2's virtio_validate_features
 * refuses, as with iommu_platform=on), unless a fault refuses it. */
static bool features_acceptable(struct fake_vnet *f)
{
    uint64_t need = FAKE_F_VERSION_1 | (f->cfg.features & FAKE_F_ACCESS_PLATFORM);
    bool ok = (f->regs.driver_features & ~f->cfg.features) == 0 &&
              (f->regs.driver_features & need) == need;
    if (fake_fault_take(f, FAKE_FAULT_FEATURES_OK_REFUSE))
        ok = false;
    return ok;
}

/* The driver must never clear a bit (virtio 1.2 §2.1.2), neither one it
 * set nor one the device set; and must set them in order (§3.1.1). */
static void check_write(struct fake_vnet *f, uint32_t old, uint32_t val)
{
    uint32_t added = val & ~old, cleared = old & ~val;
    if (cleared & VNET_STATUS_NEEDS_RESET)
        fake_violation(f,
                       "status 0x%x -> 0x%x clears DEVICE_NEEDS_RESET, which the device set "
                       "(a write from the driver's own copy?)",
                       old, val);
    if (cleared & ~(uint32_t)VNET_STATUS_NEEDS_RESET)
        fake_violation(f, "status 0x%x -> 0x%x clears a bit without a reset", old, val);
    if ((added & VNET_STATUS_DRIVER) && !(val & VNET_STATUS_ACKNOWLEDGE))
        fake_violation(f, "DRIVER set before ACKNOWLEDGE");
    if ((added & VNET_STATUS_FEATURES_OK) && !(val & VNET_STATUS_DRIVER))
        fake_violation(f, "FEATURES_OK set before DRIVER");
    if ((added & VNET_STATUS_DRIVER_OK) &&
        !(val & (fake_modern(f) ? VNET_STATUS_FEATURES_OK : VNET_STATUS_DRIVER)))
        fake_violation(f, "DRIVER_OK set before %s", fake_modern(f) ? "FEATURES_OK" : "DRIVER");
}

/* As QEMU 7.2's virtio_set_status: a write that sets FEATURES_OK when the
 * device does not show it is checked first, and when the device refuses,
 * the whole write is dropped (Status keeps its value, so a FAILED written
 * on top of FEATURES_OK does not land either); any other write is stored
 * as written, so a write from the driver's own copy wipes a bit the device
 * set. Returns false when the write is dropped. */
static bool features_gate(struct fake_vnet *f, uint32_t old, uint32_t val)
{
    if (!fake_modern(f) || !(val & VNET_STATUS_FEATURES_OK) || (old & VNET_STATUS_FEATURES_OK))
        return true;
    if (f->regs.features_refused) {
        /* §3.1.1 step 6: refused, the device is unusable with these
         * features; setting the bit again without other features is a
         * write from a copy that never read the refusal back. */
        fake_violation(f,
                       "status 0x%x sets FEATURES_OK again after the device refused it "
                       "(a write from the driver's own copy?)",
                       val);
        return false;
    }
    if (features_acceptable(f))
        return true;
    f->regs.features_refused = true;
    return false;
}

void fake_write_status(struct fake_vnet *f, uint32_t val)
{
    if (val == 0) {
        uint32_t old = f->regs.status;
        if (fake_fault_take(f, FAKE_FAULT_RESET_STUCK))
            return;
        fake_device_reset(f);
        /* A reset that takes time (virtio 1.2 §2.4: complete when Status
         * reads 0): the old value shows for cfg.reset_reads reads. */
        f->regs.reset_left = old ? f->cfg.reset_reads : 0u;
        f->regs.reset_shows = old;
        return;
    }
    uint32_t old = f->regs.status;
    check_write(f, old, val);
    if (!features_gate(f, old, val))
        return;
    f->regs.status = val;
    if (fake_fault_take(f, FAKE_FAULT_NEEDS_RESET_ON_STATUS))
        fake_vnet_needs_reset(f);
    if ((val & ~old) & VNET_STATUS_DRIVER_OK) {
        /* The rings the device is about to look at must have been
         * published before this write (barrier.c). */
        for (unsigned qi = 0; qi < FAKE_QUEUES; qi++)
            fake_order_check(f, qi, "DRIVER_OK");
        fake_run(f, true, true, false);
    }
}

/* QEMU's virtio_error: DEVICE_NEEDS_RESET (virtio 1.2 §2.1.2), the
 * config-change interrupt, and the rings left alone until a reset. */
void fake_vnet_needs_reset(struct fake_vnet *f)
{
    f->regs.status |= VNET_STATUS_NEEDS_RESET;
    f->regs.broken = true;
    fake_raise_bits(f, VNET_INT_CONFIG_CHANGE);
}
