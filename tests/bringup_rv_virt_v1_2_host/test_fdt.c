/*
 * The rv-virt image's device-tree walk (platform/rv-virt/fdt.c), on the blob
 * QEMU 7.2's virt board really passes (tests/fixtures/qemu-virt-7.2.dtb, from
 * tests/fixtures/gen-dtb.sh) and on every truncation and single-byte
 * corruption of it: the walk finds the eight virtio-mmio slots, and a bad
 * blob is an error, never a read outside it (ASan and valgrind watch).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

static uint8_t *load(size_t *len)
{
    const char *path = RVNET_SOURCE_DIR "/tests/fixtures/qemu-virt-7.2.dtb";
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *b = malloc(1u << 16);
    assert_non_null(b);
    *len = fread(b, 1, 1u << 16, f);
    fclose(f);
    assert_true(*len > 40);
    return b;
}

static void test_qemu_virt_blob(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = load(&len);
    struct fdt_virtio v[16];
    unsigned n = 99;
    assert_int_equal(fdt_find_virtio(b, len, v, 16, &n), FDT_OK);
    assert_int_equal(n, 8);
    /* Slot i at 0x10001000 + i * 0x1000 with IRQ 1 + i, in whatever order
     * the tree lists them, each exactly once. */
    unsigned seen = 0;
    for (unsigned i = 0; i < n; i++) {
        assert_true(v[i].base >= 0x10001000u && v[i].base <= 0x10008000u);
        assert_int_equal(v[i].base & 0xfffu, 0);
        unsigned slot = (unsigned)((v[i].base - 0x10001000u) >> 12);
        assert_int_equal(v[i].irq, 1u + slot);
        assert_false(seen & (1u << slot));
        seen |= 1u << slot;
    }
    /* A smaller cap stores only that many. */
    assert_int_equal(fdt_find_virtio(b, len, v, 3, &n), FDT_OK);
    assert_int_equal(n, 3);
    /* The time CSR's rate, for the S-mode image: QEMU virt's 10 MHz. */
    uint64_t hz = 0;
    assert_int_equal(fdt_timebase(b, len, &hz), FDT_OK);
    assert_int_equal(hz, 10000000u);
    assert_int_equal(fdt_timebase(NULL, len, &hz), FDT_ERR_INVAL);
    assert_int_equal(fdt_timebase(b, len, NULL), FDT_ERR_INVAL);
    assert_int_equal(fdt_timebase(b, len - 1, &hz), FDT_ERR_BOUNDS);
    free(b);
}

static void test_bad_headers(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = load(&len);
    struct fdt_virtio v[8];
    unsigned n;
    assert_int_equal(fdt_find_virtio(NULL, len, v, 8, &n), FDT_ERR_INVAL);
    assert_int_equal(fdt_find_virtio(b, len, NULL, 8, &n), FDT_ERR_INVAL);
    /* The bound given is smaller than the blob's own totalsize. */
    assert_int_equal(fdt_find_virtio(b, len - 1, v, 8, &n), FDT_ERR_BOUNDS);
    assert_int_equal(fdt_find_virtio(b, 39, v, 8, &n), FDT_ERR_BOUNDS);
    b[0] ^= 1;
    assert_int_equal(fdt_find_virtio(b, len, v, 8, &n), FDT_ERR_MAGIC);
    b[0] ^= 1;
    uint8_t ver = b[23];
    b[23] = 15;
    assert_int_equal(fdt_find_virtio(b, len, v, 8, &n), FDT_ERR_VERSION);
    b[23] = ver;
    /* off_dt_struct past the end. */
    b[8] = 0x7f;
    assert_int_equal(fdt_find_virtio(b, len, v, 8, &n), FDT_ERR_BOUNDS);
    free(b);
}

static void test_every_truncation_and_corruption(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = load(&len);
    struct fdt_virtio v[8];
    unsigned n, ok = 0, errors = 0;
    /* The blob cut short, its header telling the truth about the cut: the
     * walk runs into the end of a block and reports it. */
    for (size_t cut = 40; cut < len; cut++) {
        uint8_t *c = malloc(cut);
        assert_non_null(c);
        memcpy(c, b, cut);
        c[4] = (uint8_t)(cut >> 24);
        c[5] = (uint8_t)(cut >> 16);
        c[6] = (uint8_t)(cut >> 8);
        c[7] = (uint8_t)cut;
        int rc = fdt_find_virtio(c, cut, v, 8, &n);
        assert_true(rc <= 0);
        assert_true(n <= 8);
        free(c);
    }
    /* Every byte flipped in turn, in an exactly-sized buffer. */
    uint8_t *c = malloc(len);
    assert_non_null(c);
    for (size_t i = 0; i < len; i++) {
        memcpy(c, b, len);
        c[i] ^= 0xffu;
        uint64_t hz;
        assert_true(fdt_timebase(c, len, &hz) <= 0);
        int rc = fdt_find_virtio(c, len, v, 8, &n);
        assert_true(rc <= 0);
        assert_true(n <= 8);
        if (rc == FDT_OK)
            ok++;
        else
            errors++;
    }
    /* Flips in names and values still parse; flips in tokens and sizes do not. */
    assert_true(ok > 0);
    assert_true(errors > 0);
    free(c);
    free(b);
}

/* A tree of `depth` nested nodes, built by hand in the DTB format. */
static size_t nested(uint8_t *out, unsigned depth)
{
    uint8_t *p = out + 40;
    for (unsigned i = 0; i < depth; i++) {
        memcpy(p, "\0\0\0\1n\0\0\0", 8); /* BEGIN_NODE "n" */
        p += 8;
    }
    for (unsigned i = 0; i < depth; i++) {
        memcpy(p, "\0\0\0\2", 4); /* END_NODE */
        p += 4;
    }
    memcpy(p, "\0\0\0\x09", 4); /* END */
    p += 4;
    size_t total = (size_t)(p - out), st = total - 40;
    memset(out, 0, 40);
    const uint32_t hdr[10] = {0xd00dfeedu, (uint32_t)total, 40, (uint32_t)total, 0, 17, 16, 0,
                              0,           (uint32_t)st};
    for (unsigned i = 0; i < 10; i++) {
        out[4 * i] = (uint8_t)(hdr[i] >> 24);
        out[4 * i + 1] = (uint8_t)(hdr[i] >> 16);
        out[4 * i + 2] = (uint8_t)(hdr[i] >> 8);
        out[4 * i + 3] = (uint8_t)hdr[i];
    }
    return total;
}

static void test_nesting_is_bounded(void **state)
{
    (void)state;
    uint8_t b[1024];
    unsigned n;
    size_t len = nested(b, FDT_MAX_DEPTH);
    assert_int_equal(fdt_find_virtio(b, len, NULL, 0, &n), FDT_OK);
    assert_int_equal(n, 0);
    /* No /cpus, so no timebase, and *hz left alone. */
    uint64_t hz = 7;
    assert_int_equal(fdt_timebase(b, len, &hz), FDT_ERR_NOT_FOUND);
    assert_int_equal(hz, 7);
    len = nested(b, FDT_MAX_DEPTH + 1u);
    assert_int_equal(fdt_find_virtio(b, len, NULL, 0, &n), FDT_ERR_FORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_virt_blob),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_every_truncation_and_corruption),
        cmocka_unit_test(test_nesting_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
