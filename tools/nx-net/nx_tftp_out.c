/*
 * Where nx-net tftp get puts the file. The blocks go to a temporary file
 * beside OUT, renamed over OUT once the transfer is whole (rename(2) is
 * atomic within a directory: OUT is the old file or the whole new one,
 * never a part), so a failed transfer leaves OUT as it was and no part of
 * it; -o - writes to stdout as the blocks come, and so does a FIFO or a
 * device (written in place).
 */
#define _GNU_SOURCE /* realpath, mkstemp, fchmod, fsync, O_CLOEXEC */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nx_tftp.h"

/* Where the file goes, as nx_tftp_check found it: the path renamed over
 * (OUT, or what a symbolic link OUT points to, so the link stays), or a
 * file written in place (a device such as /dev/null, a FIFO: rename would
 * replace it), or stdout: the process's fd 1, duplicated before fd 1 became
 * stderr, so nothing else mixes in. */
static struct {
    int fd; /* -o -: the real stdout; else -1 */
    bool in_place;
    char path[PATH_MAX];
} nx_out = {-1, false, ""};

/* Where OUT is written (nx_out): a regular file or a new name is replaced
 * by rename, so its directory must take a new file; a device or FIFO is
 * written in place; a directory or a link to nothing is refused. */
static int check_out(const char *out)
{
    struct stat st;
    if (strlen(out) >= sizeof(nx_out.path) - 32u)
        return nx_tftp_usage("-o %s: the name is too long", out);
    if (stat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return nx_tftp_usage("-o %s is a directory (give a file name)", out);
        if (!S_ISREG(st.st_mode)) {
            nx_out.in_place = true;
            snprintf(nx_out.path, sizeof(nx_out.path), "%s", out);
            return 0;
        }
        if (!realpath(out, nx_out.path))
            return nx_tftp_usage("-o %s: cannot resolve it", out);
    } else if (lstat(out, &st) == 0) {
        return nx_tftp_usage("-o %s is a symbolic link to nothing", out);
    } else {
        snprintf(nx_out.path, sizeof(nx_out.path), "%s", out);
    }
    char dir[PATH_MAX];
    const char *p = nx_out.path, *slash = strrchr(p, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == p)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - p), p);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0)
        return nx_tftp_usage("-o %s: its directory does not exist or cannot be written", out);
    return 0;
}

int nx_tftp_out_check(const char *out)
{
    if (strcmp(out, "-") != 0)
        return check_out(out);
    /* -o -: the file owns stdout; every line nx-net prints goes to stderr
     * (fd 1 becomes a copy of fd 2, before any output). */
    fflush(stdout);
    nx_out.fd = dup(STDOUT_FILENO);
    if (nx_out.fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        return nx_tftp_usage("-o -: %s", strerror(errno));
    return 0;
}

/* CRC-32 (reflected 0x04C11DB7, as zlib: the same check the image prints). */
static uint32_t crc32_add(uint32_t crc, const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (table[1] == 0) {
        for (uint32_t i = 0; i < 256u; i++) {
            uint32_t c = i;
            for (unsigned k = 0; k < 8u; k++)
                c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

/* The client's sink: offsets come contiguous from 0, so the bytes are
 * appended. A failed write aborts the transfer (ERROR 3 to the server). */
int nx_tftp_sink(void *ctx, uint64_t off, const uint8_t *p, size_t n)
{
    struct nx_tftp *t = ctx;
    (void)off;
    for (size_t done = 0; done < n;) {
        ssize_t k = write(t->fd, p + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            t->werr = k < 0 ? errno : EIO;
            return -1;
        }
        done += (size_t)k;
    }
    t->crc = crc32_add(t->crc, p, n);
    return 0;
}

int nx_tftp_open(struct nx_tftp *t)
{
    if (nx_out.fd >= 0) {
        t->fd = nx_out.fd;
        return 0;
    }
    if (nx_out.in_place) {
        t->fd = open(nx_out.path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        t->werr = errno;
        return t->fd < 0 ? -1 : 0;
    }
    /* Beside OUT, so the rename stays in one directory (rename(2) is atomic
     * there: OUT is the old file or the whole new one, never a part). */
    const char *p = nx_out.path, *slash = strrchr(p, '/');
    int dlen = slash ? (int)(slash - p + 1) : 0;
    snprintf(t->tmp, sizeof(t->tmp), "%.*s.%s.part-XXXXXX", dlen, p, slash ? slash + 1 : p);
    t->fd = mkstemp(t->tmp);
    if (t->fd < 0) {
        t->werr = errno;
        t->tmp[0] = '\0';
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(t->fd, 0666 & ~mask); /* as a plain create would make it */
    return 0;
}

int nx_tftp_close(struct nx_tftp *t, bool whole)
{
    if (nx_out.fd >= 0)
        return 0;
    int rc = 0;
    if (whole && !nx_out.in_place && fsync(t->fd) != 0)
        rc = errno;
    if (close(t->fd) != 0 && rc == 0)
        rc = errno;
    if (!nx_out.in_place) {
        if (whole && rc == 0 && rename(t->tmp, nx_out.path) != 0)
            rc = errno;
        if (!whole || rc != 0)
            (void)unlink(t->tmp);
    }
    t->werr = rc ? rc : t->werr;
    return rc ? -1 : 0;
}
