/*
 * Feature negotiation and the net device's config space (virtio 1.2 §3.1.1
 * steps 3-6, §5.1.3, §5.1.4): the Status steps, which offered features the
 * frontend accepts, the MTU it runs with, the MAC and the link status.
 */
#include <string.h>

#include "virtio-net/virtio_net.h"
#include "vnet_internal.h"

/* Features the driver will accept when offered. Everything else (checksum
 * offload, GSO, MRG_RXBUF, CTRL_VQ, MQ, INDIRECT_DESC, EVENT_IDX,
 * RING_PACKED, RING_RESET, ...) is refused. ANY_LAYOUT lets a legacy device
 * take the header and the frame in one descriptor (virtio 1.2 §2.7.4.3,
 * legacy message framing); with VERSION_1 that is always allowed. MTU is
 * decided on the device's value (pick_mtu), the platform features on the
 * ops' flags (platform_features). */
#define VNET_ACCEPT                                                                                \
    (VNET_FEATURE(VNET_F_MAC) | VNET_FEATURE(VNET_F_STATUS) | VNET_FEATURE(VNET_F_ANY_LAYOUT) |    \
     VNET_FEATURE(VNET_F_VERSION_1))
#define VNET_PLATFORM (VNET_FEATURE(VNET_F_ACCESS_PLATFORM) | VNET_FEATURE(VNET_F_ORDER_PLATFORM))

/* Net config space (virtio 1.2 §5.1.4): mac[6], then le16 status,
 * max_virtqueue_pairs and mtu. */
#define CFG_MAC 0u
#define CFG_STATUS 6u
#define CFG_MTU 10u

int vnet_status_step(struct vnet_dev *dev, uint32_t bits, int refused)
{
    uint32_t s = vnet_mmio_status_add(&dev->mmio, bits);
    if (s & VNET_STATUS_NEEDS_RESET) {
        dev->cnt.needs_reset++;
        return VNET_ERR_NEEDS_RESET;
    }
    if (s & VNET_STATUS_FAILED)
        return VNET_ERR_BROKEN;
    return (s & bits) == bits ? VNET_OK : refused;
}

int vnet_read_config(struct vnet_dev *dev, uint64_t features, uint16_t *mtu)
{
    const struct vnet_ops *o = &dev->mmio.ops;
    /* Modern config reads are repeated until ConfigGeneration is the same
     * before and after (virtio 1.2 §2.5.1); legacy has no generation and
     * reads once. */
    for (unsigned tries = 0; tries < VNET_CONFIG_TRIES; tries++) {
        uint32_t gen = vnet_mmio_config_generation(&dev->mmio);
        uint8_t mac[VNET_ETH_ALEN];
        memcpy(mac, dev->cfg.mac, sizeof(mac));
        bool link = true;
        uint16_t m = 0;
        if (features & VNET_FEATURE(VNET_F_MAC)) {
            for (unsigned i = 0; i < VNET_ETH_ALEN; i++)
                mac[i] = o->read8(o->ctx, VNET_MMIO_CONFIG + CFG_MAC + i);
        }
        if (features & VNET_FEATURE(VNET_F_STATUS))
            link =
                (o->read16(o->ctx, VNET_MMIO_CONFIG + CFG_STATUS) & VNET_CFG_STATUS_LINK_UP) != 0;
        if (mtu && (features & VNET_FEATURE(VNET_F_MTU)))
            m = o->read16(o->ctx, VNET_MMIO_CONFIG + CFG_MTU);
        if (vnet_mmio_config_generation(&dev->mmio) == gen) {
            memcpy(dev->mac, mac, sizeof(mac));
            dev->link_up = link;
            if (mtu)
                *mtu = m;
            return VNET_OK;
        }
    }
    return VNET_ERR_CONFIG;
}

/* The platform features the ops vouch for (virtio_mmio.h, vnet_ops.flags). */
static uint64_t platform_features(uint32_t flags)
{
    uint64_t f = 0;
    if (flags & VNET_OPS_ACCESS_PLATFORM)
        f |= VNET_FEATURE(VNET_F_ACCESS_PLATFORM);
    if (flags & VNET_OPS_ORDER_PLATFORM)
        f |= VNET_FEATURE(VNET_F_ORDER_PLATFORM);
    return f;
}

