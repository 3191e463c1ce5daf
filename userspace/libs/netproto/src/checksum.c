/*
 * The Internet checksum (RFC 1071). The sum is kept in 32 bits and folded
 * whenever the top bit could overflow, so any length is safe; the words are
 * read byte by byte as big-endian values, so the result is the same on every
 * host byte order.
 */
#include "netproto/checksum.h"

static uint32_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return sum;
}

uint32_t np_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i + 1 < n) {
        sum += ((uint32_t)p[i] << 8) | p[i + 1];
        /* Folding here keeps the sum below 2^17, far from overflow. */
        if (sum & 0x80000000u)
            sum = fold(sum);
        i += 2;
    }
    /* RFC 1071 §4.1: an odd trailing byte is padded with a zero low byte. */
    if (i < n)
        sum += (uint32_t)p[i] << 8;
    return fold(sum);
}

uint32_t np_csum_add16(uint32_t sum, uint16_t v)
{
    return fold(sum + v);
}

uint16_t np_csum_finish(uint32_t sum)
{
    return (uint16_t)~fold(sum);
}

uint16_t np_inet_checksum(const uint8_t *p, size_t n)
{
    return np_csum_finish(np_csum_add(0, p, n));
}
