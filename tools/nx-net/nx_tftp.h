/*
 * nx-net tftp get, private to its two files: nx_tftp.c (the options, the
 * transfer, the report) and nx_tftp_out.c (OUT, written whole or not at
 * all, and the sink that fills it).
 */
#ifndef RVNET_NX_TFTP_H
#define RVNET_NX_TFTP_H

#include <limits.h>

#include "nx_net.h"
#include "tftp/tftp.h"

#define NX_TFTP_DEPTH 64u /* socket slots: a window of the stub's largest */

struct nx_tftp {
    const char *file;
    const char *out;             /* OUT as given, "-" for stdout */
    char tmp[2 * PATH_MAX + 16]; /* the directory and the name of nx_out.path, and more */
    int fd;
    int werr; /* errno of a failed write */
    uint32_t server;
    uint32_t crc;
    uint32_t foreign; /* datagrams from another address: dropped */
    uint64_t t0, t1;  /* the request, the last byte (the world's clock) */
    bool progress;    /* stderr is a terminal */
    uint64_t shown_ms;
    struct ns_udp_sock sock;
    struct ns_dgram slots[NX_TFTP_DEPTH];
    struct tftp_client c;
    uint8_t rx[NS_DGRAM_MAX];
};

/* nx_tftp.c: one line on stderr, NX_EXIT_USAGE. */
int nx_tftp_usage(const char *fmt, const char *what);

/* nx_tftp_out.c */
int nx_tftp_out_check(const char *out); /* before anything runs: 0 or NX_EXIT_USAGE */
int nx_tftp_open(struct nx_tftp *t);    /* 0, or -1 with t->werr */
/* Closes OUT: renamed over OUT when the transfer is whole, else removed. */
int nx_tftp_close(struct nx_tftp *t, bool whole);
/* The client's sink: appends to OUT and to t->crc. */
int nx_tftp_sink(void *ctx, uint64_t off, const uint8_t *p, size_t n);

#endif
