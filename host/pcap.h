/*
 * A pcap writer (the classic libpcap format, LINKTYPE_ETHERNET) for the
 * host tools. Timestamps are given by the caller, in milliseconds of its
 * clock: virtual for the stub network (the same run writes the same bytes),
 * CLOCK_MONOTONIC for a real backend. The netstack's tap
 * hands lo's packets over behind an all-zero Ethernet header of type IPv4,
 * as Linux captures its own loopback device. Host only.
 */
#ifndef RVNET_HOST_PCAP_H
#define RVNET_HOST_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcap_out {
    FILE *f;
    uint64_t packets;
    int error; /* non-zero once a write failed */
};

/* Opens `path` for writing and writes the file header. Returns 0 or -1. */
int pcap_open(struct pcap_out *p, const char *path);

/* One Ethernet frame seen at now_ms. Returns 0 or -1. */
int pcap_write_eth(struct pcap_out *p, uint64_t now_ms, const uint8_t *frame, size_t len);

/* Flushes and closes. Returns 0, or -1 when any write failed. */
int pcap_close(struct pcap_out *p);

#endif
