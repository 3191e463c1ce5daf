/*
 * The DHCP client over sequences (issue 7). The input is a script of steps;
 * after every step the client is polled at the current time and checked:
 * a known state, a lease exactly in BOUND/RENEWING/REBINDING with
 * T1 <= T2 <= expiry and a usable address, a deadline in the future
 * whenever something is pending, every message it sends parses as a
 * BOOTREQUEST from our MAC with client id 01 + MAC, and every message
 * handed in is counted exactly once in the client's stats (accepted or
 * dropped under one reason).
 *
 * Script (the generator in tests/bringup_rv_virt_v1_2_host/
 * test_dhcp_corpus.c writes the same format), one opcode byte, mod 8:
 *   0 ADVANCE  s16     now += s16 seconds (big-endian)
 *   1 JUMP             now = the client's deadline, if any
 *   2 RAW      n16 ..  deliver n bytes to dhcp_client_input
 *   3 STUB     p x     the stub server answers the last message sent;
 *                      reply byte (p * 2) % len ^= x; delivered
 *   4 CTRL     k       k % 3: start, start_reboot(10.0.2.15), stop
 *   5 FRAME    n16 ..  deliver n bytes to dhcp_client_input_frame
 *   6 ARP      k       an ARP packet to dhcp_client_input_arp: bit 0 reply
 *                      (else request); bits 1-2 sender IP: 0, the address
 *                      being probed (else 10.0.2.15), 10.0.2.2, 10.0.2.16;
 *                      bit 3 sender MAC ours (else another); bit 4 target IP
 *                      10.0.2.2 (else the probed address)
 *   7 CONFIG   k       a fresh client (and stub server): bit 0 RFC 5227
 *                      probing, bit 1 jitter, bit 2 initial delay
 * Every ARP probe the client asks for must be one (RFC 5227 §2.1.1:
 * request, our MAC, sender IP 0, target the address it probes), and the
 * client is only CHECKING with probing on, with no lease handed out yet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-stub/dhcp_client.h"
#include "dhcp-stub/dhcp_server.h"
#include "netproto/np.h"
#include "fuzz_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *take_bytes(struct script *s, size_t *len)
{
    size_t want = take(s, 2);
    if (want > s->n)
        want = s->n;
    const uint8_t *p = s->p;
    s->p += want;
    s->n -= want;
    *len = want;
    return p;
}

static void check_client(const struct dhcp_client *c, uint64_t now, bool probing)
{
    enum dhcp_client_state st = dhcp_client_state(c);
    if (st > DHCP_CLIENT_CHECKING || (st == DHCP_CLIENT_CHECKING && !probing))
        abort();
    uint32_t cand = dhcp_client_probe_addr(c);
    if ((st == DHCP_CLIENT_CHECKING) != (cand != 0))
        abort();
    const struct dhcp_lease *l = dhcp_client_lease(c);
    bool bound =
        st == DHCP_CLIENT_BOUND || st == DHCP_CLIENT_RENEWING || st == DHCP_CLIENT_REBINDING;
    if (bound != (l != NULL))
        abort();
    if (l != NULL) {
        uint8_t first = (uint8_t)(l->addr >> 24);
        if (first == 0 || first == 127 || first >= 224)
            abort();
        if (!(l->t1_ms <= l->t2_ms && l->t2_ms <= l->expire_ms))
            abort();
        if (l->prefix_len < 1 || l->prefix_len > 32 || l->n_routers > DHCP_MSG_ADDRS_MAX ||
            l->n_dns > DHCP_MSG_ADDRS_MAX)
            abort();
    }
    uint64_t d = dhcp_client_deadline(c);
    if (st == DHCP_CLIENT_STOPPED && d != DHCP_NEVER)
        abort();
    if (st != DHCP_CLIENT_STOPPED && st != DHCP_CLIENT_BOUND && d == DHCP_NEVER)
        abort();
    /* Right after a poll at now nothing may still be due. */
    if (d <= now)
        abort();
}

static void check_sent(const struct dhcp_tx *tx, const uint8_t *mac, uint32_t probing)
{
    if (tx->kind == DHCP_TX_ARP) {
        struct np_arp a;
        if (probing == 0 || tx->len != NP_ARP_LEN || np_arp_parse(tx->buf, tx->len, &a) != NP_OK ||
            a.op != NP_ARP_REQUEST || memcmp(a.sha, mac, 6) != 0 || a.spa != 0 ||
            a.tpa != probing || tx->dest != DHCP_DEST_BROADCAST)
            abort();
        return;
    }
    struct dhcp_msg m;
    if (dhcp_msg_parse(tx->buf, tx->len, &m) != DHCP_OK)
        abort();
    if (m.op != DHCP_BOOTREQUEST || memcmp(m.chaddr, mac, 6) != 0 || m.client_id_len != 7 ||
        m.client_id[0] != 1 || memcmp(m.client_id + 1, mac, 6) != 0 || tx->len < 300)
        abort();
}

