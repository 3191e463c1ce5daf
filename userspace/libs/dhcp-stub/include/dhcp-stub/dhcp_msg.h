/*
 * The DHCP message codec: a BOOTP/DHCP message (RFC 2131 §2, RFC 2132) to a
 * plain struct and back. Parse first, then act on the struct.
 *
 * Parsing reads with one cursor and one remaining length through each
 * options field and checks before every read; every rule it enforces has its
 * own error (see dhcp_err.h). Options it does not know are skipped. Fields
 * and options beyond the fixed capacities below are cut to the capacity
 * (routers, DNS servers, strings): the struct holds at most that much.
 * Strings (host name, message, client id) are opaque bytes with a length,
 * never NUL-terminated and never interpreted.
 *
 * Building writes options in one fixed order, never uses overload, pads
 * with zeros to at least 300 bytes (RFC 1542 §2.1: some relays drop
 * shorter messages) and gives the same bytes for the same struct every time.
 */
#ifndef DHCP_STUB_DHCP_MSG_H
#define DHCP_STUB_DHCP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-stub/dhcp_err.h"

#define DHCP_SERVER_PORT 67u
#define DHCP_CLIENT_PORT 68u

#define DHCP_MSG_FIXED_LEN 236u   /* op .. file */
#define DHCP_MSG_OPTIONS_OFF 240u /* after the magic cookie */
#define DHCP_MSG_MIN_LEN 300u     /* RFC 1542 §2.1: minimum BOOTP message */
/* A buffer of this size always holds a message dhcp_msg_build makes (it
 * needs at most 504 bytes, with every option and capacity below filled). */
#define DHCP_MSG_BUILD_MAX 576u
#define DHCP_MSG_MIN_MAX_SIZE 576u /* RFC 2132 §9.10: option 57 minimum */

/* Capacities of the struct. */
#define DHCP_MSG_ADDRS_MAX 4u      /* routers (3) and DNS servers (6) kept */
#define DHCP_MSG_HOSTNAME_MAX 64u  /* host name (12) bytes kept */
#define DHCP_MSG_TEXT_MAX 64u      /* message (56) bytes kept */
#define DHCP_MSG_PRL_MAX 16u       /* parameter request list (55) codes kept */
#define DHCP_MSG_CLIENT_ID_MAX 32u /* client identifier (61) bytes kept */

#define DHCP_BOOTREQUEST 1u
#define DHCP_BOOTREPLY 2u
#define DHCP_HTYPE_ETHERNET 1u
#define DHCP_FLAG_BROADCAST 0x8000u
#define DHCP_LEASE_INFINITE 0xffffffffu /* RFC 2131 §3.3 */

/* Message types (option 53, RFC 2132 §9.6). */
enum dhcp_msg_type {
    DHCP_DISCOVER = 1,
    DHCP_OFFER = 2,
    DHCP_REQUEST = 3,
    DHCP_DECLINE = 4,
    DHCP_ACK = 5,
    DHCP_NAK = 6,
    DHCP_RELEASE = 7,
    DHCP_INFORM = 8,
};

/* Option codes (RFC 2132). */
enum dhcp_opt_code {
    DHCP_OPT_PAD = 0,
    DHCP_OPT_SUBNET_MASK = 1,
    DHCP_OPT_ROUTER = 3,
    DHCP_OPT_DNS = 6,
    DHCP_OPT_HOSTNAME = 12,
    DHCP_OPT_REQUESTED_IP = 50,
    DHCP_OPT_LEASE_TIME = 51,
    DHCP_OPT_OVERLOAD = 52,
    DHCP_OPT_MSG_TYPE = 53,
    DHCP_OPT_SERVER_ID = 54,
    DHCP_OPT_PARAM_LIST = 55,
    DHCP_OPT_MESSAGE = 56,
    DHCP_OPT_MAX_SIZE = 57,
    DHCP_OPT_T1 = 58,
    DHCP_OPT_T2 = 59,
    DHCP_OPT_CLIENT_ID = 61,
    DHCP_OPT_END = 255,
};

/* Bits of dhcp_msg.present for the fixed-size options. Lists and strings
 * are present when their length is non-zero; the message type always is. */
#define DHCP_HAVE_SERVER_ID (1u << 0)
#define DHCP_HAVE_REQUESTED_IP (1u << 1)
#define DHCP_HAVE_LEASE (1u << 2)
#define DHCP_HAVE_T1 (1u << 3)
#define DHCP_HAVE_T2 (1u << 4)
#define DHCP_HAVE_SUBNET_MASK (1u << 5)
#define DHCP_HAVE_MAX_SIZE (1u << 6)

