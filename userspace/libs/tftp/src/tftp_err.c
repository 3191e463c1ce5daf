/*
 * Names for the tftp library's error codes and client states (tftp.h).
 *
 * The one form of every rvnet library's *_strerror: TFTP_ERR_NAMES lists
 * each code from 0 down to TFTP_ERR_LOWEST, in that order; the names are
 * packed into one string, each ended by its NUL, and the name of -k is
 * found by skipping k of them. That costs the names' bytes and a loop (a
 * table of pointers adds 8 bytes a code on rv64 and pads each name to 8).
 * The _Static_asserts keep the list in step with the enum; the host test
 * test_strerror checks that the names are distinct. TFTP_STATE_NAMES does
 * the same for the client states, from 0 up (FAILED is the last).
 */
#include "tftp/tftp.h"

#define TFTP_ERR_NAMES(X)                                                                          \
    X(TFTP_OK, "ok")                                                                               \
    X(TFTP_ERR_INVAL, "inval")                                                                     \
    X(TFTP_ERR_STATE, "state")                                                                     \
    X(TFTP_ERR_NOSPACE, "nospace")                                                                 \
    X(TFTP_ERR_SHORT, "short")                                                                     \
    X(TFTP_ERR_OPCODE, "opcode")                                                                   \
    X(TFTP_ERR_TID, "unknown-tid")                                                                 \
    X(TFTP_ERR_DUPLICATE, "duplicate")                                                             \
    X(TFTP_ERR_AHEAD, "ahead")                                                                     \
    X(TFTP_ERR_TOO_LONG, "too-long")                                                               \
    X(TFTP_ERR_UNEXPECTED, "unexpected")                                                           \
    X(TFTP_ERR_NOT_FOUND, "not-found")                                                             \
    X(TFTP_ERR_SERVER, "server-error")                                                             \
    X(TFTP_ERR_OACK_MALFORMED, "oack-malformed")                                                   \
    X(TFTP_ERR_OACK_OPTION, "oack-option")                                                         \
    X(TFTP_ERR_OACK_VALUE, "oack-value")                                                           \
    X(TFTP_ERR_TOO_BIG, "too-big")                                                                 \
    X(TFTP_ERR_TSIZE, "tsize-mismatch")                                                            \
    X(TFTP_ERR_SINK, "sink-refused")                                                               \
    X(TFTP_ERR_WRAP, "wrap-to-1")                                                                  \
    X(TFTP_ERR_TIMEOUT, "timeout")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { TFTP_ERR_NAMES(PLACE) N_ERR_NAMES };
TFTP_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - TFTP_ERR_LOWEST, "a code down to TFTP_ERR_LOWEST has no name");
static const char err_names[] = TFTP_ERR_NAMES(NAME);

#define TFTP_STATE_NAMES(X)                                                                        \
    X(TFTP_CLIENT_IDLE, "IDLE")                                                                    \
    X(TFTP_CLIENT_REQUEST, "REQUEST")                                                              \
    X(TFTP_CLIENT_TRANSFER, "TRANSFER")                                                            \
    X(TFTP_CLIENT_DONE, "DONE")                                                                    \
    X(TFTP_CLIENT_FAILED, "FAILED")

#define STATE_PLACE(v, name) STATE_PLACE_##v,
#define STATE_IN_PLACE(v, name) _Static_assert(STATE_PLACE_##v == (int)(v), #v " is out of place");

enum { TFTP_STATE_NAMES(STATE_PLACE) N_STATE_NAMES };
TFTP_STATE_NAMES(STATE_IN_PLACE)
_Static_assert(N_STATE_NAMES == TFTP_CLIENT_FAILED + 1, "a state has no name");
static const char state_names[] = TFTP_STATE_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *tftp_strerror(int err)
{
    if (err > 0 || err < TFTP_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}

const char *tftp_client_state_name(enum tftp_client_state s)
{
    if ((unsigned)s >= N_STATE_NAMES)
        return "?";
    return nth_name(state_names, (unsigned)s);
}
