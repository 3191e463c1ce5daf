/*
 * The few SBI calls the S-mode image makes (RISC-V SBI specification
 * v1.0.0): the base extension to find out what the firmware offers, TIME
 * for the timer, SRST to end the run, HSM to see which harts are parked.
 * Every call returns the spec's struct sbiret: error 0 (SBI_SUCCESS) or
 * negative, and a value.
 */
#ifndef RVNET_PLATFORM_SBI_H
#define RVNET_PLATFORM_SBI_H

#include <stdint.h>

#define SBI_EXT_BASE 0x10u
#define SBI_EXT_TIME 0x54494d45u /* "TIME" */
#define SBI_EXT_HSM 0x48534du    /* "HSM" */
#define SBI_EXT_SRST 0x53525354u /* "SRST" */

#define SBI_SUCCESS 0
#define SBI_IMPL_OPENSBI 1 /* §4.9: implementation IDs */

#define SBI_SRST_SHUTDOWN 0u  /* §10.1 reset_type */
#define SBI_SRST_NO_REASON 0u /* §10.1 reset_reason */
#define SBI_SRST_SYSTEM_FAILURE 1u

#define SBI_HSM_STARTED 0 /* §9, the table of hart states */
#define SBI_HSM_STOPPED 1

struct sbiret {
    long error;
    long value;
};

/* Base extension, §4: always there from SBI v0.2 on. */
struct sbiret sbi_spec_version(void); /* value: major << 24 | minor */
struct sbiret sbi_impl_id(void);
struct sbiret sbi_impl_version(void);
struct sbiret sbi_probe_extension(unsigned long eid); /* value 0: absent */

/* TIME, §6.1: one timer interrupt once time >= stime_value; also clears
 * the pending one. */
struct sbiret sbi_set_timer(uint64_t stime_value);

/* HSM, §9.3: SBI_HSM_* in value, or an error for a hart that does not exist. */
struct sbiret sbi_hart_get_status(unsigned long hartid);

/* SRST, §10.1: returns only on failure. */
struct sbiret sbi_system_reset(uint32_t type, uint32_t reason);

#endif
