/*
 * The legacy ring alignment is the driver's (virtio 1.2 §4.2.4: it writes
 * GuestPageSize and QueueAlign): the frontend takes any power of two from
 * 16 up (cfg.legacy_align), which is what lets the small rv-virt image keep
 * its rings in a few hundred bytes instead of two pages each. Against the
 * fake device, which places the rings from those registers as QEMU 7.2
 * does: frames both ways at alignments 16..4096 and queue sizes 2..256, on
 * a DMA block aligned to exactly that alignment and no more; the driver's
 * used ring where QEMU puts it; and every alignment below 16 refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "vnet_harness.h"
#include "vnet_test_util.h"

/* Where QEMU 7.2 puts a legacy used ring, relative to the descriptor
 * table (hw/virtio/virtio.c, virtio_queue_update_rings): after the
 * descriptors and avail's flags, idx and ring[num] (no used_event),
 * rounded up to QueueAlign. The fake device does the same (host/fake). */
static size_t qemu_used_off(uint32_t num, uint32_t align)
{
    size_t end = 16u * (size_t)num + 4u + 2u * (size_t)num;
    return (end + align - 1u) & ~(size_t)(align - 1u);
}

static void test_used_ring_where_qemu_puts_it(void **state)
{
    (void)state;
    /* From 16 up the driver's layout (the spec's, with used_event) and
     * QEMU's agree for every queue size. */
    for (uint32_t align = 16; align <= 65536; align <<= 1) {
        for (uint32_t num = 2; num <= VNET_QUEUE_MAX; num <<= 1) {
            struct vnet_vq_layout l;
            assert_int_equal(vnet_vq_layout((uint16_t)num, align, &l), VNET_OK);
            assert_int_equal(l.used_off, qemu_used_off(num, align));
            assert_int_equal(l.used_off % align, 0);
        }
    }
    /* Below 16 they part (queue 2 at 8, every queue at 4): why the
     * frontend refuses those alignments for legacy. */
    struct vnet_vq_layout l;
    assert_int_equal(vnet_vq_layout(2, 8, &l), VNET_OK);
    assert_int_not_equal(l.used_off, qemu_used_off(2, 8));
    assert_int_equal(vnet_vq_layout(4, 4, &l), VNET_OK);
    assert_int_not_equal(l.used_off, qemu_used_off(4, 4));
}

struct rx_exact {
    uint32_t next, frames, bad;
};

static void rx_exact_fn(void *ctx, const uint8_t *frame, size_t len)
{
    struct rx_exact *c = ctx;
    uint8_t want[1514];
    c->frames++;
    if (len != tu_len(c->next) || len < 18 || tu_seq(frame) != c->next)
        c->bad++;
    else if (memcmp(frame, want, tu_frame(want, c->next, len)) != 0)
        c->bad++;
    c->next++;
}

/* n frames out and n in, one at a time, each checked byte for byte. */
static void traffic(struct vnet_harness *h, uint32_t n)
{
    struct tu_txcap *tx = calloc(1, sizeof(*tx));
    assert_non_null(tx);
    vnet_harness_capture(h, tu_txcap_fn, tx);
    uint8_t f[1514];
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(vnet_send(&h->dev, f, tu_frame(f, i, tu_len(i))), VNET_OK);
        assert_int_equal(vnet_tx_reclaim(&h->dev, NULL), VNET_OK);
    }
    assert_int_equal(tx->frames, n);
    assert_int_equal(tx->mismatches, 0);
    struct rx_exact rx = {0, 0, 0};
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(fake_vnet_inject(&h->fake, f, tu_frame(f, i, tu_len(i))), 0);
        unsigned got = 0;
        assert_int_equal(vnet_rx_poll(&h->dev, 64, rx_exact_fn, &rx, &got), VNET_OK);
        assert_int_equal(got, 1);
    }
    assert_int_equal(rx.frames, n);
    assert_int_equal(rx.bad, 0);
    struct vnet_counters c;
    vnet_counters(&h->dev, &c);
    assert_int_equal(c.rxq.used_id_range + c.rxq.used_unposted + c.rxq.used_duplicate +
                         c.txq.used_id_range + c.txq.used_unposted + c.txq.used_duplicate,
                     0);
    free(tx);
}

