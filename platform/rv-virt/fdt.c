#include "fdt.h"

#include <string.h>

#define FDT_MAGIC 0xd00dfeedu
/* The header's fields (Devicetree Specification v0.4 §5.2, struct
 * fdt_header): big-endian 32-bit words at these byte offsets. */
#define HDR_TOTALSIZE 4u
#define HDR_OFF_DT_STRUCT 8u
#define HDR_OFF_DT_STRINGS 12u
#define HDR_VERSION 20u
#define HDR_SIZE_DT_STRINGS 32u
#define HDR_SIZE_DT_STRUCT 36u
#define HDR_LEN 40u         /* the version 17 header, through size_dt_struct */
#define FDT_VERSION_MIN 16u /* the oldest whose layout this walk reads (§5.2) */
#define TOK_BEGIN 1u
#define TOK_END 2u
#define TOK_PROP 3u
#define TOK_NOP 4u
#define TOK_DONE 9u

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* One or two cells, big-endian (devicetree spec v0.4 §2.2.4). */
static uint64_t cells(const uint8_t *p, uint32_t n)
{
    return n == 2u ? ((uint64_t)be32(p) << 32) | be32(p + 4) : be32(p);
}

/* True when the NUL-terminated list `val` of `len` bytes holds `want`. */
static int strlist_has(const uint8_t *val, uint32_t len, const char *want)
{
    size_t wl = strlen(want);
    uint32_t i = 0;
    while (i < len) {
        uint32_t j = i;
        while (j < len && val[j] != 0)
            j++;
        if (j - i == wl && memcmp(val + i, want, wl) == 0)
            return 1;
        i = j + 1u;
    }
    return 0;
}

struct level {
    uint32_t addr_cells, size_cells; /* for this node's children */
    int virtio;
    int cpus;   /* /cpus or one of its children */
    int chosen; /* /chosen itself */
    int memory; /* device_type "memory" */
    int have_reg, have_irq, have_size;
    uint64_t reg, reg_size;
    uint32_t irq;
};

/* What one walk collects. */
struct found {
    struct fdt_virtio *out;
    unsigned cap, n;
    int have_timebase;
    uint64_t timebase;
    const uint8_t *bootargs; /* /chosen's bootargs, NULL: none */
    uint32_t bootargs_len;
    int have_memory;
    uint64_t mem_base, mem_size;
};

/* One property of the node lv[depth-1]. */
static void prop(struct level *lv, unsigned depth, const char *name, const uint8_t *val,
                 uint32_t len, struct found *f)
{
    struct level *l = &lv[depth - 1];
    /* The parent's cells describe this node's reg. */
    uint32_t ac = depth >= 2 ? lv[depth - 2].addr_cells : 2u;
    uint32_t sc = depth >= 2 ? lv[depth - 2].size_cells : 1u;
    if (strcmp(name, "#address-cells") == 0 && len == 4) {
        l->addr_cells = be32(val);
    } else if (strcmp(name, "#size-cells") == 0 && len == 4) {
        l->size_cells = be32(val);
    } else if (strcmp(name, "compatible") == 0) {
        l->virtio = strlist_has(val, len, "virtio,mmio");
    } else if (strcmp(name, "device_type") == 0) {
        l->memory = len == 7u && memcmp(val, "memory", 7) == 0;
    } else if (strcmp(name, "reg") == 0 && (ac == 1u || ac == 2u) && len >= 4u * ac) {
        l->reg = cells(val, ac);
        l->have_reg = 1;
        /* The first (address, size) pair; a size of 0 cells has none. */
        if ((sc == 1u || sc == 2u) && len >= 4u * (ac + sc)) {
            l->reg_size = cells(val + 4u * ac, sc);
            l->have_size = 1;
        }
    } else if (strcmp(name, "bootargs") == 0 && l->chosen && len > 0) {
        /* A string (devicetree spec v0.4 §3.5): up to its NUL, which a
         * hostile blob may leave out; the bytes stay in the blob. */
        const uint8_t *nul = memchr(val, 0, len);
        f->bootargs = val;
        f->bootargs_len = nul ? (uint32_t)(nul - val) : len;
    } else if (strcmp(name, "interrupts") == 0 && len >= 4u) {
        l->irq = be32(val);
        l->have_irq = 1;
    } else if (strcmp(name, "timebase-frequency") == 0 && l->cpus && !f->have_timebase &&
               (len == 4u || len == 8u)) {
        /* Devicetree spec v0.4 §3.7 and §3.8: in /cpus, or in each cpu
         * node, one or two cells. */
        f->timebase = len == 4u ? be32(val) : ((uint64_t)be32(val) << 32) | be32(val + 4);
        f->have_timebase = f->timebase != 0;
    }
}

