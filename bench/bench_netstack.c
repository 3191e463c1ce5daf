/*
 * P1: ICMP echo on lo with a 56-byte payload (ping's default), in ns per
 * echo over 1,000,000 echoes. Each echo is one ns_poll: the ping helper
 * builds the request and puts it on lo, the stack takes it off, checks it,
 * builds the reply and puts it on lo, takes that off and hands it to the
 * ping helper, which checks its payload. No device, no callbacks.
 *
 * Run: build/gcc/bench/bench_netstack                    (1,000,000 echoes)
 *      build/gcc/bench/bench_netstack --smoke            (1,000, for ctest)
 *      build/gcc/bench/bench_netstack --iterations N     (N echoes, e.g. for
 *        valgrind --tool=callgrind with N=10000 and N=0: the difference over
 *        10000 is instructions per echo)
 * It prints what ran, on what, and how to repeat it; it never fails on speed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench_util.h"

#include "netstack/netstack.h"

#define CHUNK 60000u /* echoes per ping run (the sequence number is 16 bits) */

static struct ns_host ns;
static struct lo_slot lo[LO_DEPTH_DEFAULT];

int main(int argc, char **argv)
{
    unsigned long n = 1000000ul;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            n = 1000ul;
        } else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            char *end;
            n = strtoul(argv[++i], &end, 10);
            if (*end != 0) {
                fprintf(stderr, "bench_netstack: bad --iterations\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: %s [--smoke | --iterations N]\n", argv[0]);
            return 2;
        }
    }
    struct ns_config cfg;
    ns_config_defaults(&cfg);
    cfg.lo_slots = lo;
    cfg.lo_depth = LO_DEPTH_DEFAULT;
    if (ns_init(&ns, &cfg) != NS_OK) {
        fprintf(stderr, "bench_netstack: ns_init failed\n");
        return 1;
    }
    unsigned long done = 0, answered = 0;
    uint64_t clock_ms = 0;
    double t0 = now_s();
    while (done < n) {
        unsigned chunk = n - done > CHUNK ? CHUNK : (unsigned)(n - done);
        struct ns_ping_params p = {NS_LOOPBACK_ADDR, 1, (uint16_t)chunk, 56, 0, 0};
        struct ns_ping_result r;
        if (ns_ping_start(&ns, &p) != NS_OK) {
            fprintf(stderr, "bench_netstack: ns_ping_start failed\n");
            return 1;
        }
        for (unsigned i = 0; i < chunk; i++)
            ns_poll(&ns, clock_ms++);
        ns_ping_get(&ns, &r);
        answered += r.received;
        done += chunk;
        ns_ping_stop(&ns);
    }
    double dt = now_s() - t0;
    struct ns_counters c;
    ns_counters(&ns, &c);

    struct utsname u;
    char cpu[128];
    cpu_model(cpu, sizeof(cpu));
    machine_name(&u);
    printf("bench_netstack P1: ICMP echo on lo, 56-byte payload, one echo per ns_poll\n");
    printf("machine: %s %s %s, %s\n", u.sysname, u.release, u.machine, cpu);
#ifdef __VERSION__
    printf("compiler: %s\n", __VERSION__);
#endif
#ifdef __OPTIMIZE__
    printf("optimised: yes\n");
#else
    printf("optimised: no (configure with -DCMAKE_BUILD_TYPE=Release for real numbers)\n");
#endif
    printf("echoes: %lu sent, %lu answered, echo replies sent by the stack %u\n", n, answered,
           (unsigned)c.icmp_echo_out);
    if (n > 0)
        printf("time: %.3f s, %.1f ns per echo, %.0f echoes/s\n", dt, dt * 1e9 / (double)n,
               (double)n / dt);
    printf("repeat: %s --iterations %lu\n", argv[0], n);
    printf("instructions: valgrind --tool=callgrind %s --iterations 10000 (and 0)\n", argv[0]);
    return answered == n ? 0 : 1;
}