/* One life at (version, align, num): the block at an odd multiple of align
 * in the device's address space (aligned to it, not to twice it). */
static void one_alignment(uint32_t version, uint32_t align, uint16_t num)
{
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    cfg.rx_queue_size = num;
    cfg.tx_queue_size = num;
    cfg.legacy_align = align;
    /* A window of the layout padded to 8192: room for the offset. */
    struct vnet_config roomy = cfg;
    roomy.legacy_align = 8192;
    struct vnet_harness *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    assert_int_equal(vnet_harness_open(h, version, &roomy), 0);
    size_t off = align < 4096u ? align : 0u;
    assert_true(vnet_dma_size(&cfg) + off <= h->window_len);
    assert_int_equal(vnet_init(&h->dev, &h->ops, &cfg, h->window + off, h->window_len - off),
                     VNET_OK);
    assert_int_equal(h->fake.violations, 0);
    uint64_t pa = VNET_HARNESS_BASE + off;
    if (version == 1) {
        assert_int_equal(h->fake.regs.guest_page_size, align);
        for (unsigned q = 0; q < 2; q++) {
            assert_int_equal(h->fake.q[q].align, align);
            assert_int_equal((uint64_t)h->fake.q[q].pfn * align, h->fake.q[q].desc);
        }
        /* The rings where the driver laid them: RX at the block's start. */
        assert_int_equal(h->fake.q[0].desc, pa);
        assert_int_equal(h->fake.q[0].device - h->fake.q[0].desc, h->dev.rxq.lay.used_off);
        assert_int_equal(h->fake.q[1].device - h->fake.q[1].desc, h->dev.txq.lay.used_off);
    }
    traffic(h, 3u * num + 1u); /* round every ring more than once */
    assert_int_equal(h->fake.violations, 0);
    vnet_harness_close(h);
    free(h);
}

static void test_frames_at_every_alignment(void **state)
{
    (void)state;
    static const uint32_t aligns[] = {16, 32, 64, 256, 4096};
    static const uint16_t nums[] = {2, 4, 8, 16, 256};
    for (uint32_t v = 1; v <= 2; v++)
        for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++)
            for (size_t n = 0; n < sizeof(nums) / sizeof(nums[0]); n++)
                one_alignment(v, aligns[a], nums[n]);
}

static void test_alignments_below_16_refused(void **state)
{
    (void)state;
    static const uint32_t bad[] = {0, 1, 2, 4, 8, 12, 24, 4097};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vnet_config cfg;
        vnet_config_defaults(&cfg);
        cfg.legacy_align = bad[i];
        assert_int_equal(vnet_dma_size(&cfg), 0);
        struct vnet_harness *h = calloc(1, sizeof(*h));
        assert_non_null(h);
        assert_int_equal(vnet_harness_open(h, 1, NULL), 0);
        assert_int_equal(vnet_init(&h->dev, &h->ops, &cfg, h->window, h->window_len),
                         VNET_ERR_INVAL);
        assert_int_equal(h->fake.regs.status, 0); /* untouched */
        vnet_harness_close(h);
        free(h);
    }
}

/* The small rv-virt image's block (platform/rv-virt/CMakeLists.txt): queues
 * of 4 at alignment 16 are two rings of 16*4 + 14, padded to 80, + 6 + 8*4
 * = 118 bytes, the TX ring at 128, the slabs at 256 (64-aligned), then
 * 8 buffers of 1536: 12,544 bytes, against 61,632 for the defaults. */
static void test_small_block_size(void **state)
{
    (void)state;
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    assert_int_equal(vnet_dma_size(&cfg), 61632);
    cfg.rx_queue_size = 4;
    cfg.tx_queue_size = 4;
    cfg.legacy_align = 16;
    assert_int_equal(vnet_dma_size(&cfg), 256u + 8u * 1536u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_used_ring_where_qemu_puts_it),
        cmocka_unit_test(test_frames_at_every_alignment),
        cmocka_unit_test(test_alignments_below_16_refused),
        cmocka_unit_test(test_small_block_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
