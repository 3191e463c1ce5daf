/*
 * Names for the bring-up module's error codes (bringup.h).
 *
 * The one form of every rvnet library's *_strerror: BRINGUP_ERR_NAMES
 * lists each code from 0 down to BRINGUP_ERR_LOWEST, in that order; the
 * names are packed into one string, each ended by its NUL, and the name of
 * -k is found by skipping k of them. The _Static_asserts keep the list in
 * step with the enum; the host test test_strerror checks that the names
 * are distinct.
 */
#include "bringup/bringup.h"

#define BRINGUP_ERR_NAMES(X)                                                                       \
    X(BRINGUP_OK, "ok")                                                                            \
    X(BRINGUP_ERR_INVAL, "inval")                                                                  \
    X(BRINGUP_ERR_NETSTACK, "netstack")                                                            \
    X(BRINGUP_ERR_LO_DOWN, "lo-down")                                                              \
    X(BRINGUP_ERR_NO_LEASE, "no-lease")                                                            \
    X(BRINGUP_ERR_NO_REPLY, "no-reply")                                                            \
    X(BRINGUP_ERR_STUB, "stub-server")                                                             \
    X(BRINGUP_ERR_STATE, "state")                                                                  \
    X(BRINGUP_ERR_STOP_TIMEOUT, "stop-timeout")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { BRINGUP_ERR_NAMES(PLACE) N_ERR_NAMES };
BRINGUP_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - BRINGUP_ERR_LOWEST,
               "a code down to BRINGUP_ERR_LOWEST has no name");
static const char err_names[] = BRINGUP_ERR_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *bringup_strerror(int err)
{
    if (err > 0 || err < BRINGUP_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}
