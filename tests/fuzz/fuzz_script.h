/*
 * The step-script reader the sequence fuzz targets share: the input is read
 * front to back, big-endian, and reads past the end give zero bytes, so every
 * input is a complete script.
 */
#ifndef RVNET_FUZZ_SCRIPT_H
#define RVNET_FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

struct script {
    const uint8_t *p;
    size_t n;
};

/* The next `bytes` (at most 4) bytes as a big-endian number. */
static inline uint32_t take(struct script *s, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v <<= 8;
        if (s->n) {
            v |= *s->p++;
            s->n--;
        }
    }
    return v;
}

#endif
