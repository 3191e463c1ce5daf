/*
 * The TFTP packets the client builds and the OACK it parses (RFC 1350 §5,
 * RFC 2347). Private to the library. All fields are big-endian and read and
 * written byte by byte, so the code is the same on either byte order.
 */
#ifndef TFTP_WIRE_H
#define TFTP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "tftp/tftp.h"

enum tftp_opcode {
    TFTP_OP_RRQ = 1,
    TFTP_OP_WRQ = 2,
    TFTP_OP_DATA = 3,
    TFTP_OP_ACK = 4,
    TFTP_OP_ERROR = 5,
    TFTP_OP_OACK = 6,
};

#define TFTP_HDR_LEN 4u /* opcode and block number, or opcode and error code */

/* The options of an OACK, as the server wrote them: val[OPT_x] is set when
 * have has bit 1 << OPT_x. */
enum { OPT_BLKSIZE, OPT_TSIZE, OPT_TIMEOUT, OPT_WINDOWSIZE, OPT_COUNT };
struct tftp_oack {
    unsigned have;
    uint64_t val[OPT_COUNT];
};

static inline uint16_t tftp_get16(const uint8_t *p)
{
    return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}

static inline void tftp_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* An RRQ for name in octet mode with the options cfg asks for; buf holds at
 * least TFTP_TX_MAX bytes. Returns the length. */
size_t tftp_wire_rrq(uint8_t *buf, const uint8_t *name, size_t name_len,
                     const struct tftp_client_config *cfg);

/* An ERROR with code and the client's fixed message for it. */
size_t tftp_wire_error(uint8_t *buf, uint8_t code);

/*
 * The options after the OACK opcode (p, n) into *o: name NUL value NUL
 * pairs, names case-insensitive (RFC 2347), values decimal. 0, or
 * TFTP_ERR_OACK_MALFORMED / _OPTION (a name we do not know, or twice) /
 * _VALUE (more than 20 digits); *o is untouched on failure.
 */
int tftp_wire_oack(const uint8_t *p, size_t n, struct tftp_oack *o);

#endif
