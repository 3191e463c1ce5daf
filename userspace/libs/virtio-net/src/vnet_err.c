/*
 * Names for the virtio-net frontend's error codes (virtio_net.h).
 *
 * The one form of every rvnet library's *_strerror: VNET_ERR_NAMES lists
 * each code from 0 down to VNET_ERR_LOWEST, in that order; the names are
 * packed into one string, each ended by its NUL, and the name of -k is
 * found by skipping k of them. That costs the names' bytes and a loop (a
 * table of pointers adds 8 bytes a code on rv64 and pads each name to 8).
 * The _Static_asserts keep the list in step with the enum; the host test
 * test_strerror checks that the names are distinct.
 */
#include "virtio-net/virtio_net.h"

#define VNET_ERR_NAMES(X)                                                                          \
    X(VNET_OK, "ok")                                                                               \
    X(VNET_ERR_INVAL, "invalid-argument")                                                          \
    X(VNET_ERR_MAGIC, "bad-magic")                                                                 \
    X(VNET_ERR_VERSION, "bad-version")                                                             \
    X(VNET_ERR_NO_DEVICE, "empty-slot")                                                            \
    X(VNET_ERR_NOT_NET, "not-a-net-device")                                                        \
    X(VNET_ERR_RESET, "reset-timeout")                                                             \
    X(VNET_ERR_FEATURES, "features-refused")                                                       \
    X(VNET_ERR_QUEUE, "queue-unavailable")                                                         \
    X(VNET_ERR_MEM, "dma-memory")                                                                  \
    X(VNET_ERR_STATE, "wrong-state")                                                               \
    X(VNET_ERR_AGAIN, "tx-ring-full")                                                              \
    X(VNET_ERR_TOO_BIG, "frame-too-big")                                                           \
    X(VNET_ERR_TOO_SHORT, "frame-too-short")                                                       \
    X(VNET_ERR_BUSY, "descriptor-busy")                                                            \
    X(VNET_ERR_USED_ID, "bad-used-id")                                                             \
    X(VNET_ERR_USED_IDX, "used-idx-jump")                                                          \
    X(VNET_ERR_RX_LEN, "bad-rx-length")                                                            \
    X(VNET_ERR_NEEDS_RESET, "device-needs-reset")                                                  \
    X(VNET_ERR_BROKEN, "device-broken")                                                            \
    X(VNET_ERR_CONFIG, "config-unstable")                                                          \
    X(VNET_ERR_PLATFORM, "platform-feature-needed")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { VNET_ERR_NAMES(PLACE) N_ERR_NAMES };
VNET_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - VNET_ERR_LOWEST, "a code down to VNET_ERR_LOWEST has no name");
static const char err_names[] = VNET_ERR_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *vnet_strerror(int err)
{
    if (err > 0 || err < VNET_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}
