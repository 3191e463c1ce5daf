/*
 * What the files of the DHCP client share: the generator, saturating time
 * arithmetic, the kinds of message a poll can send, and the builders and
 * checks each file implements. Not installed.
 */
#ifndef DHCP_STUB_DHCP_CLIENT_INTERNAL_H
#define DHCP_STUB_DHCP_CLIENT_INTERNAL_H

#include "dhcp-stub/dhcp_client.h"
#include "dhcp_internal.h"
#include "netproto/np.h"

/* The client identifier we send and accept (RFC 2132 §9.14): type 1
 * (Ethernet) and the MAC. */
#define DHCPC_CLIENT_ID_LEN (1u + NP_MAC_LEN)

/* What a poll or stop sends; each row of RFC 2131 table 5 that we use. */
enum send_kind {
    SEND_NONE,
    SEND_DISCOVER,
    SEND_REQUEST_SELECTING,
    SEND_REQUEST_REBOOT,
    SEND_REQUEST_RENEWING,
    SEND_REQUEST_REBINDING,
    SEND_RELEASE,
    SEND_DECLINE, /* RFC 2131 §4.4.4, after a conflict */
    SEND_PROBE,   /* RFC 5227 §2.1.1: an ARP probe, not a DHCP message */
};

/* splitmix64: a tiny generator with a full 2^64 period, fully determined by
 * the caller's seed; the library never gathers entropy of its own. */
static inline uint64_t dhcpc_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline uint64_t dhcpc_add_sat(uint64_t a, uint64_t b)
{
    return a > DHCP_NEVER - b ? DHCP_NEVER : a + b;
}

/* dhcp_client.c */
void dhcpc_begin_exchange(struct dhcp_client *n, uint64_t now);

/* dhcp_probe.c: the CHECKING state of RFC 5227. */
void dhcpc_probe_begin(struct dhcp_client *n, uint64_t now);
void dhcpc_probe_step(struct dhcp_client *n, enum send_kind *kind, enum dhcp_client_event *ev);
void dhcpc_probe_sent(struct dhcp_client *n, uint64_t now);
uint64_t dhcpc_decline_wait(const struct dhcp_client *n);
int dhcpc_emit_probe(const struct dhcp_client *n, struct dhcp_tx *tx);

/* dhcp_client_tx.c: builds the message of `kind` into tx. */
int dhcpc_emit(const struct dhcp_client *n, uint64_t now, enum send_kind kind, struct dhcp_tx *tx);
uint16_t dhcpc_secs_now(const struct dhcp_client *n, uint64_t now);

#endif
