/*
 * The pcap tee (see pcap_tee.h): frames out are written before inner sees
 * them, frames in before the device does, so the file's order is the
 * order at the device.
 */
#include "pcap_tee.h"

#include <string.h>

static int tee_deliver(void *ctx, const uint8_t *frame, size_t len)
{
    struct pcap_tee *t = ctx;
    if (pcap_write_eth(&t->out, t->now_ms, frame, len) == 0)
        t->rx_frames++;
    return t->up.deliver ? t->up.deliver(t->up.ctx, frame, len) : -1;
}

static void tee_bind(void *ctx, const struct fake_rx_sink *sink)
{
    struct pcap_tee *t = ctx;
    t->up = *sink;
    struct fake_rx_sink mine = {tee_deliver, t};
    t->inner.ops->bind(t->inner.ctx, &mine);
}

static void tee_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct pcap_tee *t = ctx;
    if (pcap_write_eth(&t->out, t->now_ms, frame, len) == 0)
        t->tx_frames++;
    t->inner.ops->tx(t->inner.ctx, frame, len);
}

static int tee_poll(void *ctx, uint64_t now_ms)
{
    struct pcap_tee *t = ctx;
    t->now_ms = now_ms;
    return t->inner.ops->poll(t->inner.ctx, now_ms);
}

static uint64_t tee_deadline(void *ctx)
{
    struct pcap_tee *t = ctx;
    return fake_backend_deadline(&t->inner);
}

static int tee_wait(void *ctx, uint64_t timeout_ms)
{
    struct pcap_tee *t = ctx;
    return fake_backend_wait(&t->inner, timeout_ms);
}

static void tee_close(void *ctx)
{
    struct pcap_tee *t = ctx;
    (void)pcap_tee_close(t);
    fake_backend_close(&t->inner);
}

int pcap_tee_open(struct pcap_tee *t, const struct fake_backend *inner, const char *path)
{
    memset(t, 0, sizeof(*t));
    t->inner = *inner;
    t->ops.name = inner->ops->name;
    t->ops.clock = inner->ops->clock;
    t->ops.bind = tee_bind;
    t->ops.tx = tee_tx;
    t->ops.poll = tee_poll;
    t->ops.deadline = tee_deadline;
    t->ops.wait = tee_wait;
    t->ops.close = tee_close;
    if (pcap_open(&t->out, path) != 0) {
        (void)pcap_close(&t->out);
        return -1;
    }
    return 0;
}

struct fake_backend pcap_tee_backend(struct pcap_tee *t)
{
    return (struct fake_backend){&t->ops, t};
}

int pcap_tee_write(struct pcap_tee *t, const uint8_t *frame, size_t len)
{
    if (!t->out.f)
        return -1;
    return pcap_write_eth(&t->out, t->now_ms, frame, len);
}

int pcap_tee_close(struct pcap_tee *t)
{
    if (!t->out.f)
        return t->out.error ? -1 : 0;
    return pcap_close(&t->out);
}
