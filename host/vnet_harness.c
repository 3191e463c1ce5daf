#include "vnet_harness.h"

#include <stdlib.h>
#include <string.h>

/* A window for cfg: reused when big enough, else (re)allocated. */
static int window_for(struct vnet_harness *h, const struct vnet_config *cfg)
{
    if (cfg)
        h->cfg = *cfg;
    else
        vnet_config_defaults(&h->cfg);
    size_t need = vnet_dma_size(&h->cfg);
    if (need == 0)
        return -1;
    need = (need + 4095u) & ~(size_t)4095u;
    if (!h->window || h->window_len < need) {
        free(h->window);
        h->window = aligned_alloc(4096, need);
        h->window_len = h->window ? need : 0;
        if (!h->window)
            return -1;
    }
    memset(h->window, 0, h->window_len);
    return 0;
}

static int fake_for(struct vnet_harness *h, const struct fake_vnet_cfg *fcfg)
{
    struct fake_vnet_cfg c = *fcfg;
    c.mem = h->window;
    c.mem_len = h->window_len;
    c.mem_base = VNET_HARNESS_BASE;
    if (fake_vnet_reinit(&h->fake, &c) != 0)
        return -1;
    fake_vnet_ops(&h->fake, &h->ops);
    memset(&h->dev, 0, sizeof(h->dev));
    return 0;
}

int vnet_harness_open_cfg(struct vnet_harness *h, const struct fake_vnet_cfg *fcfg,
                          const struct vnet_config *cfg)
{
    memset(h, 0, sizeof(*h));
    if (window_for(h, cfg) != 0 || fake_for(h, fcfg) != 0) {
        vnet_harness_close(h);
        return -1;
    }
    return 0;
}

int vnet_harness_open(struct vnet_harness *h, uint32_t version, const struct vnet_config *cfg)
{
    struct fake_vnet_cfg fc;
    fake_vnet_cfg_defaults(&fc, version);
    return vnet_harness_open_cfg(h, &fc, cfg);
}

int vnet_harness_reopen(struct vnet_harness *h, const struct fake_vnet_cfg *fcfg,
                        const struct vnet_config *cfg)
{
    if (window_for(h, cfg) != 0 || fake_for(h, fcfg) != 0)
        return -1;
    return 0;
}

void vnet_harness_capture(struct vnet_harness *h,
                          void (*fn)(void *ctx, const uint8_t *frame, size_t len), void *ctx)
{
    struct fake_backend be = fake_fn_backend(&h->capture, fn, ctx);
    fake_vnet_attach(&h->fake, &be);
}

int vnet_harness_up(struct vnet_harness *h)
{
    return vnet_init(&h->dev, &h->ops, &h->cfg, h->window, h->window_len);
}

void vnet_harness_close(struct vnet_harness *h)
{
    fake_vnet_free(&h->fake);
    free(h->window);
    h->window = NULL;
    h->window_len = 0;
}
