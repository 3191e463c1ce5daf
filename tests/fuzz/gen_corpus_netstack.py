#!/usr/bin/env python3
"""Seed corpus for fuzz_netstack: valid and almost-valid frames for every
path of the netstack (ARP, ICMP echo, UDP, raw, DHCP replies, lo), in the
input format fuzz_netstack.c documents. Run from anywhere:
    python3 tests/fuzz/gen_corpus_netstack.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "fuzz_netstack")

OUR_MAC = bytes([0x02, 0, 0, 0, 0, 1])
PEER_MAC = bytes([0x52, 0x55, 0x0A, 0x00, 0x02, 0x02])
BCAST = b"\xff" * 6
ZERO = b"\x00" * 6


def ip(a, b, c, d):
    return bytes([a, b, c, d])


OUR = ip(10, 0, 2, 15)
PEER = ip(10, 0, 2, 2)
LO1 = ip(127, 0, 0, 1)


def csum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, src, etype, payload):
    f = dst + src + struct.pack("!H", etype) + payload
    return f + b"\x00" * max(0, 60 - len(f))


def ipv4(src, dst, proto, payload, flags=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, flags, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp(typ, ident, seq, data):
    m = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def udp(src, dst, sport, dport, data):
    length = 8 + len(data)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + data
    c = csum(pseudo + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)


def dhcp_reply(msg_type, xid=0):
    m = bytearray(240)
    m[0], m[1], m[2] = 2, 1, 6
    m[4:8] = struct.pack("!I", xid)
    m[16:20] = OUR
    m[28:34] = OUR_MAC
    m[236:240] = bytes([99, 130, 83, 99])
    opts = bytes([53, 1, msg_type, 54, 4]) + PEER + bytes([51, 4, 0, 1, 0x51, 0x80])
    opts += bytes([1, 4, 255, 255, 255, 0, 3, 4]) + PEER + bytes([6, 4, 10, 0, 2, 3, 255])
    m += opts
    m += b"\x00" * max(0, 300 - len(m))
    return bytes(m)


def rec(frame, lo=False, secs=0, ping=False, send=False, release=False, event=False):
    sel = (1 if lo else 0) | ((secs & 7) << 1) | (0x10 if ping else 0) | (0x20 if send else 0)
    sel |= (0x40 if release else 0) | (0x80 if event else 0)
    return bytes([sel]) + struct.pack("!H", len(frame)) + frame


# Device events (a record with bit 7): the first byte, mod 4.
NEEDS_RESET, RING_JUMP, RESTART, HANDOVER = b"\x00", b"\x01", b"\x02", b"\x03"


def main():
    os.makedirs(OUT, exist_ok=True)
    echo_req = eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(PEER, OUR, 1, icmp(8, 1, 1, bytes(range(32)))))
    arp_req = eth(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO, OUR))
    arp_rep = eth(OUR_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, PEER, OUR_MAC, OUR))
    udp7 = eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(PEER, OUR, 17, udp(PEER, OUR, 5555, 7, b"hello")))
    raw253 = eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(PEER, OUR, 253, b"raw payload"))
    frag = eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(PEER, OUR, 1, icmp(8, 1, 1, b"x" * 8), flags=0x2000))
    lo_echo = eth(ZERO, ZERO, 0x0800, ipv4(LO1, LO1, 1, icmp(8, 9, 9, b"lo" * 20)))
    lo_udp = eth(ZERO, ZERO, 0x0800, ipv4(LO1, LO1, 17, udp(LO1, LO1, 9, 7, b"loopback")))
    lo_reply = eth(ZERO, ZERO, 0x0800, ipv4(LO1, LO1, 1, icmp(0, 1, 0, b"\x00" * 16)))
    offer = eth(BCAST, PEER_MAC, 0x0800,
                ipv4(PEER, b"\xff" * 4, 17, udp(PEER, b"\xff" * 4, 67, 68, dhcp_reply(2))))
    ack = eth(BCAST, PEER_MAC, 0x0800,
              ipv4(PEER, b"\xff" * 4, 17, udp(PEER, b"\xff" * 4, 67, 68, dhcp_reply(5))))
    # RFC 5227: a host that owns 10.0.2.15 answers the probe; another probes it.
    conflict = eth(OUR_MAC, bytes([0x52, 0x54, 0, 0x66, 0x77, 0x88]), 0x0806,
                   arp(2, bytes([0x52, 0x54, 0, 0x66, 0x77, 0x88]), OUR, OUR_MAC, ip(0, 0, 0, 0)))
    other_probe = eth(BCAST, bytes([0x52, 0x54, 0, 0x66, 0x77, 0x88]), 0x0806,
                      arp(1, bytes([0x52, 0x54, 0, 0x66, 0x77, 0x88]), ip(0, 0, 0, 0), ZERO, OUR))
    bad_csum = bytearray(echo_req)
    bad_csum[24] ^= 0xFF
    seeds = {
        "static_echo": b"\x00" + rec(echo_req),
        "static_arp_then_echo": b"\x00" + rec(arp_req) + rec(echo_req, secs=1),
        "static_arp_reply_udp": b"\x00" + rec(arp_rep) + rec(udp7, send=True),
        "static_raw_frag": b"\x00" + rec(raw253) + rec(frag) + rec(bytes(bad_csum)),
        "peer_ping": b"\x02" + rec(b"", ping=True) + rec(b"", secs=1) + rec(b"", secs=1),
        "peer_udp_send": b"\x02" + rec(b"data", send=True) + rec(b"", secs=1),
        "lo_paths": b"\x00" + rec(lo_echo, lo=True) + rec(lo_udp, lo=True) + rec(lo_reply, lo=True),
        "wire_dhcp_peer": b"\x03" + rec(b"") + rec(b"", secs=1) + rec(b"", secs=1, ping=True),
        "wire_dhcp_raw": b"\x01" + rec(offer) + rec(ack, secs=4),
        "wire_probe_clean": b"\x0b" + b"".join(rec(b"", secs=1) for _ in range(10))
        + rec(b"", release=True) + rec(b"", secs=1),
        # DISCOVER, REQUEST, ACK take three polls; then the address is probed.
        "wire_probe_conflict": b"\x0b" + rec(b"") * 3 + rec(conflict)
        + b"".join(rec(b"", secs=5) for _ in range(4)),
        "wire_probe_other_host": b"\x0b" + rec(b"") * 3 + rec(other_probe)
        + rec(b"", secs=7) + rec(b"", secs=7),
        "wire_release": b"\x03" + rec(b"") + rec(b"", secs=1, release=True) + rec(b"", secs=1),
        "down_half_way": b"\x06" + b"".join(rec(echo_req) for _ in range(10)),
        "short_frames": b"\x00" + rec(b"\x01") + rec(echo_req[:20]) + rec(b"", lo=True)
        + rec(echo_req[:13], lo=True),
        # The device breaks, is restarted, and the lease is rebooted.
        "wire_needs_reset_restart": b"\x03" + rec(b"") + rec(b"", secs=1)
        + rec(NEEDS_RESET, event=True) + rec(echo_req) + rec(RESTART, event=True)
        + rec(b"", secs=1) + rec(b"", secs=1, ping=True) + rec(b"", secs=1),
        "static_ring_jump_restart": b"\x02" + rec(echo_req) + rec(RING_JUMP, event=True)
        + rec(echo_req, send=True) + rec(RESTART, event=True) + rec(echo_req, secs=1),
        # Bound, then handed over with frames in the ring; the netstack
        # keeps lo, and refuses the rest.
        "wire_handover": b"\x03" + rec(b"") + rec(b"", secs=1, ping=True) + rec(echo_req)
        + rec(HANDOVER, event=True) + rec(echo_req, send=True, ping=True)
        + rec(lo_echo, lo=True) + rec(RESTART, event=True) + rec(b"", release=True)
        + rec(HANDOVER, event=True) + rec(NEEDS_RESET, event=True),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds), OUT))


if __name__ == "__main__":
    main()
