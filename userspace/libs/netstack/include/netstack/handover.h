/*
 * The hand-over: the bring-up netstack gives virt0's live device and its
 * lease to another stack (lwIP through a port, smoltcp, ...) without a
 * reset. docs/netstack.md ("The hand-over") has the contract.
 */
#ifndef NETSTACK_HANDOVER_H
#define NETSTACK_HANDOVER_H

#include "netstack/netstack.h"

#define NS_HANDOVER_ARP_MAX 8u /* resolved ARP entries handed over, at most */

/* A resolved neighbour: what the new owner need not ARP for again. */
struct ns_neighbour {
    uint32_t ip;
    uint8_t mac[6];
    uint64_t expire_ms; /* when the netstack would have let it go (arp_ttl_ms after it
                           was last confirmed), in the caller's clock */
};

/* What ns_handover gives the new owner. Plain data, by value. */
struct ns_handover {
    struct vnet_dev *dev;        /* the frontend, READY, as it was: rings, RX buffers posted,
                                    frames received and not yet polled, TX slots in flight */
    uint64_t now_ms;             /* of the netstack's last poll: the DHCP client's and the
                                    ARP expiries' clock, the caller's */
    bool irq_seen;               /* ns_irq acknowledged an interrupt no poll followed */
    struct ns_if_info virt0;     /* virt0 as ns_if_get shows it: address, mask, gateway,
                                    DNS (0: none), MAC, MTU */
    enum ns_dhcp_mode dhcp_mode; /* NS_DHCP_WIRE: dhcp below is the live client of
                                    this lease; STUB: it talks to cfg.stub; OFF: STOPPED */
    struct dhcp_client dhcp;     /* the DHCP client, by value (sans-IO, plain data) */
    unsigned n_arp;              /* entries in arp[] */
    struct ns_neighbour arp[NS_HANDOVER_ARP_MAX];
    uint32_t arp_left;     /* resolved entries that did not fit in arp[] */
    uint32_t held_dropped; /* packets held for ARP, dropped (and counted in arp_unresolved) */
};

/*
 * Gives virt0's device, live, to another stack (a bigger one: lwIP through
 * a port, smoltcp, ...), with its lease: no reset, no re-init, nothing
 * polled. What moves: the device pointer, virt0's address, mask, gateway,
 * DNS, MTU and MAC, the DHCP client by value (the new owner drives it with
 * dhcp_client_poll, dhcp_client_input_frame and dhcp_client_deadline and
 * applies BOUND, RENEWED, CHANGED and LOST itself), and the resolved ARP
 * entries. Frames the device delivered that no poll took stay in the RX
 * ring for the new owner: its first act is vnet_rx_poll (and
 * vnet_tx_reclaim), before it waits for any interrupt. Packets the
 * netstack held for ARP are dropped, counted in arp_unresolved and in
 * out->held_dropped (sending them would mean resolving first, on a device
 * that is no longer the netstack's).
 *
 * What the netstack may no longer do: touch the device. It forgets the
 * pointer (cfg.virt0 becomes NULL) and DHCP (as NS_DHCP_OFF); its ARP
 * cache is emptied. From then on ns_poll skips virt0 and returns
 * NS_ERR_HANDED_OVER, as do ns_irq (which acknowledges nothing: the
 * interrupt is the new owner's), ns_virt0_restart, ns_dhcp_release, a
 * second ns_handover and every send that would leave through virt0 (also
 * counted in tx_no_device), each counted in handover_refused. lo keeps
 * working, and so does virt0's address for what the host sends itself
 * (it goes through lo); ns_if_get(virt0) still shows the address.
 *
 * Call it outside ns_poll (NS_ERR_BUSY inside). NS_ERR_NO_DEVICE without a
 * device; NS_ERR_DEVICE_BROKEN, or NS_ERR_DEVICE for a device that is not
 * up, when there is nothing live to give (restart it first). On any error
 * nothing changes and out is untouched.
 */
int ns_handover(struct ns_host *ns, struct ns_handover *out);

#endif
