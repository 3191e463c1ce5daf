/*
 * The virtio-net frontend facing a hostile device. The input is a script:
 * each step is one opcode byte and its arguments, deciding what the device
 * writes into the used rings (id, len, idx), InterruptStatus, Status and
 * config (the MTU, ACCESS_PLATFORM, a slow reset among them), and in what
 * order the driver's entry points run. The driver must
 * never crash or touch memory outside its DMA block, and its shadow state
 * must stay consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_harness.h"
#include "fuzz_script.h"

static struct vnet_harness *g_h;

static void rx_fn(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    /* A delivered frame lies inside the DMA block and is a sane size: no
     * longer than the MTU the frontend runs with allows. */
    if (frame < g_h->window || frame + len > g_h->window + g_h->window_len || len < 14 ||
        len > g_h->cfg.rx_buf_size || len > vnet_mtu(&g_h->dev) + 14u)
        abort();
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++)
        sink ^= frame[i];
    (void)sink;
}

static void put_le(uint8_t *p, uint32_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The device writes a used entry of its choosing and moves used->idx. */
static void forge_used(struct vnet_vq *vq, struct script *c)
{
    if (!vq->mem || vq->size == 0)
        return; /* the queue is not set up (a re-init failed): no ring to forge */
    uint8_t *used = vq->mem + vq->lay.used_off;
    uint16_t idx = (uint16_t)(used[2] | (used[3] << 8));
    uint32_t id = take(c, 1);
    if (id & 0x80u)
        id = take(c, 4); /* sometimes a wild 32-bit id */
    uint32_t len = take(c, 2);
    uint8_t *e = used + 4 + 8u * (idx & (vq->size - 1u));
    put_le(e, id, 4);
    put_le(e + 4, len, 4);
    uint16_t step = (uint16_t)take(c, 1);
    if (step & 0x80u)
        step = (uint16_t)take(c, 2);
    put_le(used + 2, (uint16_t)(idx + step), 2);
}

static void check_shadow(const struct vnet_vq *vq)
{
    unsigned n = 0;
    for (uint16_t i = 0; i < vq->size; i++)
        n += vnet_vq_in_flight(vq, i);
    if (n != vq->in_flight || vq->in_flight > vq->size)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script c = {data, size};
    struct vnet_config cfg;
    vnet_config_defaults(&cfg);
    /* A stuck reset (FAKE_FAULT_RESET_STUCK) is waited for in 10 us steps
     * of the fake's time: 1 ms is 100 reads, where the default second is
     * 100,000 and made one such input cost as much as a thousand others. */
    cfg.reset_timeout_us = 1000;
    uint32_t first = take(&c, 1);
    cfg.rx_queue_size = (uint16_t)(2u << (first & 3u));
    cfg.tx_queue_size = (uint16_t)(2u << ((first >> 2) & 3u));
    uint32_t version = (first & 0x10u) ? 2u : 1u;
    /* One harness for the whole run, a fresh device and driver per input:
     * reopening keeps the allocations. */
    static struct vnet_harness h;
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, version);
    /* What the device is: an MTU of its choosing, ACCESS_PLATFORM (which
     * it then requires), a reset that takes some reads. */
    if (first & 0x20u) {
        fc.features |= VNET_FEATURE(VNET_F_MTU);
        fc.mtu = (uint16_t)take(&c, 2);
    }
    if (first & 0x40u)
        fc.features |= VNET_FEATURE(VNET_F_ACCESS_PLATFORM);
    if (first & 0x80u)
        fc.reset_reads = take(&c, 1);
    if (vnet_harness_reopen(&h, &fc, &cfg) != 0)
        abort();
    g_h = &h;
    if (vnet_harness_up(&h) != VNET_OK)
        return 0;
    uint8_t frame[1600];
    memset(frame, 0xab, sizeof(frame));
    for (unsigned steps = 0; c.n > 0 && steps < 512; steps++) {
        switch (take(&c, 1) % 13u) {
        case 0:
            (void)vnet_send(&h.dev, frame, take(&c, 2) % sizeof(frame));
            break;
        case 1:
            forge_used(&h.dev.rxq, &c);
            break;
        case 2:
            forge_used(&h.dev.txq, &c);
            break;
        case 3:
            fake_vnet_raise(&h.fake, take(&c, 1));
            break;
        case 4:
            (void)vnet_irq(&h.dev, NULL);
            break;
        case 5:
            (void)vnet_rx_poll(&h.dev, take(&c, 1), rx_fn, NULL, NULL);
            break;
        case 6:
            (void)vnet_tx_reclaim(&h.dev, NULL);
            break;
        case 7:
            (void)fake_vnet_inject(&h.fake, frame, 14 + take(&c, 2) % 1500u);
            break;
        case 8:
            fake_vnet_process(&h.fake, take(&c, 1) & 1u);
            break;
        case 9: {
            /* The device rewrites config: MAC bytes, link status. */
            uint32_t v = take(&c, 2);
            h.fake.cfg.mac[v % 6u] = (uint8_t)(v >> 8);
            fake_vnet_set_link(&h.fake, v & 1u);
            break;
        }
        case 10:
            if (take(&c, 1) & 1u)
                fake_vnet_needs_reset(&h.fake);
            else
                fake_vnet_fault(&h.fake, (enum fake_vnet_fault)(take(&c, 1) % FAKE_FAULT_COUNT), 1);
            break;
        case 11:
            if (h.dev.state != VNET_STATE_READY) {
                (void)vnet_reset(&h.dev);
                (void)vnet_harness_up(&h);
            }
            break;
        case 12: {
            /* used->idx moved with no entry written: the last lap replayed. */
            uint32_t v = take(&c, 2);
            fake_vnet_used_idx_move(&h.fake, v & 1u, (uint16_t)(v >> 1));
            break;
        }
        }
        if (h.dev.state == VNET_STATE_READY) {
            check_shadow(&h.dev.rxq);
            check_shadow(&h.dev.txq);
            /* The MTU never promises more than a buffer or slot holds. */
            if (vnet_mtu(&h.dev) + 14u + h.dev.hdr_len > h.cfg.rx_buf_size ||
                vnet_mtu(&h.dev) + 14u + h.dev.hdr_len > h.cfg.tx_buf_size)
                abort();
        }
    }
    return 0;
}