static int walk(const void *fdt, size_t max_len, struct found *f)
{
    const uint8_t *b = fdt;
    if (max_len < HDR_LEN)
        return FDT_ERR_BOUNDS;
    if (be32(b) != FDT_MAGIC)
        return FDT_ERR_MAGIC;
    uint32_t total = be32(b + HDR_TOTALSIZE), off_struct = be32(b + HDR_OFF_DT_STRUCT);
    uint32_t off_strings = be32(b + HDR_OFF_DT_STRINGS), version = be32(b + HDR_VERSION);
    uint32_t size_strings = be32(b + HDR_SIZE_DT_STRINGS);
    uint32_t size_struct = be32(b + HDR_SIZE_DT_STRUCT);
    if (version < FDT_VERSION_MIN)
        return FDT_ERR_VERSION;
    if (total > max_len || off_struct > total || size_struct > total - off_struct ||
        off_strings > total || size_strings > total - off_strings || (off_struct & 3u))
        return FDT_ERR_BOUNDS;
    const uint8_t *s = b + off_struct, *str = b + off_strings;
    struct level lv[FDT_MAX_DEPTH];
    unsigned depth = 0; /* lv[depth-1] is the current node */
    uint32_t p = 0;
    for (;;) {
        if (p > size_struct || size_struct - p < 4u)
            return FDT_ERR_BOUNDS;
        uint32_t tok = be32(s + p);
        p += 4;
        if (tok == TOK_NOP)
            continue;
        if (tok == TOK_DONE)
            return depth == 0 ? FDT_OK : FDT_ERR_FORMAT;
        if (tok == TOK_BEGIN) {
            uint32_t q = p;
            while (q < size_struct && s[q] != 0)
                q++;
            if (q >= size_struct)
                return FDT_ERR_BOUNDS;
            const char *node = (const char *)(s + p);
            p = (q + 1u + 3u) & ~3u;
            if (depth == FDT_MAX_DEPTH)
                return FDT_ERR_FORMAT;
            struct level *l = &lv[depth++];
            /* /cpus is the root's child of that name (devicetree spec §3.7). */
            l->cpus = (depth == 2 && strcmp(node, "cpus") == 0) || (depth == 3 && lv[1].cpus);
            l->chosen = depth == 2 && strcmp(node, "chosen") == 0;
            l->memory = 0;
            /* Devicetree spec §2.3.5: the defaults are 2 and 1. */
            l->addr_cells = 2;
            l->size_cells = 1;
            l->virtio = 0;
            l->have_reg = 0;
            l->have_irq = 0;
            l->have_size = 0;
            l->reg = 0;
            l->reg_size = 0;
            l->irq = 0;
            continue;
        }
        if (tok == TOK_END) {
            if (depth == 0)
                return FDT_ERR_FORMAT;
            struct level *l = &lv[--depth];
            /* The first memory node, a child of the root (§3.4). */
            if (l->memory && depth == 1 && l->have_reg && l->have_size && !f->have_memory) {
                f->mem_base = l->reg;
                f->mem_size = l->reg_size;
                f->have_memory = 1;
            }
            if (l->virtio && l->have_reg && l->have_irq && f->n < f->cap) {
                f->out[f->n].base = l->reg;
                f->out[f->n].irq = l->irq;
                f->n++;
            }
            continue;
        }
        if (tok != TOK_PROP || depth == 0)
            return FDT_ERR_FORMAT;
        if (size_struct - p < 8u)
            return FDT_ERR_BOUNDS;
        uint32_t len = be32(s + p), nameoff = be32(s + p + 4);
        p += 8;
        if (len > size_struct - p || nameoff >= size_strings)
            return FDT_ERR_BOUNDS;
        const uint8_t *val = s + p;
        const char *name = (const char *)(str + nameoff);
        size_t room = size_strings - nameoff;
        if (!memchr(name, 0, room))
            return FDT_ERR_BOUNDS;
        /* p + len <= size_struct, so this cannot wrap unless the block
         * ends within 3 bytes of 4 GiB, which the bounds above refuse. */
        p = (uint32_t)(((uint64_t)p + len + 3u) & ~(uint64_t)3u);
        prop(lv, depth, name, val, len, f);
    }
}

int fdt_find_virtio(const void *fdt, size_t max_len, struct fdt_virtio *out, unsigned cap,
                    unsigned *n)
{
    if (!fdt || !n || (!out && cap))
        return FDT_ERR_INVAL;
    struct found f = {.out = out, .cap = cap};
    int rc = walk(fdt, max_len, &f);
    *n = f.n;
    return rc;
}

int fdt_timebase(const void *fdt, size_t max_len, uint64_t *hz)
{
    if (!fdt || !hz)
        return FDT_ERR_INVAL;
    struct found f = {.out = NULL};
    int rc = walk(fdt, max_len, &f);
    if (rc != FDT_OK)
        return rc;
    if (!f.have_timebase)
        return FDT_ERR_NOT_FOUND;
    *hz = f.timebase;
    return FDT_OK;
}

int fdt_bootargs(const void *fdt, size_t max_len, const char **args, size_t *len)
{
    if (!fdt || !args || !len)
        return FDT_ERR_INVAL;
    struct found f = {.out = NULL};
    int rc = walk(fdt, max_len, &f);
    if (rc != FDT_OK)
        return rc;
    if (!f.bootargs || f.bootargs_len == 0)
        return FDT_ERR_NOT_FOUND;
    *args = (const char *)f.bootargs;
    *len = f.bootargs_len;
    return FDT_OK;
}

int fdt_memory(const void *fdt, size_t max_len, uint64_t *base, uint64_t *size)
{
    if (!fdt || !base || !size)
        return FDT_ERR_INVAL;
    struct found f = {.out = NULL};
    int rc = walk(fdt, max_len, &f);
    if (rc != FDT_OK)
        return rc;
    if (!f.have_memory)
        return FDT_ERR_NOT_FOUND;
    *base = f.mem_base;
    *size = f.mem_size;
    return FDT_OK;
}
