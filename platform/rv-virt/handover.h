/*
 * The hand-over's frontend side on QEMU (docs/lwip.md, "On the target").
 * lwIP for bare-metal riscv64 cannot be built from what Debian ships, so
 * the image hands its live device to a second, minimal consumer written
 * for the purpose instead: raw frames through the same frontend.
 */
#ifndef RVNET_PLATFORM_HANDOVER_H
#define RVNET_PLATFORM_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "netstack/netstack.h"

/*
 * Called by the image after its bring-up sequence (and its irq check),
 * when bootargs hold handover=MS (1..60000; without it, or with 0, it does
 * nothing and the device stays the netstack's, so other boots are
 * unchanged): takes virt0's device from the netstack (ns_handover: no
 * reset, no re-init) and runs the consumer on it for MS milliseconds. The
 * consumer answers ARP for the address it was handed and ICMP echo to it,
 * and pings the gateway every 100 ms, after making slirp forget our MAC so
 * that slirp has to ask for it again. `base` is the device's virtio-mmio
 * base, for reading its Status register. Prints its lines and the marker
 *   SELFTEST: handover ok pings=N/N arp-answered=A status=0x.. rx=R tx=T
 * or ends the run with SELFTEST: handover FAIL reason=....
 */
void handover_run(struct ns_host *ns, const void *fdt, uintptr_t base);

/* Whether bootargs ask for the hand-over (handover=MS, MS > 0): the image
 * then leaves its last lease in the host for the consumer, instead of
 * giving it back at its orderly stop. */
bool handover_asked(const void *fdt);

#endif
