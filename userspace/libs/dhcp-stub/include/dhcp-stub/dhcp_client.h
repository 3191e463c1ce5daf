/*
 * The DHCP client state machine of RFC 2131 §4.4, sans-IO: it never reads a
 * clock and never owns a socket. The caller gives it the time in
 * milliseconds and the bytes that arrived; it gives back the bytes to send,
 * where to send them, and the time by which it wants dhcp_client_poll called
 * again.
 *
 *   dhcp_client_init(&c, &cfg);
 *   dhcp_client_start(&c, now);
 *   loop:
 *     dhcp_client_poll(&c, now, &tx, &ev);          send tx when tx.len != 0
 *     on a datagram to port 68: dhcp_client_input(&c, now, bytes, len, &ev);
 *     sleep until dhcp_client_deadline(&c) or a datagram
 *
 * dhcp_client_input never produces bytes itself: it changes state and sets
 * the deadline to now, and the next poll sends (for instance the REQUEST
 * after an OFFER). Every call leaves the client untouched when it returns an
 * error, so a malformed or foreign message can never disturb it; the one
 * exception is that an input call which drops a message counts the drop in
 * the client's stats (dhcp_client_get_stats), by reason.
 *
 * Decisions where RFC 2131 leaves room (docs/dhcp-stub.md has the list):
 * - xid: a new one per exchange (DISCOVER and its REQUEST share one; each
 *   renewal gets one; retransmissions keep it), drawn from a splitmix64
 *   generator seeded by cfg.seed. The default seed 0 means the MAC read as
 *   a 48-bit big-endian number, so hosts with different MACs draw
 *   different xids and the same host always the same ones. Every other
 *   random choice (jitter, initial delay, NAK back-off, probe waits) comes
 *   from the same generator.
 * - cfg.initial_delay: the first message after start waits 1000 + r % 9001
 *   ms (§4.4.1: one to ten seconds). Off by default, as is cfg.jitter: they
 *   spread many clients, and bring-up has one client whose handshake takes
 *   a millisecond.
 * - secs: whole seconds since the exchange began (the first DISCOVER, or
 *   the first REQUEST of a renewal or reboot), at most 65535.
 * - Retransmission (§4.1): 4, 8, 16, 32, 64, 64, ... seconds; with
 *   cfg.jitter, each interval moves by a uniform -1000..+1000 ms from the
 *   same generator. DISCOVER is retransmitted for ever; REQUEST in
 *   REQUESTING and INIT-REBOOT cfg.request_retries times, then INIT.
 * - RENEWING and REBINDING retransmit after half the time left to T2 or to
 *   expiry, at least cfg.renew_min_ms (§4.4.5).
 * - T1 and T2 from options 58/59, else lease/2 and lease*7/8; unless
 *   0 < T1 < T2 < lease, both are replaced by those defaults (a T1 of 0
 *   would renew at once, for ever).
 * - An ACK without a subnet mask gets the classful mask of its address
 *   (A /8, B /16, C /24) and lease.mask_from_class is set, as
 *   systemd-networkd and dhcpcd do. A mask that is zero or not contiguous
 *   rejects the OFFER or ACK (DHCP_CLIENT_ERR_MASK).
 * - Lease time 0 is no lease: an OFFER or ACK with it is dropped
 *   (DHCP_CLIENT_ERR_LEASE_ZERO, counted in rx_rejected) and the client
 *   goes on as if nothing had come: SELECTING retransmits its DISCOVER,
 *   REQUESTING its REQUEST (then INIT after the retries), RENEWING and
 *   REBINDING keep the lease held and their schedule. A lease of 1 s up
 *   to cfg.min_lease_s (default 20 s) is raised to cfg.min_lease_s, so a
 *   broken server cannot make the client spin; lease 0xffffffff is
 *   infinite (§3.3): no T1, T2 or expiry.
 * - A NAK sends the client to INIT (LOST if it held a lease), and the next
 *   DISCOVER waits: after the k-th NAK in a row, base =
 *   cfg.nak_backoff_ms * 2^(k-1) capped at cfg.nak_backoff_max_ms, and the
 *   wait is uniform in [base/2, base] from the seeded generator (by
 *   default 0.5-1 s, 1-2 s, ... up to 32-64 s). A lease (BOUND) resets k.
 *   RFC 2131 asks for no wait, but a server that OFFERs and then NAKs
 *   would otherwise get thousands of exchanges a second.
 * - Lease start: a new lease (REQUESTING, INIT-REBOOT) runs from the first
 *   REQUEST of the exchange ("the original request", §4.4.1), the
 *   conservative choice; a renewed one (RENEWING, REBINDING) from the
 *   latest REQUEST sent, the one that got the ACK (§4.4.5): those are at
 *   least renew_min_ms apart, far longer than any answer takes.
 * - Matching: xid, chaddr, and the client identifier when a reply has one
 *   (RFC 6842 §3: it must be ours, 01 + MAC). A NAK without a server id
 *   is dropped in every state (RFC 2131 table 3: it MUST carry one). A
 *   yiaddr that is its subnet's network or broadcast address (under the
 *   reply's mask, else the classful one; RFC 1122 §3.2.1.3) is refused.
 * - RENEWED versus CHANGED: CHANGED when the address, mask, routers or DNS
 *   servers differ from the lease held; a new lease time alone is RENEWED.
 * - Address conflict detection (RFC 5227 §2.1), with cfg.probe.enabled
 *   (off by default: see docs/dhcp-stub.md for why and what it costs): an
 *   ACK for a new lease (REQUESTING, INIT-REBOOT) leads to CHECKING, not
 *   BOUND. There the client waits a random 0..wait_ms, then asks for num
 *   ARP probes (sender IP 0, target the address; poll hands them out as
 *   tx->kind DHCP_TX_ARP) min_ms..max_ms apart, and announce_wait_ms after
 *   the last one it is BOUND. Every ARP packet the caller sees meanwhile
 *   goes to dhcp_client_input_arp; one with sender IP = the address, or a
 *   probe for it from another MAC, is a conflict: EV_CONFLICT, a DECLINE
 *   at the next poll (RFC 2131 §3.1.5), and DISCOVER again
 *   decline_wait_ms later (10 s), or rate_limit_ms (60 s) once
 *   max_conflicts (10) conflicts came without a lease in between. A
 *   renewal is never probed: the address is already ours.
 */
