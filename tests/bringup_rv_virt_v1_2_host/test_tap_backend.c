/*
 * The TAP backend (host/backend/tap.c) against Linux's tun driver, inside a
 * network namespace of this process's own (unshare(CLONE_NEWNET): the
 * kernel removes it, and every interface in it, when the process exits,
 * also on a crash). The far side is the TAP's Linux side, seen through a
 * packet socket: a frame written by the backend arrives there byte for
 * byte, a frame sent there reaches the device's sink byte for byte. Each
 * way the open can fail is played and must name its reason and leave
 * nothing open. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN): otherwise it
 * prints SKIPPED and exits 77.
 */
#define _GNU_SOURCE /* unshare, setresuid */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define TAPNAME "rvtest0"
#define TEST_ETHERTYPE 0x88b5u /* IEEE 802 local experimental: nothing else sends it */

static int fds_open(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

static void set_flags(const char *name, short on, short off)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
    ifr.ifr_flags = (short)((ifr.ifr_flags | on) & ~off);
    assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
    close(s);
}

static void set_mtu(const char *name, int mtu)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    ifr.ifr_mtu = mtu;
    assert_int_equal(ioctl(s, SIOCSIFMTU, &ifr), 0);
    close(s);
}

/* Creates a persistent TAP (or TUN) owned by root, as `ip tuntap add ...
 * user root` does, and leaves it down and unattached. (Without an owner
 * the tun driver lets anyone who may open /dev/net/tun attach.) */
