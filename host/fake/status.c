/*
 * The device status field (virtio 1.2 §2.1) and the initialisation order
 * it enforces (§3.1.1): ACKNOWLEDGE, DRIVER, FEATURES_OK (modern only; the
 * device may refuse it), DRIVER_OK. Writing 0 resets the device (§2.1.1,
 * §4.2.2); so does a legacy QueuePFN of 0 in QEMU.
 */
#include <string.h>

#include "fake_internal.h"

bool fake_driver_ok(const struct fake_vnet *f)
{
    return (f->regs.status & VNET_STATUS_DRIVER_OK) != 0 &&
           (f->regs.status & (VNET_STATUS_FAILED | VNET_STATUS_NEEDS_RESET)) == 0;
}

void fake_device_reset(struct fake_vnet *f)
{
    f->regs.status = 0;
    f->regs.dev_features_sel = 0;
    f->regs.drv_features_sel = 0;
    f->regs.driver_features = 0;
    f->regs.queue_sel = 0;
    f->regs.int_status = 0;
    for (unsigned i = 0; i < FAKE_QUEUES; i++)
        fake_queue_reset(&f->q[i]);
    f->stats.resets++;
    /* Frames queued on the wire side stay queued, as in QEMU's net queue. */
}

/* FEATURES_OK is accepted for a subset of the offer that includes
 * VERSION_1 (virtio 1.2 §6.1), unless a fault refuses it. */
static bool features_acceptable(struct fake_vnet *f)
{
    bool ok = (f->regs.driver_features & ~f->cfg.features) == 0 &&
              (f->regs.driver_features & FAKE_F_VERSION_1) != 0;
    if (fake_fault_take(f, FAKE_FAULT_FEATURES_OK_REFUSE))
        ok = false;
    return ok;
}

void fake_write_status(struct fake_vnet *f, uint32_t val)
{
    if (val == 0) {
        if (!fake_fault_take(f, FAKE_FAULT_RESET_STUCK))
            fake_device_reset(f);
        return;
    }
    uint32_t old = f->regs.status;
    /* DEVICE_NEEDS_RESET is the device's bit: it stays until a reset. */
    val |= old & VNET_STATUS_NEEDS_RESET;
    uint32_t added = val & ~old;
    if (old & ~val)
        fake_violation(f, "status 0x%x -> 0x%x clears a bit without a reset", old, val);
    if ((added & VNET_STATUS_DRIVER) && !(val & VNET_STATUS_ACKNOWLEDGE))
        fake_violation(f, "DRIVER set before ACKNOWLEDGE");
    if ((added & VNET_STATUS_FEATURES_OK) && !(val & VNET_STATUS_DRIVER))
        fake_violation(f, "FEATURES_OK set before DRIVER");
    if ((added & VNET_STATUS_DRIVER_OK) &&
        !(val & (fake_modern(f) ? VNET_STATUS_FEATURES_OK : VNET_STATUS_DRIVER)))
        fake_violation(f, "DRIVER_OK set before %s", fake_modern(f) ? "FEATURES_OK" : "DRIVER");
    if ((added & VNET_STATUS_FEATURES_OK) && fake_modern(f) && !features_acceptable(f))
        val &= ~VNET_STATUS_FEATURES_OK;
    f->regs.status = val;
    if (added & VNET_STATUS_DRIVER_OK)
        fake_run(f, true, true, false);
}

void fake_vnet_needs_reset(struct fake_vnet *f)
{
    f->regs.status |= VNET_STATUS_NEEDS_RESET;
    fake_raise_bits(f, VNET_INT_CONFIG_CHANGE);
}