/*
 * Sets dev->mtu from the device's mtu (0: none offered) and returns
 * VIRTIO_NET_F_MTU when the driver can accept it. The MTU is the device's
 * (Ethernet's 1500 without one, or with one below the 68 that virtio 1.2
 * §5.1.4.1 requires), cut to what an RX buffer and a TX slot hold behind
 * the header. The feature is accepted only when an RX buffer holds an
 * mtu-sized packet: a driver that negotiates it MUST supply such buffers
 * (§5.1.4.2). Declined, the device's larger mtu changes nothing but the cut.
 */
static uint64_t pick_mtu(struct vnet_dev *dev, uint16_t dev_mtu)
{
    unsigned over = dev->hdr_len + VNET_ETH_HLEN;
    unsigned rx = dev->cfg.rx_buf_size - over, tx = dev->cfg.tx_buf_size - over;
    unsigned mtu = dev_mtu >= VNET_MTU_MIN ? dev_mtu : VNET_MTU_DEFAULT;
    uint64_t f = dev_mtu >= VNET_MTU_MIN && dev_mtu <= rx ? VNET_FEATURE(VNET_F_MTU) : 0;
    if (mtu > rx)
        mtu = rx;
    if (mtu > tx)
        mtu = tx;
    dev->mtu = (uint16_t)mtu;
    return f;
}

int vnet_negotiate(struct vnet_dev *dev)
{
    dev->offered = vnet_mmio_device_features(&dev->mmio);
    /* virtio 1.2 §6.1: a driver SHOULD accept ACCESS_PLATFORM and
     * ORDER_PLATFORM; it can where its ops honour them. The frontend itself
     * does nothing else differently: every address already comes from
     * dma_addr and every ordering from barrier. */
    uint64_t accept = dev->offered & (VNET_ACCEPT | platform_features(dev->mmio.ops.flags));
    if (dev->mmio.version >= 2u) {
        /* A modern device must offer VERSION_1 and the driver must accept it
         * (virtio 1.2 §6.1); without it the modern layout is not valid. */
        if (!(accept & VNET_FEATURE(VNET_F_VERSION_1)))
            return VNET_ERR_FEATURES;
        accept &= ~VNET_FEATURE(VNET_F_ANY_LAYOUT);
    } else {
        /* Legacy has no feature word 1; without ANY_LAYOUT the header would
         * need a descriptor of its own, which this driver does not do. */
        accept &= 0xffffffffull;
        if (!(accept & VNET_FEATURE(VNET_F_ANY_LAYOUT)))
            return VNET_ERR_FEATURES;
    }
    /* The net header is 12 bytes whenever VERSION_1 is negotiated and 10 on
     * legacy without MRG_RXBUF (virtio 1.2 §5.1.6 and its legacy note). */
    dev->hdr_len =
        (accept & VNET_FEATURE(VNET_F_VERSION_1)) ? VNET_HDR_LEN_MODERN : VNET_HDR_LEN_LEGACY;
    /* §3.1.1 step 4: config space may be read before the features are
     * written, to decide on them: the MTU's is. */
    uint16_t dev_mtu = 0;
    int rc = vnet_read_config(dev, accept | (dev->offered & VNET_FEATURE(VNET_F_MTU)), &dev_mtu);
    if (rc != VNET_OK)
        return rc;
    accept |= pick_mtu(dev, dev_mtu);
    vnet_mmio_driver_features(&dev->mmio, accept);
    dev->negotiated = accept;
    if (dev->mmio.version < 2u)
        return VNET_OK; /* legacy devices have no FEATURES_OK */
    /* Step 5-6: FEATURES_OK, then re-read it; the device clears it when it
     * cannot work with the subset. A device MAY refuse to work without
     * ACCESS_PLATFORM (§6.2; QEMU with iommu_platform=on does): say so,
     * since the cure is the platform's (its ops and flags). */
    uint64_t declined = dev->offered & ~accept & VNET_PLATFORM;
    return vnet_status_step(dev, VNET_STATUS_FEATURES_OK,
                            declined ? VNET_ERR_PLATFORM : VNET_ERR_FEATURES);
}
