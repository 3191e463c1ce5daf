#include "pcap.h"

#include <string.h>

#define PCAP_SNAPLEN 65535u
#define LINKTYPE_ETHERNET 1u

static void le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static int put(struct pcap_out *p, const void *b, size_t n)
{
    if (p->error || !p->f || fwrite(b, 1, n, p->f) != n) {
        p->error = 1;
        return -1;
    }
    return 0;
}

int pcap_open(struct pcap_out *p, const char *path)
{
    memset(p, 0, sizeof(*p));
    p->f = fopen(path, "wb");
    if (!p->f)
        return -1;
    /* Written little-endian byte by byte: the file is the same on any host. */
    uint8_t h[24];
    le32(h, 0xa1b2c3d4u); /* microsecond timestamps */
    le16(h + 4, 2);
    le16(h + 6, 4);
    le32(h + 8, 0);  /* thiszone */
    le32(h + 12, 0); /* sigfigs */
    le32(h + 16, PCAP_SNAPLEN);
    le32(h + 20, LINKTYPE_ETHERNET);
    return put(p, h, sizeof(h));
}

int pcap_write_eth(struct pcap_out *p, uint64_t now_ms, const uint8_t *frame, size_t len)
{
    size_t total = len;
    if (total > PCAP_SNAPLEN) {
        p->error = 1;
        return -1;
    }
    uint8_t r[16];
    le32(r, (uint32_t)(now_ms / 1000u));
    le32(r + 4, (uint32_t)(now_ms % 1000u) * 1000u);
    le32(r + 8, (uint32_t)total);
    le32(r + 12, (uint32_t)total);
    if (put(p, r, sizeof(r)) != 0 || put(p, frame, len) != 0)
        return -1;
    p->packets++;
    return 0;
}

int pcap_close(struct pcap_out *p)
{
    int rc = p->error ? -1 : 0;
    if (p->f && fclose(p->f) != 0)
        rc = -1;
    p->f = NULL;
    return rc;
}
