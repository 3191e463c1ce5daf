/*
 * The stub server on arbitrary requests, also while a lease is held
 * (issue 7). The input is a script of steps; every reply must parse as a
 * BOOTREPLY with the request's xid, chaddr and client identifier, sent
 * somewhere sensible (a relayed NAK with the broadcast bit), and a lease
 * may only ever be held by one of the MACs that asked for it.
 *
 * Script (the generator in tests/bringup_rv_virt_v1_2_host/
 * test_dhcp_corpus.c writes the same format), one opcode byte, mod 4:
 *   0 ADVANCE  s16     now += s16 seconds (big-endian)
 *   1 RAW      n16 ..  deliver n bytes to dhcp_server_input
 *   2 CLIENT   w p x   client w % 2 is polled; its message, with byte
 *                      (p * 2) % len ^= x, goes to the server and the reply
 *                      back to the client
 *   3 CTRL     w k     client w % 2: k % 3 start, start_reboot(10.0.2.15),
 *                      stop (its RELEASE goes to the server)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-stub/dhcp_client.h"
#include "dhcp-stub/dhcp_server.h"
#include "netproto/np.h"
#include "fuzz_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t macs[2][6] = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 0, 0x02}};

/* The chaddr of the last ACK that granted the lease. */
static uint8_t last_ack_mac[6];

/* Feeds one request to the server and checks the reply. */
static void serve(struct dhcp_server *srv, uint64_t now, const uint8_t *req, size_t len,
                  struct dhcp_tx *rtx)
{
    rtx->len = 0;
    struct dhcp_msg q;
    bool valid = dhcp_msg_parse(req, len, &q) == DHCP_OK;
    if (dhcp_server_input(srv, now, req, len, rtx) != DHCP_OK) {
        rtx->len = 0;
        return;
    }
    if (!valid)
        abort(); /* the server accepted what the codec rejects */
    if (rtx->len == 0)
        return;
    struct dhcp_msg r;
    if (dhcp_msg_parse(rtx->buf, rtx->len, &r) != DHCP_OK)
        abort();
    if (r.op != DHCP_BOOTREPLY || r.xid != q.xid || memcmp(r.chaddr, q.chaddr, 6) != 0 ||
        rtx->len < 300)
        abort();
    if (r.type != DHCP_OFFER && r.type != DHCP_ACK && r.type != DHCP_NAK)
        abort();
    /* RFC 6842 §3: the client identifier comes back unaltered; RFC 2131
     * §4.3.2: a NAK through a relay has the broadcast bit set. */
    if (r.client_id_len != q.client_id_len ||
        memcmp(r.client_id, q.client_id, q.client_id_len) != 0)
        abort();
    if (r.type == DHCP_NAK && q.giaddr != 0 && !r.broadcast)
        abort();
    if (rtx->dest == DHCP_DEST_BROADCAST && rtx->dst_ip != NP_IPV4_BROADCAST)
        abort();
    if (rtx->dest == DHCP_DEST_UNICAST_CHADDR && memcmp(rtx->dst_mac, q.chaddr, 6) != 0)
        abort();
    if (r.type == DHCP_ACK && r.yiaddr != 0)
        memcpy(last_ack_mac, r.chaddr, 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(last_ack_mac, 0, sizeof last_ack_mac);
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    sc.lease_s = 600;
    struct dhcp_server srv;
    if (dhcp_server_init(&srv, &sc) != DHCP_OK)
        abort();
    struct dhcp_client cl[2];
    for (int i = 0; i < 2; i++) {
        struct dhcp_client_config cc;
        dhcp_client_config_defaults(&cc);
        memcpy(cc.mac, macs[i], 6);
        cc.seed = (uint64_t)i + 1;
        if (dhcp_client_init(&cl[i], &cc) != DHCP_OK)
            abort();
    }
    uint8_t out[DHCP_MSG_BUILD_MAX], reply[DHCP_MSG_BUILD_MAX];
    struct dhcp_tx tx = {.buf = out, .cap = sizeof out};
    struct dhcp_tx rtx = {.buf = reply, .cap = sizeof reply};
    struct script s = {data, size};
    uint64_t now = 0;
    enum dhcp_client_event ev;

    for (int steps = 0; s.n > 0 && steps < 512; steps++) {
        uint8_t op = (uint8_t)(take(&s, 1) % 4);
        switch (op) {
        case 0:
            now += (uint64_t)take(&s, 2) * 1000u;
            break;
        case 1: {
            size_t n = take(&s, 2);
            if (n > s.n)
                n = s.n;
            serve(&srv, now, s.p, n, &rtx);
            s.p += n;
            s.n -= n;
            break;
        }
        case 2: {
            struct dhcp_client *c = &cl[take(&s, 1) % 2];
            uint32_t pos = take(&s, 1), x = take(&s, 1);
            if (dhcp_client_poll(c, now, &tx, &ev) != DHCP_OK)
                abort();
            if (tx.len == 0)
                break;
            out[(pos * 2u) % tx.len] ^= (uint8_t)x;
            serve(&srv, now, out, tx.len, &rtx);
            if (rtx.len)
                (void)dhcp_client_input(c, now, reply, rtx.len, &ev);
            break;
        }
        default: {
            struct dhcp_client *c = &cl[take(&s, 1) % 2];
            uint32_t k = take(&s, 1) % 3;
            if (k == 0) {
                (void)dhcp_client_start(c, now);
            } else if (k == 1) {
                (void)dhcp_client_start_reboot(c, now, NP_IPV4(10, 0, 2, 15));
            } else {
                if (dhcp_client_stop(c, now, &tx) != DHCP_OK)
                    abort();
                if (tx.len)
                    serve(&srv, now, out, tx.len, &rtx);
            }
            break;
        }
        }
        /* Only an ACK binds the lease, so its holder is the last client
         * that got one. */
        uint8_t holder[6];
        if (dhcp_server_lease_held(&srv, now, holder) && memcmp(holder, last_ack_mac, 6) != 0)
            abort();
    }
    return 0;
}
