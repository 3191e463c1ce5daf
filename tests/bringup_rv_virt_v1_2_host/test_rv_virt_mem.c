/*
 * The rv-virt images' own memcpy and memset (platform/rv-virt/mem.c), built
 * here under other names: every source and destination alignment modulo 16
 * and every length up to 300 (the byte path below 16, the word paths, the
 * shifted one for a misaligned source, the 32-byte unrolled loops and their
 * tails), against a byte-by-byte reference, with guard bytes around the
 * destination that must stay untouched.
 *
 * The word loops read whole aligned 8-byte words of the source, up to 7
 * bytes beyond its end (never past its own 8-byte block); the sources here
 * lie inside larger arrays, as they do in the image.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#define memcpy rv_image_memcpy
#define memset rv_image_memset
void *rv_image_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *rv_image_memset(void *dst, int c, size_t n);
#include "../../platform/rv-virt/mem.c"
#undef memcpy
#undef memset

#define AREA 1024u
#define AT 64u /* where the copies start, so guards lie on both sides */

static uint8_t src[AREA], dst[AREA], ref[AREA];

static void test_memcpy_every_alignment(void **state)
{
    (void)state;
    for (unsigned i = 0; i < AREA; i++)
        src[i] = (uint8_t)(i * 7u + 3u);
    for (unsigned so = 0; so < 16; so++) {
        for (unsigned d = 0; d < 16; d++) {
            for (size_t n = 0; n <= 300; n++) {
                for (unsigned i = 0; i < AREA; i++)
                    dst[i] = ref[i] = 0xa5;
                for (size_t i = 0; i < n; i++)
                    ref[AT + d + i] = src[AT + so + i];
                assert_ptr_equal(rv_image_memcpy(dst + AT + d, src + AT + so, n), dst + AT + d);
                assert_memory_equal(dst, ref, AREA);
            }
        }
    }
}

static void test_memset_every_alignment(void **state)
{
    (void)state;
    for (unsigned d = 0; d < 16; d++) {
        for (size_t n = 0; n <= 300; n++) {
            /* Only the low byte of c counts (C11 §7.24.6.1). */
            int c = (int)(0x100u + d * 17u + n);
            for (unsigned i = 0; i < AREA; i++)
                dst[i] = ref[i] = 0xa5;
            for (size_t i = 0; i < n; i++)
                ref[AT + d + i] = (uint8_t)c;
            assert_ptr_equal(rv_image_memset(dst + AT + d, c, n), dst + AT + d);
            assert_memory_equal(dst, ref, AREA);
        }
    }
}

/* A block as the fetch moves it: 1432 bytes from a source 2 bytes past a
 * word (the payload in a device buffer) to a destination 4 past one. */
static void test_block_sized(void **state)
{
    (void)state;
    static uint8_t s[2048], d[2048];
    for (unsigned i = 0; i < sizeof(s); i++)
        s[i] = (uint8_t)(i ^ (i >> 8));
    memset(d, 0, sizeof(d));
    rv_image_memcpy(d + 12, s + 54, 1432);
    assert_memory_equal(d + 12, s + 54, 1432);
    assert_int_equal(d[11], 0);
    assert_int_equal(d[12 + 1432], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_every_alignment),
        cmocka_unit_test(test_memset_every_alignment),
        cmocka_unit_test(test_block_sized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
