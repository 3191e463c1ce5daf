/*
 * lwIP's clock, set by the caller: lwip_vnet_clock.c defines sys_now()
 * itself, so an executable that links it (as an object, not from an
 * archive nobody calls into) overrides the unix port's sys_now() in
 * liblwip.so, which reads CLOCK_MONOTONIC. ELF symbol interposition:
 * liblwip.so calls sys_now through its PLT, and the executable's
 * definition comes first in the lookup. Host only; for tests on a virtual
 * clock (the stub network) and for runs that want lwIP's timers on the
 * same milliseconds as lwip_vnet_poll's now_ms.
 */
#ifndef LWIP_VNET_LWIP_VNET_CLOCK_H
#define LWIP_VNET_LWIP_VNET_CLOCK_H

#include <stdint.h>

/* What sys_now() returns from now on (cut to lwIP's 32 bits, which wrap
 * after 49 days; lwIP compares its deadlines modulo 2^32). */
void lwip_vnet_clock_set(uint64_t now_ms);

uint64_t lwip_vnet_clock_get(void);

#endif
