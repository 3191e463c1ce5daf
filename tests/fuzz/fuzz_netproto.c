/*
 * netproto parsers on arbitrary bytes: the frame is parsed layer by layer
 * (Ethernet, then ARP or IPv4, then UDP or ICMP) and every parser is also
 * run on the raw input directly. Parsers must never read out of bounds
 * (ASan), a successful parse must describe bytes inside the input, and an
 * ARP packet that parses must build back to the same 28 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netproto/netproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(const uint8_t *base, size_t size, const uint8_t *p, size_t n)
{
    if (p < base || p > base + size || n > (size_t)(base + size - p))
        abort();
}

static void layers(const uint8_t *data, size_t size)
{
    struct np_eth eh;
    if (np_eth_parse(data, size, &eh) != NP_OK)
        return;
    check_inside(data, size, eh.payload, eh.payload_len);
    if (eh.type == NP_ETHERTYPE_ARP) {
        struct np_arp a;
        if (np_arp_parse(eh.payload, eh.payload_len, &a) == NP_OK) {
            uint8_t back[NP_ARP_LEN];
            size_t len;
            if (np_arp_build(back, sizeof back, &a, &len) != NP_OK || len != NP_ARP_LEN ||
                memcmp(back, eh.payload, NP_ARP_LEN) != 0)
                abort();
        }
        return;
    }
    if (eh.type != NP_ETHERTYPE_IPV4)
        return;
    struct np_ipv4 ih;
    if (np_ipv4_parse(eh.payload, eh.payload_len, &ih) != NP_OK)
        return;
    check_inside(data, size, ih.payload, ih.payload_len);
    if (ih.hdr_len < NP_IPV4_HLEN || ih.hdr_len > 60)
        abort();
    if (ih.proto == NP_IP_PROTO_UDP) {
        struct np_udp uh;
        if (np_udp_parse(ih.payload, ih.payload_len, ih.src, ih.dst, &uh) == NP_OK)
            check_inside(data, size, uh.payload, uh.payload_len);
    } else if (ih.proto == NP_IP_PROTO_ICMP) {
        struct np_icmp ch;
        if (np_icmp_parse(ih.payload, ih.payload_len, &ch) == NP_OK)
            check_inside(data, size, ch.payload, ch.payload_len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    layers(data, size);

    /* Every parser straight on the input too. */
    struct np_arp a;
    (void)np_arp_parse(data, size, &a);
    struct np_ipv4 ih;
    if (np_ipv4_parse(data, size, &ih) == NP_OK)
        check_inside(data, size, ih.payload, ih.payload_len);
    struct np_udp uh;
    if (np_udp_parse(data, size, 0, 0, &uh) == NP_OK)
        check_inside(data, size, uh.payload, uh.payload_len);
    struct np_icmp ch;
    if (np_icmp_parse(data, size, &ch) == NP_OK)
        check_inside(data, size, ch.payload, ch.payload_len);
    struct np_udp_frame f;
    if (np_udp_frame_parse(data, size, &f) == NP_OK)
        check_inside(data, size, f.payload, f.payload_len);
    (void)np_inet_checksum(data, size);
    return 0;
}
