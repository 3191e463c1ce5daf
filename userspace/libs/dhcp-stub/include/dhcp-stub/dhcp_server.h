/*
 * The dhcp-stub server.
 *
 * THIS IS A DETERMINISTIC IN-PROCESS TEST FIXTURE, NOT A DHCP SERVER FOR
 * REAL NETWORKS. It hands out exactly one address to exactly one client at a
 * time, keeps no lease database, does no conflict detection, no relay-agent
 * policy, no authentication and no rate limiting. Its purpose is to let the
 * DHCP client (and the netstack around it) run a whole handshake inside one
 * process, with the same bytes on every run, so bring-up CI never flakes.
 * Use a real server (dnsmasq, ISC Kea, QEMU's slirp) anywhere else.
 *
 * Like the client it is sans-IO: dhcp_server_input takes the time and one
 * request (the UDP payload sent to port 67) and writes at most one reply
 * into the caller's buffer together with where to send it. It reads no
 * clock; the held lease expires when an input arrives after its end.
 *
 * Behaviour (RFC 2131 §4.3):
 * - DISCOVER gets an OFFER of cfg.addr, unless the lease is held by another
 *   chaddr: then no reply and stats.no_free_lease counts it. An OFFER does
 *   not reserve the address; only an ACK binds it.
 * - REQUEST is classified as §4.3.2 says: server id present: SELECTING
 *   (another server's id: no reply, stats.other_server); else requested
 *   address: INIT-REBOOT; else ciaddr: RENEWING or REBINDING; else
 *   DHCP_SERVER_ERR_REQUEST. It gets an ACK when the address asked for is
 *   cfg.addr, available, and the lease is free or held by the same
 *   chaddr, else a NAK. INIT-REBOOT for an address off the stub's subnet
 *   gets a NAK; otherwise a client that does not hold the lease (the stub
 *   has no other record) gets no answer at all (§4.3.2 "MUST remain
 *   silent"; stats.no_record).
 * - RELEASE from the holder frees the lease (no reply). DECLINE from the
 *   holder naming cfg.addr in option 50 frees it and marks the address
 *   not available (§4.3.3) for cfg.decline_hold_s (600 s, dnsmasq's
 *   choice; DHCP_LEASE_INFINITE: until dhcp_server_init): with one
 *   address there is then nothing to offer, so DISCOVERs get no answer
 *   (stats.unavailable) and REQUESTs for it a NAK. Anything else is
 *   stats.ignored.
 * - INFORM gets an ACK with yiaddr 0 and no lease time (§4.3.5).
 * - Replies: NAK broadcast; else to ciaddr when set; else broadcast when
 *   the B flag (or cfg.always_broadcast, as slirp does) is set; else unicast
 *   to yiaddr at chaddr (§4.1). giaddr set: unicast to the relay, port 67,
 *   and a NAK then has the broadcast bit set (§4.3.2). Every reply carries
 *   the request's client identifier (61) back unaltered (RFC 6842 §3).
 * - Every reply carries the full configured lease time, not what is left of
 *   it, so the same request always gets the same bytes back: renewal is
 *   idempotent.
 */
#ifndef DHCP_STUB_DHCP_SERVER_H
#define DHCP_STUB_DHCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_msg.h"

struct dhcp_server_config {
    uint32_t server_id;      /* option 54 and the server's address: 10.0.2.2 */
    uint32_t addr;           /* the one address handed out: 10.0.2.15 */
    uint32_t mask;           /* option 1: 255.255.255.0; 0 leaves it out */
    uint32_t router;         /* option 3: 10.0.2.2; 0 leaves it out (slirp restrict=on) */
    uint32_t dns;            /* option 6: 10.0.2.3; 0 leaves it out (slirp restrict=on) */
    uint32_t lease_s;        /* option 51: 86400; DHCP_LEASE_INFINITE allowed */
    uint32_t t1_s;           /* option 58: 0 leaves it out (as slirp does) */
    uint32_t t2_s;           /* option 59: 0 leaves it out */
    bool always_broadcast;   /* reply broadcast whatever the flags (as slirp does): false */
    uint32_t decline_hold_s; /* unavailable after a DECLINE: 600; DHCP_LEASE_INFINITE: until init */
};

/*
 * Counts of what the server did. A request it drops with an error changes
 * nothing but one of the last two counters: malformed for the codec's
 * DHCP_MSG_ERR_*, rejected for DHCP_SERVER_ERR_* (DHCP_ERR_INVAL and
 * DHCP_ERR_NOSPACE are the caller's mistakes and count nowhere).
 */
struct dhcp_server_stats {
    uint32_t discovers;
    uint32_t offers;
    uint32_t requests;
    uint32_t acks;
    uint32_t naks;
    uint32_t declines;
    uint32_t releases;
    uint32_t informs;
    uint32_t no_free_lease; /* DISCOVER from a second client while the lease is held */
    uint32_t other_server;  /* REQUEST that selected another server */
    uint32_t ignored;       /* RELEASE or DECLINE from a client that holds nothing */
    uint32_t unavailable;   /* DISCOVER unanswered: the address is declined (RFC 2131 §4.3.3) */
    uint32_t no_record;     /* INIT-REBOOT from a client without the lease: silence (§4.3.2) */
    uint32_t malformed;     /* dropped: the codec rejected the message */
    uint32_t rejected;      /* dropped: a reply sent to port 67, or an unclassifiable REQUEST */
};

/* Every field is private; use the functions below. */
struct dhcp_server {
    struct dhcp_server_config cfg;
    bool held;                      /* the lease is bound to holder */
    uint8_t holder[6];              /* chaddr of the client holding it */
    uint64_t expire_ms;             /* DHCP_LEASE_INFINITE leases: UINT64_MAX */
    bool declined;                  /* a DECLINE took the address out of use ... */
    uint64_t declined_until_ms;     /* ... until then (UINT64_MAX: until init) */
    struct dhcp_server_stats stats; /* last, so tests can compare what precedes it */
};

/* 10.0.2.15/24, router 10.0.2.2, DNS 10.0.2.3, server id 10.0.2.2,
 * lease 86400 s, no T1/T2 options, replies by the RFC 2131 §4.1 rules,
 * 600 s out of use after a DECLINE. */
void dhcp_server_config_defaults(struct dhcp_server_config *cfg);

/* Checks cfg (usable addresses, a non-contiguous mask, lease 0, a
 * decline_hold_s of 0) and starts with the lease free. */
int dhcp_server_init(struct dhcp_server *s, const struct dhcp_server_config *cfg);

/*
 * One request. On success tx->len is the reply's length, 0 for no reply.
 * Errors: any DHCP_MSG_ERR_* from the codec, DHCP_SERVER_ERR_OP,
 * DHCP_SERVER_ERR_TYPE, DHCP_SERVER_ERR_REQUEST, DHCP_ERR_NOSPACE; the
 * server is untouched on any error but for the drop counter it bumps.
 */
int dhcp_server_input(struct dhcp_server *s, uint64_t now_ms, const uint8_t *msg, size_t len,
                      struct dhcp_tx *tx);

/* True while the lease is bound at now_ms; *mac (may be NULL) gets the holder. */
bool dhcp_server_lease_held(const struct dhcp_server *s, uint64_t now_ms, uint8_t *mac);

/* A copy of the counters. */
void dhcp_server_get_stats(const struct dhcp_server *s, struct dhcp_server_stats *out);

#endif
