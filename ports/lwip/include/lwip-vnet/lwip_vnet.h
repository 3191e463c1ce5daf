/*
 * lwIP on rvnet's virtio-net frontend: a netif driver (one lwIP netif over
 * one struct vnet_dev), the glue that drives rvnet's sans-IO DHCP client
 * for it, and the other half of the netstack's hand-over (the port takes a
 * live device, its lease and its ARP entries, without a reset).
 *
 * lwIP comes from the system (Debian's liblwip-dev 2.1.3, the unix port,
 * NO_SYS=0); none of its code is in this tree. docs/lwip.md says how the
 * port is built and why it runs lwIP without its tcpip thread.
 *
 *   lwip_vnet_config_defaults(&cfg);
 *   lwip_vnet_init(&port, &dev, &cfg, now);    (dev: vnet_init done, READY)
 *   main loop:   lwip_vnet_poll(&port, now);   (frames, DHCP, lwIP's timers)
 *                ... lwIP's raw API: tcp_*, udp_*, raw_* ...
 *                sleep until lwip_vnet_next_deadline(&port) or the interrupt
 *   interrupt:   lwip_vnet_irq(&port);         (vnet_irq and a flag, nothing more)
 *
 * Threads: one. lwip_vnet_init, _poll and every lwIP call run on the thread
 * of the poll loop, which is the only one that touches the frontend; the
 * interrupt (or a signal, or another thread standing in for one) calls
 * only lwip_vnet_irq. lwIP's own time is sys_now(): the caller's clock and
 * sys_now() must be the same milliseconds (lwip_vnet_clock.c makes
 * sys_now() a clock the caller sets, for tests on a virtual clock).
 *
 * Memory: the struct is the caller's; the port allocates nothing itself.
 * lwIP's pbufs (malloc'd in Debian's build) are the only new allocation: one
 * per received frame, handed to lwIP at once. The port holds no frame
 * between calls: a received frame is copied out of the frontend's buffer
 * inside vnet_rx_poll's callback, and a sent frame is copied into a TX slot
 * inside linkoutput. What lwIP itself keeps (TCP windows, its ARP queue,
 * IP reassembly) is lwIP's and bounded by its options (docs/lwip.md).
 *
 * Errors: every fallible call returns 0 or a negative enum lwip_vnet_err;
 * every frame dropped is counted (struct lwip_vnet_counters).
 */
#ifndef LWIP_VNET_LWIP_VNET_H
#define LWIP_VNET_LWIP_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_client.h"
#include "virtio-net/virtio_net.h"

#include "lwip/netif.h"
#include "lwip/udp.h"

enum lwip_vnet_err {
    LWIP_VNET_OK = 0,
    LWIP_VNET_ERR_INVAL = -1,  /* a NULL pointer or a bad configuration */
    LWIP_VNET_ERR_STATE = -2,  /* the device is not READY, or the port not running */
    LWIP_VNET_ERR_LWIP = -3,   /* lwIP refused (netif_add, udp_new, udp_bind) */
    LWIP_VNET_ERR_DEVICE = -4, /* the frontend returned an error (lwip_vnet_dev_error) */
    LWIP_VNET_ERR_DHCP = -5,   /* the DHCP client refused its configuration or a call */
};

#define LWIP_VNET_ERR_LOWEST LWIP_VNET_ERR_DHCP

/* A short, stable name for an error code; "unknown" for any other value. */
const char *lwip_vnet_strerror(int err);

/* The largest frame the port moves: lwIP's netif carries at most
 * LWIP_VNET_MTU_MAX bytes of IP (the frontend's vnet_mtu, cut to this). */
#define LWIP_VNET_FRAME_MAX 1514u
#define LWIP_VNET_MTU_MAX 1500u
/* ARP entries a hand-over carries at most. */
#define LWIP_VNET_HANDOVER_ARP_MAX 8u

enum lwip_vnet_dir { LWIP_VNET_RX = 0, LWIP_VNET_TX = 1 };

/* The tap: every frame handed to lwIP's input (RX) and every frame the
 * frontend accepted from lwIP or the DHCP glue (TX), with the bytes lwIP
 * saw or sent. Frames for the DHCP client are shown too (RX, dhcp true):
 * they go to the client instead of lwIP. Valid only during the call. */
typedef void (*lwip_vnet_tap_fn)(void *ctx, enum lwip_vnet_dir dir, bool dhcp, const uint8_t *frame,
                                 size_t len);

enum lwip_vnet_event_type {
    LWIP_VNET_EV_BOUND,     /* a lease: the netif got its address (netif_set_addr) */
    LWIP_VNET_EV_RENEWED,   /* the same lease extended: the netif unchanged */
    LWIP_VNET_EV_CHANGED,   /* a renewal with another address, mask, router or DNS: applied */
    LWIP_VNET_EV_LOST,      /* the lease expired or was refused: the netif unconfigured */
    LWIP_VNET_EV_CONFLICT,  /* the ARP probe found the offered address in use (probe on) */
    LWIP_VNET_EV_LINK_UP,   /* the frontend's link came up: netif_set_link_up */
    LWIP_VNET_EV_LINK_DOWN, /* it went down, or the device broke: netif_set_link_down */
};

