/*
 * The backend port behind the fake device (host/backend/backend.h): a
 * function backend, the stub network and the pcap tee, each driven through
 * the port and the real driver, with the exact bytes checked on both sides
 * and in the pcap file.
 */
#define _POSIX_C_SOURCE 200809L /* getpid */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netproto/netproto.h"
#include "pcap_tee.h"
#include "stub_net.h"
#include "vnet_harness.h"
#include "vnet_test_util.h"

struct rxcap {
    unsigned frames;
    size_t len;
    uint8_t buf[2048];
};

static void rxcap_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct rxcap *c = ctx;
    c->frames++;
    c->len = len;
    memcpy(c->buf, frame, len < sizeof(c->buf) ? len : sizeof(c->buf));
}

static struct vnet_harness *up_h(uint32_t version)
{
    struct vnet_harness *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    assert_int_equal(vnet_harness_open(h, version, NULL), 0);
    assert_int_equal(vnet_harness_up(h), VNET_OK);
    return h;
}

static void close_h(struct vnet_harness *h)
{
    assert_int_equal(h->fake.violations, 0);
    vnet_harness_close(h);
    free(h);
}

static void test_fn_backend_both_ways(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v);
        struct tu_txcap tx = {0};
        struct fake_fn_backend fb;
        struct fake_backend be = fake_fn_backend(&fb, tu_txcap_fn, &tx);
        uint8_t f[1514];
        /* Not attached yet: nowhere to deliver. */
        assert_int_equal(fake_fn_backend_deliver(&fb, f, 60), -1);
        fake_vnet_attach(&h->fake, &be);
        assert_int_equal(fake_backend_clock(&be), FAKE_CLOCK_VIRTUAL);
        assert_string_equal(fake_backend_name(&be), "fn");
        assert_int_equal(fake_backend_poll(&be, 5), 0);
        assert_int_equal(fake_backend_deadline(&be), UINT64_MAX);
        assert_int_equal(fake_backend_wait(&be, 100), 0);
        /* Out: the frame without its virtio-net header, byte for byte. */
        for (uint32_t s = 0; s < 3; s++)
            assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, s, tu_len(s))), VNET_OK);
        assert_int_equal(tx.frames, 3);
        assert_int_equal(tx.mismatches, 0);
        /* In: through the sink the device bound. */
        struct rxcap rx = {0};
        tu_frame(f, 9, 1514);
        assert_int_equal(fake_fn_backend_deliver(&fb, f, 1514), 0);
        assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_OK);
        assert_int_equal(rx.frames, 1);
        assert_int_equal(rx.len, 1514);
        assert_memory_equal(rx.buf, f, 1514);
        /* Link down: the device refuses, and the backend hears it. */
        fake_vnet_set_link(&h->fake, false);
        assert_int_equal(fake_fn_backend_deliver(&fb, f, 60), -1);
        assert_int_equal(h->fake.stats.rx_dropped, 1);
        assert_int_equal(vnet_irq(&h->dev, NULL), VNET_OK);
        /* Detached: frames are counted at the device and go nowhere. */
        fake_vnet_attach(&h->fake, NULL);
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, 3, 60)), VNET_OK);
        assert_int_equal(tx.frames, 3);
        assert_int_equal(h->fake.stats.tx_frames, 4);
        fake_backend_close(&be);
        close_h(h);
    }
}

#define OUR NP_IPV4(10, 0, 2, 15)
#define PEER NP_IPV4(10, 0, 2, 2)

static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static size_t arp_request(uint8_t *f, uint32_t tpa)
{
    struct np_arp a = {NP_ARP_REQUEST, {0}, OUR, {0}, tpa};
    struct np_eth e = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0}, NP_ETHERTYPE_ARP, NULL, 0};
    size_t n;
    memcpy(a.sha, our_mac, 6);
    memcpy(e.src, our_mac, 6);
    assert_int_equal(np_arp_build(f + NP_ETH_HLEN, 64, &a, &n), NP_OK);
    assert_int_equal(np_eth_build(f, 128, &e, n, &n), NP_OK);
    return n;
}

/* The stub through the port: an ARP request for 10.0.2.2 is answered at
 * once, from inside tx, with the peer's MAC; one for anybody else is not. */
