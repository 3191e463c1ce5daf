/*
 * The rv-virt image's device-tree walk (platform/rv-virt/fdt.c), on the blob
 * QEMU 7.2's virt board really passes (tests/fixtures/qemu-virt-7.2.dtb, from
 * tests/fixtures/gen-dtb.sh) and on every truncation and single-byte
 * corruption of it: the walk finds the eight virtio-mmio slots, and a bad
 * blob is an error, never a read outside it (ASan and valgrind watch).
 * Then /chosen's bootargs and the memory node, which the fetch reads
 * (platform/rv-virt/fetch.c), on blobs built by hand.
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
    /* -m 256M (gen-dtb.sh), and no -append: no bootargs. */
    uint64_t base = 0, size = 0;
    assert_int_equal(fdt_memory(b, len, &base, &size), FDT_OK);
    assert_int_equal(base, 0x80000000u);
    assert_int_equal(size, 256u << 20);
    const char *args = "untouched";
    size_t alen = 99;
    assert_int_equal(fdt_bootargs(b, len, &args, &alen), FDT_ERR_NOT_FOUND);
    assert_string_equal(args, "untouched");
    assert_int_equal(alen, 99);
    assert_int_equal(fdt_bootargs(b, len, NULL, &alen), FDT_ERR_INVAL);
    assert_int_equal(fdt_memory(b, len, &base, NULL), FDT_ERR_INVAL);
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

/* A blob built token by token (devicetree spec v0.4 §5.4). */
struct blob {
    uint8_t s[1024]; /* structure block */
    size_t n;
    char str[256]; /* strings block */
    size_t sn;
};

static void put32(struct blob *b, uint32_t v)
{
    b->s[b->n++] = (uint8_t)(v >> 24);
    b->s[b->n++] = (uint8_t)(v >> 16);
    b->s[b->n++] = (uint8_t)(v >> 8);
    b->s[b->n++] = (uint8_t)v;
}

static void begin(struct blob *b, const char *name)
{
    put32(b, 1);
    size_t l = strlen(name) + 1;
    memcpy(b->s + b->n, name, l);
    b->n += l;
    while (b->n & 3u)
        b->s[b->n++] = 0;
}

static void end(struct blob *b)
{
    put32(b, 2);
}

static void prop(struct blob *b, const char *name, const void *val, uint32_t len)
{
    put32(b, 3);
    put32(b, len);
    put32(b, (uint32_t)b->sn);
    size_t l = strlen(name) + 1;
    memcpy(b->str + b->sn, name, l);
    b->sn += l;
    memcpy(b->s + b->n, val, len);
    b->n += len;
    while (b->n & 3u)
        b->s[b->n++] = 0;
}

static void prop_cells(struct blob *b, const char *name, const uint32_t *c, unsigned n)
{
    uint8_t v[16];
    for (unsigned i = 0; i < n; i++) {
        v[4 * i] = (uint8_t)(c[i] >> 24);
        v[4 * i + 1] = (uint8_t)(c[i] >> 16);
        v[4 * i + 2] = (uint8_t)(c[i] >> 8);
        v[4 * i + 3] = (uint8_t)c[i];
    }
    prop(b, name, v, 4u * n);
}

/* Header, structure block (with its END), strings: the DTB in out. */
static size_t finish(struct blob *b, uint8_t *out)
{
    put32(b, 9);
    size_t total = 40 + b->n + b->sn;
    const uint32_t hdr[10] = {
        0xd00dfeedu,     (uint32_t)total, 40, (uint32_t)(40 + b->n), 0, 17, 16, 0,
        (uint32_t)b->sn, (uint32_t)b->n};
    for (unsigned i = 0; i < 10; i++) {
        out[4 * i] = (uint8_t)(hdr[i] >> 24);
        out[4 * i + 1] = (uint8_t)(hdr[i] >> 16);
        out[4 * i + 2] = (uint8_t)(hdr[i] >> 8);
        out[4 * i + 3] = (uint8_t)hdr[i];
    }
    memcpy(out + 40, b->s, b->n);
    memcpy(out + 40 + b->n, b->str, b->sn);
    return total;
}