#ifndef DHCP_STUB_DHCP_CLIENT_H
#define DHCP_STUB_DHCP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_msg.h"
#include "netproto/arp.h"

#define DHCP_NEVER UINT64_MAX /* a deadline that never comes */

enum dhcp_client_state {
    DHCP_CLIENT_STOPPED,     /* before start, after stop */
    DHCP_CLIENT_INIT,        /* about to send DISCOVER */
    DHCP_CLIENT_SELECTING,   /* DISCOVER sent, waiting for an OFFER */
    DHCP_CLIENT_REQUESTING,  /* REQUEST for an OFFER sent, waiting for ACK or NAK */
    DHCP_CLIENT_BOUND,       /* lease held, waiting for T1 */
    DHCP_CLIENT_RENEWING,    /* T1 passed: REQUEST unicast to the server */
    DHCP_CLIENT_REBINDING,   /* T2 passed: REQUEST broadcast to any server */
    DHCP_CLIENT_INIT_REBOOT, /* REQUEST for a previous address broadcast */
    DHCP_CLIENT_CHECKING,    /* ACKed; ARP-probing the address (RFC 5227) before BOUND */
};

enum dhcp_client_event {
    DHCP_CLIENT_EV_NONE,
    DHCP_CLIENT_EV_BOUND,    /* a new lease: configure the interface */
    DHCP_CLIENT_EV_RENEWED,  /* the same lease extended: nothing to reconfigure */
    DHCP_CLIENT_EV_CHANGED,  /* renewal gave a different address, mask, routers or DNS */
    DHCP_CLIENT_EV_LOST,     /* the lease expired or was refused: unconfigure */
    DHCP_CLIENT_EV_CONFLICT, /* CHECKING: the address is in use; DECLINE, start over */
};

/*
 * RFC 5227 §2.1.1 probing of an address before it is bound. The defaults
 * are the RFC's constants (§1.1): PROBE_WAIT 1 s, PROBE_NUM 3, PROBE_MIN
 * 1 s, PROBE_MAX 2 s, ANNOUNCE_WAIT 2 s, MAX_CONFLICTS 10,
 * RATE_LIMIT_INTERVAL 60 s; and RFC 2131 §3.1.5's ten seconds after a
 * DECLINE. Every wait inside a range is drawn from the client's seeded
 * generator.
 */
struct dhcp_probe_config {
    bool enabled;              /* probe before BOUND: off */
    uint32_t wait_ms;          /* random 0..wait_ms before the first probe: 1000 */
    uint8_t num;               /* probes: 3 */
    uint32_t min_ms;           /* between probes, at least: 1000 */
    uint32_t max_ms;           /* ... and at most: 2000 */
    uint32_t announce_wait_ms; /* after the last probe, before BOUND: 2000 */
    uint32_t decline_wait_ms;  /* after a DECLINE, before the next DISCOVER: 10000 */
    uint8_t max_conflicts;     /* conflicts in a row before the rate limit: 10 */
    uint32_t rate_limit_ms;    /* then at least this between attempts: 60000 */
};

