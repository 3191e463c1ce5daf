/*
 * ICMP messages (RFC 792): the 8-byte header and its checksum over the whole
 * message. For echo request (8) and echo reply (0) the second word holds the
 * identifier and sequence number; for other types id and seq carry the same
 * four bytes uninterpreted.
 */
#ifndef NETPROTO_ICMP_H
#define NETPROTO_ICMP_H

#include "netproto/np.h"

#define NP_ICMP_HLEN 8u
#define NP_ICMP_ECHO_REPLY 0u
#define NP_ICMP_ECHO_REQUEST 8u

struct np_icmp {
    uint8_t type;
    uint8_t code;
    uint16_t id;
    uint16_t seq;
    const uint8_t *payload; /* parse only */
    size_t payload_len;     /* parse only */
};

/* Parses an ICMP message of len bytes (the whole IP payload) and checks its checksum. */
int np_icmp_parse(const uint8_t *msg, size_t len, struct np_icmp *out);

/* np_icmp_parse, but with NP_PARSE_CSUM_OK in flags the checksum is not
 * verified (np.h says when that is right). */
int np_icmp_parse_ex(const uint8_t *msg, size_t len, unsigned flags, struct np_icmp *out);

/* Writes the header and checksum in front of payload_len bytes already at
 * msg + NP_ICMP_HLEN. */
int np_icmp_build(uint8_t *msg, size_t cap, const struct np_icmp *h, size_t payload_len,
                  size_t *out_len);

/*
 * Turns an echo request into its echo reply in place: msg holds len bytes,
 * a copy of a request whose checksum np_icmp_parse verified. Sets type 0 and
 * code 0 and updates the checksum for that change alone (RFC 1624 eqn. 3),
 * which gives the same bytes as np_icmp_build would over the reply, without
 * summing the message again (but for one case in 65535, where only a full
 * sum gives the right bytes). Only msg[0..len) is read and written; on a
 * message whose checksum did not verify, the checksum written is wrong.
 */
int np_icmp_echo_reply(uint8_t *msg, size_t len);

#endif
