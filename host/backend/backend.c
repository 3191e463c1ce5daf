/*
 * The backend port's calls with their optional ops defaulted, and the
 * function backend (see backend.h).
 */
#include "backend.h"

enum fake_clock fake_backend_clock(const struct fake_backend *be)
{
    return be->ops->clock;
}

const char *fake_backend_name(const struct fake_backend *be)
{
    return be->ops->name ? be->ops->name : "?";
}

int fake_backend_poll(const struct fake_backend *be, uint64_t now_ms)
{
    return be->ops->poll(be->ctx, now_ms);
}

uint64_t fake_backend_deadline(const struct fake_backend *be)
{
    return be->ops->deadline ? be->ops->deadline(be->ctx) : UINT64_MAX;
}

int fake_backend_wait(const struct fake_backend *be, uint64_t timeout_ms)
{
    return be->ops->wait ? be->ops->wait(be->ctx, timeout_ms) : 0;
}

void fake_backend_close(const struct fake_backend *be)
{
    if (be->ops->close)
        be->ops->close(be->ctx);
}

static void fn_bind(void *ctx, const struct fake_rx_sink *sink)
{
    struct fake_fn_backend *b = ctx;
    b->sink = *sink;
}

static void fn_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct fake_fn_backend *b = ctx;
    if (b->fn)
        b->fn(b->ctx, frame, len);
}

static int fn_poll(void *ctx, uint64_t now_ms)
{
    (void)ctx;
    (void)now_ms;
    return 0;
}

static const struct fake_backend_ops fn_ops = {
    .name = "fn",
    .clock = FAKE_CLOCK_VIRTUAL,
    .bind = fn_bind,
    .tx = fn_tx,
    .poll = fn_poll,
};

struct fake_backend fake_fn_backend(struct fake_fn_backend *b,
                                    void (*fn)(void *ctx, const uint8_t *frame, size_t len),
                                    void *ctx)
{
    b->fn = fn;
    b->ctx = ctx;
    b->sink.deliver = NULL;
    b->sink.ctx = NULL;
    return (struct fake_backend){&fn_ops, b};
}

int fake_fn_backend_deliver(const struct fake_fn_backend *b, const uint8_t *frame, size_t len)
{
    if (!b->sink.deliver)
        return -1;
    return b->sink.deliver(b->sink.ctx, frame, len);
}