struct dhcp_client_config {
    uint8_t mac[6];              /* chaddr and client identifier 01 + MAC */
    uint64_t seed;               /* the generator's seed; 0 (default): from mac, see above */
    bool jitter;                 /* +-1 s on retransmissions (RFC 2131 §4.1); off */
    bool initial_delay;          /* wait 1-10 s before the first message (§4.4.1); off */
    bool request_broadcast;      /* set the BROADCAST flag in requests; off */
    uint32_t retrans_initial_ms; /* first retransmission interval: 4000 */
    uint32_t retrans_max_ms;     /* interval cap: 64000 */
    uint8_t request_retries;     /* REQUEST retransmissions before INIT: 4 */
    uint32_t renew_min_ms;       /* RENEWING/REBINDING minimum interval: 60000 */
    uint32_t min_lease_s;        /* shorter leases are raised to this: 20 */
    uint16_t max_msg_size;       /* option 57 value, 0 to leave it out: 576 */
    uint32_t nak_backoff_ms;     /* wait after a first NAK, doubling per NAK in a row: 1000 */
    uint32_t nak_backoff_max_ms; /* the doubling stops here: 64000 */
    struct dhcp_probe_config probe;
};

struct dhcp_lease {
    uint32_t addr;
    uint32_t mask;
    uint8_t prefix_len;
    bool mask_from_class; /* the ACK had no subnet mask option */
    uint32_t server_id;
    uint8_t n_routers; /* 0 when the server sent none (slirp restrict=on) */
    uint32_t routers[DHCP_MSG_ADDRS_MAX];
    uint8_t n_dns; /* 0 when the server sent none */
    uint32_t dns[DHCP_MSG_ADDRS_MAX];
    uint32_t lease_s; /* as used: after the minimum; DHCP_LEASE_INFINITE */
    uint32_t t1_s;
    uint32_t t2_s;
    uint64_t start_ms; /* when the REQUEST that got it was sent (see above) */
    uint64_t t1_ms;    /* absolute times; DHCP_NEVER for an infinite lease */
    uint64_t t2_ms;
    uint64_t expire_ms;
};

/*
 * Received messages the client dropped, one counter per reason. Every
 * dhcp_client_input and dhcp_client_input_frame call that returns an error
 * other than DHCP_ERR_INVAL adds one to exactly one of them.
 */
struct dhcp_client_stats {
    uint32_t rx_ok;         /* messages accepted */
    uint32_t rx_malformed;  /* DHCP_MSG_ERR_* and DHCP_CLIENT_ERR_FRAME */
    uint32_t rx_not_ours;   /* _OP, _XID, _CHADDR, _CLIENT_ID, _NOT_OURS */
    uint32_t rx_unexpected; /* _UNEXPECTED: not a message this state waits for */
    uint32_t rx_rejected;   /* _NO_SERVER_ID, _SERVER_ID, _YIADDR, _NO_LEASE, _LEASE_ZERO, _MASK */
    uint32_t arp_in;        /* ARP packets given to dhcp_client_input_arp (or as frames) */
    uint32_t conflicts;     /* of them, conflicts that made the client DECLINE */
};

/* Every field of the client is private; use the functions below. */
struct dhcp_client {
    struct dhcp_client_config cfg;
    enum dhcp_client_state state;
    uint64_t rng;
    uint32_t xid;
    uint32_t tries;         /* transmissions so far in this state */
    uint64_t deadline_ms;   /* next transmission or timer */
    uint64_t exchange_ms;   /* start of the exchange, for secs */
    uint16_t discover_secs; /* secs of the last DISCOVER, repeated in its REQUEST */
    uint64_t request_ms;    /* the REQUEST a lease would run from (see above) */
    uint32_t offer_addr;    /* REQUESTING: yiaddr offered; INIT-REBOOT: previous address */
    uint32_t offer_server;  /* REQUESTING: the server selected */
    uint32_t naks;          /* NAKs in a row since the last lease, for the back-off */
    uint8_t probes;         /* CHECKING: ARP probes sent */
    uint8_t conflicts;      /* conflicts since the last lease, for the rate limit */
    bool decline_pending;   /* INIT: DECLINE offer_addr to offer_server first */
    bool have_lease;
    struct dhcp_lease lease;
    struct dhcp_client_stats stats; /* last, so tests can compare what precedes it */
};

/* MAC 02:00:00:00:00:01, seed 0 (from the MAC), no jitter, no initial
 * delay, 4 s to 64 s, 4 REQUEST retries,
 * 60 s renewal minimum, 20 s minimum lease, option 57 = 576, NAK back-off
 * 1 s doubling to 64 s. */
