/*
 * What every benchmark program shares: the clock it measures with and the
 * description of the machine it prints beside its numbers. Host only.
 * (Each file that includes it defines _POSIX_C_SOURCE first.)
 */
#ifndef RVNET_BENCH_UTIL_H
#define RVNET_BENCH_UTIL_H

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The CPU's model name from /proc/cpuinfo, or "unknown cpu". */
static inline void cpu_model(char *buf, size_t cap)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    snprintf(buf, cap, "unknown cpu");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *c = strchr(line, ':');
        if (c && strncmp(line, "model name", 10) == 0) {
            c++;
            while (*c == ' ')
                c++;
            c[strcspn(c, "\n")] = 0;
            snprintf(buf, cap, "%s", c);
            break;
        }
    }
    fclose(f);
}

/* uname, with empty strings when it fails. */
static inline void machine_name(struct utsname *u)
{
    if (uname(u) != 0)
        memset(u, 0, sizeof(*u));
}

#endif
