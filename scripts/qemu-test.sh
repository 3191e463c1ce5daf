#!/usr/bin/env bash
# Boots the bare-metal bring-up image on qemu-system-riscv64 -M virt against
# QEMU's own virtio-net device and its user-mode DHCP server (restricted:
# nothing leaves the host), legacy virtio-mmio and then modern; checks the
# marker lines in order, QEMU's exit code, and the captured link with tshark.
#   usage: qemu-test.sh [BUILD_DIR]      (default build/riscv64)
#   QEMU_TIMEOUT=N   seconds per run (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/riscv64}
timeout_s=${QEMU_TIMEOUT:-60}
out=$build/qemu
mkdir -p "$out"

cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/riscv64-unknown-elf.cmake \
    -DCMAKE_BUILD_TYPE=MinSizeRel >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target rvnet-rv-virt.elf >"$out/build.log" 2>&1 ||
    { cat "$out/build.log"; exit 1; }
image=$build/platform/rv-virt/rvnet-rv-virt.elf

run_one() {
    local mode=$1 ver=$2
    local log=$out/$mode.log pcap=$out/$mode.pcap tlog=$out/$mode.times
    local extra=()
    [ "$mode" = modern ] && extra=(-global virtio-mmio.force-legacy=false)
    rm -f "$log" "$pcap" "$tlog"
    local t0=$EPOCHREALTIME rc=0
    # Each console line is stamped with the wall clock as it arrives. QEMU's
    # own exit status is taken from PIPESTATUS, outside errexit/pipefail.
    set +e
    timeout "$timeout_s" qemu-system-riscv64 -nographic -M virt -m 256M -bios none \
        -kernel "$image" "${extra[@]}" \
        -device virtio-net-device,netdev=n0,mac=02:00:00:00:00:01 \
        -netdev user,id=n0,restrict=on \
        -object filter-dump,id=d0,netdev=n0,file="$pcap" \
        </dev/null 2>&1 | while IFS= read -r line; do
            # Read straight from QEMU (a filter such as tr would buffer the
            # lines and make the stamps late); the console ends lines CR LF.
            line=${line%$'\r'}
            printf '%s\n' "$line" >>"$log"
            printf '%s %s\n' "$EPOCHREALTIME" "$line" >>"$tlog"
        done
    rc=${PIPESTATUS[0]}
    set -e
    touch "$log" "$tlog"
    # The markers, in order (the dhcp line shows what slirp really gave); a
    # marker starting with ~ is an extended regular expression.
    local markers=(
        "virtionet: ready"
        "virtionet: mmio=0x10008000 irq=8 mac=02:00:00:00:00:01 mtu=1500 virtio=$ver"
        "netstack: ready"
        "netstack: lo up"
        "netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none"
        "SELFTEST: net lo ping ok"
        "SELFTEST: net gw ping ok"
        "netstack: virt0 dhcp-stub addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3"
        "~SELFTEST: irq ok traps=[1-9][0-9]* wfi=[1-9][0-9]*"
        "SELFTEST: done"
    )
    local pos=0 m line_no how
    for m in "${markers[@]}"; do
        how=-xF
        [ "${m:0:1}" = "~" ] && how=-xE m=${m:1}
        line_no=$(tail -n +"$((pos + 1))" "$log" | grep -n "$how" -m1 -- "$m" | cut -d: -f1 || true)
        if [ -z "$line_no" ]; then
            echo "qemu-test: $mode: marker missing: '$m' (qemu exited $rc; console log: $log)" >&2
            sed 's/^/    | /' "$log" >&2
            return 1
        fi
        pos=$((pos + line_no))
    done
    # sifive_test: 0x5555 makes QEMU exit 0.
    if [ "$rc" -ne 0 ]; then
        echo "qemu-test: $mode: qemu exited $rc (124 = timeout after ${timeout_s}s); log: $log" >&2
        return 1
    fi
    local tdhcp
    tdhcp=$(grep -m1 ' netstack: virt0 dhcp addr=' "$tlog" | cut -d' ' -f1)
    awk -v a="$t0" -v b="$tdhcp" -v m="$mode" \
        'BEGIN { printf "qemu-test: %s: QEMU start to DHCP lease marker: %.1f ms\n", m, (b - a) * 1000 }'
    bash scripts/check-pcap.sh "$pcap" wire
    echo "qemu-test: $mode: all markers in order, exit 0"
}

run_one legacy legacy
run_one modern modern
