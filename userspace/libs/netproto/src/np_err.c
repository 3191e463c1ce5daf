/* Names for netproto's error codes. */
#include "netproto/np.h"

const char *np_strerror(int err)
{
    switch (err) {
    case NP_OK:
        return "ok";
    case NP_ERR_INVAL:
        return "inval";
    case NP_ERR_NOSPACE:
        return "nospace";
    case NP_ERR_TOO_BIG:
        return "too-big";
    case NP_ERR_ETH_SHORT:
        return "eth-short";
    case NP_ERR_ARP_SHORT:
        return "arp-short";
    case NP_ERR_ARP_FORMAT:
        return "arp-format";
    case NP_ERR_ARP_OP:
        return "arp-op";
    case NP_ERR_IP_SHORT:
        return "ip-short";
    case NP_ERR_IP_VERSION:
        return "ip-version";
    case NP_ERR_IP_IHL:
        return "ip-ihl";
    case NP_ERR_IP_HDR_TRUNC:
        return "ip-hdr-trunc";
    case NP_ERR_IP_TOTAL_LEN:
        return "ip-total-len";
    case NP_ERR_IP_FRAGMENT:
        return "ip-fragment";
    case NP_ERR_IP_CHECKSUM:
        return "ip-checksum";
    case NP_ERR_UDP_SHORT:
        return "udp-short";
    case NP_ERR_UDP_LEN:
        return "udp-len";
    case NP_ERR_UDP_CHECKSUM:
        return "udp-checksum";
    case NP_ERR_ICMP_SHORT:
        return "icmp-short";
    case NP_ERR_ICMP_CHECKSUM:
        return "icmp-checksum";
    case NP_ERR_PROTO:
        return "proto";
    case NP_ERR_ETH_LONG:
        return "eth-long";
    default:
        return "unknown";
    }
}
