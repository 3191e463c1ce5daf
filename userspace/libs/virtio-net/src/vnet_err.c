/* Names for the virtio-net frontend's error codes. */
#include "virtio-net/virtio_net.h"

const char *vnet_strerror(int err)
{
    switch (err) {
    case VNET_OK:
        return "ok";
    case VNET_ERR_INVAL:
        return "invalid-argument";
    case VNET_ERR_MAGIC:
        return "bad-magic";
    case VNET_ERR_VERSION:
        return "bad-version";
    case VNET_ERR_NO_DEVICE:
        return "empty-slot";
    case VNET_ERR_NOT_NET:
        return "not-a-net-device";
    case VNET_ERR_RESET:
        return "reset-timeout";
    case VNET_ERR_FEATURES:
        return "features-refused";
    case VNET_ERR_QUEUE:
        return "queue-unavailable";
    case VNET_ERR_MEM:
        return "dma-memory";
    case VNET_ERR_STATE:
        return "wrong-state";
    case VNET_ERR_AGAIN:
        return "tx-ring-full";
    case VNET_ERR_TOO_BIG:
        return "frame-too-big";
    case VNET_ERR_TOO_SHORT:
        return "frame-too-short";
    case VNET_ERR_BUSY:
        return "descriptor-busy";
    case VNET_ERR_USED_ID:
        return "bad-used-id";
    case VNET_ERR_USED_IDX:
        return "used-idx-jump";
    case VNET_ERR_RX_LEN:
        return "bad-rx-length";
    case VNET_ERR_NEEDS_RESET:
        return "device-needs-reset";
    case VNET_ERR_BROKEN:
        return "device-broken";
    case VNET_ERR_CONFIG:
        return "config-unstable";
    default:
        return "unknown";
    }
}