void dhcp_client_config_defaults(struct dhcp_client_config *cfg);

/* Checks cfg and sets the client up in STOPPED. With cfg->probe.enabled:
 * num >= 1, min_ms <= max_ms, decline_wait_ms and max_conflicts >= 1. */
int dhcp_client_init(struct dhcp_client *c, const struct dhcp_client_config *cfg);

/* STOPPED to INIT: the next poll (at now) sends DISCOVER. */
int dhcp_client_start(struct dhcp_client *c, uint64_t now_ms);

/* STOPPED to INIT-REBOOT with a previous address (RFC 2131 §3.2): the next
 * poll broadcasts a REQUEST with option 50 and no server id. */
int dhcp_client_start_reboot(struct dhcp_client *c, uint64_t now_ms, uint32_t prev_addr);

/*
 * One received DHCP message (the UDP payload). On success *event says what
 * happened to the lease. Errors: any DHCP_MSG_ERR_* from the codec, then
 * DHCP_CLIENT_ERR_OP, _XID, _CHADDR, _CLIENT_ID, _UNEXPECTED, _NO_SERVER_ID, _SERVER_ID,
 * _YIADDR, _NO_LEASE, _LEASE_ZERO, _MASK; nothing but one drop counter
 * changes on an error.
 */
int dhcp_client_input(struct dhcp_client *c, uint64_t now_ms, const uint8_t *msg, size_t len,
                      enum dhcp_client_event *event);

/*
 * One received Ethernet frame: accepted when it is IPv4/UDP to port 68 and
 * to our MAC or broadcast, whatever the destination IP (dnsmasq unicasts the
 * OFFER to yiaddr before we own it), then handed to dhcp_client_input.
 * DHCP_CLIENT_ERR_FRAME for a malformed frame, _NOT_OURS for someone else's.
 * An ARP frame (any destination) goes to dhcp_client_input_arp instead and
 * is counted in stats.arp_in, not in the rx counters.
 */
int dhcp_client_input_frame(struct dhcp_client *c, uint64_t now_ms, const uint8_t *frame,
                            size_t len, enum dhcp_client_event *event);

/*
 * Runs the timers due at now_ms and writes at most one message into tx
 * (tx->len 0: nothing to send). *event gets DHCP_CLIENT_EV_LOST when the
 * lease expired, DHCP_CLIENT_EV_BOUND when probing ends without conflict.
 * DHCP_ERR_NOSPACE when tx->cap is too small (DHCP_MSG_BUILD_MAX always
 * suffices); nothing changes then. While CHECKING, what it writes may be
 * an ARP probe instead of a DHCP message: tx->kind says which.
 */
int dhcp_client_poll(struct dhcp_client *c, uint64_t now_ms, struct dhcp_tx *tx,
                     enum dhcp_client_event *event);

/*
 * One ARP packet seen on the link (RFC 5227 §2.1.1), for the probe. While
 * CHECKING, one with sender IP = the address being probed, or a probe for
 * it (sender IP 0, target the address) from a sender MAC not ours, is a
 * conflict: *event = DHCP_CLIENT_EV_CONFLICT, the client goes to INIT and
 * its next poll sends a DECLINE. In any other state, or for anything else,
 * nothing happens (*event NONE). Every call is counted in stats.arp_in.
 * dhcp_client_input_frame does the same with an Ethernet ARP frame.
 */
int dhcp_client_input_arp(struct dhcp_client *c, uint64_t now_ms, const struct np_arp *arp,
                          enum dhcp_client_event *event);

/* The address being probed (CHECKING), else 0. */
uint32_t dhcp_client_probe_addr(const struct dhcp_client *c);

/* When poll must next be called; DHCP_NEVER when nothing is pending. */
uint64_t dhcp_client_deadline(const struct dhcp_client *c);

/*
 * Stops the client. With a lease held, writes a RELEASE (unicast to the
 * server, RFC 2131 §4.4.6) into tx; otherwise tx->len is 0. Then STOPPED.
 */
int dhcp_client_stop(struct dhcp_client *c, uint64_t now_ms, struct dhcp_tx *tx);

enum dhcp_client_state dhcp_client_state(const struct dhcp_client *c);

/* A copy of the drop counters; zeros for a NULL client. */
void dhcp_client_get_stats(const struct dhcp_client *c, struct dhcp_client_stats *out);

/* The lease held (BOUND, RENEWING, REBINDING), else NULL. */
const struct dhcp_lease *dhcp_client_lease(const struct dhcp_client *c);

const char *dhcp_client_state_name(enum dhcp_client_state s);
const char *dhcp_client_event_name(enum dhcp_client_event e);

#endif
