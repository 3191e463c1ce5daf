#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_virtio_net: step scripts in the target's own
opcode language (see fuzz_virtio_net.c), one per scenario of the unit tests.
Run from the repository root: python3 tests/fuzz/gen_corpus_virtio.py"""
import os

(SEND, FORGE_RX, FORGE_TX, RAISE, IRQ, RX_POLL, RECLAIM, INJECT, PROCESS, CONFIG, FAULT, REINIT,
 USED_MOVE) = range(13)
FAULTS = ["USED_ID_RANGE", "USED_ID_UNPOSTED", "USED_DUPLICATE", "RX_LEN_OVER", "RX_LEN_SHORT",
          "USED_IDX_JUMP", "RESET_STUCK", "FEATURES_OK_REFUSE", "DESC_SCRIBBLE",
          "NEEDS_RESET_ON_STATUS", "CONFIG_TORN"]
# Bits of the first byte beyond the queue sizes (0x0f) and the version (0x10).
OFFER_MTU, OFFER_ACCESS_PLATFORM, SLOW_RESET = 0x20, 0x40, 0x80


def u16(v):
    return bytes([(v >> 8) & 0xff, v & 0xff])


def traffic(n):
    out = b""
    for i in range(n):
        out += bytes([SEND]) + u16(60 + 37 * i)
        out += bytes([INJECT]) + u16(46 + 91 * i)
        out += bytes([IRQ, RX_POLL, 16, RECLAIM])
    return out


def main():
    d = "tests/fuzz/corpus/fuzz_virtio_net"
    os.makedirs(d, exist_ok=True)
    seeds = {}
    for first, name in ((0x00, "legacy_q2"), (0x15, "modern_q4"), (0x0f, "legacy_q16")):
        seeds["traffic_" + name] = bytes([first]) + traffic(8)
    for i, f in enumerate(FAULTS):
        seeds["fault_" + f.lower()] = (bytes([0x10]) + traffic(1) + bytes([FAULT, 0, i]) +
                                       traffic(2) + bytes([REINIT]) + traffic(1))
    seeds["needs_reset"] = bytes([0x10]) + traffic(1) + bytes([FAULT, 1, IRQ, REINIT]) + traffic(1)
    seeds["forged_used"] = (bytes([0x10]) + traffic(1) +
                            bytes([FORGE_RX, 3]) + u16(100) + bytes([1, RX_POLL, 8]) +
                            bytes([FORGE_TX, 0x85, 0, 0, 1, 0]) + u16(0) + bytes([0x81, 0x01, 0x00, RECLAIM]))
    # The device's MTU (576, 9000, below 68), ACCESS_PLATFORM, a slow reset.
    for mtu in (576, 9000, 60):
        seeds[f"mtu_{mtu}"] = bytes([0x10 | OFFER_MTU]) + u16(mtu) + traffic(4)
    seeds["legacy_mtu_576"] = bytes([OFFER_MTU]) + u16(576) + traffic(4)
    seeds["access_platform"] = bytes([0x10 | OFFER_ACCESS_PLATFORM]) + traffic(2)
    seeds["slow_reset"] = bytes([0x10 | SLOW_RESET, 40]) + traffic(1) + bytes([FAULT, 1, IRQ, REINIT]) + traffic(1)
    # The last lap replayed: 3 TX in flight, used->idx moved by 5.
    seeds["used_idx_replay"] = (bytes([0x15]) + traffic(2) + bytes([SEND, 0, 60] * 3) +
                                bytes([USED_MOVE]) + u16((5 << 1) | 1) + bytes([RECLAIM, REINIT]) + traffic(1))
    seeds["config_storm"] = bytes([0x10]) + bytes([CONFIG, 0x12, 0x35, IRQ] * 6) + traffic(1)
    seeds["full_ring"] = bytes([0x00]) + bytes([SEND, 0, 60] * 40) + bytes([PROCESS, 1, RECLAIM]) + traffic(1)
    # Regression: a re-init that fails (reset stuck twice) leaves the queues
    # unset; the harness then forged a used entry through a NULL ring (UBSan:
    # zero offset applied to a null pointer) until forge_used checked for it.
    seeds["regress_forge_after_failed_reinit"] = (
        bytes([0x10]) + traffic(1) + bytes([FAULT, 0, 6, FAULT, 0, 6, FAULT, 1, IRQ, REINIT]) +
        bytes([FORGE_RX, 3]) + u16(100) + bytes([1, RX_POLL, 8]) + traffic(1))
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as fh:
            fh.write(data)
    print(f"wrote {len(seeds)} seeds to {d}")


if __name__ == "__main__":
    main()
