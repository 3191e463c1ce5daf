/*
 * The DHCP client state machine (RFC 2131 §4.4, figure 5), sans-IO.
 *
 * Every entry point works on a copy of the client and writes it back only
 * when it succeeds, so an error (a malformed message, a reply for someone
 * else, a buffer too small) leaves the client as it was; a dropped input
 * only bumps the counter of its reason in c->stats.
 */
#include <string.h>

#include "dhcp_client_internal.h"
#include "netproto/np.h"

/* RFC 2131 §4.1: retransmission delays are "randomized by the value of a
 * uniform random number chosen from the range -1 to +1" seconds. */
#define JITTER_MS 1000u

/* RFC 2131 §4.4.1: "wait a random time between one and ten seconds". */
#define INITIAL_DELAY_MIN_MS 1000u
#define INITIAL_DELAY_MAX_MS 10000u

/* Timer transitions one poll may make: a late poll passes through BOUND,
 * RENEWING, REBINDING and INIT at the most, so this bound is never
 * reached, and keeps the loop finite whatever the state. */
#define POLL_PASSES_MAX 8

/* One constant copied out with memcpy: smaller than a store per field.
 * Static storage has its padding zeroed, so the bytes are as deterministic
 * as after the memset this replaced. */
static const struct dhcp_client_config config_defaults = {
    .mac = NP_MAC_DEFAULT,
    .seed = 0, /* from the MAC */
    .jitter = false,
    .initial_delay = false,
    .request_broadcast = false,
    .retrans_initial_ms = 4000,
    .retrans_max_ms = 64000,
    .request_retries = 4,
    .renew_min_ms = 60000,
    .min_lease_s = 20,
    .max_msg_size = DHCP_MSG_MIN_MAX_SIZE,
    .nak_backoff_ms = 1000,
    .nak_backoff_max_ms = 64000,
    /* RFC 5227 §1.1's constants, and RFC 2131 §3.1.5's ten seconds. */
    .probe =
        {
            .enabled = false,
            .wait_ms = 1000,
            .num = 3,
            .min_ms = 1000,
            .max_ms = 2000,
            .announce_wait_ms = 2000,
            .decline_wait_ms = 10000,
            .max_conflicts = 10,
            .rate_limit_ms = 60000,
        },
};

void dhcp_client_config_defaults(struct dhcp_client_config *cfg)
{
    if (cfg != NULL)
        memcpy(cfg, &config_defaults, sizeof *cfg);
}

static bool probe_config_ok(const struct dhcp_probe_config *p)
{
    return !p->enabled || (p->num >= 1 && p->min_ms <= p->max_ms && p->decline_wait_ms >= 1 &&
                           p->max_conflicts >= 1);
}

/*
 * The default seed: the MAC read as a 48-bit big-endian number. It is as
 * deterministic as a fixed seed, but hosts with different MACs draw
 * different xids (splitmix64's output is a bijection of its state, so two
 * MACs never give the same first 64-bit draw); with one fixed seed every
 * host opened with the same xid.
 */
static uint64_t seed_from_mac(const uint8_t *mac)
{
    return (uint64_t)np_get16(mac) << 32 | np_get32(mac + 2);
}

/* RFC 2131 §4.4.1: "wait a random time between one and ten seconds to
 * desynchronize the use of DHCP at startup", when the caller asks for it. */
static uint64_t startup_wait(struct dhcp_client *c)
{
    if (!c->cfg.initial_delay)
        return 0;
    return INITIAL_DELAY_MIN_MS +
           dhcpc_rng_next(&c->rng) % (INITIAL_DELAY_MAX_MS - INITIAL_DELAY_MIN_MS + 1u);
}

