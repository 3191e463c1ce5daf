/*
 * What the bring-up module's files share (not installed): the marker lines
 * are put together in bringup_say.c, the steps are in bringup.c.
 */
#ifndef BRINGUP_INTERNAL_H
#define BRINGUP_INTERNAL_H

#include "bringup/bringup.h"

/* "<label> addr=A/PREFIX gw=G dns=D" for the lease l. */
void bu_say_lease(const struct bringup_platform *pf, const char *label, const struct dhcp_lease *l);

/* "netstack: virt0 dhcp released addr=A". */
void bu_say_released(const struct bringup_platform *pf, uint32_t addr);

#endif
