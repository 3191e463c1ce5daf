/*
 * sys_now() on a clock the caller sets (lwip_vnet_clock.h says how it
 * replaces the unix port's).
 */
#include "lwip-vnet/lwip_vnet_clock.h"

#include "lwip/sys.h"

static uint64_t clock_ms;

void lwip_vnet_clock_set(uint64_t now_ms)
{
    clock_ms = now_ms;
}

uint64_t lwip_vnet_clock_get(void)
{
    return clock_ms;
}

/* Interposes liblwip.so's: see the header. */
u32_t sys_now(void)
{
    return (u32_t)clock_ms;
}
