/*
 * The seed corpus of tests/fuzz/fuzz_tftp.c, generated here (as
 * test_dhcp_corpus.c does for the DHCP targets) in the script format that
 * file documents. Under ctest it runs every seed through the fuzz target's
 * own entry point, built into this test (so its invariant checks run here
 * too, on every compiler, under valgrind and on s390x), checks that each
 * seed ends where it is meant to (a seed that stopped reaching DONE would
 * be a corpus that no longer goes deep), and when the source tree is at
 * hand checks that tests/fuzz/corpus/fuzz_tftp/ holds exactly these seeds.
 * To refresh the checked-in seeds:
 *
 *   RVNET_CORPUS_DIR=tests/fuzz/corpus build/gcc/tests/bringup_rv_virt_v1_2_host/test_tftp_corpus
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fuzz/fuzz_tftp.c"

#define SEED_MAX 512u
#define MAX_SEEDS 16u

struct seed {
    const char *name;
    enum tftp_client_state want_state;
    int want_err;
    uint8_t b[SEED_MAX];
    size_t len;
};

static struct seed seeds[MAX_SEEDS];
static size_t nseeds;

static struct seed *seed(const char *name, enum tftp_client_state st, int err)
{
    assert_true(nseeds < MAX_SEEDS);
    struct seed *s = &seeds[nseeds++];
    memset(s, 0, sizeof *s);
    s->name = name;
    s->want_state = st;
    s->want_err = err;
    return s;
}

static void put(struct seed *s, unsigned bytes, uint32_t v)
{
    assert_true(s->len + bytes <= SEED_MAX);
    for (unsigned i = bytes; i-- > 0;)
        s->b[s->len++] = (uint8_t)(v >> (8 * i));
}

static void put_raw(struct seed *s, const void *p, size_t n)
{
    assert_true(s->len + n <= SEED_MAX);
    memcpy(s->b + s->len, p, n);
    s->len += n;
}

enum { F_TSIZE = 1, F_BLKSIZE = 2, F_WINDOW = 4, F_TIMEOUT = 8, F_IGNORE = 16 };

/* The 16-byte header: blksize and windowsize as the client asks them. */
static void header(struct seed *s, unsigned flags, unsigned blksize, unsigned window,
                   unsigned retries, uint32_t max_size, unsigned refuse, uint32_t size)
{
    put(s, 1, flags);
    put(s, 2, blksize >= 8 ? blksize - 8 : 0);
    put(s, 1, window >= 1 ? window - 1 : 0);
    put(s, 1, 1); /* timeout 2 s when asked */
    put(s, 1, retries);
    put(s, 2, 999); /* 1000 ms */
    put(s, 4, max_size);
    put(s, 1, refuse);
    put(s, 3, size);
}

static void serve_step(struct seed *s, unsigned pos, unsigned x, unsigned lose)
{
    put(s, 1, 3);
    put(s, 2, pos);
    put(s, 1, x);
    put(s, 1, lose);
}

static void serves(struct seed *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        serve_step(s, 0, 0, 0xff);
}

static void generate(void)
{
    nseeds = 0;
    struct seed *s = seed("oack_transfer", TFTP_CLIENT_DONE, 0);
    header(s, F_TSIZE | F_BLKSIZE, 1468, 0, 5, 0xffffffffu, 0, 5000);
    serves(s, 5); /* OACK, then DATA 1..4 */

    s = seed("server_ignores_options", TFTP_CLIENT_DONE, 0);
    header(s, F_TSIZE | F_BLKSIZE | F_WINDOW | F_TIMEOUT | F_IGNORE, 1468, 4, 5, 0xffffffffu, 0,
           1536);
    serves(s, 4); /* DATA 1..3 of 512, then the empty 4 */

    /* Window 4 with losses: a hole answered, a timer, the rest. */
    s = seed("window_with_losses", TFTP_CLIENT_DONE, 0);
    header(s, F_TSIZE | F_BLKSIZE | F_WINDOW, 512, 4, 5, 0xffffffffu, 0, 5000);
    serve_step(s, 0, 0, 0xff); /* OACK */
    serve_step(s, 0, 0, 1);    /* 1, (2 lost), 3, 4: ACK 1 */
    serve_step(s, 0, 0, 0xff); /* 2..5: ACK 5 */
    serve_step(s, 0, 0, 3);    /* 6, 7, 8, (9 lost) */
    put(s, 1, 1);              /* JUMP: the timer, ACK 8 */
    serves(s, 2);              /* 9..10 (short): DONE */

    s = seed("no_server", TFTP_CLIENT_FAILED, TFTP_ERR_TIMEOUT);
    header(s, F_TSIZE | F_BLKSIZE, 1468, 0, 3, 0xffffffffu, 0, 100);
    for (int i = 0; i < 5; i++)
        put(s, 1, 1);

    s = seed("not_found", TFTP_CLIENT_FAILED, TFTP_ERR_NOT_FOUND);
    header(s, F_TSIZE | F_BLKSIZE, 1468, 0, 5, 0xffffffffu, 0, 100);
    put(s, 1, 6), put(s, 1, 0), put(s, 2, 1);

    /* A stranger's DATA, a duplicate, a mutated block, then the rest. */
    s = seed("foreign_dup_mutated", TFTP_CLIENT_DONE, 0);
    header(s, F_BLKSIZE, 600, 0, 5, 0xffffffffu, 0, 2000);
    serves(s, 2); /* OACK, DATA 1 */
    const uint8_t stranger[] = {0, 3, 0, 2, 'z', 'z'};
    put(s, 1, 2), put(s, 1, 1), put(s, 2, sizeof stranger), put_raw(s, stranger, sizeof stranger);
    put(s, 1, 4), put(s, 2, 1), put(s, 2, 600); /* DATA 1 again */
    serve_step(s, 3, 0x01, 0xff);               /* block 2 numbered 3: ahead */
    put(s, 1, 0), put(s, 2, 1000);              /* the timer, ACK 1 */
    put(s, 1, 1);
    serves(s, 3); /* 2, 3, 4 (short) */

    s = seed("oack_refused", TFTP_CLIENT_FAILED, TFTP_ERR_OACK_VALUE);
    header(s, F_TSIZE | F_BLKSIZE, 1468, 0, 5, 0xffffffffu, 0, 100);
    const char bad[] = "blksize\0"
                       "99999";
    put(s, 1, 5), put(s, 2, sizeof bad), put_raw(s, bad, sizeof bad);

    s = seed("tsize_over_limit", TFTP_CLIENT_FAILED, TFTP_ERR_TOO_BIG);
    header(s, F_TSIZE | F_BLKSIZE, 1468, 0, 5, 4096, 0, 5000);
    serves(s, 1);

    s = seed("sink_refuses", TFTP_CLIENT_FAILED, TFTP_ERR_SINK);
    header(s, F_BLKSIZE, 512, 0, 5, 0xffffffffu, 2, 5000);
    serves(s, 3);
}

