/*
 * The Internet checksum (RFC 1071), a word at a time (RFC 1071 §4): 32-bit
 * words go into a 64-bit sum and the carries are folded back in once, at the
 * end. The words are loaded in the host's byte order, which RFC 1071 §2(B)
 * allows: the folded sum comes out byte-swapped on a little-endian host and
 * is swapped back. Every load is a memcpy from an address aligned to its
 * size, so nothing is read misaligned and nothing is read through a cast
 * pointer. The result equals the byte-by-byte big-endian sum for every
 * length and every starting address.
 */
#include <stdbool.h>

#include "netproto/checksum.h"

/*
 * Folds the carries back in (end-around carry): 0 stays 0, anything else
 * becomes the value in 1..0xffff that is equal to it modulo 0xffff. Adding a
 * value to itself rotated by half its width leaves, in the top half, the sum
 * of the two halves plus the carry out of the bottom half: one end-around
 * carry, which cannot make that sum 0 or carry out again.
 */
static uint32_t fold(uint64_t s)
{
    s += (s >> 32) | (s << 32);
    uint32_t t = (uint32_t)(s >> 32);
    t += (t >> 16) | (t << 16);
    return t >> 16;
}

#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define HOST_LITTLE_ENDIAN false
#else
#define HOST_LITTLE_ENDIAN true
#endif

/* A load into a local: one load instruction, the address being known to be
 * aligned. The target build is -ffreestanding, which turns the built-in
 * memcpy off, so it is asked for by name (it never needs libgcc). */
#define LOAD(dst, src) __builtin_memcpy(&(dst), (src), sizeof(dst))

/*
 * The sum of p[0..n) as 16-bit words in the host's byte order, below 2^34;
 * p is even. Up to 8-byte alignment it goes 2 and 4 bytes at a time, then 8
 * bytes at a time into a one's complement 64-bit sum (the carry out of the
 * top goes back in at the bottom, which keeps it right modulo 0xffff, as
 * 2^64 - 1 is a multiple of 0xffff, and never lets it overflow).
 */
static uint64_t sum_words(const uint8_t *p, size_t n)
{
    uint64_t acc = 0, tail = 0, d;
    uint32_t w;
    uint16_t h;
    if (n >= 2 && ((uintptr_t)p & 2u)) {
        LOAD(h, __builtin_assume_aligned(p, 2));
        tail = h;
        p += 2;
        n -= 2;
    }
    if (n >= 4 && ((uintptr_t)p & 4u)) {
        LOAD(w, __builtin_assume_aligned(p, 4));
        tail += w;
        p += 4;
        n -= 4;
    }
    if (n >= 8) {
        /* Both steps above were taken where needed: p is 8-aligned. */
        const uint8_t *a = __builtin_assume_aligned(p, 8);
        for (; n >= 8; a += 8, n -= 8) {
            LOAD(d, a);
            acc += d;
            acc += acc < d;
        }
        p = a;
    }
    if (n >= 4) {
        LOAD(w, p);
        tail += w;
        p += 4;
    }
    if (n & 2u) {
        LOAD(h, p);
        tail += h;
        p += 2;
    }
    if (n & 1u) {
        /* RFC 1071 §4.1: an odd trailing byte is padded with a zero low byte. */
        const uint8_t last[2] = {p[0], 0};
        LOAD(h, last);
        tail += h;
    }
    return (acc & 0xffffffffu) + (acc >> 32) + tail;
}

/*
 * Byte swapping a 16-bit one's complement value multiplies it by 256 modulo
 * 0xffff (RFC 1071 §2(B)), and so does shifting left by 8 bits. On a
 * little-endian host the words of a buffer that starts at an even address
 * come out swapped, so the running sum is multiplied by 256 to go with
 * them, and the total is swapped back: 256 * 256 is 1 modulo 0xffff. A
 * buffer that starts at an odd address swaps its words once more.
 */
uint32_t np_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    uint64_t s = sum;
    bool swap = HOST_LITTLE_ENDIAN;
    if (n != 0 && ((uintptr_t)p & 1u)) {
        /* The first byte alone, as the high half of a word; the words of
         * the rest are then one byte out of step. */
        s += (uint32_t)p[0] << 8;
        p++;
        n--;
        swap = !swap;
    }
    if (swap)
        s <<= 8; /* s is below 2^33: nothing is shifted out, no overflow */
    uint32_t r = fold(s + sum_words(p, n));
    return swap ? ((r & 0xffu) << 8) | (r >> 8) : r;
}

uint32_t np_csum_add16(uint32_t sum, uint16_t v)
{
    return fold((uint64_t)sum + v);
}

uint16_t np_csum_finish(uint32_t sum)
{
    return (uint16_t)~fold(sum);
}

uint16_t np_inet_checksum(const uint8_t *p, size_t n)
{
    return (uint16_t)~np_csum_add(0, p, n);
}
