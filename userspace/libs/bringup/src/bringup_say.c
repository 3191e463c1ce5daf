/*
 * The bring-up's marker lines, given to the platform's puts piece by
 * piece. Numbers are formatted here, without libc, in the same bytes on
 * every platform as nx-net's printf gave them before (decimal, %08x, a
 * dotted quad, xx:xx:xx:xx:xx:xx). Piece by piece rather than in a line
 * buffer: it is the smaller code, and the size image counts it (bench/run.sh
 * P2).
 */
#include "bringup_internal.h"

static void put(const struct bringup_platform *pf, const char *s)
{
    pf->puts(pf->ctx, s);
}

static void put_dec(const struct bringup_platform *pf, uint32_t v)
{
    char b[11];
    unsigned i = sizeof(b) - 1u;
    b[i] = '\0';
    do {
        b[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    put(pf, b + i);
}

static void put_hex(const struct bringup_platform *pf, uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    char b[17];
    for (unsigned i = 0; i < digits && i < 16u; i++)
        b[i] = hex[(v >> (4u * (digits - 1u - i))) & 15u];
    b[digits < 16u ? digits : 16u] = '\0';
    put(pf, b);
}

static void put_ip(const struct bringup_platform *pf, uint32_t ip)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        put_dec(pf, (ip >> shift) & 0xffu);
        if (shift)
            put(pf, ".");
    }
}

/* An address the lease may lack: "none" without its option, or when 0. */
static void put_ip_or_none(const struct bringup_platform *pf, uint32_t ip, unsigned have)
{
    if (have && ip)
        put_ip(pf, ip);
    else
        put(pf, "none");
}

void bringup_say_device(const struct bringup_platform *pf, const struct vnet_dev *dev,
                        uint64_t mmio, uint32_t irq)
{
    if (!pf || !pf->puts || !dev)
        return;
    put(pf, "virtionet: ready\nvirtionet: mmio=0x");
    put_hex(pf, mmio, 8);
    put(pf, " irq=");
    put_dec(pf, irq);
    put(pf, " mac=");
    const uint8_t *mac = vnet_mac(dev);
    for (unsigned i = 0; i < 6; i++) {
        if (i)
            put(pf, ":");
        put_hex(pf, mac[i], 2);
    }
    put(pf, " mtu=");
    put_dec(pf, vnet_mtu(dev));
    put(pf, vnet_version(dev) >= 2u ? " virtio=modern\n" : " virtio=legacy\n");
}

void bu_say_lease(const struct bringup_platform *pf, const char *label, const struct dhcp_lease *l)
{
    put(pf, label);
    put(pf, " addr=");
    put_ip(pf, l->addr);
    put(pf, "/");
    put_dec(pf, l->prefix_len);
    put(pf, " gw=");
    put_ip_or_none(pf, l->routers[0], l->n_routers);
    put(pf, " dns=");
    put_ip_or_none(pf, l->dns[0], l->n_dns);
    put(pf, "\n");
}

void bu_say_released(const struct bringup_platform *pf, uint32_t addr)
{
    put(pf, "netstack: virt0 dhcp released addr=");
    put_ip(pf, addr);
    put(pf, "\n");
}
