/*
 * The backend port: what sits behind the fake virtio-mmio device, on the
 * wire side. The device hands the backend every frame the driver sends;
 * the backend hands the device every frame that arrives for the driver, and
 * is polled with the time. The stub network (stub_net.h) is one backend, a
 * pcap tee (pcap_tee.h) wraps any backend; a Linux TAP device or libslirp
 * can be another, written against this header alone. Host only.
 *
 * Frames, both ways, are Ethernet frames as the device sees them: from the
 * destination MAC to the end of the payload, no virtio-net header, no FCS,
 * 14 to FAKE_VNET_FRAME_MAX bytes (a real link carries at most 1514).
 *
 * Time. Every backend is given the time by its caller, in milliseconds, as
 * the argument of poll; it never reads a clock of its own (a libslirp
 * backend answers slirp's clock_get_ns callback from the last poll's
 * now_ms). Which clock that is, the backend says in ops->clock:
 *   FAKE_CLOCK_VIRTUAL    the caller's virtual clock: starts where the caller
 *                         likes (nx-net: 0) and moves only when the caller
 *                         moves it, so the same run gives the same frames and
 *                         the same pcap bytes (the stub);
 *   FAKE_CLOCK_MONOTONIC  CLOCK_MONOTONIC in ms (clock_gettime), for a
 *                         backend with real peers and real timers (TAP,
 *                         libslirp).
 * now_ms never goes backwards from one poll to the next.
 *
 * Threads: none. Every op is called from the one thread that runs the
 * device and the driver, and none of them may block but wait.
 *
 * The ops, in the order a backend sees them:
 *   bind      once, first: where received frames go (the device's sink,
 *             or a wrapper's). The backend keeps the struct by value.
 *   tx        a frame the driver sent. Must not block: a frame that cannot
 *             go out now is dropped and counted by the backend. May call
 *             sink.deliver before it returns (the stub answers at once).
 *   poll      does what is due at now_ms: reads what arrived (without
 *             blocking), runs its timers, delivers frames through the sink.
 *             Works whether or not wait was called first.
 *   deadline  (optional) the earliest now_ms at which poll must run even if
 *             nothing arrives, as of the last poll; UINT64_MAX for none.
 *   wait      (optional) sleeps until something may have arrived (a
 *             readable fd) or timeout_ms passed, whichever is first;
 *             FAKE_WAIT_FOREVER for no timeout. Delivers nothing itself: the
 *             poll after it does. A virtual-clock backend has nothing to
 *             wait for and leaves it NULL (returns 0 at once).
 *   close     (optional) releases what the backend holds (fds, a slirp
 *             instance); no other op is called after it.
 *
 * A main loop over a backend, the netstack and the fake that sleeps when
 * there is nothing to do (mono_ms() reads CLOCK_MONOTONIC in ms):
 *
 *   struct fake_backend be = stub_net_backend(&stub);   (or TAP, slirp, and
 *   pcap_tee_open(&tee, &be, "run.pcap");                 any of them teed)
 *   be = pcap_tee_backend(&tee);
 *   fake_vnet_attach(&harness.fake, &be);
 *   bool real = fake_backend_clock(&be) == FAKE_CLOCK_MONOTONIC;
 *   uint64_t now = real ? mono_ms() : 0;
 *   while (!done) {
 *       fake_backend_poll(&be, now);           (frames in, backend timers)
 *       if (fake_vnet_irq_line(&harness.fake))
 *           ns_irq(&ns);
 *       ns_poll(&ns, now);                     (frames out, through be's tx)
 *       uint64_t next = ns_next_deadline(&ns), bnext = fake_backend_deadline(&be);
 *       if (bnext < next)
 *           next = bnext;
 *       if (fake_vnet_irq_line(&harness.fake))
 *           next = now;                        (more to take: do not sleep)
 *       if (real) {
 *           if (next > now)
 *               fake_backend_wait(&be, next == UINT64_MAX ? FAKE_WAIT_FOREVER : next - now);
 *           now = mono_ms();
 *       } else {
 *           now = next > now && next != UINT64_MAX ? next : now + 1;   (time jumps)
 *       }
 *   }
 *   fake_vnet_attach(&harness.fake, NULL);
 *   fake_backend_close(&be);                   (the tee closes its file and the stub)
 *
 * (nx-net moves its virtual clock by exactly 1 ms per poll instead of
 * jumping, which is what its golden traces are recorded with.)
 */
#ifndef RVNET_HOST_BACKEND_H
#define RVNET_HOST_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_WAIT_FOREVER UINT64_MAX

enum fake_clock {
    FAKE_CLOCK_VIRTUAL,   /* the caller's virtual ms (deterministic) */
    FAKE_CLOCK_MONOTONIC, /* CLOCK_MONOTONIC, in ms */
};

/* Where a backend delivers the frames it receives. deliver returns 0 when
 * the frame was taken (written to an RX buffer or queued at the device),
 * -1 when it was dropped there (link down, queue full, bad length; counted
 * by the device). */
struct fake_rx_sink {
    int (*deliver)(void *ctx, const uint8_t *frame, size_t len);
    void *ctx;
};

struct fake_backend_ops {
    const char *name; /* "stub", "tap", "slirp", ...: for messages */
    enum fake_clock clock;
    void (*bind)(void *ctx, const struct fake_rx_sink *sink); /* required */
    void (*tx)(void *ctx, const uint8_t *frame, size_t len);  /* required */
    int (*poll)(void *ctx, uint64_t now_ms);     /* required: 0 or a negative errno value */
    uint64_t (*deadline)(void *ctx);             /* optional */
    int (*wait)(void *ctx, uint64_t timeout_ms); /* optional: 1 ready, 0 timeout, <0 error */
    void (*close)(void *ctx);                    /* optional */
};

/* A backend: its ops and its state. Copied by value; the state is the
 * backend's own and outlives every copy. */
struct fake_backend {
    const struct fake_backend_ops *ops;
    void *ctx;
};

/* The calls a main loop makes, with the optional ops defaulted. */
enum fake_clock fake_backend_clock(const struct fake_backend *be);
const char *fake_backend_name(const struct fake_backend *be);
int fake_backend_poll(const struct fake_backend *be, uint64_t now_ms);
uint64_t fake_backend_deadline(const struct fake_backend *be);
int fake_backend_wait(const struct fake_backend *be, uint64_t timeout_ms);
void fake_backend_close(const struct fake_backend *be);

/*
 * The smallest backend: every frame the driver sends goes to fn(ctx, ...);
 * nothing arrives by itself (virtual clock, no timers). fn may hand frames
 * back through fake_fn_backend_deliver (a loopback wire does). For tests
 * and benchmarks that capture or reflect what the driver sends.
 */
struct fake_fn_backend {
    void (*fn)(void *ctx, const uint8_t *frame, size_t len);
    void *ctx;
    struct fake_rx_sink sink;
};

struct fake_backend fake_fn_backend(struct fake_fn_backend *b,
                                    void (*fn)(void *ctx, const uint8_t *frame, size_t len),
                                    void *ctx);

/* A frame into the device b is attached to. Returns what the sink returns,
 * -1 before it is attached. */
int fake_fn_backend_deliver(const struct fake_fn_backend *b, const uint8_t *frame, size_t len);

#endif