struct dhcp_msg {
    uint8_t op; /* DHCP_BOOTREQUEST or DHCP_BOOTREPLY */
    uint8_t hops;
    uint32_t xid;
    uint16_t secs;
    bool broadcast; /* the flags field's B bit; the other 15 bits are always 0 */
    uint32_t ciaddr;
    uint32_t yiaddr;
    uint32_t siaddr;
    uint32_t giaddr;
    uint8_t chaddr[6]; /* htype 1, hlen 6 (Ethernet) only */

    uint32_t present; /* DHCP_HAVE_* */
    uint8_t type;     /* enum dhcp_msg_type */
    uint32_t server_id;
    uint32_t requested_ip;
    uint32_t lease_s;
    uint32_t t1_s;
    uint32_t t2_s;
    uint32_t subnet_mask;
    uint16_t max_size;
    uint8_t n_routers;
    uint32_t routers[DHCP_MSG_ADDRS_MAX];
    uint8_t n_dns;
    uint32_t dns[DHCP_MSG_ADDRS_MAX];
    uint8_t hostname_len;
    uint8_t hostname[DHCP_MSG_HOSTNAME_MAX];
    uint8_t prl_len;
    uint8_t prl[DHCP_MSG_PRL_MAX];
    uint8_t client_id_len; /* 0 or at least 2 (RFC 2132 §9.14) */
    uint8_t client_id[DHCP_MSG_CLIENT_ID_MAX];
    uint8_t message_len;
    uint8_t message[DHCP_MSG_TEXT_MAX];
};

/* Parses len bytes into *out. On failure *out is untouched. */
int dhcp_msg_parse(const uint8_t *buf, size_t len, struct dhcp_msg *out);

/*
 * Builds m into buf: DHCP_ERR_INVAL for a struct that could not have come
 * from a valid message (op, type, a count above its capacity, a client id
 * of length 1, a maximum size below 576); DHCP_ERR_NOSPACE when cap is too
 * small (DHCP_MSG_BUILD_MAX always suffices). *out_len gets the length.
 */
int dhcp_msg_build(const struct dhcp_msg *m, uint8_t *buf, size_t cap, size_t *out_len);

/* Compares every field that carries meaning (not padding, not unused list slots). */
bool dhcp_msg_equal(const struct dhcp_msg *a, const struct dhcp_msg *b);

/* Where a message goes: RFC 2131 §4.1 gives the rules for each side. */
enum dhcp_dest {
    DHCP_DEST_BROADCAST,      /* 255.255.255.255, MAC ff:ff:ff:ff:ff:ff */
    DHCP_DEST_UNICAST,        /* dst_ip; the MAC comes from ARP as usual */
    DHCP_DEST_UNICAST_CHADDR, /* dst_ip = yiaddr, dst_mac = chaddr, without ARP */
};

/* What a dhcp_tx holds. */
enum dhcp_tx_kind {
    DHCP_TX_UDP = 0, /* a DHCP message, to go in UDP and IPv4 */
    DHCP_TX_ARP,     /* an ARP packet (the client's RFC 5227 probe), to go in Ethernet */
};

/*
 * One outgoing message. The caller sets buf and cap (where the DHCP payload
 * goes, for instance frame + NP_UDP_FRAME_HLEN); the call fills the rest.
 * len 0 means nothing to send. kind DHCP_TX_ARP (only from a client that
 * probes): buf holds the 28-byte ARP packet, dest is BROADCAST, dst_ip the
 * address probed, the addresses and ports of UDP are 0.
 */
struct dhcp_tx {
    uint8_t *buf;
    size_t cap;
    size_t len;
    enum dhcp_tx_kind kind;
    enum dhcp_dest dest;
    uint32_t src_ip; /* 0.0.0.0 until the client holds an address */
    uint32_t dst_ip;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t dst_mac[6]; /* ff.. for BROADCAST, chaddr for UNICAST_CHADDR, zero for UNICAST */
};

/*
 * Wraps the message of tx, which must sit at frame + NP_UDP_FRAME_HLEN, in
 * UDP, IPv4 and Ethernet headers from src_mac. For DHCP_DEST_UNICAST the
 * caller passes the resolved dst_mac; for the other two it may be NULL.
 * TTL 64, IP id 0, so the frame is the same bytes every time. A
 * DHCP_TX_ARP packet is moved to frame + 14 instead and gets an Ethernet
 * header (broadcast, EtherType ARP), padded to 60 bytes.
 */
int dhcp_tx_frame(const struct dhcp_tx *tx, const uint8_t *src_mac, const uint8_t *dst_mac,
                  uint8_t *frame, size_t cap, size_t *out_len);

#endif
