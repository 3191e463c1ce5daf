/*
 * Names for the lo device's error codes (loopback.h).
 *
 * The one form of every rvnet library's *_strerror: LO_ERR_NAMES lists
 * each code from 0 down to LO_ERR_LOWEST, in that order; the names are
 * packed into one string, each ended by its NUL, and the name of -k is
 * found by skipping k of them. That costs the names' bytes and a loop (a
 * table of pointers adds 8 bytes a code on rv64 and pads each name to 8).
 * The _Static_asserts keep the list in step with the enum; the host test
 * test_strerror checks that the names are distinct.
 */
#include "loopback/loopback.h"

#define LO_ERR_NAMES(X)                                                                            \
    X(LO_OK, "ok")                                                                                 \
    X(LO_ERR_INVAL, "inval")                                                                       \
    X(LO_ERR_FULL, "full")                                                                         \
    X(LO_ERR_TOO_BIG, "too-big")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { LO_ERR_NAMES(PLACE) N_ERR_NAMES };
LO_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - LO_ERR_LOWEST, "a code down to LO_ERR_LOWEST has no name");
static const char err_names[] = LO_ERR_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *lo_strerror(int err)
{
    if (err > 0 || err < LO_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}
