/*
 * The netstack sizes what it sends by the interface it leaves on: virt0
 * carries the frontend's MTU (vnet_mtu: the device's VIRTIO_NET_F_MTU, or
 * 1500; never more than the netstack's own 1500), lo keeps 1500. A UDP or
 * raw send above what its interface carries is NS_ERR_TOO_BIG and counted
 * before anything is built; ns_if_get reports each interface's MTU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_netstack_util.h"

#define OUR NP_IPV4(10, 0, 2, 15)
#define BCAST NP_IPV4(10, 0, 2, 255)
#define MASK24 NP_IPV4(255, 255, 255, 0)
#define PEER NP_IPV4(10, 0, 2, 2)
#define LOOP NP_IPV4(127, 0, 0, 1)

/* virt0 on a device of that version offering mtu (0: none), with a
 * capture of what it sends, at 10.0.2.15/24. */
static struct nt *mtu_rig(uint32_t version, uint16_t mtu)
{
    struct nt *t = nt_new(false);
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, version);
    if (mtu) {
        fc.features |= VNET_FEATURE(VNET_F_MTU);
        fc.mtu = mtu;
    }
    assert_int_equal(vnet_harness_open_cfg(&t->h, &fc, NULL), 0);
    assert_int_equal(vnet_harness_up(&t->h), VNET_OK);
    t->have_dev = true;
    vnet_harness_capture(&t->h, nt_cap_fn, t);
    t->cfg.virt0 = &t->h.dev;
    assert_int_equal(nt_start(t), NS_OK);
    assert_int_equal(ns_if_set_addr(&t->ns, NS_IF_VIRT0, OUR, MASK24, PEER), NS_OK);
    t->ncap = 0; /* the gratuitous ARP */
    return t;
}

/* One UDP datagram of len bytes to dst: what the send returned, and that
 * a refused one built nothing (no frame, the counter up, the frontend
 * never asked). */
static int udp_send(struct nt *t, uint32_t dst, size_t len)
{
    static uint8_t data[2048];
    struct ns_udp_sock s;
    struct ns_dgram q[1];
    assert_int_equal(ns_udp_bind(&t->ns, &s, 4000, q, 1), NS_OK);
    unsigned ncap = t->ncap, lo_tx = nt_cnt(t).tx_frames[NS_IF_LO];
    uint32_t big = nt_cnt(t).tx_too_big;
    int rc = ns_udp_send(&t->ns, &s, dst, 9, data, len);
    if (rc == NS_ERR_TOO_BIG) {
        assert_int_equal(t->ncap, ncap);
        assert_int_equal(nt_cnt(t).tx_frames[NS_IF_LO], lo_tx);
        assert_int_equal(nt_cnt(t).tx_too_big, big + 1u);
        assert_int_equal(nt_cnt(t).dev_errors, 0);
    }
    assert_int_equal(ns_udp_close(&t->ns, &s), NS_OK);
    return rc;
}

static void check_mtu(uint32_t version, uint16_t dev_mtu, unsigned want)
{
    struct nt *t = mtu_rig(version, dev_mtu);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.mtu, want);
    assert_int_equal(ns_if_get(&t->ns, NS_IF_LO, &i), NS_OK);
    assert_int_equal(i.mtu, 1500);
    /* virt0: IPv4 and UDP headers inside the MTU. */
    assert_int_equal(udp_send(t, BCAST, want - 28u), NS_OK);
    assert_int_equal(t->ncap, 1);
    assert_int_equal(t->cap[0].len, want + 14u);
    assert_int_equal(udp_send(t, BCAST, want - 27u), NS_ERR_TOO_BIG);
    /* lo keeps 1500 whatever virt0 carries, to 127/8 and to our address. */
    assert_int_equal(udp_send(t, LOOP, 1472), NS_OK);
    assert_int_equal(udp_send(t, OUR, 1472), NS_OK);
    assert_int_equal(udp_send(t, LOOP, 1473), NS_ERR_TOO_BIG);
    /* A raw send: the IPv4 header inside the MTU. */
    static uint8_t data[2048];
    struct ns_raw_sock r;
    struct ns_dgram q[1];
    assert_int_equal(ns_raw_open(&t->ns, &r, 253, q, 1), NS_OK);
    unsigned ncap = t->ncap;
    assert_int_equal(ns_raw_send(&t->ns, &r, BCAST, data, want - 20u), NS_OK);
    assert_int_equal(t->ncap, ncap + 1u);
    assert_int_equal(ns_raw_send(&t->ns, &r, BCAST, data, want - 19u), NS_ERR_TOO_BIG);
    assert_int_equal(t->ncap, ncap + 1u);
    assert_int_equal(ns_raw_send(&t->ns, &r, LOOP, data, 1480), NS_OK);
    assert_int_equal(ns_raw_close(&t->ns, &r), NS_OK);
    assert_int_equal(nt_cnt(t).dev_errors, 0);
    assert_int_equal(t->h.fake.violations, 0);
    nt_free(t);
}

static void test_virt0_carries_the_device_mtu(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        check_mtu(v, 576, 576);
        check_mtu(v, 0, 1500);
        /* The frontend's 1510 is more than the netstack's 1514-byte
         * frames hold: 1500. */
        check_mtu(v, 9000, 1500);
    }
}

/* Without a device virt0 says 1500, as lo does. */
static void test_no_device(void **state)
{
    (void)state;
    struct nt *t = nt_new(false);
    assert_int_equal(nt_start(t), NS_OK);
    struct ns_if_info i;
    assert_int_equal(ns_if_get(&t->ns, NS_IF_VIRT0, &i), NS_OK);
    assert_int_equal(i.mtu, 1500);
    nt_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virt0_carries_the_device_mtu),
        cmocka_unit_test(test_no_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