/* Addresses are host order (10.0.2.15 is 0x0a00020f), as rvnet's are. */
struct lwip_vnet_event {
    enum lwip_vnet_event_type type;
    uint64_t now_ms;
    uint32_t addr, mask, gw, dns; /* the lease's (DHCP events; all 0 for LOST) */
    uint32_t lease_s;
};

typedef void (*lwip_vnet_event_fn)(void *ctx, const struct lwip_vnet_event *ev);

struct lwip_vnet_config {
    unsigned rx_budget;                    /* frames taken per poll: 64 */
    bool dhcp;                             /* drive rvnet's DHCP client: true */
    struct dhcp_client_config dhcp_client; /* dhcp_client_config_defaults; mac: the frontend's */
    lwip_vnet_event_fn event;              /* NULL: none */
    void *event_ctx;
    lwip_vnet_tap_fn tap; /* NULL: none */
    void *tap_ctx;
};

/* rx_budget 64, DHCP on with the client's defaults, no event, no tap. */
void lwip_vnet_config_defaults(struct lwip_vnet_config *cfg);

struct lwip_vnet_counters {
    uint64_t rx_frames;    /* frames the frontend delivered to the port */
    uint64_t rx_to_lwip;   /* ... handed to lwIP's input (ethernet_input) */
    uint64_t rx_dhcp;      /* ... given to the DHCP client instead (UDP to port 68) */
    uint64_t rx_no_pbuf;   /* ... dropped: pbuf_alloc failed */
    uint64_t rx_input_err; /* ... dropped: lwIP's input refused the pbuf */
    uint64_t rx_more;      /* polls that took a whole rx_budget (more may wait) */
    uint64_t tx_frames;    /* frames the frontend accepted */
    uint64_t tx_retried;   /* sends that found the ring full, reclaimed and tried once more */
    uint64_t tx_full;      /* ... and found it full again: ERR_MEM to lwIP */
    uint64_t tx_bad_len;   /* frames too short or too long for the frontend: ERR_BUF */
    uint64_t tx_link_down; /* frames refused while the link is down: ERR_IF */
    uint64_t tx_dev_err;   /* frames the frontend refused otherwise: ERR_IF */
    uint64_t dev_errors;   /* errors from vnet_rx_poll, vnet_tx_reclaim and vnet_irq */
    uint64_t irqs;         /* lwip_vnet_irq calls that found bits set */
    uint64_t link_changes; /* netif_set_link_up/down calls */
    uint32_t dhcp_in;      /* DHCP messages given to the client ... */
    uint32_t dhcp_dropped; /* ... that it dropped (dhcp_client_get_stats says why) */
    uint32_t dhcp_out;     /* DHCP messages and probes sent */
    uint32_t dhcp_tx_err;  /* ... that lwIP or the frontend refused */
    uint32_t dhcp_applied; /* BOUND, CHANGED and LOST applied to the netif */
    uint32_t arp_seeded;   /* ARP entries a hand-over put into lwIP's table */
};

/* One resolved ARP entry (host-order address). */
struct lwip_vnet_arp {
    uint32_t ip;
    uint8_t mac[6];
};

/*
 * What a bring-up stack hands over (lwip_vnet_takeover): the live device,
 * its DHCP client by value (mid-lease: its timers carry on), the interface
 * configuration, and its resolved ARP entries. From the hand-over on the
 * port is the only one that touches dev.
 */
struct lwip_vnet_handover {
    struct vnet_dev *dev; /* READY; its rings and posted RX buffers stay as they are */
    bool have_dhcp;       /* dhcp holds a running client (DHCP on the wire) */
    struct dhcp_client dhcp;
    uint32_t addr, mask, gw, dns; /* the interface as configured (0: none) */
    unsigned n_arp;               /* at most LWIP_VNET_HANDOVER_ARP_MAX */
    struct lwip_vnet_arp arp[LWIP_VNET_HANDOVER_ARP_MAX];
};

/* One port. Every field is private; use the functions below. */
struct lwip_vnet {
    struct netif netif; /* first: lwIP hands it back to the callbacks */
    struct vnet_dev *dev;
    struct lwip_vnet_config cfg;
    bool running;
    bool dhcp_on;
    struct dhcp_client dhcp;
    struct udp_pcb *dhcp_pcb; /* port 68: what the client sends goes out through lwIP's UDP */
    uint32_t dns;             /* the lease's first DNS server (lwIP has no resolver here) */
    uint64_t now_ms;          /* of the current or last poll */
    int dev_err;              /* the frontend's last error (enum vnet_err), 0: none */
    bool rx_more;             /* the last poll took a whole budget */
    volatile uint32_t irq_flag;
    struct lwip_vnet_counters cnt;
    uint8_t tx_flat[LWIP_VNET_FRAME_MAX];    /* a chained pbuf made contiguous for vnet_send */
    uint8_t dhcp_frame[LWIP_VNET_FRAME_MAX]; /* the client's message (or probe) being sent */
};

