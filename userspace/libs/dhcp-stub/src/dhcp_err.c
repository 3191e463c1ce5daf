/*
 * Names for the dhcp-stub library's error codes (dhcp_err.h) and the
 * client's states and events (dhcp_client.h).
 *
 * The one form of every rvnet library's *_strerror: DHCP_ERR_NAMES lists
 * each code from 0 down to DHCP_ERR_LOWEST, in that order; the names are
 * packed into one string, each ended by its NUL, and the name of -k is
 * found by skipping k of them. That costs the names' bytes and a loop (a
 * table of pointers adds 8 bytes a code on rv64 and pads each name to 8).
 * The _Static_asserts keep the list in step with the enum; the host test
 * test_strerror checks that the names are distinct. DHCP_STATE_NAMES and
 * DHCP_EVENT_NAMES do the same for the client's states and events, from 0
 * up (CHECKING and CONFLICT are the last).
 */
#include "dhcp-stub/dhcp_client.h"

#define DHCP_ERR_NAMES(X)                                                                          \
    X(DHCP_OK, "ok")                                                                               \
    X(DHCP_ERR_INVAL, "inval")                                                                     \
    X(DHCP_ERR_NOSPACE, "nospace")                                                                 \
    X(DHCP_MSG_ERR_SHORT, "msg-short")                                                             \
    X(DHCP_MSG_ERR_NO_COOKIE, "msg-no-cookie")                                                     \
    X(DHCP_MSG_ERR_COOKIE, "msg-cookie")                                                           \
    X(DHCP_MSG_ERR_OP, "msg-op")                                                                   \
    X(DHCP_MSG_ERR_HLEN, "msg-hlen")                                                               \
    X(DHCP_MSG_ERR_HTYPE, "msg-htype")                                                             \
    X(DHCP_MSG_ERR_TRUNCATED, "msg-truncated")                                                     \
    X(DHCP_MSG_ERR_OVERRUN, "msg-overrun")                                                         \
    X(DHCP_MSG_ERR_NO_END, "msg-no-end")                                                           \
    X(DHCP_MSG_ERR_OPT_LEN, "msg-opt-len")                                                         \
    X(DHCP_MSG_ERR_LIST_LEN, "msg-list-len")                                                       \
    X(DHCP_MSG_ERR_OVERLOAD_NESTED, "msg-overload-nested")                                         \
    X(DHCP_MSG_ERR_OVERLOAD_VALUE, "msg-overload-value")                                           \
    X(DHCP_MSG_ERR_TYPE_MISSING, "msg-type-missing")                                               \
    X(DHCP_MSG_ERR_TYPE_DUP, "msg-type-dup")                                                       \
    X(DHCP_MSG_ERR_TYPE_RANGE, "msg-type-range")                                                   \
    X(DHCP_MSG_ERR_OPT_DUP, "msg-opt-dup")                                                         \
    X(DHCP_MSG_ERR_MAX_SIZE, "msg-max-size")                                                       \
    X(DHCP_CLIENT_ERR_STATE, "client-state")                                                       \
    X(DHCP_CLIENT_ERR_OP, "client-op")                                                             \
    X(DHCP_CLIENT_ERR_XID, "client-xid")                                                           \
    X(DHCP_CLIENT_ERR_CHADDR, "client-chaddr")                                                     \
    X(DHCP_CLIENT_ERR_UNEXPECTED, "client-unexpected")                                             \
    X(DHCP_CLIENT_ERR_NO_SERVER_ID, "client-no-server-id")                                         \
    X(DHCP_CLIENT_ERR_SERVER_ID, "client-server-id")                                               \
    X(DHCP_CLIENT_ERR_YIADDR, "client-yiaddr")                                                     \
    X(DHCP_CLIENT_ERR_NO_LEASE, "client-no-lease")                                                 \
    X(DHCP_CLIENT_ERR_MASK, "client-mask")                                                         \
    X(DHCP_CLIENT_ERR_FRAME, "client-frame")                                                       \
    X(DHCP_CLIENT_ERR_NOT_OURS, "client-not-ours")                                                 \
    X(DHCP_SERVER_ERR_OP, "server-op")                                                             \
    X(DHCP_SERVER_ERR_TYPE, "server-type")                                                         \
    X(DHCP_SERVER_ERR_REQUEST, "server-request")                                                   \
    X(DHCP_CLIENT_ERR_LEASE_ZERO, "client-lease-zero")                                             \
    X(DHCP_CLIENT_ERR_CLIENT_ID, "client-client-id")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { DHCP_ERR_NAMES(PLACE) N_ERR_NAMES };
