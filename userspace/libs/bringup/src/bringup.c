/*
 * The bring-up sequence (bringup.h): the host set up on the module's
 * storage, lo, DHCP, the pings, the orderly stop, DHCP against the stub.
 * Every wait is the platform's run_until with a done() of the module's; the
 * module itself never polls, so the frames go out in the order and at the
 * times the platform's loop gives them (nx-net's golden traces are
 * byte-identical to those of the sequence it had before this module).
 *
 * What the module knows of the lease it asks the netstack after each poll
 * (ns_dhcp_lease: the client's lease, NULL from LOST, RELEASED or a
 * restart until the next ACK), so the host's event hook stays the
 * caller's alone.
 */
#include <string.h>

#include "bringup_internal.h"

#define DHCP_TIMEOUT_MS 10000u
#define PING_TIMEOUT_MS 5000u
/* What ns_dhcp_release may take: arp_tries (3) requests arp_retry_ms (1 s)
 * apart for the server's MAC (netstack.h). */
#define STOP_TIMEOUT_MS 3000u

void bringup_config_defaults(struct bringup_config *cfg)
{
    if (!cfg)
        return;
    ns_config_defaults(&cfg->ns);
    cfg->ns.dhcp = NS_DHCP_WIRE;
    cfg->t.dhcp_ms = DHCP_TIMEOUT_MS;
    cfg->t.ping_ms = PING_TIMEOUT_MS;
    cfg->t.stop_ms = STOP_TIMEOUT_MS;
}

/* Keeps the step and reason of a failure for the caller's FAIL line. */
static int fail(struct bringup *bu, int err, const char *step, const char *reason)
{
    bu->fail_step = step;
    bu->fail_reason = reason;
    return err;
}

/* A netstack call refused: its error is the reason, named only when the
 * caller asks (bringup_fail_reason), so an image that never asks links no
 * ns_strerror. */
static int fail_ns(struct bringup *bu, const char *step, int ns_err)
{
    bu->fail_ns = ns_err;
    return fail(bu, BRINGUP_ERR_NETSTACK, step, NULL);
}

static bool ready(const struct bringup *bu)
{
    return bu && bu->ns;
}

/* host_up and lease_wait are inlined into each of their two callers: the
 * size image links one of each (bringup_init, bringup_dhcp), and there the
 * call costs more than the copy does in the image that links both
 * (bench/run.sh P2: 74 bytes less in the one, 78 more in the other). */
#define BU_INLINE static inline __attribute__((always_inline))

/*
 * ns_init on *c with the module's storage, the platform's interrupt masked
 * around it (its handler calls ns_irq on this host).
 */
BU_INLINE int host_up(struct bringup *bu, const struct bringup_config *cfg, struct ns_config *c)
{
    const struct bringup_platform *pf = bu->pf;
    c->lo_slots = bu->lo_slots;
    c->lo_depth = BRINGUP_LO_DEPTH;
    c->arp = bu->arp;
    c->arp_hold = bu->arp_hold;
    c->arp_n = BRINGUP_ARP_N;
    bu->dev = c->virt0;
    bu->t = cfg->t;
    if (pf->irq_mask)
        pf->irq_mask(pf->ctx, true);
    int rc = ns_init(bu->ns, c);
    if (pf->irq_mask)
        pf->irq_mask(pf->ctx, false);
    return rc == NS_OK ? BRINGUP_OK : fail_ns(bu, "netstack", rc);
}

int bringup_init(struct bringup *bu, struct ns_host *ns, const struct bringup_config *cfg,
                 const struct bringup_platform *pf)
{
    if (!bu || !ns || !cfg || !pf || !pf->puts || !pf->run_until)
        return BRINGUP_ERR_INVAL;
    memset(bu, 0, sizeof(*bu));
    bu->ns = ns;
    bu->pf = pf;
    struct ns_config c = cfg->ns;
    int rc = host_up(bu, cfg, &c);
    if (rc == BRINGUP_OK)
        pf->puts(pf->ctx, "netstack: ready\n");
    return rc;
}