/* A fresh client and server; cfg bits as CONFIG documents. */
static void fresh(struct dhcp_client *c, struct dhcp_client_config *cc, struct dhcp_server *srv,
                  uint32_t bits)
{
    dhcp_client_config_defaults(cc);
    cc->probe.enabled = (bits & 1u) != 0;
    cc->jitter = (bits & 2u) != 0;
    cc->initial_delay = (bits & 4u) != 0;
    if (dhcp_client_init(c, cc) != DHCP_OK)
        abort();
    struct dhcp_server_config sc;
    dhcp_server_config_defaults(&sc);
    if (dhcp_server_init(srv, &sc) != DHCP_OK)
        abort();
}

static struct np_arp arp_step(const struct dhcp_client *c, const uint8_t *mac, uint32_t k)
{
    static const uint8_t other[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    uint32_t cand = dhcp_client_probe_addr(c);
    if (cand == 0)
        cand = NP_IPV4(10, 0, 2, 15);
    const uint32_t spa[4] = {0, cand, NP_IPV4(10, 0, 2, 2), NP_IPV4(10, 0, 2, 16)};
    struct np_arp a;
    memset(&a, 0, sizeof a);
    a.op = (k & 1u) ? NP_ARP_REPLY : NP_ARP_REQUEST;
    a.spa = spa[(k >> 1) & 3u];
    memcpy(a.sha, (k & 8u) ? mac : other, 6);
    a.tpa = (k & 16u) ? NP_IPV4(10, 0, 2, 2) : cand;
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dhcp_client_config cc;
    struct dhcp_client c;
    struct dhcp_server srv;
    fresh(&c, &cc, &srv, 0);

    uint8_t out[DHCP_MSG_BUILD_MAX], last[DHCP_MSG_BUILD_MAX], reply[DHCP_MSG_BUILD_MAX];
    size_t last_len = 0;
    struct dhcp_tx tx = {.buf = out, .cap = sizeof out};
    struct dhcp_tx rtx = {.buf = reply, .cap = sizeof reply};
    struct script s = {data, size};
    uint64_t now = 0;
    uint64_t inputs = 0;
    enum dhcp_client_event ev;

    for (int steps = 0; s.n > 0 && steps < 512; steps++) {
        uint8_t op = (uint8_t)(take(&s, 1) % 8);
        uint32_t probing = dhcp_client_probe_addr(&c);
        switch (op) {
        case 0:
            now += (uint64_t)take(&s, 2) * 1000u;
            break;
        case 1:
            if (dhcp_client_deadline(&c) != DHCP_NEVER)
                now = dhcp_client_deadline(&c);
            break;
        case 2: {
            size_t n;
            const uint8_t *p = take_bytes(&s, &n);
            (void)dhcp_client_input(&c, now, p, n, &ev);
            inputs++;
            break;
        }
        case 3: {
            uint32_t pos = take(&s, 1), x = take(&s, 1);
            if (last_len == 0)
                break;
            if (dhcp_server_input(&srv, now, last, last_len, &rtx) != DHCP_OK || rtx.len == 0)
                break;
            reply[(pos * 2u) % rtx.len] ^= (uint8_t)x;
            (void)dhcp_client_input(&c, now, reply, rtx.len, &ev);
            inputs++;
            break;
        }
        case 4: {
            uint32_t k = take(&s, 1) % 3;
            if (k == 0) {
                (void)dhcp_client_start(&c, now);
            } else if (k == 1) {
                (void)dhcp_client_start_reboot(&c, now, NP_IPV4(10, 0, 2, 15));
            } else {
                if (dhcp_client_stop(&c, now, &tx) != DHCP_OK)
                    abort();
                if (tx.len) {
                    check_sent(&tx, cc.mac, 0);
                    memcpy(last, out, tx.len);
                    last_len = tx.len;
                }
            }
            break;
        }
        case 5: {
            size_t n;
            const uint8_t *p = take_bytes(&s, &n);
            (void)dhcp_client_input_frame(&c, now, p, n, &ev);
            inputs++;
            break;
        }
        case 6: {
            struct np_arp a = arp_step(&c, cc.mac, take(&s, 1));
            if (dhcp_client_input_arp(&c, now, &a, &ev) != DHCP_OK)
                abort();
            /* A conflict is exactly what RFC 5227 §2.1.1 calls one. */
            bool conflict = probing != 0 && (a.spa == probing || (a.spa == 0 && a.tpa == probing &&
                                                                  memcmp(a.sha, cc.mac, 6) != 0));
            if ((ev == DHCP_CLIENT_EV_CONFLICT) != conflict)
                abort();
            inputs++;
            break;
        }
        default:
            fresh(&c, &cc, &srv, take(&s, 1));
            inputs = 0;
            last_len = 0;
            break;
        }
        probing = dhcp_client_probe_addr(&c);
        if (dhcp_client_poll(&c, now, &tx, &ev) != DHCP_OK)
            abort();
        if (tx.len) {
            check_sent(&tx, cc.mac, probing);
            if (tx.kind == DHCP_TX_UDP) {
                memcpy(last, out, tx.len);
                last_len = tx.len;
            }
        }
        check_client(&c, now, cc.probe.enabled);
        struct dhcp_client_stats st;
        dhcp_client_get_stats(&c, &st);
        if ((uint64_t)st.rx_ok + st.rx_malformed + st.rx_not_ours + st.rx_unexpected +
                st.rx_rejected + st.arp_in !=
            inputs)
            abort();
    }
    return 0;
}