DHCP_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - DHCP_ERR_LOWEST, "a code down to DHCP_ERR_LOWEST has no name");
static const char err_names[] = DHCP_ERR_NAMES(NAME);

#define DHCP_STATE_NAMES(X)                                                                        \
    X(DHCP_CLIENT_STOPPED, "STOPPED")                                                              \
    X(DHCP_CLIENT_INIT, "INIT")                                                                    \
    X(DHCP_CLIENT_SELECTING, "SELECTING")                                                          \
    X(DHCP_CLIENT_REQUESTING, "REQUESTING")                                                        \
    X(DHCP_CLIENT_BOUND, "BOUND")                                                                  \
    X(DHCP_CLIENT_RENEWING, "RENEWING")                                                            \
    X(DHCP_CLIENT_REBINDING, "REBINDING")                                                          \
    X(DHCP_CLIENT_INIT_REBOOT, "INIT-REBOOT")                                                      \
    X(DHCP_CLIENT_CHECKING, "CHECKING")

#define STATE_PLACE(v, name) STATE_PLACE_##v,
#define STATE_IN_PLACE(v, name) _Static_assert(STATE_PLACE_##v == (int)(v), #v " is out of place");

enum { DHCP_STATE_NAMES(STATE_PLACE) N_STATE_NAMES };
DHCP_STATE_NAMES(STATE_IN_PLACE)
_Static_assert(N_STATE_NAMES == DHCP_CLIENT_CHECKING + 1, "a state has no name");
static const char state_names[] = DHCP_STATE_NAMES(NAME);

#define DHCP_EVENT_NAMES(X)                                                                        \
    X(DHCP_CLIENT_EV_NONE, "NONE")                                                                 \
    X(DHCP_CLIENT_EV_BOUND, "BOUND")                                                               \
    X(DHCP_CLIENT_EV_RENEWED, "RENEWED")                                                           \
    X(DHCP_CLIENT_EV_CHANGED, "CHANGED")                                                           \
    X(DHCP_CLIENT_EV_LOST, "LOST")                                                                 \
    X(DHCP_CLIENT_EV_CONFLICT, "CONFLICT")

#define EVENT_PLACE(v, name) EVENT_PLACE_##v,
#define EVENT_IN_PLACE(v, name) _Static_assert(EVENT_PLACE_##v == (int)(v), #v " is out of place");

enum { DHCP_EVENT_NAMES(EVENT_PLACE) N_EVENT_NAMES };
DHCP_EVENT_NAMES(EVENT_IN_PLACE)
_Static_assert(N_EVENT_NAMES == DHCP_CLIENT_EV_CONFLICT + 1, "an event has no name");
static const char event_names[] = DHCP_EVENT_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *dhcp_strerror(int err)
{
    if (err > 0 || err < DHCP_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}

/* The i-th of n names packed in list, or "?" past the end. */
static const char *name_or_q(const char *list, unsigned n, unsigned i)
{
    return i < n ? nth_name(list, i) : "?";
}

const char *dhcp_client_state_name(enum dhcp_client_state s)
{
    return name_or_q(state_names, N_STATE_NAMES, (unsigned)s);
}

const char *dhcp_client_event_name(enum dhcp_client_event e)
{
    return name_or_q(event_names, N_EVENT_NAMES, (unsigned)e);
}
