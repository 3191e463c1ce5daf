/* Names for the lo device's error codes. */
#include "loopback/loopback.h"

const char *lo_strerror(int err)
{
    switch (err) {
    case LO_OK:
        return "ok";
    case LO_ERR_INVAL:
        return "inval";
    case LO_ERR_FULL:
        return "full";
    case LO_ERR_TOO_BIG:
        return "too-big";
    default:
        return "unknown";
    }
}
