/*
 * P1 beside lwIP: ICMP echo to 127.0.0.1 with a 56-byte payload through
 * lwIP as Debian ships it (liblwip-dev 2.1.3, /usr/lib/.../liblwip.so and
 * its lwipopts.h), in ns per echo over 1,000,000 echoes, so bench/run.sh
 * can put it beside bench_netstack.
 *
 * How it drives lwIP, single-threaded, through its raw API:
 *
 *   - lwip_init() only: no tcpip_init(), so no tcpip thread is started and
 *     everything below runs on the caller's thread, the way a NO_SYS
 *     firmware runs lwIP from its main loop.
 *   - One netif, "lo", 127.0.0.1/8, added with netif_add(..., ip_input) and
 *     made default. Debian's build has LWIP_NETIF_LOOPBACK=1 and
 *     LWIP_HAVE_LOOPIF=0 ("loopback traffic is passed through any netif"):
 *     ip4_output_if sees a 127/8 destination and calls lwIP's own
 *     netif_loop_output, which copies the packet into a fresh pbuf and
 *     queues it on the netif; netif_poll() takes the queue off and feeds
 *     each packet to ip_input. That is lwIP's loopback path; this netif's
 *     own output function is never called (it would fail the run).
 *   - Debian's build is NO_SYS=0, so netif_loop_output asks the tcpip
 *     thread to run netif_poll by calling tcpip_try_callback(). With no
 *     tcpip thread that would assert on the missing mailbox, so this
 *     program defines tcpip_try_callback itself: the executable's
 *     definition takes precedence over the library's (ELF symbol
 *     interposition; liblwip.so calls it through its PLT). Ours only notes
 *     which netif wants polling, and the loop below calls netif_poll(), as
 *     NO_SYS=1 code does. Nothing else of lwIP is replaced; its pbufs come
 *     from glibc malloc (MEM_LIBC_MALLOC=1 and MEMP_MEM_MALLOC=1 in Debian's
 *     lwipopts.h) and SYS_ARCH_PROTECT takes the unix port's mutex.
 *   - One raw pcb for IP_PROTO_ICMP (raw_new, raw_recv). Each echo:
 *     pbuf_alloc(PBUF_IP) of 8 + 56 bytes, the echo header and the payload
 *     written (an 8-byte sequence number, then a fixed pattern, as rvnet's
 *     ping helper writes its send time then a pattern), inet_chksum,
 *     raw_sendto(127.0.0.1), pbuf_free, then netif_poll(): ip4_input hands
 *     the request to the raw pcb first (the callback returns 0, not eaten),
 *     then to icmp_input, which turns the same pbuf into the echo reply and
 *     sends it through netif_loop_output again; the same netif_poll takes
 *     the reply off and the raw callback checks it (type 0, id, sequence,
 *     checksum, all 56 payload bytes) and eats it.
 *
 * The work per echo is the same as bench_netstack's: build and checksum a
 * request, put it on loopback, take it off, check it, build the reply, put
 * it on loopback, take it off, check it against what was sent.
 *
 * Run: bench_lwip                    (1,000,000 echoes)
 *      bench_lwip --smoke            (1,000)
 *      bench_lwip --iterations N     (N echoes; valgrind --tool=callgrind with
 *        N=10000 and N=0: the difference over 10000 is instructions per echo)
 * Build (bench/run.sh does this):
 *      cc -O2 -isystem /usr/include/lwip bench/lwip/bench_lwip.c -llwip
 * It prints what ran; it never fails on speed, only when an echo goes wrong.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "../bench_util.h"

#include "lwip/def.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/tcpip.h"

#define PAYLOAD 56u
#define ECHO_ID 0x7276u

/* The netif netif_loop_output asked to have polled (see the top comment). */
static struct netif *poll_wanted;
static unsigned long poll_requests;

/* Replaces liblwip.so's tcpip_try_callback for this single-threaded run: the
 * only caller on this path is netif_loop_output, asking for netif_poll. */
err_t tcpip_try_callback(tcpip_callback_fn function, void *ctx)
{
    if (function != (tcpip_callback_fn)netif_poll) {
        fprintf(stderr, "bench_lwip: unexpected tcpip callback\n");
        exit(1);
    }
    poll_wanted = ctx;
    poll_requests++;
    return ERR_OK;
}

static err_t lo_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *ipaddr)
{
    (void)netif;
    (void)p;
    (void)ipaddr;
    fprintf(stderr, "bench_lwip: a packet left through the netif instead of loopback\n");
    exit(1);
}

static err_t lo_init(struct netif *netif)
{
    netif->name[0] = 'l';
    netif->name[1] = 'o';
    netif->mtu = 1500;
    netif->output = lo_output;
    return ERR_OK;
}

static uint8_t pattern[PAYLOAD];

struct echo_state {
    uint16_t seq;           /* of the request in flight */
    unsigned long requests; /* echo requests the raw pcb saw go by */
    unsigned long replies;  /* good replies */
    unsigned long bad;      /* replies that did not match */
};

/* Sees every ICMP packet ip4_input takes: the request (left to icmp_input)
 * and the reply (checked and eaten). p->payload is the IPv4 header. */
