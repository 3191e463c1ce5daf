/* Names for the tftp library's error codes and client states. */
#include "tftp/tftp.h"

const char *tftp_strerror(int err)
{
    switch (err) {
    case TFTP_OK:
        return "ok";
    case TFTP_ERR_INVAL:
        return "inval";
    case TFTP_ERR_STATE:
        return "state";
    case TFTP_ERR_NOSPACE:
        return "nospace";
    case TFTP_ERR_SHORT:
        return "short";
    case TFTP_ERR_OPCODE:
        return "opcode";
    case TFTP_ERR_TID:
        return "unknown-tid";
    case TFTP_ERR_DUPLICATE:
        return "duplicate";
    case TFTP_ERR_AHEAD:
        return "ahead";
    case TFTP_ERR_TOO_LONG:
        return "too-long";
    case TFTP_ERR_UNEXPECTED:
        return "unexpected";
    case TFTP_ERR_NOT_FOUND:
        return "not-found";
    case TFTP_ERR_SERVER:
        return "server-error";
    case TFTP_ERR_OACK_MALFORMED:
        return "oack-malformed";
    case TFTP_ERR_OACK_OPTION:
        return "oack-option";
    case TFTP_ERR_OACK_VALUE:
        return "oack-value";
    case TFTP_ERR_TOO_BIG:
        return "too-big";
    case TFTP_ERR_TSIZE:
        return "tsize-mismatch";
    case TFTP_ERR_SINK:
        return "sink-refused";
    case TFTP_ERR_WRAP:
        return "wrap-to-1";
    case TFTP_ERR_TIMEOUT:
        return "timeout";
    default:
        return "?";
    }
}

const char *tftp_client_state_name(enum tftp_client_state s)
{
    switch (s) {
    case TFTP_CLIENT_IDLE:
        return "IDLE";
    case TFTP_CLIENT_REQUEST:
        return "REQUEST";
    case TFTP_CLIENT_TRANSFER:
        return "TRANSFER";
    case TFTP_CLIENT_DONE:
        return "DONE";
    case TFTP_CLIENT_FAILED:
        return "FAILED";
    default:
        return "?";
    }
}