static void test_stub_answers_through_the_port(void **state)
{
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        struct vnet_harness *h = up_h(v);
        struct stub_net stub;
        assert_int_equal(stub_net_init(&stub, NULL), 0);
        struct fake_backend be = stub_net_backend(&stub);
        fake_vnet_attach(&h->fake, &be);
        assert_string_equal(fake_backend_name(&be), "stub");
        assert_int_equal(fake_backend_clock(&be), FAKE_CLOCK_VIRTUAL);
        assert_int_equal(fake_backend_deadline(&be), UINT64_MAX);
        assert_int_equal(fake_backend_poll(&be, 1234), 0);
        assert_int_equal(stub.now_ms, 1234);
        uint8_t f[128];
        assert_int_equal(vnet_send(&h->dev, f, arp_request(f, PEER)), VNET_OK);
        assert_int_equal(stub.stats.frames_in, 1);
        assert_int_equal(stub.stats.arp_replies, 1);
        struct rxcap rx = {0};
        assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_OK);
        assert_int_equal(rx.frames, 1);
        struct np_eth e;
        struct np_arp a;
        assert_int_equal(np_eth_parse(rx.buf, rx.len, &e), NP_OK);
        assert_memory_equal(e.dst, our_mac, 6);
        assert_memory_equal(e.src, peer_mac, 6);
        assert_int_equal(np_arp_parse(e.payload, e.payload_len, &a), NP_OK);
        assert_int_equal(a.op, NP_ARP_REPLY);
        assert_int_equal(a.spa, PEER);
        assert_memory_equal(a.sha, peer_mac, 6);
        assert_int_equal(a.tpa, OUR);
        assert_int_equal(vnet_send(&h->dev, f, arp_request(f, NP_IPV4(10, 0, 2, 9))), VNET_OK);
        assert_int_equal(stub.stats.ignored, 1);
        assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_OK);
        assert_int_equal(rx.frames, 1);
        close_h(h);
    }
}

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

/* The tee around a function backend: frames out and in, in the order the
 * device saw them, stamped with the time of the last poll. */
static void test_tee_records_both_ways(void **state)
{
    (void)state;
    char path[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/rvnet_test_backend_%ld.pcap", tmp ? tmp : "/tmp",
             (long)getpid());
    struct vnet_harness *h = up_h(2);
    struct tu_txcap tx = {0};
    struct fake_fn_backend fb;
    struct fake_backend inner = fake_fn_backend(&fb, tu_txcap_fn, &tx);
    struct pcap_tee tee;
    assert_int_equal(pcap_tee_open(&tee, &inner, path), 0);
    struct fake_backend be = pcap_tee_backend(&tee);
    assert_string_equal(fake_backend_name(&be), "fn");
    assert_int_equal(fake_backend_clock(&be), FAKE_CLOCK_VIRTUAL);
    fake_vnet_attach(&h->fake, &be);
    uint8_t out[200], in[100];
    size_t out_len = tu_frame(out, 0, tu_len(0));
    assert_int_equal(fake_backend_poll(&be, 2005), 0);
    assert_int_equal(vnet_send(&h->dev, out, out_len), VNET_OK);
    assert_int_equal(tx.frames, 1);
    assert_int_equal(tx.mismatches, 0);
    assert_int_equal(fake_backend_poll(&be, 3007), 0);
    tu_frame(in, 7, sizeof(in));
    assert_int_equal(fake_fn_backend_deliver(&fb, in, sizeof(in)), 0);
    struct rxcap rx = {0};
    assert_int_equal(vnet_rx_poll(&h->dev, 8, rxcap_fn, &rx, NULL), VNET_OK);
    assert_int_equal(rx.frames, 1);
    assert_int_equal(tee.tx_frames, 1);
    assert_int_equal(tee.rx_frames, 1);
    fake_vnet_attach(&h->fake, NULL);
    fake_backend_close(&be);
    assert_null(tee.out.f);

    uint8_t file[1024];
    size_t n = read_file(path, file, sizeof(file));
    assert_int_equal(n, 24 + 16 + out_len + 16 + sizeof(in));
    assert_int_equal(le32_at(file), 0xa1b2c3d4u);
    assert_int_equal(le32_at(file + 20), 1); /* LINKTYPE_ETHERNET */
    const uint8_t *r = file + 24;
    assert_int_equal(le32_at(r), 2); /* 2005 ms */
    assert_int_equal(le32_at(r + 4), 5000);
    assert_int_equal(le32_at(r + 8), out_len); /* no virtio-net header */
    assert_int_equal(le32_at(r + 12), out_len);
    assert_memory_equal(r + 16, out, out_len);
    r += 16 + out_len;
    assert_int_equal(le32_at(r), 3); /* 3007 ms */
    assert_int_equal(le32_at(r + 4), 7000);
    assert_int_equal(le32_at(r + 8), sizeof(in));
    assert_memory_equal(r + 16, in, sizeof(in));
    remove(path);
    close_h(h);
}

static void test_tee_refuses_a_path_it_cannot_write(void **state)
{
    (void)state;
    struct fake_fn_backend fb;
    struct fake_backend inner = fake_fn_backend(&fb, NULL, NULL);
    struct pcap_tee tee;
    assert_int_equal(pcap_tee_open(&tee, &inner, "no-such-dir/x.pcap"), -1);
    assert_int_equal(pcap_tee_close(&tee), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fn_backend_both_ways),
        cmocka_unit_test(test_stub_answers_through_the_port),
        cmocka_unit_test(test_tee_records_both_ways),
        cmocka_unit_test(test_tee_refuses_a_path_it_cannot_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