/*
 * lwip_init() once per process (later calls do nothing), without
 * tcpip_init: no tcpip thread is started (docs/lwip.md). lwip_vnet_init
 * and lwip_vnet_takeover call it; call it yourself to use lwIP before.
 */
void lwip_vnet_stack_init(void);

/*
 * Puts lwIP on dev, which the caller brought up (vnet_init: READY): one
 * netif (name "vn"), its MAC and MTU the frontend's (vnet_mac, vnet_mtu cut
 * to LWIP_VNET_MTU_MAX), up and unconfigured (0.0.0.0), its link the
 * frontend's, and the default netif. With cfg->dhcp the client starts at
 * now_ms and its first DISCOVER goes out at the first poll. cfg NULL: the
 * defaults. LWIP_VNET_ERR_STATE when dev is not READY, LWIP_VNET_ERR_LWIP
 * when lwIP refuses the netif or the UDP pcb.
 */
int lwip_vnet_init(struct lwip_vnet *p, struct vnet_dev *dev, const struct lwip_vnet_config *cfg,
                   uint64_t now_ms);

/*
 * The same for a device another stack ran until now: h->dev stays as it
 * is (no reset, no re-init, the posted RX buffers stay posted, frames the
 * device already delivered are the next poll's), the netif starts with
 * h's address, mask and gateway, h's ARP entries go into lwIP's table
 * (through lwIP's own ARP input, as if each host had answered: Debian's
 * lwIP has no static entries), and with h->have_dhcp and cfg->dhcp the
 * client in h carries on where it was: the port sends its renewals.
 * lwip_vnet_work_pending is true until the first poll, which takes what
 * the device delivered before the hand-over: call it before sleeping.
 * lwip_vnet_from_netstack (lwip_vnet_ns.h) fills h from ns_handover.
 */
int lwip_vnet_takeover(struct lwip_vnet *p, const struct lwip_vnet_handover *h,
                       const struct lwip_vnet_config *cfg, uint64_t now_ms);

/*
 * The poll: TX reclaim, the link state, up to rx_budget received frames
 * (to the DHCP client or to lwIP), the DHCP client's timers, then lwIP's
 * (sys_check_timeouts). Returns 0, or LWIP_VNET_ERR_DEVICE when the
 * frontend returned an error (the rest is done anyway; a broken device
 * takes the link down and the port stops calling it; lwip_vnet_dev_error
 * says why), LWIP_VNET_ERR_STATE when the port is not running.
 */
int lwip_vnet_poll(struct lwip_vnet *p, uint64_t now_ms);

/* For the interrupt: vnet_irq (read and acknowledge) and a flag, nothing
 * else. LWIP_VNET_ERR_DEVICE when vnet_irq failed (DEVICE_NEEDS_RESET). */
int lwip_vnet_irq(struct lwip_vnet *p);

/* True when a poll has work in hand: lwip_vnet_irq ran since the last
 * poll, or the last poll took a whole rx_budget. */
bool lwip_vnet_work_pending(const struct lwip_vnet *p);

/* When the next poll is due for a timer: the DHCP client's deadline or
 * lwIP's next timeout (sys_timeouts_sleeptime), whichever is first. */
uint64_t lwip_vnet_next_deadline(const struct lwip_vnet *p);

/* The netif (for lwIP calls: tcp_bind_netif, udp_sendto_if, ...). */
struct netif *lwip_vnet_netif(struct lwip_vnet *p);

/* The DHCP client the port drives (NULL with DHCP off), and its lease. */
const struct dhcp_client *lwip_vnet_dhcp(const struct lwip_vnet *p);
const struct dhcp_lease *lwip_vnet_lease(const struct lwip_vnet *p);

/* The DNS server of the lease (host order; 0: none). */
uint32_t lwip_vnet_dns(const struct lwip_vnet *p);

/* The frontend's last error (enum vnet_err), 0 when none. */
int lwip_vnet_dev_error(const struct lwip_vnet *p);

void lwip_vnet_counters(const struct lwip_vnet *p, struct lwip_vnet_counters *out);

/*
 * Takes the netif out of lwIP (netif_remove) and closes the DHCP pcb. The
 * device is left as it is, READY: it is the caller's again. No DHCP
 * RELEASE is sent.
 */
int lwip_vnet_remove(struct lwip_vnet *p);

#endif
