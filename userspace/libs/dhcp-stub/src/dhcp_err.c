/* The names of the dhcp-stub library's error codes (dhcp_err.h). */
#include "dhcp-stub/dhcp_err.h"

const char *dhcp_strerror(int err)
{
    switch (err) {
    case DHCP_OK:
        return "ok";
    case DHCP_ERR_INVAL:
        return "inval";
    case DHCP_ERR_NOSPACE:
        return "nospace";
    case DHCP_MSG_ERR_SHORT:
        return "msg-short";
    case DHCP_MSG_ERR_NO_COOKIE:
        return "msg-no-cookie";
    case DHCP_MSG_ERR_COOKIE:
        return "msg-cookie";
    case DHCP_MSG_ERR_OP:
        return "msg-op";
    case DHCP_MSG_ERR_HLEN:
        return "msg-hlen";
    case DHCP_MSG_ERR_HTYPE:
        return "msg-htype";
    case DHCP_MSG_ERR_TRUNCATED:
        return "msg-truncated";
    case DHCP_MSG_ERR_OVERRUN:
        return "msg-overrun";
    case DHCP_MSG_ERR_NO_END:
        return "msg-no-end";
    case DHCP_MSG_ERR_OPT_LEN:
        return "msg-opt-len";
    case DHCP_MSG_ERR_LIST_LEN:
        return "msg-list-len";
    case DHCP_MSG_ERR_OVERLOAD_NESTED:
        return "msg-overload-nested";
    case DHCP_MSG_ERR_OVERLOAD_VALUE:
        return "msg-overload-value";
    case DHCP_MSG_ERR_TYPE_MISSING:
        return "msg-type-missing";
    case DHCP_MSG_ERR_TYPE_DUP:
        return "msg-type-dup";
    case DHCP_MSG_ERR_TYPE_RANGE:
        return "msg-type-range";
    case DHCP_MSG_ERR_OPT_DUP:
        return "msg-opt-dup";
    case DHCP_MSG_ERR_MAX_SIZE:
        return "msg-max-size";
    case DHCP_CLIENT_ERR_STATE:
        return "client-state";
    case DHCP_CLIENT_ERR_OP:
        return "client-op";
    case DHCP_CLIENT_ERR_XID:
        return "client-xid";
    case DHCP_CLIENT_ERR_CHADDR:
        return "client-chaddr";
    case DHCP_CLIENT_ERR_UNEXPECTED:
        return "client-unexpected";
    case DHCP_CLIENT_ERR_NO_SERVER_ID:
        return "client-no-server-id";
    case DHCP_CLIENT_ERR_SERVER_ID:
        return "client-server-id";
    case DHCP_CLIENT_ERR_YIADDR:
        return "client-yiaddr";
    case DHCP_CLIENT_ERR_NO_LEASE:
        return "client-no-lease";
    case DHCP_CLIENT_ERR_MASK:
        return "client-mask";
    case DHCP_CLIENT_ERR_FRAME:
        return "client-frame";
    case DHCP_CLIENT_ERR_NOT_OURS:
        return "client-not-ours";
    case DHCP_SERVER_ERR_OP:
        return "server-op";
    case DHCP_SERVER_ERR_TYPE:
        return "server-type";
    case DHCP_CLIENT_ERR_LEASE_ZERO:
        return "client-lease-zero";
    case DHCP_CLIENT_ERR_CLIENT_ID:
        return "client-client-id";
    case DHCP_SERVER_ERR_REQUEST:
        return "server-request";
    default:
        return "unknown";
    }
}
