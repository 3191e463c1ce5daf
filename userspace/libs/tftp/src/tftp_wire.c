/*
 * Building the client's packets and parsing the server's OACK (RFC 1350 §5,
 * RFC 2347, 2348, 2349, 7440).
 */
#include <string.h>

#include "tftp_wire.h"

/* Appends s with its NUL. */
static size_t put_str(uint8_t *p, const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    memcpy(p, s, n + 1);
    return n + 1;
}

/* Appends v in decimal with its NUL; v < 10^5 here. */
static size_t put_dec(uint8_t *p, uint32_t v)
{
    uint8_t digits[10];
    size_t n = 0;
    do {
        digits[n++] = (uint8_t)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof digits);
    for (size_t i = 0; i < n; i++)
        p[i] = digits[n - 1 - i];
    p[n] = 0;
    return n + 1;
}

size_t tftp_wire_rrq(uint8_t *buf, const uint8_t *name, size_t name_len,
                     const struct tftp_client_config *cfg)
{
    tftp_put16(buf, TFTP_OP_RRQ);
    size_t at = 2;
    memcpy(buf + at, name, name_len);
    at += name_len;
    buf[at++] = 0;
    /* RFC 1350 §5: "octet" is raw 8-bit bytes; netascii is not offered. */
    at += put_str(buf + at, "octet");
    /* RFC 2347: option NUL value NUL pairs after the mode, in the order of
     * the RFCs that define them. The longest is TFTP_TX_MAX. */
    if (cfg->blksize != 0) {
        at += put_str(buf + at, "blksize");
        at += put_dec(buf + at, cfg->blksize);
    }
    if (cfg->tsize) {
        /* RFC 2349: a read request carries tsize 0; the OACK has the size. */
        at += put_str(buf + at, "tsize");
        at += put_dec(buf + at, 0);
    }
    if (cfg->timeout_s != 0) {
        at += put_str(buf + at, "timeout");
        at += put_dec(buf + at, cfg->timeout_s);
    }
    if (cfg->windowsize != 0) {
        at += put_str(buf + at, "windowsize");
        at += put_dec(buf + at, cfg->windowsize);
    }
    return at;
}

size_t tftp_wire_error(uint8_t *buf, uint8_t code)
{
    const char *msg;
    switch (code) {
    case TFTP_EC_DISK_FULL:
        msg = "allocation exceeded";
        break;
    case TFTP_EC_UNKNOWN_TID:
        msg = "unknown transfer ID";
        break;
    case TFTP_EC_OPTION:
        msg = "option refused";
        break;
    default:
        msg = "illegal operation";
        break;
    }
    tftp_put16(buf, TFTP_OP_ERROR);
    tftp_put16(buf + 2, code);
    return 4 + put_str(buf + 4, msg);
}

/* The next NUL-terminated, non-empty string at *p; advances past its NUL. */
static int take_str(const uint8_t **p, size_t *n, const uint8_t **s, size_t *len)
{
    size_t i = 0;
    while (i < *n && (*p)[i] != 0)
        i++;
    if (i == *n || i == 0)
        return TFTP_ERR_OACK_MALFORMED;
    *s = *p;
    *len = i;
    *p += i + 1;
    *n -= i + 1;
    return TFTP_OK;
}

/* RFC 2347: option names are case-insensitive ASCII. */
static bool name_is(const uint8_t *s, size_t len, const char *want)
{
    size_t i = 0;
    for (; i < len && want[i] != '\0'; i++) {
        uint8_t ch = s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (uint8_t)(ch - 'A' + 'a');
        if (ch != (uint8_t)want[i])
            return false;
    }
    return i == len && want[i] == '\0';
}

static int parse_dec(const uint8_t *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return TFTP_ERR_OACK_MALFORMED;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10u)
            return TFTP_ERR_OACK_VALUE;
        v = v * 10u + d;
    }
    *out = v;
    return TFTP_OK;
}

int tftp_wire_oack(const uint8_t *p, size_t n, struct tftp_oack *o)
{
    static const char *const names[OPT_COUNT] = {"blksize", "tsize", "timeout", "windowsize"};
    struct tftp_oack r;
    memset(&r, 0, sizeof r);
    /* An OACK that acknowledges nothing: the server should have sent
     * DATA 1 (RFC 2347), so this is a broken one. */
    if (n == 0)
        return TFTP_ERR_OACK_MALFORMED;
    while (n > 0) {
        const uint8_t *name, *val;
        size_t name_len, val_len;
        int rc = take_str(&p, &n, &name, &name_len);
        if (rc == TFTP_OK)
            rc = take_str(&p, &n, &val, &val_len);
        if (rc != TFTP_OK)
            return rc;
        unsigned k = 0;
        while (k < OPT_COUNT && !name_is(name, name_len, names[k]))
            k++;
        if (k == OPT_COUNT || (r.have & (1u << k)))
            return TFTP_ERR_OACK_OPTION;
        uint64_t v;
        rc = parse_dec(val, val_len, &v);
        if (rc != TFTP_OK)
            return rc;
        r.have |= 1u << k;
        r.val[k] = v;
    }
    *o = r;
    return TFTP_OK;
}
