/* The names of the dhcp-stub library's error codes (dhcp_err.h). */
#include <stddef.h>

#include "dhcp-stub/dhcp_err.h"

/* Indexed by -code; every code from DHCP_ERR_LOWEST to 0 has a name (the
 * strerror test checks it). */
static const char *const names[-DHCP_ERR_LOWEST + 1] = {
    [-(DHCP_OK)] = "ok",
    [-(DHCP_ERR_INVAL)] = "inval",
    [-(DHCP_ERR_NOSPACE)] = "nospace",
    [-(DHCP_MSG_ERR_SHORT)] = "msg-short",
    [-(DHCP_MSG_ERR_NO_COOKIE)] = "msg-no-cookie",
    [-(DHCP_MSG_ERR_COOKIE)] = "msg-cookie",
    [-(DHCP_MSG_ERR_OP)] = "msg-op",
    [-(DHCP_MSG_ERR_HLEN)] = "msg-hlen",
    [-(DHCP_MSG_ERR_HTYPE)] = "msg-htype",
    [-(DHCP_MSG_ERR_TRUNCATED)] = "msg-truncated",
    [-(DHCP_MSG_ERR_OVERRUN)] = "msg-overrun",
    [-(DHCP_MSG_ERR_NO_END)] = "msg-no-end",
    [-(DHCP_MSG_ERR_OPT_LEN)] = "msg-opt-len",
    [-(DHCP_MSG_ERR_LIST_LEN)] = "msg-list-len",
    [-(DHCP_MSG_ERR_OVERLOAD_NESTED)] = "msg-overload-nested",
    [-(DHCP_MSG_ERR_OVERLOAD_VALUE)] = "msg-overload-value",
    [-(DHCP_MSG_ERR_TYPE_MISSING)] = "msg-type-missing",
    [-(DHCP_MSG_ERR_TYPE_DUP)] = "msg-type-dup",
    [-(DHCP_MSG_ERR_TYPE_RANGE)] = "msg-type-range",
    [-(DHCP_MSG_ERR_OPT_DUP)] = "msg-opt-dup",
    [-(DHCP_MSG_ERR_MAX_SIZE)] = "msg-max-size",
    [-(DHCP_CLIENT_ERR_STATE)] = "client-state",
    [-(DHCP_CLIENT_ERR_OP)] = "client-op",
    [-(DHCP_CLIENT_ERR_XID)] = "client-xid",
    [-(DHCP_CLIENT_ERR_CHADDR)] = "client-chaddr",
    [-(DHCP_CLIENT_ERR_UNEXPECTED)] = "client-unexpected",
    [-(DHCP_CLIENT_ERR_NO_SERVER_ID)] = "client-no-server-id",
    [-(DHCP_CLIENT_ERR_SERVER_ID)] = "client-server-id",
    [-(DHCP_CLIENT_ERR_YIADDR)] = "client-yiaddr",
    [-(DHCP_CLIENT_ERR_NO_LEASE)] = "client-no-lease",
    [-(DHCP_CLIENT_ERR_MASK)] = "client-mask",
    [-(DHCP_CLIENT_ERR_FRAME)] = "client-frame",
    [-(DHCP_CLIENT_ERR_NOT_OURS)] = "client-not-ours",
    [-(DHCP_SERVER_ERR_OP)] = "server-op",
    [-(DHCP_SERVER_ERR_TYPE)] = "server-type",
    [-(DHCP_CLIENT_ERR_LEASE_ZERO)] = "client-lease-zero",
    [-(DHCP_CLIENT_ERR_CLIENT_ID)] = "client-client-id",
    [-(DHCP_SERVER_ERR_REQUEST)] = "server-request",
};

const char *dhcp_strerror(int err)
{
    if (err > 0 || err < DHCP_ERR_LOWEST || names[-err] == NULL)
        return "unknown";
    return names[-err];
}
