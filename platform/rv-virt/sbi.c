/*
 * SBI calls: ecall from S-mode with the extension in a7, the function in a6
 * and the arguments in a0-a5; the firmware returns error in a0 and value in
 * a1 and preserves every other register (SBI v1.0.0 §3).
 */
#include "sbi.h"

static struct sbiret call(unsigned long eid, unsigned long fid, unsigned long arg0,
                          unsigned long arg1)
{
    register unsigned long a0 __asm__("a0") = arg0;
    register unsigned long a1 __asm__("a1") = arg1;
    register unsigned long a6 __asm__("a6") = fid;
    register unsigned long a7 __asm__("a7") = eid;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
    struct sbiret r = {(long)a0, (long)a1};
    return r;
}

struct sbiret sbi_spec_version(void)
{
    return call(SBI_EXT_BASE, 0, 0, 0);
}

struct sbiret sbi_impl_id(void)
{
    return call(SBI_EXT_BASE, 1, 0, 0);
}

struct sbiret sbi_impl_version(void)
{
    return call(SBI_EXT_BASE, 2, 0, 0);
}

struct sbiret sbi_probe_extension(unsigned long eid)
{
    return call(SBI_EXT_BASE, 3, eid, 0);
}

struct sbiret sbi_set_timer(uint64_t stime_value)
{
    return call(SBI_EXT_TIME, 0, stime_value, 0);
}

struct sbiret sbi_hart_get_status(unsigned long hartid)
{
    return call(SBI_EXT_HSM, 2, hartid, 0);
}

struct sbiret sbi_system_reset(uint32_t type, uint32_t reason)
{
    return call(SBI_EXT_SRST, 0, type, reason);
}
