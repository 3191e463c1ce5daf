/*
 * Names for the netstack's error codes (netstack.h).
 *
 * The one form of every rvnet library's *_strerror: NS_ERR_NAMES lists
 * each code from 0 down to NS_ERR_LOWEST, in that order; the names are
 * packed into one string, each ended by its NUL, and the name of -k is
 * found by skipping k of them. That costs the names' bytes and a loop (a
 * table of pointers adds 8 bytes a code on rv64 and pads each name to 8).
 * The _Static_asserts keep the list in step with the enum; the host test
 * test_strerror checks that the names are distinct.
 */
#include "netstack/netstack.h"

#define NS_ERR_NAMES(X)                                                                            \
    X(NS_OK, "ok")                                                                                 \
    X(NS_ERR_INVAL, "inval")                                                                       \
    X(NS_ERR_DOWN, "down")                                                                         \
    X(NS_ERR_NO_ROUTE, "no-route")                                                                 \
    X(NS_ERR_FULL, "full")                                                                         \
    X(NS_ERR_AGAIN, "again")                                                                       \
    X(NS_ERR_TOO_BIG, "too-big")                                                                   \
    X(NS_ERR_IN_USE, "in-use")                                                                     \
    X(NS_ERR_EMPTY, "empty")                                                                       \
    X(NS_ERR_NO_DEVICE, "no-device")                                                               \
    X(NS_ERR_ARP_FULL, "arp-full")                                                                 \
    X(NS_ERR_BUSY, "busy")                                                                         \
    X(NS_ERR_DEVICE, "device")                                                                     \
    X(NS_ERR_NOT_FOUND, "not-found")                                                               \
    X(NS_ERR_UNRESOLVED, "unresolved")                                                             \
    X(NS_ERR_DEVICE_BROKEN, "device-broken")                                                       \
    X(NS_ERR_HANDED_OVER, "handed-over")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { NS_ERR_NAMES(PLACE) N_ERR_NAMES };
NS_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - NS_ERR_LOWEST, "a code down to NS_ERR_LOWEST has no name");
static const char err_names[] = NS_ERR_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *ns_strerror(int err)
{
    if (err > 0 || err < NS_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}
