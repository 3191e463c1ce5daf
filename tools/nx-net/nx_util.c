/*
 * nx-net: parsing and printing of addresses, numbers and bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_net.h"

const char *nx_ip_str(uint32_t ip, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255u, (ip >> 8) & 255u, ip & 255u);
    return buf;
}

const char *nx_ip_or_none(uint32_t ip, bool have, char buf[16])
{
    if (!have || ip == 0) {
        snprintf(buf, 16, "none");
        return buf;
    }
    return nx_ip_str(ip, buf);
}

unsigned nx_prefix_len(uint32_t mask)
{
    unsigned n = 0;
    while (n < 32u && (mask & (0x80000000u >> n)))
        n++;
    return n;
}

const char *nx_mac_str(const uint8_t m[6], char buf[18])
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

/* Dotted quad, four decimal numbers 0-255 and nothing else. */
int nx_parse_ip(const char *s, uint32_t *out)
{
    unsigned a, b, c, d;
    char tail;
    if (!s || sscanf(s, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
        c > 255 || d > 255 || strspn(s, "0123456789.") != strlen(s))
        return -1;
    *out = (a << 24) | (b << 16) | (c << 8) | d;
    return 0;
}

/* A decimal number 0..max, digits only. */
int nx_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!s || !*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Hex bytes, optionally separated by spaces or colons. */
int nx_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = 0;
    while (*s) {
        if (*s == ' ' || *s == ':') {
            s++;
            continue;
        }
        unsigned v;
        if (n == cap || !strchr("0123456789abcdefABCDEF", s[0]) || !s[1] ||
            !strchr("0123456789abcdefABCDEF", s[1]) || sscanf(s, "%2x", &v) != 1)
            return -1;
        out[n++] = (uint8_t)v;
        s += 2;
    }
    *len = n;
    return 0;
}

/* Six hex pairs separated by colons: a unicast MAC that is not all zero. */
int nx_parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char tail;
    if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                                  &b[5], &tail) != 6)
        return -1;
    for (unsigned i = 0; i < 6; i++) {
        if (!strchr("0123456789abcdefABCDEF", s[3 * i]) ||
            !strchr("0123456789abcdefABCDEF", s[3 * i + 1]) || (i < 5 && s[3 * i + 2] != ':'))
            return -1;
        mac[i] = (uint8_t)b[i];
    }
    if ((mac[0] & 1u) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
        return -1;
    return 0;
}

/* ADDR/PREFIX, a host address of its subnet (not the network or the
 * broadcast address) with a prefix of 1 to 30. */
int nx_parse_prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
    const char *slash = strchr(s, '/');
    char ip[16];
    unsigned long n;
    if (!slash || (size_t)(slash - s) >= sizeof(ip))
        return -1;
    memcpy(ip, s, (size_t)(slash - s));
    ip[slash - s] = '\0';
    uint32_t a;
    if (nx_parse_ip(ip, &a) != 0 || nx_parse_uint(slash + 1, 30, &n) != 0 || n == 0)
        return -1;
    uint32_t m = 0xffffffffu << (32u - (unsigned)n);
    if ((a & ~m) == 0 || (a & ~m) == ~m || (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 14)
        return -1;
    *addr = a;
    *mask = m;
    return 0;
}