/* What QEMU writes for -m 256M -append ARGS (args_len bytes of the
 * property, NUL included when there is one), with a decoy bootargs in
 * another node and a memory node below another: only /chosen's and the
 * root's child count. */
static size_t chosen_blob(uint8_t *out, const char *args, uint32_t args_len)
{
    static struct blob b;
    memset(&b, 0, sizeof(b));
    const uint32_t two = 2, cells[4] = {0, 0x80000000u, 0, 0x10000000u};
    const uint32_t decoy[4] = {0, 0x40000000u, 0, 0x1000u};
    begin(&b, "");
    prop_cells(&b, "#address-cells", &two, 1);
    prop_cells(&b, "#size-cells", &two, 1);
    begin(&b, "soc");
    prop_cells(&b, "#address-cells", &two, 1);
    prop_cells(&b, "#size-cells", &two, 1);
    prop(&b, "bootargs", "decoy", 6);
    begin(&b, "memory@40000000");
    prop(&b, "device_type", "memory", 7);
    prop_cells(&b, "reg", decoy, 4);
    end(&b);
    end(&b);
    begin(&b, "memory@80000000");
    prop(&b, "device_type", "memory", 7);
    prop_cells(&b, "reg", cells, 4);
    end(&b);
    begin(&b, "chosen");
    if (args)
        prop(&b, "bootargs", args, args_len);
    end(&b);
    end(&b);
    return finish(&b, out);
}

static void test_bootargs_and_memory(void **state)
{
    (void)state;
    static uint8_t blob[2048];
    const char *want = "tftp=big.bin blksize=512";
    size_t len = chosen_blob(blob, want, (uint32_t)strlen(want) + 1u);
    const char *args = NULL;
    size_t alen = 0;
    assert_int_equal(fdt_bootargs(blob, len, &args, &alen), FDT_OK);
    assert_int_equal(alen, strlen(want));
    assert_memory_equal(args, want, alen);
    /* The pointer is into the blob itself. */
    assert_true((const uint8_t *)args > blob && (const uint8_t *)args + alen < blob + len);
    uint64_t base = 0, size = 0;
    assert_int_equal(fdt_memory(blob, len, &base, &size), FDT_OK);
    assert_int_equal(base, 0x80000000u);
    assert_int_equal(size, 0x10000000u);

    /* No NUL: up to the end of the property, and not a byte further. */
    len = chosen_blob(blob, "tftp=a", 6);
    assert_int_equal(fdt_bootargs(blob, len, &args, &alen), FDT_OK);
    assert_int_equal(alen, 6);
    assert_memory_equal(args, "tftp=a", 6);
    /* Empty, or not there: nothing asked (the decoy in /soc is not it). */
    len = chosen_blob(blob, "", 1);
    assert_int_equal(fdt_bootargs(blob, len, &args, &alen), FDT_ERR_NOT_FOUND);
    len = chosen_blob(blob, NULL, 0);
    assert_int_equal(fdt_bootargs(blob, len, &args, &alen), FDT_ERR_NOT_FOUND);
    /* A walk error is the walk's, for both. */
    assert_int_equal(fdt_bootargs(blob, 39, &args, &alen), FDT_ERR_BOUNDS);
    assert_int_equal(fdt_memory(blob, len - 1, &base, &size), FDT_ERR_BOUNDS);
    /* No memory node at all. */
    uint8_t b[1024];
    len = nested(b, 2);
    assert_int_equal(fdt_memory(b, len, &base, &size), FDT_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_virt_blob),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_every_truncation_and_corruption),
        cmocka_unit_test(test_nesting_is_bounded),
        cmocka_unit_test(test_bootargs_and_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
