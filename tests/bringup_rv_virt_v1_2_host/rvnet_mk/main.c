/*
 * Linked by rvnet_mk/Makefile with every library rvnet.mk lists, each
 * archive whole: that it links at all shows the lists complete. It prints
 * the version the checked-in rvnet/version.h gives and the libraries, for
 * rvnet_mk_build.sh to compare with CMake's.
 */
#include <stdio.h>

#include "netstack/netstack.h"
#include "rvnet/version.h"

int main(void)
{
    struct ns_config cfg;
    ns_config_defaults(&cfg); /* a call into the archives, beside the whole-archive link */
    printf("rvnet %s (%d.%d.%d): %s\n", RVNET_VERSION_STRING, RVNET_VERSION_MAJOR,
           RVNET_VERSION_MINOR, RVNET_VERSION_PATCH, RVNET_MK_LIBS);
    return cfg.lo_depth == LO_DEPTH_DEFAULT ? 0 : 1;
}