int dhcp_client_init(struct dhcp_client *c, const struct dhcp_client_config *cfg)
{
    if (c == NULL || cfg == NULL)
        return DHCP_ERR_INVAL;
    if (cfg->retrans_initial_ms == 0 || cfg->retrans_max_ms < cfg->retrans_initial_ms ||
        cfg->renew_min_ms == 0 || cfg->min_lease_s == 0 ||
        (cfg->max_msg_size != 0 && cfg->max_msg_size < DHCP_MSG_MIN_MAX_SIZE) ||
        (cfg->mac[0] & 1u) || cfg->nak_backoff_ms == 0 ||
        cfg->nak_backoff_max_ms < cfg->nak_backoff_ms || !probe_config_ok(&cfg->probe))
        return DHCP_ERR_INVAL;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->rng = cfg->seed != 0 ? cfg->seed : seed_from_mac(cfg->mac);
    c->state = DHCP_CLIENT_STOPPED;
    c->deadline_ms = DHCP_NEVER;
    return DHCP_OK;
}

/* A new exchange: a fresh xid and the clock for secs restarts. */
void dhcpc_begin_exchange(struct dhcp_client *n, uint64_t now)
{
    n->xid = (uint32_t)(dhcpc_rng_next(&n->rng) >> 32);
    n->exchange_ms = now;
    n->tries = 0;
}

int dhcp_client_start(struct dhcp_client *c, uint64_t now_ms)
{
    if (c == NULL)
        return DHCP_ERR_INVAL;
    if (c->state != DHCP_CLIENT_STOPPED)
        return DHCP_CLIENT_ERR_STATE;
    c->state = DHCP_CLIENT_INIT;
    c->deadline_ms = dhcpc_add_sat(now_ms, startup_wait(c));
    return DHCP_OK;
}

int dhcp_client_start_reboot(struct dhcp_client *c, uint64_t now_ms, uint32_t prev_addr)
{
    if (c == NULL || !dhcp_addr_usable(prev_addr))
        return DHCP_ERR_INVAL;
    if (c->state != DHCP_CLIENT_STOPPED)
        return DHCP_CLIENT_ERR_STATE;
    /* The exchange (and its secs) begins when the first REQUEST goes. */
    uint64_t first = dhcpc_add_sat(now_ms, startup_wait(c));
    dhcpc_begin_exchange(c, first);
    c->state = DHCP_CLIENT_INIT_REBOOT;
    c->offer_addr = prev_addr;
    c->deadline_ms = first;
    return DHCP_OK;
}

/* The interval after the n-th transmission (n >= 1): 4, 8, 16, 32, 64, 64 s
 * by default (RFC 2131 §4.1), optionally moved by up to a second. */
static uint64_t retrans_interval(struct dhcp_client *n)
{
    uint64_t ms = n->cfg.retrans_initial_ms;
    for (uint32_t i = 1; i < n->tries && ms < n->cfg.retrans_max_ms; i++)
        ms *= 2;
    if (ms > n->cfg.retrans_max_ms)
        ms = n->cfg.retrans_max_ms;
    if (n->cfg.jitter) {
        uint64_t r = dhcpc_rng_next(&n->rng) % (2u * JITTER_MS + 1u);
        ms = ms + r > JITTER_MS ? ms + r - JITTER_MS : 1;
    }
    return ms;
}

/* RFC 2131 §4.4.5: half the time left until `until`, at least the minimum,
 * but never past `until`, where the next state takes over. */
static uint64_t half_remaining(const struct dhcp_client *n, uint64_t now, uint64_t until)
{
    uint64_t wait = (until - now) / 2;
    if (wait < n->cfg.renew_min_ms)
        wait = n->cfg.renew_min_ms;
    uint64_t at = dhcpc_add_sat(now, wait);
    return at < until ? at : until;
}

/*
 * The timer handlers, one per state (RFC 2131 figure 5): each runs when
 * the deadline has come, and either sets *kind to the message to send or
 * moves to the next state, whose handler the poll loop runs next.
 */

/* INIT sends the first DISCOVER of a new exchange; SELECTING keeps
 * retransmitting it (§4.4.1). A DECLINE owed after a probe conflict goes
 * first (§3.1.5), as its own exchange (table 5: xid by the client). */
