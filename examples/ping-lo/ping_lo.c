/*
 * The smallest whole use of rvnet: the netstack on lo alone, driven by
 * ns_poll on a clock of our own (a counter: one call, one millisecond).
 * Everything it needs comes from the installed prefix: the headers under
 * include/rvnet and librvnet_netstack.a with the libraries it pulls in.
 */
#include "ping_lo.h"

#include <stddef.h>

#include "netstack/netstack.h"

#define PING_LO_STEP_LIMIT 10000u /* virtual ms the ping may take at most */

/* All storage is the caller's: static here, so a freestanding image needs
 * no stack the size of a frame queue. */
static struct ns_host host;
static struct lo_slot lo_slots[LO_DEPTH_DEFAULT];

int ping_lo_run(struct ping_lo_result *out)
{
    *out = (struct ping_lo_result){0};
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.virt0 = NULL; /* no device: lo only */
    cfg.lo_slots = lo_slots;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    cfg.dhcp = NS_DHCP_OFF;
    int rc = ns_init(&host, &cfg);
    if (rc != NS_OK)
        return rc;

    /* 127.0.0.1, id "ex", 56 bytes, one request every 10 ms, 1 s for the last reply. */
    struct ns_ping_params p = {NS_LOOPBACK_ADDR, 0x6578u, PING_LO_COUNT, 56u, 10u, 1000u};
    rc = ns_ping_start(&host, &p);
    if (rc != NS_OK)
        return rc;
    struct ns_ping_result r = {0};
    uint64_t now = 0;
    while (!r.done && now < PING_LO_STEP_LIMIT) {
        rc = ns_poll(&host, now++);
        if (rc != NS_OK)
            return rc;
        ns_ping_get(&host, &r);
    }

    struct ns_counters c;
    ns_counters(&host, &c);
    out->sent = r.sent;
    out->received = r.received;
    out->echo_requests_answered = c.icmp_echo_out;
    out->virtual_ms = now;
    return r.done && r.sent == PING_LO_COUNT && r.received == PING_LO_COUNT ? 0 : 1;
}
