/*
 * The images' memcpy and memset, in place of picolibc's. Debian's picolibc for
 * riscv64 builds its memcpy for size: a loop of one lb and one sb per byte,
 * six instructions a byte. The TFTP fetch moves every block three times
 * (device buffer to the socket's queue, queue to the receive buffer,
 * buffer to the fetch region: fetch.c), so at 1428 bytes a block that loop
 * was most of the guest's work per block (bench/README.md, P7). This one
 * moves eight bytes per step once the destination is aligned, with aligned
 * loads only (a misaligned source is shifted together from two aligned
 * words), so it needs no misaligned access, which RISC-V leaves to the
 * implementation (unprivileged spec v20191213 §2.6) and a bare M-mode image
 * has no firmware to emulate.
 *
 * Linked as an object of the image, it comes before libc.a, so the
 * archive's memcpy member is never pulled in. The file is built with
 * -fno-tree-loop-distribute-patterns (CMakeLists.txt): GCC would otherwise
 * turn the byte loops back into calls to memcpy, that is, to itself.
 * bench/size/size_main.c (P2) does not link it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Words that may alias the bytes they are loaded from. */
typedef uint64_t __attribute__((may_alias)) word;

/* The first source byte's place in an aligned word, and its neighbour's.
 * RISC-V is little-endian: the bytes at s are the high bytes of the word
 * holding s. The big-endian form is for the host suite's run on s390x
 * (test_rv_virt_mem), so the same code is tested in both byte orders. */
#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define JOIN(a, b, r, l) (((a) << (r)) | ((b) >> (l)))
#else
#define JOIN(a, b, r, l) (((a) >> (r)) | ((b) << (l)))
#endif

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (n >= 16u) {
        while ((uintptr_t)d & 7u) {
            *d++ = *s++;
            n--;
        }
        word *dw = (word *)(void *)d;
        unsigned off = (unsigned)((uintptr_t)s & 7u);
        if (off == 0) {
            const word *sw = (const word *)(const void *)s;
            for (; n >= 32u; n -= 32u, dw += 4, sw += 4) {
                dw[0] = sw[0];
                dw[1] = sw[1];
                dw[2] = sw[2];
                dw[3] = sw[3];
            }
            for (; n >= 8u; n -= 8u)
                *dw++ = *sw++;
            s = (const uint8_t *)sw;
        } else {
            /* The bytes from s are one end of the aligned word holding s,
             * then the other end of the next (JOIN). Each aligned word read
             * holds at least one byte of the source, so no read leaves the
             * source's own 8-byte blocks. */
            const word *sw = (const word *)(const void *)(s - off);
            unsigned r = off * 8u, l = 64u - r;
            uint64_t a = *sw++;
            for (; n >= 32u; n -= 32u, dw += 4, sw += 4) {
                uint64_t b0 = sw[0], b1 = sw[1], b2 = sw[2], b3 = sw[3];
                dw[0] = JOIN(a, b0, r, l);
                dw[1] = JOIN(b0, b1, r, l);
                dw[2] = JOIN(b1, b2, r, l);
                dw[3] = JOIN(b2, b3, r, l);
                a = b3;
            }
            for (; n >= 8u; n -= 8u) {
                uint64_t b = *sw++;
                *dw++ = JOIN(a, b, r, l);
                a = b;
            }
            s = (const uint8_t *)sw - 8 + off;
        }
        d = (uint8_t *)dw;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* picolibc's memset is the same kind of byte loop; the stack's frame
 * builders and the frontend's RX refill call it for every block. */
void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint8_t b = (uint8_t)c;
    if (n >= 16u) {
        while ((uintptr_t)d & 7u) {
            *d++ = b;
            n--;
        }
        uint64_t v = 0x0101010101010101ull * b;
        word *dw = (word *)(void *)d;
        for (; n >= 8u; n -= 8u)
            *dw++ = v;
        d = (uint8_t *)dw;
    }
    while (n--)
        *d++ = b;
    return dst;
}