static void poll_init(struct dhcp_client *n, uint64_t now, enum send_kind *kind)
{
    if (n->decline_pending) {
        dhcpc_begin_exchange(n, now);
        *kind = SEND_DECLINE;
        return;
    }
    if (n->state == DHCP_CLIENT_INIT) {
        dhcpc_begin_exchange(n, now);
        n->state = DHCP_CLIENT_SELECTING;
    }
    *kind = SEND_DISCOVER;
    n->discover_secs = dhcpc_secs_now(n, now);
}

/* REQUESTING and INIT-REBOOT: the REQUEST and its retransmissions, then,
 * with no answer, INIT again (§4.4.1, §3.2). */
static void poll_request(struct dhcp_client *n, uint64_t now, enum send_kind *kind)
{
    if (n->tries > n->cfg.request_retries) {
        n->state = DHCP_CLIENT_INIT;
        n->deadline_ms = now;
        return;
    }
    if (n->tries == 0)
        n->request_ms = now;
    *kind = n->state == DHCP_CLIENT_REQUESTING ? SEND_REQUEST_SELECTING : SEND_REQUEST_REBOOT;
}

/* BOUND: at T1 the client moves to RENEWING (§4.4.5); an infinite lease
 * has no T1. */
static void poll_bound(struct dhcp_client *n, uint64_t now)
{
    if (n->lease.t1_ms == DHCP_NEVER) {
        n->deadline_ms = DHCP_NEVER;
        return;
    }
    dhcpc_begin_exchange(n, now);
    n->state = DHCP_CLIENT_RENEWING;
}

/* RENEWING: a REQUEST to the lease's server, until T2 moves the client
 * to REBINDING; the exchange goes on (§4.4.5). */
static void poll_renewing(struct dhcp_client *n, uint64_t now, enum send_kind *kind)
{
    if (now >= n->lease.t2_ms)
        n->state = DHCP_CLIENT_REBINDING;
    else
        *kind = SEND_REQUEST_RENEWING;
}

/* REBINDING: a REQUEST to any server, until the lease expires: LOST, and
 * INIT at once (§4.4.5). */
static void poll_rebinding(struct dhcp_client *n, uint64_t now, enum send_kind *kind,
                           enum dhcp_client_event *ev)
{
    if (now < n->lease.expire_ms) {
        *kind = SEND_REQUEST_REBINDING;
        return;
    }
    n->have_lease = false;
    memset(&n->lease, 0, sizeof n->lease);
    n->state = DHCP_CLIENT_INIT;
    n->deadline_ms = now;
    *ev = DHCP_CLIENT_EV_LOST;
}

/* One transition of the timers due at now; sets *kind when a message must
 * go out, *ev when the lease was lost or (after the probe) bound. */
static int poll_step(struct dhcp_client *n, uint64_t now, enum send_kind *kind,
                     enum dhcp_client_event *ev)
{
    switch (n->state) {
    case DHCP_CLIENT_STOPPED:
        n->deadline_ms = DHCP_NEVER;
        return DHCP_OK;
    case DHCP_CLIENT_INIT:
    case DHCP_CLIENT_SELECTING:
        poll_init(n, now, kind);
        return DHCP_OK;
    case DHCP_CLIENT_REQUESTING:
    case DHCP_CLIENT_INIT_REBOOT:
        poll_request(n, now, kind);
        return DHCP_OK;
    case DHCP_CLIENT_BOUND:
        poll_bound(n, now);
        return DHCP_OK;
    case DHCP_CLIENT_RENEWING:
        poll_renewing(n, now, kind);
        return DHCP_OK;
    case DHCP_CLIENT_REBINDING:
        poll_rebinding(n, now, kind, ev);
        return DHCP_OK;
    case DHCP_CLIENT_CHECKING:
        dhcpc_probe_step(n, kind, ev);
        return DHCP_OK;
    default:
        /* Unreachable: every state is handled above. */
        return DHCP_ERR_INVAL;
    }
}

