/*
 * Names for netproto's error codes (np.h).
 *
 * The one form of every rvnet library's *_strerror: NP_ERR_NAMES lists
 * each code from 0 down to NP_ERR_LOWEST, in that order; the names are
 * packed into one string, each ended by its NUL, and the name of -k is
 * found by skipping k of them. That costs the names' bytes and a loop (a
 * table of pointers adds 8 bytes a code on rv64 and pads each name to 8).
 * The _Static_asserts keep the list in step with the enum; the host test
 * test_strerror checks that the names are distinct.
 */
#include "netproto/np.h"

#define NP_ERR_NAMES(X)                                                                            \
    X(NP_OK, "ok")                                                                                 \
    X(NP_ERR_INVAL, "inval")                                                                       \
    X(NP_ERR_NOSPACE, "nospace")                                                                   \
    X(NP_ERR_TOO_BIG, "too-big")                                                                   \
    X(NP_ERR_ETH_SHORT, "eth-short")                                                               \
    X(NP_ERR_ARP_SHORT, "arp-short")                                                               \
    X(NP_ERR_ARP_FORMAT, "arp-format")                                                             \
    X(NP_ERR_ARP_OP, "arp-op")                                                                     \
    X(NP_ERR_IP_SHORT, "ip-short")                                                                 \
    X(NP_ERR_IP_VERSION, "ip-version")                                                             \
    X(NP_ERR_IP_IHL, "ip-ihl")                                                                     \
    X(NP_ERR_IP_HDR_TRUNC, "ip-hdr-trunc")                                                         \
    X(NP_ERR_IP_TOTAL_LEN, "ip-total-len")                                                         \
    X(NP_ERR_IP_FRAGMENT, "ip-fragment")                                                           \
    X(NP_ERR_IP_CHECKSUM, "ip-checksum")                                                           \
    X(NP_ERR_UDP_SHORT, "udp-short")                                                               \
    X(NP_ERR_UDP_LEN, "udp-len")                                                                   \
    X(NP_ERR_UDP_CHECKSUM, "udp-checksum")                                                         \
    X(NP_ERR_ICMP_SHORT, "icmp-short")                                                             \
    X(NP_ERR_ICMP_CHECKSUM, "icmp-checksum")                                                       \
    X(NP_ERR_PROTO, "proto")                                                                       \
    X(NP_ERR_ETH_LONG, "eth-long")

#define PLACE(code, name) PLACE_##code,
#define IN_PLACE(code, name) _Static_assert(PLACE_##code == -(code), #code " is out of place");
#define NAME(code, name) name "\0"

enum { NP_ERR_NAMES(PLACE) N_ERR_NAMES };
NP_ERR_NAMES(IN_PLACE)
_Static_assert(N_ERR_NAMES == 1 - NP_ERR_LOWEST, "a code down to NP_ERR_LOWEST has no name");
static const char err_names[] = NP_ERR_NAMES(NAME);

/* The k-th of the names packed in list. */
static const char *nth_name(const char *list, unsigned k)
{
    while (k-- > 0)
        while (*list++ != '\0') {
        }
    return list;
}

const char *np_strerror(int err)
{
    if (err > 0 || err < NP_ERR_LOWEST)
        return "unknown";
    return nth_name(err_names, (unsigned)-err);
}
