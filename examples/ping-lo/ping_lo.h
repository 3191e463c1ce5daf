/*
 * The example consumer's one job: bring rvnet's netstack up with no device,
 * ping 127.0.0.1 over lo through ns_poll, and say whether every echo came
 * back. Freestanding, so the host program (main.c) and the riscv64 ELF
 * (start_riscv64.c) run the same code against their own installed prefix.
 */
#ifndef PING_LO_H
#define PING_LO_H

#include <stdint.h>

#define PING_LO_COUNT 3u

struct ping_lo_result {
    uint16_t sent, received;
    uint32_t echo_requests_answered; /* the stack's icmp_echo_out counter */
    uint64_t virtual_ms;             /* ns_poll calls, one per virtual ms */
};

/* 0 when all PING_LO_COUNT echoes came back; a negative enum ns_err when a
 * call failed; 1 when the ping ended short. *out is filled in every case. */
int ping_lo_run(struct ping_lo_result *out);

#endif
