/*
 * The host program: runs ping_lo_run and prints what happened. Exits 0 only
 * when every echo came back, and (when the build says which version it
 * found: PING_LO_PACKAGE_VERSION) the installed rvnet/version.h agrees.
 */
#include <stdio.h>
#include <string.h>

#include "netstack/netstack.h"
#include "ping_lo.h"
#include "rvnet/version.h"

int main(void)
{
#ifdef PING_LO_PACKAGE_VERSION
    if (strcmp(PING_LO_PACKAGE_VERSION, RVNET_VERSION_STRING) != 0) {
        printf("ping-lo: the package says rvnet %s, rvnet/version.h says %s\n",
               PING_LO_PACKAGE_VERSION, RVNET_VERSION_STRING);
        return 1;
    }
#endif
    struct ping_lo_result r;
    int rc = ping_lo_run(&r);
    if (rc < 0) {
        printf("ping-lo: rvnet %s: %s\n", RVNET_VERSION_STRING, ns_strerror(rc));
        return 1;
    }
    printf("ping-lo: rvnet %s: 127.0.0.1 over lo: %u sent, %u received, %u answered, %llu "
           "virtual ms\n",
           RVNET_VERSION_STRING, (unsigned)r.sent, (unsigned)r.received,
           (unsigned)r.echo_requests_answered, (unsigned long long)r.virtual_ms);
    return rc == 0 ? 0 : 1;
}
