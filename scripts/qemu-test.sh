#!/usr/bin/env bash
# Boots the bare-metal bring-up images on qemu-system-riscv64 -M virt against
# QEMU's own virtio-net device and its user-mode DHCP server (restricted:
# nothing leaves the host):
#   - the M-mode image (-bios none) and the S-mode image (-bios default:
#     QEMU's OpenSBI), each with legacy and with modern virtio-mmio;
#   - a failing boot of each (no network device), which must print its FAIL
#     marker and make QEMU exit non-zero.
# Each boot is checked for its marker lines in order (the irq marker: the
# device's interrupt taken as traps, the hart woken from wfi), QEMU's exit
# code, the captured link with tshark, the MAC the frames carry, and that
# the frames the wire delivered are the frames the image handled.
#   usage: qemu-test.sh [BUILD_DIR]      (default build/riscv64)
#   QEMU_TIMEOUT=N   seconds per run (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/riscv64}
timeout_s=${QEMU_TIMEOUT:-60}
out=$build/qemu
mkdir -p "$out"
t_start=$EPOCHREALTIME

cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/riscv64-unknown-elf.cmake \
    -DCMAKE_BUILD_TYPE=MinSizeRel >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target rvnet-rv-virt.elf rvnet-rv-virt-s.elf \
    >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
image_m=$build/platform/rv-virt/rvnet-rv-virt.elf
image_s=$build/platform/rv-virt/rvnet-rv-virt-s.elf

# Boots one image: NAME MODE(m|s) then QEMU arguments. Leaves the console in
# $out/NAME.log (stamped copy in NAME.times), the link in NAME.pcap, and
# QEMU's exit status in $rc.
boot() {
    local name=$1 mode=$2
    shift 2
    local log=$out/$name.log tlog=$out/$name.times image=$image_m bios=none
    [ "$mode" = s ] && image=$image_s bios=default
    rm -f "$log" "$tlog" "$out/$name.pcap"
    t0=$EPOCHREALTIME
    # Each console line is stamped with the wall clock as it arrives. QEMU's
    # own exit status is taken from PIPESTATUS, outside errexit/pipefail.
    set +e
    timeout "$timeout_s" qemu-system-riscv64 -nographic -M virt -m 256M -bios "$bios" \
        -kernel "$image" "$@" </dev/null 2>&1 | while IFS= read -r line; do
            # Read straight from QEMU (a filter such as tr would buffer the
            # lines and make the stamps late); the console ends lines CR LF.
            line=${line%$'\r'}
            printf '%s\n' "$line" >>"$log"
            printf '%s %s\n' "$EPOCHREALTIME" "$line" >>"$tlog"
        done
    rc=${PIPESTATUS[0]}
    set -e
    touch "$log" "$tlog"
}

# The markers in order: NAME then markers; a marker starting with ~ is an
# extended regular expression.
markers_in_order() {
    local name=$1 pos=0 m line_no how
    shift
    for m in "$@"; do
        how=-xF
        [ "${m:0:1}" = "~" ] && how=-xE m=${m:1}
        line_no=$(tail -n +"$((pos + 1))" "$out/$name.log" | grep -n "$how" -m1 -- "$m" | cut -d: -f1 || true)
        if [ -z "$line_no" ]; then
            echo "qemu-test: $name: marker missing: '$m' (qemu exited $rc; console log: $out/$name.log)" >&2
            sed 's/^/    | /' "$out/$name.log" >&2
            return 1
        fi
        pos=$((pos + line_no))
    done
}