int bringup_lo(struct bringup *bu)
{
    if (!ready(bu))
        return BRINGUP_ERR_STATE;
    struct ns_if_info lo;
    if (ns_if_get(bu->ns, NS_IF_LO, &lo) != NS_OK || !lo.up)
        return fail(bu, BRINGUP_ERR_LO_DOWN, "netstack lo", "down");
    bu->pf->puts(bu->pf->ctx, "netstack: lo up\n");
    return BRINGUP_OK;
}

/* Runs the platform's loop until done(bu), for ms at most. */
static bool wait_for(struct bringup *bu, bool (*done)(void *arg), uint32_t ms)
{
    const struct bringup_platform *pf = bu->pf;
    return pf->run_until(pf->ctx, done, bu, ms);
}

static bool have_lease(void *arg)
{
    const struct bringup *bu = arg;
    return ns_dhcp_lease(bu->ns) != NULL;
}

BU_INLINE int lease_wait(struct bringup *bu, const char *label, const char *step)
{
    if (!wait_for(bu, have_lease, bu->t.dhcp_ms))
        return fail(bu, BRINGUP_ERR_NO_LEASE, step, "no-lease");
    bu_say_lease(bu->pf, label, ns_dhcp_lease(bu->ns));
    return BRINGUP_OK;
}

int bringup_dhcp(struct bringup *bu)
{
    if (!ready(bu))
        return BRINGUP_ERR_STATE;
    return lease_wait(bu, "netstack: virt0 dhcp", "netstack virt0 dhcp");
}

static bool ping_done(void *arg)
{
    const struct bringup *bu = arg;
    struct ns_ping_result r;
    ns_ping_get(bu->ns, &r);
    return r.done;
}

int bringup_ping(struct bringup *bu, uint32_t dst, unsigned count, struct ns_ping_result *out)
{
    if (!ready(bu))
        return BRINGUP_ERR_STATE;
    if (!out || count == 0 || count > 0xffffu)
        return fail(bu, BRINGUP_ERR_INVAL, "ping", "inval");
    struct ns_ping_params p = {dst,
                               BRINGUP_PING_ID,
                               (uint16_t)count,
                               BRINGUP_PING_BYTES,
                               BRINGUP_PING_INTERVAL_MS,
                               BRINGUP_PING_WAIT_MS};
    int rc = ns_ping_start(bu->ns, &p);
    if (rc != NS_OK)
        return fail_ns(bu, "ping", rc);
    (void)wait_for(bu, ping_done, bu->t.ping_ms);
    ns_ping_get(bu->ns, out);
    ns_ping_stop(bu->ns);
    return BRINGUP_OK;
}

/* One ping of the sequence: every request answered, then its marker. */
static int ping_step(struct bringup *bu, uint32_t dst, const char *step, const char *ok,
                     struct ns_ping_result *r)
{
    int rc = bringup_ping(bu, dst, BRINGUP_PING_COUNT, r);
    if (rc != BRINGUP_OK) {
        bu->fail_step = step;
        return rc;
    }
    if (r->received != r->sent || r->sent != BRINGUP_PING_COUNT)
        return fail(bu, BRINGUP_ERR_NO_REPLY, step, "no-reply");
    bu->pf->puts(bu->pf->ctx, ok);
    return BRINGUP_OK;
}

int bringup_pings(struct bringup *bu, struct bringup_pings *out)
{
    if (!ready(bu))
        return BRINGUP_ERR_STATE;
    const struct dhcp_lease *l = ns_dhcp_lease(bu->ns);
    if (!l)
        return fail(bu, BRINGUP_ERR_STATE, "net lo ping", "no-lease");
    /* The gateway; a server that offers no router (slirp under
     * restrict=on) is pinged itself: it answers for its own address. */
    uint32_t gw = l->n_routers ? l->routers[0] : l->server_id;
    struct bringup_pings r;
    int rc = ping_step(bu, NS_LOOPBACK_ADDR, "net lo ping", "SELFTEST: net lo ping ok\n", &r.lo);
    if (rc != BRINGUP_OK)
        return rc;
    rc = ping_step(bu, gw, "net gw ping", "SELFTEST: net gw ping ok\n", &r.gw);
    if (rc != BRINGUP_OK)
        return rc;
    if (out)
        *out = r;
    return BRINGUP_OK;
}

int bringup_run(struct bringup *bu, struct bringup_pings *out)
{
    int rc = bringup_dhcp(bu);
    return rc != BRINGUP_OK ? rc : bringup_pings(bu, out);
}

