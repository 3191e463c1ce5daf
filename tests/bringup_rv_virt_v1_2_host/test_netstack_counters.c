/*
 * The counters' layout and the library's drop total: every counter that is
 * not a drop is named here, and together they fill struct ns_counters up
 * to NS_DROPS_FIRST exactly, so a counter added among them without being
 * named here fails; every counter from NS_DROPS_FIRST on is summed by
 * ns_drops. And the lease event's prefix length, as the client computed
 * it, for two masks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"

#define F(field)                                                                                   \
    {                                                                                              \
#field, offsetof(struct ns_counters, field), sizeof(((struct ns_counters *)0)->field)      \
    }

/* The counters that count no drop, in struct order. */
static const struct {
    const char *name;
    size_t off, size;
} traffic[] = {
    F(rx_frames),     F(tx_frames),     F(arp_req_in),   F(arp_rep_out),
    F(arp_req_out),   F(arp_probe_out), F(arp_not_ours), F(arp_expired),
    F(icmp_echo_in),  F(icmp_echo_out), F(dhcp_in),      F(dhcp_out),
    F(dhcp_declined), F(irqs),          F(dev_errors),   F(handover_refused),
};

#define NTRAFFIC (sizeof(traffic) / sizeof(traffic[0]))

static void test_traffic_block_is_what_it_says(void **state)
{
    (void)state;
    size_t at = 0;
    for (size_t i = 0; i < NTRAFFIC; i++) {
        if (traffic[i].off != at)
            fail_msg("%s is at %zu, want %zu: a counter between it and the one before is "
                     "neither listed as traffic here nor below NS_DROPS_FIRST",
                     traffic[i].name, traffic[i].off, at);
        at += traffic[i].size;
    }
    assert_int_equal(at, offsetof(struct ns_counters, NS_DROPS_FIRST));
    assert_true(offsetof(struct ns_counters, NS_DROPS_FIRST) < sizeof(struct ns_counters));
}

static void test_drops_sums_every_drop_counter(void **state)
{
    (void)state;
    struct ns_counters c;
    const size_t first = offsetof(struct ns_counters, NS_DROPS_FIRST);
    const size_t n = (sizeof(c) - first) / sizeof(uint32_t);
    /* Traffic counters large, so that any of them summed shows. */
    memset(&c, 0, sizeof(c));
    memset(&c, 0x40, first);
    assert_int_equal(ns_drops(&c), 0);
    /* Each drop counter alone, a different value each, is the sum. */
    for (size_t k = 0; k < n; k++) {
        uint32_t v = (uint32_t)(1000 + k);
        memset((uint8_t *)&c + first, 0, sizeof(c) - first);
        memcpy((uint8_t *)&c + first + k * sizeof(uint32_t), &v, sizeof(v));
        assert_int_equal(ns_drops(&c), v);
    }
    /* All of them, each near the top of its range: no 32-bit overflow. */
    memset((uint8_t *)&c + first, 0xff, sizeof(c) - first);
    assert_int_equal(ns_drops(&c), (uint64_t)n * 0xffffffffu);
    assert_int_equal(ns_drops(NULL), 0);
    /* By name, a few drops a caller knows. */
    memset(&c, 0, sizeof(c));
    c.if_down = 1;
    c.arp_hold_drop = 2;
    c.tx_dev_refused = 4;
    c.ping_bad = 8;
    c.dev_errors = 100; /* traffic: an error, not a drop */
    assert_int_equal(ns_drops(&c), 15);
}

static unsigned bound_event(struct nt *t)
{
    for (unsigned k = 0; k < t->nev && k < NT_EV; k++)
        if (t->ev[k].type == NS_EV_DHCP_BOUND)
            return k;
    fail_msg("no BOUND event");
    return 0;
}

/* The lease event carries the prefix length of its mask. */
static void test_lease_event_prefix_len(void **state)
{
    (void)state;
    static const struct {
        uint32_t addr, mask;
        uint8_t prefix;
    } leases[] = {
        {NP_IPV4(10, 0, 2, 15), NP_IPV4(255, 255, 255, 0), 24},
        {NP_IPV4(172, 16, 5, 9), NP_IPV4(255, 255, 240, 0), 20},
    };
    for (size_t i = 0; i < sizeof(leases) / sizeof(leases[0]); i++) {
        struct nt *t = nt_new(false);
        struct dhcp_server_config sc;
        dhcp_server_config_defaults(&sc);
        sc.addr = leases[i].addr;
        sc.mask = leases[i].mask;
        sc.server_id = (leases[i].addr & leases[i].mask) | 1u;
        sc.router = sc.server_id;
        assert_int_equal(dhcp_server_init(&t->stub, &sc), DHCP_OK);
        t->cfg.dhcp = NS_DHCP_STUB;
        assert_int_equal(nt_start(t), NS_OK);
        assert_int_equal(nt_poll(t), NS_OK);
        const struct ns_event *e = &t->ev[bound_event(t)];
        assert_int_equal(e->addr, leases[i].addr);
        assert_int_equal(e->mask, leases[i].mask);
        assert_int_equal(e->prefix_len, leases[i].prefix);
        nt_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traffic_block_is_what_it_says),
        cmocka_unit_test(test_drops_sums_every_drop_counter),
        cmocka_unit_test(test_lease_event_prefix_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