static u8_t on_icmp(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    struct echo_state *st = arg;
    (void)pcb;
    (void)addr;
    const uint8_t *ip = p->payload;
    unsigned hlen = (unsigned)(ip[0] & 0x0fu) * 4u;
    if (p->len != p->tot_len || p->len < hlen + 8u)
        return 0;
    const uint8_t *icmp = ip + hlen;
    if (icmp[0] == ICMP_ECHO) {
        st->requests++;
        return 0; /* not ours: icmp_input answers it */
    }
    if (icmp[0] != ICMP_ER)
        return 0;
    uint8_t want[8];
    want[0] = (uint8_t)(st->seq >> 8);
    want[1] = (uint8_t)st->seq;
    memset(want + 2, 0, 6);
    if (p->len != hlen + 8u + PAYLOAD || inet_chksum(icmp, (u16_t)(8u + PAYLOAD)) != 0 ||
        ((icmp[4] << 8) | icmp[5]) != ECHO_ID || ((icmp[6] << 8) | icmp[7]) != st->seq ||
        memcmp(icmp + 8, want, 8) != 0 || memcmp(icmp + 16, pattern + 8, PAYLOAD - 8u) != 0)
        st->bad++;
    else
        st->replies++;
    pbuf_free(p);
    return 1;
}

/* One echo request to 127.0.0.1 through the raw pcb. */
static int send_echo(struct raw_pcb *pcb, const ip_addr_t *dst, uint16_t seq)
{
    struct pbuf *p = pbuf_alloc(PBUF_IP, (u16_t)(8u + PAYLOAD), PBUF_RAM);
    if (p == NULL)
        return -1;
    uint8_t *m = p->payload;
    m[0] = ICMP_ECHO;
    m[1] = 0;
    m[2] = 0;
    m[3] = 0;
    m[4] = (uint8_t)(ECHO_ID >> 8);
    m[5] = (uint8_t)ECHO_ID;
    m[6] = (uint8_t)(seq >> 8);
    m[7] = (uint8_t)seq;
    m[8] = (uint8_t)(seq >> 8);
    m[9] = (uint8_t)seq;
    memset(m + 10, 0, 6);
    memcpy(m + 16, pattern + 8, PAYLOAD - 8u);
    u16_t sum = inet_chksum(m, (u16_t)(8u + PAYLOAD));
    memcpy(m + 2, &sum, 2); /* already in network order */
    err_t rc = raw_sendto(pcb, p, dst);
    pbuf_free(p);
    return rc == ERR_OK ? 0 : -1;
}

static struct netif lo;

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
                fprintf(stderr, "bench_lwip: bad --iterations\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: %s [--smoke | --iterations N]\n", argv[0]);
            return 2;
        }
    }
    for (unsigned i = 0; i < PAYLOAD; i++)
        pattern[i] = (uint8_t)i;

    lwip_init();
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 127, 0, 0, 1);
    IP4_ADDR(&mask, 255, 0, 0, 0);
    ip4_addr_set_zero(&gw);
    if (netif_add(&lo, &addr, &mask, &gw, NULL, lo_init, ip_input) == NULL) {
        fprintf(stderr, "bench_lwip: netif_add failed\n");
        return 1;
    }
    netif_set_default(&lo);
    netif_set_link_up(&lo);
    netif_set_up(&lo);

    static struct echo_state st;
    struct raw_pcb *pcb = raw_new(IP_PROTO_ICMP);
    if (pcb == NULL) {
        fprintf(stderr, "bench_lwip: raw_new failed\n");
        return 1;
    }
    raw_recv(pcb, on_icmp, &st);
    ip_addr_t dst;
    IP_ADDR4(&dst, 127, 0, 0, 1);

    double t0 = now_s();
    for (unsigned long i = 0; i < n; i++) {
        st.seq = (uint16_t)(i + 1u);
        if (send_echo(pcb, &dst, st.seq) != 0) {
            fprintf(stderr, "bench_lwip: raw_sendto failed at echo %lu\n", i);
            return 1;
        }
        if (poll_wanted == NULL) {
            fprintf(stderr, "bench_lwip: lwIP did not queue the request on loopback\n");
            return 1;
        }
        struct netif *nif = poll_wanted;
        poll_wanted = NULL;
        netif_poll(nif);
    }
    double dt = now_s() - t0;
    raw_remove(pcb);

    struct utsname u;
    char cpu[128];
    cpu_model(cpu, sizeof(cpu));
    machine_name(&u);
    printf("bench_lwip P1: ICMP echo on lwIP's loopback (raw API, one thread), 56-byte payload\n");
    printf("lwIP: %s as Debian ships it (liblwip.so, NO_SYS=0 build, driven without its "
           "tcpip thread)\n",
           LWIP_VERSION_STRING);
    printf("machine: %s %s %s, %s\n", u.sysname, u.release, u.machine, cpu);
#ifdef __VERSION__
    printf("compiler: %s\n", __VERSION__);
#endif
    printf("echoes: %lu sent, %lu answered, %lu requests seen, %lu bad, %lu loopback polls\n", n,
           st.replies, st.requests, st.bad, poll_requests);
    if (n > 0)
        printf("time: %.3f s, %.1f ns per echo, %.0f echoes/s\n", dt, dt * 1e9 / (double)n,
               (double)n / dt);
    printf("repeat: %s --iterations %lu\n", argv[0], n);
    return st.replies == n && st.bad == 0 ? 0 : 1;
}