/* TX buffers virt0's device holds: every poll reclaims what it gave back
 * (the netstack's link floor), so this falls to 0 once the last frame
 * left, whatever a reset lost before. */
static unsigned tx_in_flight(const struct bringup *bu)
{
    return bu->dev ? vnet_tx_in_flight(bu->dev) : 0u;
}

/* Nothing of the stop is left in the host or in the device's hands. */
static bool stop_settled(void *arg)
{
    const struct bringup *bu = arg;
    return !ns_arp_pending(bu->ns) && tx_in_flight(bu) == 0;
}

/* Gives the lease back; *addr gets the one given back, 0 when none was. */
static int release(struct bringup *bu, uint32_t *addr)
{
    *addr = 0;
    if (!ready(bu))
        return BRINGUP_ERR_STATE;
    const struct dhcp_lease *l = ns_dhcp_lease(bu->ns);
    uint32_t held = l ? l->addr : 0;
    int rc = ns_dhcp_release(bu->ns);
    if (rc != NS_OK)
        return fail_ns(bu, "netstack virt0 dhcp release", rc);
    /* The RELEASE is unicast to the server: when its MAC is not cached it
     * waits for ARP like any packet, and only polls can send it. Then it
     * has left only when the device gives its buffer back (virtio 1.2
     * §2.7.14: the used ring): QEMU sends a frame from a bottom half, after
     * the notification, and a platform that exits or resets right after
     * the stop would lose it, and whatever it sent just before (the last
     * ACK of a transfer). So the wait is for every TX buffer. */
    *addr = held;
    if (stop_settled(bu) || wait_for(bu, stop_settled, bu->t.stop_ms))
        return BRINGUP_OK;
    return fail(bu, BRINGUP_ERR_STOP_TIMEOUT, "netstack virt0 stop",
                ns_arp_pending(bu->ns) ? "arp-pending" : "tx-pending");
}

int bringup_release(struct bringup *bu, bool *released)
{
    uint32_t addr;
    int rc = release(bu, &addr);
    if (released)
        *released = addr != 0;
    return rc;
}

int bringup_stop(struct bringup *bu)
{
    uint32_t addr;
    int rc = release(bu, &addr);
    if (rc == BRINGUP_OK && addr)
        bu_say_released(bu->pf, addr);
    return rc;
}

int bringup_stub_dhcp(struct bringup *bu, const struct bringup_config *cfg,
                      struct bringup_stub *stub)
{
    if (!ready(bu))
        return BRINGUP_ERR_STATE;
    if (!cfg || !stub)
        return fail(bu, BRINGUP_ERR_INVAL, "netstack", "inval");
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    if (dhcp_server_init(&stub->srv, &sc) != DHCP_OK)
        return fail(bu, BRINGUP_ERR_STUB, "netstack", "stub-server");
    struct ns_config c = cfg->ns;
    c.dhcp = NS_DHCP_STUB;
    c.stub = &stub->srv;
    c.stub_input = dhcp_server_input;
    /* What the host took from virt0 before this one, for bringup_virt0_rx
     * (only a poll moves it, never the interrupt handler). */
    struct ns_counters k;
    ns_counters(bu->ns, &k);
    bu->rx_earlier += k.rx_frames[NS_IF_VIRT0];
    int rc = host_up(bu, cfg, &c);
    if (rc != BRINGUP_OK)
        return rc;
    return lease_wait(bu, "netstack: virt0 dhcp-stub", "netstack virt0 dhcp-stub");
}

uint64_t bringup_virt0_rx(const struct bringup *bu)
{
    if (!ready(bu))
        return 0;
    struct ns_counters k;
    ns_counters(bu->ns, &k);
    return bu->rx_earlier + k.rx_frames[NS_IF_VIRT0];
}

const char *bringup_fail_step(const struct bringup *bu)
{
    return bu && bu->fail_step ? bu->fail_step : "";
}

const char *bringup_fail_reason(const struct bringup *bu)
{
    if (!bu || (!bu->fail_reason && !bu->fail_ns))
        return "";
    return bu->fail_reason ? bu->fail_reason : ns_strerror(bu->fail_ns);
}
