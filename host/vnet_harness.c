#include "vnet_harness.h"

#include <stdlib.h>
#include <string.h>

int vnet_harness_open(struct vnet_harness *h, uint32_t version, const struct vnet_config *cfg)
{
    memset(h, 0, sizeof(*h));
    if (cfg)
        h->cfg = *cfg;
    else
        vnet_config_defaults(&h->cfg);
    size_t need = vnet_dma_size(&h->cfg);
    if (need == 0)
        return -1;
    h->window_len = (need + 4095u) & ~(size_t)4095u;
    h->window = aligned_alloc(4096, h->window_len);
    if (!h->window)
        return -1;
    memset(h->window, 0, h->window_len);
    if (fake_vnet_init(&h->fake, version, h->window, h->window_len, VNET_HARNESS_BASE) != 0) {
        free(h->window);
        h->window = NULL;
        return -1;
    }
    fake_vnet_ops(&h->fake, &h->ops);
    return 0;
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
}
