/* Names for the netstack's error codes. */
#include "netstack/netstack.h"

const char *ns_strerror(int err)
{
    static const char *const names[] = {
        "ok",     "inval", "down",      "no-route", "full", "again",  "too-big",
        "in-use", "empty", "no-device", "arp-full", "busy", "device", "not-found",
    };
    if (err > 0 || err < NS_ERR_NOT_FOUND)
        return "unknown";
    return names[-err];
}
