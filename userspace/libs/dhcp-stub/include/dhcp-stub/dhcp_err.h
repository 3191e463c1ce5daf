/*
 * The one error enum of the dhcp-stub library. Every fallible call returns 0
 * or one of these (all negative) and leaves its output parameters and the
 * client or server state untouched on failure.
 *
 * Every malformed-input rule has its own code: DHCP_MSG_ERR_* for the codec
 * (what any receiver rejects), DHCP_CLIENT_ERR_* for what only a client
 * rejects, DHCP_SERVER_ERR_* for what only the server rejects.
 */
#ifndef DHCP_STUB_DHCP_ERR_H
#define DHCP_STUB_DHCP_ERR_H

enum dhcp_err {
    DHCP_OK = 0,
    DHCP_ERR_INVAL = -1,   /* a NULL pointer, a bad argument or configuration */
    DHCP_ERR_NOSPACE = -2, /* the output buffer is too small */

    /* The codec (RFC 2131 §2, RFC 2132). */
    DHCP_MSG_ERR_SHORT = -3,            /* shorter than the 236-byte BOOTP header */
    DHCP_MSG_ERR_NO_COOKIE = -4,        /* 236 to 239 bytes: no room for the magic cookie */
    DHCP_MSG_ERR_COOKIE = -5,           /* magic cookie is not 99.130.83.99 */
    DHCP_MSG_ERR_OP = -6,               /* op is neither BOOTREQUEST (1) nor BOOTREPLY (2) */
    DHCP_MSG_ERR_HLEN = -7,             /* hlen above 16, the size of chaddr */
    DHCP_MSG_ERR_HTYPE = -8,            /* not Ethernet: htype is not 1 or hlen is not 6 */
    DHCP_MSG_ERR_TRUNCATED = -9,        /* an option code is the last byte: no length byte */
    DHCP_MSG_ERR_OVERRUN = -10,         /* an option's length runs past the end of its field */
    DHCP_MSG_ERR_NO_END = -11,          /* a field ends without the END option */
    DHCP_MSG_ERR_OPT_LEN = -12,         /* an option's length is wrong for its code */
    DHCP_MSG_ERR_LIST_LEN = -13,        /* an address list is empty or not a multiple of 4 */
    DHCP_MSG_ERR_OVERLOAD_NESTED = -14, /* option overload (52) inside file or sname */
    DHCP_MSG_ERR_OVERLOAD_VALUE = -15,  /* option overload value outside 1 to 3 */
    DHCP_MSG_ERR_TYPE_MISSING = -16,    /* no message type (53) */
    DHCP_MSG_ERR_TYPE_DUP = -17,        /* message type (53) twice */
    DHCP_MSG_ERR_TYPE_RANGE = -18,      /* message type outside 1 to 8 */
    DHCP_MSG_ERR_OPT_DUP = -19,         /* another option this codec reads appears twice */
    DHCP_MSG_ERR_MAX_SIZE = -20,        /* maximum message size (57) below 576 */

    /* The client (RFC 2131 §4.4). */
    DHCP_CLIENT_ERR_STATE = -21,        /* the call is not valid in the current state */
    DHCP_CLIENT_ERR_OP = -22,           /* a BOOTREQUEST, not a reply */
    DHCP_CLIENT_ERR_XID = -23,          /* xid is not the one of the current exchange */
    DHCP_CLIENT_ERR_CHADDR = -24,       /* chaddr is not our MAC */
    DHCP_CLIENT_ERR_UNEXPECTED = -25,   /* a message type this state does not wait for */
    DHCP_CLIENT_ERR_NO_SERVER_ID = -26, /* an OFFER or ACK without server identifier (54) */
    DHCP_CLIENT_ERR_SERVER_ID = -27,    /* from a server other than the one selected */
    DHCP_CLIENT_ERR_YIADDR = -28,       /* yiaddr 0, loopback, multicast, broadcast or class E */
    DHCP_CLIENT_ERR_NO_LEASE = -29,     /* an OFFER or ACK without lease time (51) */
    DHCP_CLIENT_ERR_MASK = -30,         /* subnet mask (1) is zero or not contiguous */
    DHCP_CLIENT_ERR_FRAME = -31,        /* the frame is not a valid Ethernet/IPv4/UDP frame */
    DHCP_CLIENT_ERR_NOT_OURS = -32,     /* a valid frame, but not to our MAC or not to port 68 */

    /* The stub server (RFC 2131 §4.3). */
    DHCP_SERVER_ERR_OP = -33,      /* a BOOTREPLY, not a request */
    DHCP_SERVER_ERR_TYPE = -34,    /* a server-to-client type (OFFER, ACK, NAK) */
    DHCP_SERVER_ERR_REQUEST = -35, /* a REQUEST with no server id, requested address or ciaddr */

    /* The client, added by issue 12. */
    DHCP_CLIENT_ERR_LEASE_ZERO = -36, /* an OFFER or ACK with lease time 0 */
    DHCP_CLIENT_ERR_CLIENT_ID = -37,  /* a reply with a client identifier (61) not ours */
};

/* The lowest (most negative) code: every value from it to 0 is named. */
#define DHCP_ERR_LOWEST DHCP_CLIENT_ERR_CLIENT_ID

/* A short, stable name for an error code ("msg-cookie", ...); "unknown" for any
 * other value. */
const char *dhcp_strerror(int err);

#endif