static void make_tuntap(const char *name, short kind)
{
    int fd = open("/dev/net/tun", O_RDWR);
    assert_true(fd >= 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    ifr.ifr_flags = (short)(kind | IFF_NO_PI);
    assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
    assert_int_equal(ioctl(fd, TUNSETOWNER, 0), 0);
    assert_int_equal(ioctl(fd, TUNSETPERSIST, 1), 0);
    close(fd);
}

/* A packet socket on the TAP's Linux side. */
static int linux_side(const char *name)
{
    int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    assert_true(s >= 0);
    struct sockaddr_ll a;
    memset(&a, 0, sizeof(a));
    a.sll_family = AF_PACKET;
    a.sll_protocol = htons(ETH_P_ALL);
    a.sll_ifindex = (int)if_nametoindex(name);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    return s;
}

static size_t test_frame(uint8_t *f, size_t len, uint8_t tag)
{
    memset(f, 0xff, 6);                                       /* broadcast */
    memcpy(f + 6, (const uint8_t[]){0x02, 0, 0, 0, 0, 9}, 6); /* a local MAC */
    f[12] = TEST_ETHERTYPE >> 8;
    f[13] = TEST_ETHERTYPE & 0xffu;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(tag + i);
    return len;
}

struct sinkcap {
    unsigned frames, ours;
    size_t len;
    uint8_t buf[2048];
    int refuse;
};

static int sinkcap_deliver(void *ctx, const uint8_t *frame, size_t len)
{
    struct sinkcap *c = ctx;
    c->frames++;
    if (len >= 14 && frame[12] == (TEST_ETHERTYPE >> 8) && frame[13] == (TEST_ETHERTYPE & 0xffu)) {
        c->ours++;
        c->len = len;
        memcpy(c->buf, frame, len < sizeof(c->buf) ? len : sizeof(c->buf));
    }
    return c->refuse ? -1 : 0;
}

/* Polls until a frame of ours arrived, waiting on the fd in between (at
 * most 100 waits of 50 ms: a bound for a broken backend, not a timing
 * assertion). */
static void poll_until_ours(const struct fake_backend *be, struct sinkcap *c, unsigned want)
{
    for (unsigned i = 0; i < 100 && c->ours < want; i++) {
        assert_true(fake_backend_wait(be, 50) >= 0);
        assert_int_equal(fake_backend_poll(be, 1000u + i), 0);
    }
    assert_int_equal(c->ours, want);
}

static void test_open_refuses_what_is_not_an_up_tap(void **state)
{
    (void)state;
    struct tap_backend *t = calloc(1, sizeof(*t));
    char why[256];
    int before = fds_open();
    assert_int_equal(tap_backend_open(t, "", why, sizeof(why)), -EINVAL);
    assert_int_equal(tap_backend_open(t, "a/b", why, sizeof(why)), -EINVAL);
    assert_int_equal(tap_backend_open(t, "sixteen-chars-xx", why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "not an interface name"));
    /* A name that is not there is not created. */
    assert_int_equal(tap_backend_open(t, "rvnosuch0", why, sizeof(why)), -ENODEV);
    assert_non_null(strstr(why, "no interface rvnosuch0"));
    assert_int_equal(if_nametoindex("rvnosuch0"), 0);
    /* lo is up, but not a TAP; neither is a TUN. */
    assert_int_equal(tap_backend_open(t, "lo", why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "lo is not a TAP device"));
    make_tuntap("rvtun0", IFF_TUN);
    set_flags("rvtun0", IFF_UP, 0);
    assert_int_equal(tap_backend_open(t, "rvtun0", why, sizeof(why)), -EINVAL);
    /* A TAP that is down. */
    make_tuntap(TAPNAME, IFF_TAP);
    assert_int_equal(tap_backend_open(t, TAPNAME, why, sizeof(why)), -ENETDOWN);
    assert_non_null(strstr(why, TAPNAME " is down"));
    assert_int_equal(t->fd, -1);
    assert_int_equal(fds_open(), before);
    free(t);
}

/* The failures that need another world than root's: an unprivileged user
 * (with the system's /dev/net/tun, and with a 0666 one as Debian has, so
 * that the attach itself is refused), and a machine without /dev/net/tun.
 * Each runs in a child with a private mount namespace and an empty tmpfs
 * on /dev/net, and reports by exit code. */
enum child_world { AS_NOBODY, AS_NOBODY_TUN_0666, NO_TUN };

static int child_open(enum child_world world)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static struct tap_backend t;
        char why[256];
        if (world != AS_NOBODY && (unshare(CLONE_NEWNS) != 0 ||
                                   mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
                                   mount("none", "/dev/net", "tmpfs", 0, NULL) != 0))
            _exit(100);
        if (world == AS_NOBODY_TUN_0666 &&
            (mknod("/dev/net/tun", S_IFCHR | 0666, makedev(10, 200)) != 0 ||
             chmod("/dev/net/tun", 0666) != 0))
            _exit(101);
        if (world != NO_TUN && setresuid(65534, 65534, 65534) != 0)
            _exit(102);
        int rc = tap_backend_open(&t, TAPNAME, why, sizeof(why));
        if ((rc == -EPERM || rc == -EACCES) && !strstr(why, "needs root or CAP_NET_ADMIN"))
            _exit(103);
        if (rc == -ENOENT && !strstr(why, "no /dev/net/tun"))
            _exit(104);
        _exit(rc == -EACCES ? 1 : rc == -EPERM ? 2 : rc == -ENOENT ? 3 : 50);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_open_without_privilege_or_tun(void **state)
{
    (void)state;
    set_flags(TAPNAME, IFF_UP, 0);
    struct stat st;
    assert_int_equal(stat("/dev/net/tun", &st), 0);
    /* The system's node: refused at the open where it is 0600, else at the
     * attach. */
    assert_int_equal(child_open(AS_NOBODY), (st.st_mode & 0006) ? 2 : 1);
    assert_int_equal(child_open(AS_NOBODY_TUN_0666), 2);
    assert_int_equal(child_open(NO_TUN), 3);
}

static void test_frames_both_ways(void **state)
{
    (void)state;
    set_flags(TAPNAME, IFF_UP, 0);
    struct tap_backend *t = calloc(1, sizeof(*t));
    char why[256];
    assert_int_equal(tap_backend_open(t, TAPNAME, why, sizeof(why)), 0);
    struct fake_backend be = tap_backend_backend(t);
    assert_string_equal(fake_backend_name(&be), "tap");
    assert_int_equal(fake_backend_clock(&be), FAKE_CLOCK_MONOTONIC);
    struct sinkcap cap = {0};
    struct fake_rx_sink sink = {sinkcap_deliver, &cap};
    be.ops->bind(be.ctx, &sink);
    /* A second attach to the same TAP: busy. */
    struct tap_backend *t2 = calloc(1, sizeof(*t2));
    assert_int_equal(tap_backend_open(t2, TAPNAME, why, sizeof(why)), -EBUSY);
    free(t2);

    int ls = linux_side(TAPNAME);
    /* Idle: wait times out (returns 0) and poll delivers nothing of ours. */
    assert_int_equal(fake_backend_poll(&be, 1), 0);
    assert_int_equal(fake_backend_deadline(&be), UINT64_MAX);
    cap.ours = 0;

    /* Out: what the device sends is what Linux receives on the TAP. */
    uint8_t f[1514], got[2048];
    size_t n = test_frame(f, 1514, 3);
    be.ops->tx(be.ctx, f, n);
    assert_int_equal(t->stats.tx_frames, 1);
    bool seen = false;
    for (int i = 0; i < 100 && !seen; i++) {
        struct sockaddr_ll from;
        socklen_t fl = sizeof(from);
        ssize_t r = recvfrom(ls, got, sizeof(got), 0, (struct sockaddr *)&from, &fl);
        if (r < 0) {
            usleep(10000);
            continue;
        }
        if (from.sll_pkttype != PACKET_OUTGOING && (size_t)r == n && memcmp(got, f, n) == 0)
            seen = true;
    }
    assert_true(seen);

    /* In: what Linux sends out of the TAP reaches the sink, byte for byte. */
    n = test_frame(f, 60, 7);
    assert_int_equal(send(ls, f, n, 0), (ssize_t)n);
    poll_until_ours(&be, &cap, 1);
    assert_int_equal(cap.len, 60);
    assert_memory_equal(cap.buf, f, 60);
    assert_true(t->stats.rx_frames >= 1);

    /* A frame the device refuses is counted as refused. */
    cap.refuse = 1;
    uint64_t refused = t->stats.rx_refused;
    assert_int_equal(send(ls, f, n, 0), (ssize_t)n);
    poll_until_ours(&be, &cap, 2);
    assert_true(t->stats.rx_refused > refused);
    cap.refuse = 0;

    /* Longer than a 1514-byte frame (the Linux side's MTU raised): counted
     * and dropped, never handed to the device. */
    set_mtu(TAPNAME, 2000);
    uint8_t big[1600];
    test_frame(big, sizeof(big), 1);
    assert_int_equal(send(ls, big, sizeof(big), 0), (ssize_t)sizeof(big));
    n = test_frame(f, 100, 9); /* a marker after it */
    assert_int_equal(send(ls, f, n, 0), (ssize_t)n);
    poll_until_ours(&be, &cap, 3);
    assert_int_equal(cap.len, 100);
    assert_int_equal(t->stats.rx_bad_len, 1);

    /* Everything read: wait returns 0 after its timeout. */
    assert_int_equal(fake_backend_poll(&be, 5000), 0);
    assert_int_equal(fake_backend_wait(&be, 20), 0);

    close(ls);
    fake_backend_close(&be);
    assert_int_equal(t->fd, -1);
    fake_backend_close(&be); /* twice is harmless */
    /* The TAP is still there: the backend never deletes one. */
    assert_true(if_nametoindex(TAPNAME) != 0);
    free(t);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIPPED: test_tap_backend needs root (a network namespace and a TAP)\n");
        return 77;
    }
    /* As root it must run: a namespace that cannot be made is a failure. */
    if (unshare(CLONE_NEWNET) != 0) {
        printf("FAIL: unshare(CLONE_NEWNET): %s\n", strerror(errno));
        return 1;
    }
    /* No IPv6 on the new TAPs: their router solicitations would be noise. */
    FILE *f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
    if (f) {
        fputs("1\n", f);
        fclose(f);
    }
    set_flags("lo", IFF_UP, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_refuses_what_is_not_an_up_tap),
        cmocka_unit_test(test_open_without_privilege_or_tun),
        cmocka_unit_test(test_frames_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