static void test_seeds_run_where_meant(void **state)
{
    (void)state;
    generate();
    for (size_t i = 0; i < nseeds; i++) {
        const struct seed *s = &seeds[i];
        assert_int_equal(LLVMFuzzerTestOneInput(s->b, s->len), 0);
        if (fuzz_last_state != s->want_state || fuzz_last_err != s->want_err)
            fail_msg("seed %s ended %s/%s, want %s/%s", s->name,
                     tftp_client_state_name(fuzz_last_state), tftp_strerror(fuzz_last_err),
                     tftp_client_state_name(s->want_state), tftp_strerror(s->want_err));
    }
    /* Same bytes on a second generation. */
    struct seed first[MAX_SEEDS];
    memcpy(first, seeds, sizeof first);
    size_t n = nseeds;
    generate();
    assert_int_equal(n, nseeds);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(first[i].len, seeds[i].len);
        assert_memory_equal(first[i].b, seeds[i].b, seeds[i].len);
    }
    const char *dir = getenv("RVNET_CORPUS_DIR");
    if (dir == NULL)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/fuzz_tftp", dir);
    mkdir(path, 0755);
    for (size_t i = 0; i < nseeds; i++) {
        int w = snprintf(path, sizeof path, "%s/fuzz_tftp/%s", dir, seeds[i].name);
        assert_true(w > 0 && (size_t)w < sizeof path);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(seeds[i].b, 1, seeds[i].len, f), seeds[i].len);
        assert_int_equal(fclose(f), 0);
    }
    printf("wrote %zu seeds under %s/fuzz_tftp\n", nseeds, dir);
}

static bool file_equals(const char *path, const uint8_t *p, size_t n)
{
    static uint8_t buf[SEED_MAX + 1];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    size_t got = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return got == n && memcmp(buf, p, n) == 0;
}

static void test_checked_in_corpus_is_current(void **state)
{
    (void)state;
    const char *me = __FILE__;
    const char *tail = "bringup_rv_virt_v1_2_host/test_tftp_corpus.c";
    size_t n = strlen(me), t = strlen(tail);
    char dir[512];
    struct stat st;
    int w = n >= t && strcmp(me + n - t, tail) == 0
                ? snprintf(dir, sizeof dir, "%.*sfuzz/corpus/fuzz_tftp", (int)(n - t), me)
                : -1;
    if (w < 0 || (size_t)w >= sizeof dir || stat(dir, &st) != 0) {
        printf("corpus: source tree not found from __FILE__, not compared\n");
        return;
    }
    generate();
    for (size_t i = 0; i < nseeds; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, seeds[i].name);
        if (!file_equals(path, seeds[i].b, seeds[i].len))
            fail_msg("%s differs from the generator; regenerate (see the top of %s)", path,
                     __FILE__);
    }
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool known = false;
        for (size_t i = 0; i < nseeds && !known; i++)
            known = strcmp(seeds[i].name, e->d_name) == 0;
        if (!known)
            fail_msg("%s/%s is not made by the generator", dir, e->d_name);
    }
    closedir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeds_run_where_meant),
        cmocka_unit_test(test_checked_in_corpus_is_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
