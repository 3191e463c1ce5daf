/*
 * What the frontend shows of a device: its state, identity and features
 * through accessors (the fields of struct vnet_dev are private), the
 * counters, and the names of feature bits. Each accessor is a load or two:
 * callers may use them on every poll.
 */
#include <string.h>

#include "virtio-net/virtio_net.h"

enum vnet_state vnet_state(const struct vnet_dev *dev)
{
    return dev ? dev->state : VNET_STATE_DOWN;
}

const uint8_t *vnet_mac(const struct vnet_dev *dev)
{
    return dev ? dev->mac : NULL;
}

uint64_t vnet_features_offered(const struct vnet_dev *dev)
{
    return dev ? dev->offered : 0;
}

uint64_t vnet_features_negotiated(const struct vnet_dev *dev)
{
    return dev ? dev->negotiated : 0;
}

uint32_t vnet_version(const struct vnet_dev *dev)
{
    return dev ? dev->mmio.version : 0;
}

unsigned vnet_mtu(const struct vnet_dev *dev)
{
    return dev ? dev->mtu : 0u;
}

bool vnet_link_up(const struct vnet_dev *dev)
{
    return dev && dev->link_up;
}

void vnet_counters(const struct vnet_dev *dev, struct vnet_counters *out)
{
    if (!dev || !out)
        return;
    *out = dev->cnt;
    out->rxq = dev->rxq.stats;
    out->txq = dev->txq.stats;
}

size_t vnet_features_str(uint64_t features, char *buf, size_t cap)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {
        {VNET_F_CSUM, "CSUM"},
        {VNET_F_GUEST_CSUM, "GUEST_CSUM"},
        {VNET_F_MTU, "MTU"},
        {VNET_F_MAC, "MAC"},
        {VNET_F_MRG_RXBUF, "MRG_RXBUF"},
        {VNET_F_STATUS, "STATUS"},
        {VNET_F_CTRL_VQ, "CTRL_VQ"},
        {VNET_F_MQ, "MQ"},
        {VNET_F_ANY_LAYOUT, "ANY_LAYOUT"},
        {VNET_F_INDIRECT_DESC, "INDIRECT_DESC"},
        {VNET_F_EVENT_IDX, "EVENT_IDX"},
        {VNET_F_VERSION_1, "VERSION_1"},
        {VNET_F_ACCESS_PLATFORM, "ACCESS_PLATFORM"},
        {VNET_F_RING_PACKED, "RING_PACKED"},
        {VNET_F_ORDER_PLATFORM, "ORDER_PLATFORM"},
    };
    size_t n = 0;
    if (!buf || cap == 0)
        return 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(features & VNET_FEATURE(names[i].bit)))
            continue;
        size_t l = 0;
        while (names[i].name[l])
            l++;
        /* Room for a separator, the name and the terminating NUL. */
        if (n + (n ? 1u : 0u) + l + 1u > cap)
            break;
        if (n)
            buf[n++] = ' ';
        memcpy(buf + n, names[i].name, l);
        n += l;
        buf[n] = '\0';
    }
    return n;
}
