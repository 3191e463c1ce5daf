/*
 * The Internet checksum of RFC 1071: the 16-bit one's complement of the one's
 * complement sum of the data taken as big-endian 16-bit words. IPv4 (RFC 791
 * §3.1), UDP (RFC 768) and ICMP (RFC 792) all use it.
 */
#ifndef NETPROTO_CHECKSUM_H
#define NETPROTO_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Adds n bytes to a running sum. An odd final byte is taken as the high
 * half of a word with a zero low half (RFC 1071 §4.1), so only the last
 * chunk of a multi-part sum may have an odd length.
 */
uint32_t np_csum_add(uint32_t sum, const uint8_t *p, size_t n);

/* Adds one 16-bit value to a running sum (for pseudo-header fields). */
uint32_t np_csum_add16(uint32_t sum, uint16_t v);

/* Folds the carries back in and returns the one's complement: the checksum. */
uint16_t np_csum_finish(uint32_t sum);

/* np_csum_finish(np_csum_add(0, p, n)): 0 when p already holds a valid checksum. */
uint16_t np_inet_checksum(const uint8_t *p, size_t n);

#endif
