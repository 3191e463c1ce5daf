/*
 * A pcap tee: a backend (backend.h) that wraps any other and writes every
 * frame that crosses it, both ways, to a pcap file (pcap.h: LINKTYPE_ETHERNET,
 * readable by tshark), as the device sees them: Ethernet, no virtio-net
 * header. Each frame is stamped with the now_ms of the last poll, so on the
 * stub's virtual clock the same run writes the same bytes; on a real
 * backend the stamps are CLOCK_MONOTONIC ms. Host only.
 *
 *   struct pcap_tee tee;
 *   if (pcap_tee_open(&tee, &inner, "run.pcap") != 0) ...;
 *   struct fake_backend be = pcap_tee_backend(&tee);   (use be, not inner)
 *   ...
 *   fake_backend_close(&be);   (closes the file, then inner)
 */
#ifndef RVNET_HOST_PCAP_TEE_H
#define RVNET_HOST_PCAP_TEE_H

#include <stdint.h>

#include "backend.h"
#include "pcap.h"

struct pcap_tee {
    struct fake_backend inner;
    struct fake_rx_sink up;      /* the device's sink: where frames from inner go */
    struct fake_backend_ops ops; /* inner's, with the tee's functions */
    struct pcap_out out;
    uint64_t now_ms;
    uint64_t tx_frames, rx_frames; /* frames written, each way */
};

/* Opens path (the file header is written at once) around inner, which must
 * not be bound yet. Returns 0, or -1 when the file cannot be written. */
int pcap_tee_open(struct pcap_tee *t, const struct fake_backend *inner, const char *path);

/* The tee as a backend: inner's name and clock, the tee in between. */
struct fake_backend pcap_tee_backend(struct pcap_tee *t);

/* A frame from elsewhere into the same file, stamped with the now_ms of
 * the last poll (nx-net writes lo's packets beside virt0's). Returns 0, or
 * -1 when the file is closed or the write failed. */
int pcap_tee_write(struct pcap_tee *t, const uint8_t *frame, size_t len);

/* Flushes and closes the file (not inner). Returns 0, or -1 when any write
 * failed. The close op calls it and then closes inner. */
int pcap_tee_close(struct pcap_tee *t);

#endif