# One passing run: NAME MODE VIRTIO SLOT MAC, then the other QEMU arguments
# (devices before the net device land in higher slots, after it in lower).
# The net device is the SLOT-th virtio-mmio transport (0..7), so its
# registers are at 0x10001000 + SLOT * 0x1000 and its PLIC source is 1 + SLOT.
run_ok() {
    local name=$1 mode=$2 ver=$3 slot=$4 mac=$5
    shift 5
    local args=("$@") pcap=$out/$name.pcap
    [ "$ver" = modern ] && args+=(-global virtio-mmio.force-legacy=false)
    boot "$name" "$mode" "${args[@]}" \
        -device virtio-net-device,netdev=n0,mac="$mac" -netdev user,id=n0,restrict=on \
        -object filter-dump,id=d0,netdev=n0,file="$pcap"
    local mmio irq
    mmio=$(printf '0x%08x' $((0x10001000 + slot * 0x1000)))
    irq=$((1 + slot))
    local markers=()
    if [ "$mode" = s ]; then
        # What OpenSBI offers, checked by the image before anything else.
        markers+=("~sbi: spec [0-9]+\.[0-9]+, OpenSBI [0-9]+\.[0-9]+, extensions: time srst hsm"
            "~board: S-mode hart=[0-9]+ plic-context=[0-9]+ timebase=10000000")
    fi
    # The dhcp line shows what slirp really gave (restrict=on: no router, no DNS).
    markers+=(
        "virtionet: ready"
        "virtionet: mmio=$mmio irq=$irq mac=$mac mtu=1500 virtio=$ver"
        "netstack: ready"
        "netstack: lo up"
        "netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none"
        "SELFTEST: net lo ping ok"
        "SELFTEST: net gw ping ok"
        "netstack: virt0 dhcp-stub addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3"
        "~SELFTEST: irq ok traps=[1-9][0-9]* wfi=[1-9][0-9]*"
        "SELFTEST: done"
    )
    markers_in_order "$name" "${markers[@]}"
    # sifive_test: 0x5555 makes QEMU exit 0 (S-mode: through SBI SRST).
    if [ "$rc" -ne 0 ]; then
        echo "qemu-test: $name: qemu exited $rc (124 = timeout after ${timeout_s}s); log: $out/$name.log" >&2
        return 1
    fi
    # The trap went to the boot hart's own PLIC context: 2*hart (M), 2*hart+1 (S).
    local irqline hart ctx want
    irqline=$(grep -m1 '^irq: mode=' "$out/$name.log")
    hart=$(sed -n 's/.* hart=\([0-9]*\) .*/\1/p' <<<"$irqline")
    ctx=$(sed -n 's/.* plic-context=\([0-9]*\) .*/\1/p' <<<"$irqline")
    want=$((2 * hart))
    [ "$mode" = s ] && want=$((2 * hart + 1))
    if [ "$ctx" != "$want" ] || ! grep -q "^irq: mode=${mode^^} " <<<"$irqline"; then
        echo "qemu-test: $name: '$irqline': want mode ${mode^^}, context $want for hart $hart" >&2
        return 1
    fi
    if [ "$mode" = s ] && ! grep -qx "board: S-mode hart=$hart plic-context=$ctx timebase=10000000" "$out/$name.log"; then
        echo "qemu-test: $name: the board line and the irq line disagree on the hart" >&2
        return 1
    fi
    local tdhcp
    tdhcp=$(grep -m1 ' netstack: virt0 dhcp addr=' "$out/$name.times" | cut -d' ' -f1)
    bash scripts/check-pcap.sh "$pcap" wire
    # Every frame from the image carries the device's MAC, and every frame
    # the wire delivered to it was handled: the counts on the link match the
    # image's own (vnet_counters, which irq_check matched to the netstack's).
    local tx rx wire_tx wire_rx
    tx=$(sed -n 's/^virtionet: tx \([0-9]*\) frames, rx \([0-9]*\) frames.*/\1/p' "$out/$name.log")
    rx=$(sed -n 's/^virtionet: tx \([0-9]*\) frames, rx \([0-9]*\) frames.*/\2/p' "$out/$name.log")
    wire_tx=$(tshark -r "$pcap" -Y "eth.src == $mac" 2>/dev/null | wc -l)
    wire_rx=$(tshark -r "$pcap" -Y "eth.src != $mac" 2>/dev/null | wc -l)
    if [ -z "$tx" ] || [ "$tx" -eq 0 ] || [ "$tx" != "$wire_tx" ] || [ "$rx" != "$wire_rx" ]; then
        echo "qemu-test: $name: image tx $tx rx $rx, link from $mac $wire_tx, to it $wire_rx" >&2
        return 1
    fi
    awk -v a="$t0" -v b="$tdhcp" -v n="$name" -v l="${irqline#irq: }" -v t="$tx" -v r="$rx" 'BEGIN {
        printf "qemu-test: %s: ok, exit 0; lease %.1f ms after QEMU start; tx %s rx %s on the link; %s\n",
            n, (b - a) * 1000, t, r, l }'
}

# One failing run: NAME MODE; no network device, so the image must say so
# and QEMU must exit with the image's status (1), not 0 and not a timeout.
run_fail() {
    local name=$1 mode=$2
    boot "$name" "$mode"
    markers_in_order "$name" "SELFTEST: virtionet FAIL reason=no-device"
    if [ "$rc" -ne 1 ]; then
        echo "qemu-test: $name: a failing run made qemu exit $rc, not 1; log: $out/$name.log" >&2
        return 1
    fi
    echo "qemu-test: $name: FAIL marker, qemu exit 1, as it must"
}

mac=02:00:00:00:00:01
run_ok m-legacy m legacy 7 $mac
run_ok m-modern m modern 7 $mac
run_ok s-legacy s legacy 7 $mac
run_ok s-modern s modern 7 $mac
run_fail m-fail m
run_fail s-fail s

awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "qemu-test: all runs passed in %.1f s\n", b - a }'