/* After a message went out: when the next one is due. */
static void schedule_next(struct dhcp_client *n, uint64_t now, enum send_kind kind)
{
    if (kind == SEND_PROBE) {
        dhcpc_probe_sent(n, now);
        return;
    }
    if (kind == SEND_DECLINE) {
        n->decline_pending = false;
        n->deadline_ms = dhcpc_add_sat(now, dhcpc_decline_wait(n));
        return;
    }
    n->tries++;
    if (kind == SEND_REQUEST_RENEWING || kind == SEND_REQUEST_REBINDING) {
        /* RFC 2131 §4.4.5: a renewed lease runs from "the time at which
         * the client sent the DHCPREQUEST message": the one that got the
         * ACK, which with retransmissions at least renew_min_ms apart is
         * the latest one sent. */
        n->request_ms = now;
        n->deadline_ms = half_remaining(
            n, now, kind == SEND_REQUEST_RENEWING ? n->lease.t2_ms : n->lease.expire_ms);
    } else {
        n->deadline_ms = dhcpc_add_sat(now, retrans_interval(n));
    }
}

int dhcp_client_poll(struct dhcp_client *c, uint64_t now_ms, struct dhcp_tx *tx,
                     enum dhcp_client_event *event)
{
    if (c == NULL || tx == NULL || tx->buf == NULL || event == NULL)
        return DHCP_ERR_INVAL;
    struct dhcp_client n = *c;
    enum dhcp_client_event ev = DHCP_CLIENT_EV_NONE;
    enum send_kind kind = SEND_NONE;
    /* Each pass handles one transition (POLL_PASSES_MAX). */
    for (int pass = 0; pass < POLL_PASSES_MAX && kind == SEND_NONE && now_ms >= n.deadline_ms;
         pass++) {
        int rc = poll_step(&n, now_ms, &kind, &ev);
        if (rc != DHCP_OK)
            return rc;
    }
    if (kind == SEND_NONE) {
        tx->len = 0;
    } else {
        int rc = dhcpc_emit(&n, now_ms, kind, tx);
        if (rc != DHCP_OK)
            return rc;
        schedule_next(&n, now_ms, kind);
    }
    *c = n;
    *event = ev;
    return DHCP_OK;
}

uint64_t dhcp_client_deadline(const struct dhcp_client *c)
{
    return c == NULL ? DHCP_NEVER : c->deadline_ms;
}

void dhcp_client_get_stats(const struct dhcp_client *c, struct dhcp_client_stats *out)
{
    if (out == NULL)
        return;
    if (c == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = c->stats;
}

int dhcp_client_stop(struct dhcp_client *c, uint64_t now_ms, struct dhcp_tx *tx)
{
    if (c == NULL || tx == NULL || tx->buf == NULL)
        return DHCP_ERR_INVAL;
    struct dhcp_client n = *c;
    if (n.have_lease) {
        dhcpc_begin_exchange(&n, now_ms);
        int rc = dhcpc_emit(&n, now_ms, SEND_RELEASE, tx);
        if (rc != DHCP_OK)
            return rc;
    } else {
        tx->len = 0;
    }
    /* A lease being probed (CHECKING) was never ours to release, and a
     * DECLINE still pending is dropped with the rest. */
    n.have_lease = false;
    n.decline_pending = false;
    memset(&n.lease, 0, sizeof n.lease);
    n.state = DHCP_CLIENT_STOPPED;
    n.deadline_ms = DHCP_NEVER;
    *c = n;
    return DHCP_OK;
}

enum dhcp_client_state dhcp_client_state(const struct dhcp_client *c)
{
    return c == NULL ? DHCP_CLIENT_STOPPED : c->state;
}

const struct dhcp_lease *dhcp_client_lease(const struct dhcp_client *c)
{
    return c != NULL && c->have_lease ? &c->lease : NULL;
}
