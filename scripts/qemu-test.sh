#!/usr/bin/env bash
# Boots the bare-metal bring-up images on qemu-system-riscv64 -M virt against
# QEMU's own virtio-net device and its user-mode DHCP server (restricted:
# nothing leaves the host):
#   - the M-mode image (-bios none) and the S-mode image (-bios default:
#     QEMU's OpenSBI), each with legacy and with modern virtio-mmio;
#   - the small M-mode image (the small configuration, platform/rv-virt/
#     CMakeLists.txt: no fetch, no hand-over), legacy and modern, after its
#     static RAM (.data + .bss, the stack not counted) is checked against
#     32 KiB (its link also asserts the ceiling);
#   - a failing boot of each (no network device), which must print its FAIL
#     marker and make QEMU exit non-zero;
#   - the net device in each of the other seven virtio-mmio slots, between
#     virtio-rng and virtio-blk devices, with -smp 2 and a MAC that is not
#     the default, M-mode and S-mode in turn;
#   - the S-mode image under OpenSBI's boot lottery (Debian's opensbi
#     fw_jump, -smp 4), until a hart other than 0 has won it;
#   - the TFTP fetch from slirp's TFTP server (-netdev user,...,tftp=DIR,
#     what to fetch in -append, which QEMU puts in /chosen/bootargs): a
#     small file on the four main runs, a file over 4 MiB at the largest
#     blksize slirp grants (asked 1468, granted 1428) in all four modes, a
#     file over 32 MiB at blksize 512 whose block numbers wrap past 65535
#     (M-mode legacy and S-mode modern), and a missing file and a file over
#     the image's limit, which must fail by name with QEMU exiting 1. The
#     files are generated deterministically (SHAKE-128 of a seed) in
#     BUILD_DIR/qemu/tftp; the image's size and CRC-32 are checked against
#     python3's zlib.crc32 of the file.
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
cmake --build "$build" -j"$(nproc)" --target rvnet-rv-virt.elf rvnet-rv-virt-s.elf rvnet-rv-virt-small.elf \
    >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
image_m=$build/platform/rv-virt/rvnet-rv-virt.elf
image_s=$build/platform/rv-virt/rvnet-rv-virt-s.elf
image_small=$build/platform/rv-virt/rvnet-rv-virt-small.elf
# Static RAM, as the issue counts it: .data and .bss (the DMA block, the
# buffers, the state), not the .stack region the link scripts name.
static_ram() { riscv64-unknown-elf-size -A "$1" | awk '$1 == ".data" || $1 == ".bss" { s += $2 } END { print s + 0 }'; }
ram_small=$(static_ram "$image_small")
ram_max=32768
echo "qemu-test: static RAM (.data + .bss, stack not counted): small image $ram_small of $ram_max B, default M-mode image $(static_ram "$image_m") B"
if [ "$ram_small" -gt "$ram_max" ]; then
    echo "qemu-test: the small image holds $ram_small B of static RAM, over $ram_max" >&2
    exit 1
fi
# OpenSBI's generic fw_jump (Debian's opensbi) jumps to 0x80200000 like
# QEMU's fw_dynamic. Both pick the boot hart by lottery, but under
# fw_dynamic hart 0 wins it nearly every time (19 of 20 boots with -smp 2
# here), under fw_jump with -smp 4 about every other time.
fw_jump=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
# A tiny disk for the virtio-blk devices beside the net device.
head -c 4096 /dev/zero >"$out/tiny.img"

# The files slirp's TFTP server serves: NAME SIZE SEED, SHAKE-128 of the
# seed (the same bytes on every machine), written once per size; prints the
# file's CRC-32 (zlib's, the image's) as 8 hex digits.
tftpdir=$out/tftp
mkdir -p "$tftpdir"
command -v python3 >/dev/null || { echo "qemu-test: python3 is needed (scripts/deps.sh installs it)" >&2; exit 1; }
tftp_file() {
    python3 - "$tftpdir/$1" "$2" "$3" <<'PY'
import hashlib, os, sys, zlib
path, size, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if not os.path.exists(path) or os.path.getsize(path) != size:
    with open(path + ".new", "wb") as f:
        f.write(hashlib.shake_128(("rvnet qemu-test " + seed).encode()).digest(size))
    os.replace(path + ".new", path)
with open(path, "rb") as f:
    print("%08x" % zlib.crc32(f.read()))
PY
}
small_size=5000
big_size=$((4 * 1024 * 1024 + 1234))
wrap_size=$((33 * 1024 * 1024 + 1000))
small_crc=$(tftp_file small.bin $small_size small)
big_crc=$(tftp_file big.bin $big_size big)
wrap_crc=$(tftp_file wrap.bin $wrap_size wrap)
rm -f "$tftpdir/missing.bin"
# The marker of a fetch of NAME (SIZE bytes, CRC) at block size BLK: the
# blocks are SIZE / BLK + 1 (the last one short, possibly empty).
tftp_ok() {
    echo "~SELFTEST: tftp ok file=$1 size=$2 crc32=0x$3 blocks=$(($2 / $4 + 1)) blksize=$4 ms=[0-9]+"
}

# What the next run_ok fetches: its -append (none: nothing asked) and the
# marker that must follow the gateway ping; and whether its link is dumped.
fetch_args=""
fetch_marker="tftp: nothing to fetch (no tftp= in bootargs)"
dump=1

# Boots one image: NAME MODE then QEMU arguments. MODE m: the M-mode image,
# -bios none; s: the S-mode image, -bios default (QEMU's OpenSBI); sj: the
# S-mode image on $fw_jump; small: the small M-mode image, -bios none.
# Leaves the console in
# $out/NAME.log (stamped copy in NAME.times), the link in NAME.pcap, and
# QEMU's exit status in $rc.
boot() {
    local name=$1 mode=$2
    shift 2
    local log=$out/$name.log tlog=$out/$name.times image=$image_m bios=none
    [ "$mode" = s ] && image=$image_s bios=default
    [ "$mode" = sj ] && image=$image_s bios=$fw_jump
    [ "$mode" = small ] && image=$image_small
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

# One passing run: NAME MODE VIRTIO SLOT MAC, then the other QEMU arguments,
# then optionally -- and the devices to put after the net device (QEMU fills
# the slots from the top in the order of the -device options: devices
# before the net device land in higher slots, after it in lower).
# The net device is the SLOT-th virtio-mmio transport (0..7), so its
# registers are at 0x10001000 + SLOT * 0x1000 and its PLIC source is 1 + SLOT.
run_ok() {
    local name=$1 mode=$2 ver=$3 slot=$4 mac=$5
    shift 5
    local args=() after=() pcap=$out/$name.pcap
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        args+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift && after=("$@")
    [ "$ver" = modern ] && args+=(-global virtio-mmio.force-legacy=false)
    [ -n "$fetch_args" ] && args+=(-append "$fetch_args")
    local dumpdev=()
    # shellcheck disable=SC2054 # the commas are QEMU option syntax
    [ "$dump" = 1 ] && dumpdev=(-object filter-dump,id=d0,netdev=n0,file="$pcap")
    boot "$name" "$mode" "${args[@]}" \
        -device virtio-net-device,netdev=n0,mac="$mac$devopts" -netdev user,id=n0,restrict=on,tftp="$tftpdir" \
        "${dumpdev[@]}" "${after[@]}"
    local mmio irq
    mmio=$(printf '0x%08x' $((0x10001000 + slot * 0x1000)))
    irq=$((1 + slot))
    local markers=()
    [ "$mode" = sj ] && mode=s
    [ "$mode" = small ] && mode=m
    if [ "$mode" = s ]; then
        # What OpenSBI offers, checked by the image before anything else.
        markers+=("~sbi: spec [0-9]+\.[0-9]+, OpenSBI [0-9]+\.[0-9]+, extensions: time srst hsm"
            "~board: S-mode hart=[0-9]+ plic-context=[0-9]+ timebase=10000000")
    fi
    # The dhcp line shows what slirp really gave (restrict=on: no router, no DNS).
    markers+=(
        "virtionet: ready"
        "virtionet: mmio=$mmio irq=$irq mac=$mac mtu=$mtu virtio=$ver"
        "netstack: ready"
        "netstack: lo up"
        "netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none"
        "SELFTEST: net lo ping ok"
        "SELFTEST: net gw ping ok"
        "$fetch_marker"
        "netstack: virt0 dhcp released addr=10.0.2.15"
        "netstack: virt0 dhcp-stub addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3"
        "netstack: virt0 dhcp released addr=10.0.2.15"
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
    # tshark's full check of the link (a second per run) on the four main
    # runs; the others keep the frame count and MAC check below.
    [ "$check_link" = 1 ] && bash scripts/check-pcap.sh "$pcap" wire
    # Every frame from the image carries the device's MAC, and every frame
    # the wire delivered to it was handled: the counts on the link match the
    # image's own (vnet_counters, which irq_check matched to the netstack's).
    # Runs without a dump (the 33 MiB fetch: 135,000 frames) keep only the
    # image's own check (irq_check: every frame delivered was handled).
    local tx rx wire_tx wire_rx
    tx=$(sed -n 's/^virtionet: tx \([0-9]*\) frames, rx \([0-9]*\) frames.*/\1/p' "$out/$name.log")
    rx=$(sed -n 's/^virtionet: tx \([0-9]*\) frames, rx \([0-9]*\) frames.*/\2/p' "$out/$name.log")
    if [ "$dump" = 1 ]; then
        read -r wire_tx wire_rx < <(tshark -r "$pcap" -T fields -e eth.src 2>/dev/null |
            awk -v m="$mac" '{ if ($1 == m) t++; else r++ } END { print t + 0, r + 0 }')
    else
        wire_tx=$tx wire_rx=$rx
    fi
    if [ -z "$tx" ] || [ "$tx" -eq 0 ] || [ "$tx" != "$wire_tx" ] || [ "$rx" != "$wire_rx" ]; then
        echo "qemu-test: $name: image tx $tx rx $rx, link from $mac $wire_tx, to it $wire_rx" >&2
        return 1
    fi
    local fetched
    fetched=$(grep -m1 '^tftp: .* MiB/s' "$out/$name.log" | sed 's/^tftp: //' || true)
    [ -n "$fetched" ] && fetched="; $fetched"
    local where="on the link"
    [ "$dump" = 1 ] || where="(no dump)"
    awk -v a="$t0" -v b="$tdhcp" -v n="$name" -v l="${irqline#irq: }" -v t="$tx" -v r="$rx" \
        -v w="$where" -v f="$fetched" 'BEGIN {
        printf "qemu-test: %s: ok, exit 0; lease %.1f ms after QEMU start; tx %s rx %s %s; %s%s\n",
            n, (b - a) * 1000, t, r, w, l, f }'
}

# One fetch that must fail: NAME MODE VIRTIO BOOTARGS, then the markers in
# order, the last one the FAIL marker (the reason, the server's message);
# QEMU must exit 1.
run_fetch_fail() {
    local name=$1 mode=$2 ver=$3 bootargs=$4 args=()
    shift 4
    [ "$ver" = modern ] && args+=(-global virtio-mmio.force-legacy=false)
    boot "$name" "$mode" "${args[@]}" -append "$bootargs" \
        -device virtio-net-device,netdev=n0,mac=02:00:00:00:00:01 \
        -netdev user,id=n0,restrict=on,tftp="$tftpdir"
    markers_in_order "$name" "$@"
    if [ "$rc" -ne 1 ]; then
        echo "qemu-test: $name: a failing fetch made qemu exit $rc, not 1; log: $out/$name.log" >&2
        return 1
    fi
    echo "qemu-test: $name: $(grep -m1 '^SELFTEST: .* FAIL' "$out/$name.log"), qemu exit 1, as it must"
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

check_link=1
mac=02:00:00:00:00:01
# More properties of the net device for the next run_ok, and the MTU its
# marker line must show (the effective one: the device's with host_mtu=).
devopts=""
mtu=1500
# The four main runs fetch a small file (four blocks), so tshark's full
# check sees the TFTP exchange too.
fetch_args="tftp=small.bin"
fetch_marker=$(tftp_ok small.bin $small_size "$small_crc" 1428)
main_fetch_marker=$fetch_marker
run_ok m-legacy m legacy 7 $mac
run_ok m-modern m modern 7 $mac
run_ok s-legacy s legacy 7 $mac
run_ok s-modern s modern 7 $mac
# The small image: the same sequence and checks, without the fetch.
fetch_args=""
fetch_marker="tftp: not in this image (small configuration)"
run_ok small-m-legacy small legacy 7 $mac
run_ok small-m-modern small modern 7 $mac
fetch_args="tftp=small.bin"
fetch_marker=$main_fetch_marker
run_fail m-fail m
run_fail small-fail small
run_fail s-fail s
# QEMU with iommu_platform=on offers VIRTIO_F_ACCESS_PLATFORM (modern only:
# it is in feature word 1) and refuses FEATURES_OK without it.
devopts=",iommu_platform=on"
run_ok s-modern-iommu s modern 7 $mac
# host_mtu= offers VIRTIO_NET_F_MTU: the image prints the device's MTU and
# asks for TFTP blocks that fit it (512 + 32 bytes of headers <= 576).
devopts=",host_mtu=576"
mtu=576
fetch_args="tftp=small.bin blksize=512"
fetch_marker=$(tftp_ok small.bin $small_size "$small_crc" 512)
run_ok m-legacy-mtu576 m legacy 7 $mac
run_ok s-modern-mtu576 s modern 7 $mac
devopts=""
mtu=1500

check_link=0
t_fetch=$EPOCHREALTIME
# Over 4 MiB at the largest block slirp grants, in all four modes.
fetch_args="tftp=big.bin blksize=1468"
fetch_marker=$(tftp_ok big.bin $big_size "$big_crc" 1428)
run_ok tftp-m-legacy m legacy 7 $mac
run_ok tftp-m-modern m modern 7 $mac
run_ok tftp-s-legacy s legacy 7 $mac
# The busy poll P7 boots with (spin=300: after each ACK the stack is polled
# before the hart sleeps), once, so the path is tested where it is measured.
fetch_args="tftp=big.bin blksize=1468 spin=300"
run_ok tftp-s-modern-spin s modern 7 $mac
# Over 32 MiB at 512-byte blocks: block 65535 is followed by block 0 (ACK
# 65535, then ACK 0); one legacy and one modern run, one per mode.
fetch_args="tftp=wrap.bin blksize=512"
fetch_marker=$(tftp_ok wrap.bin $wrap_size "$wrap_crc" 512)
dump=0
run_ok tftp-wrap-m-legacy m legacy 7 $mac
run_ok tftp-wrap-s-modern s modern 7 $mac
dump=1
# Refused by the server (ERROR 1, its message kept) and by the image's own
# limit (tsize in the OACK over maxsize: ERROR 3 before any data).
not_found='SELFTEST: tftp FAIL reason=not-found file=missing.bin bytes=0 server-error=1 server-msg="File not found"'
run_fetch_fail tftp-missing-m m modern "tftp=missing.bin" "virtionet: ready" "SELFTEST: net gw ping ok" \
    "$not_found"
run_fetch_fail tftp-missing-s s legacy "tftp=missing.bin" "virtionet: ready" "SELFTEST: net gw ping ok" \
    "$not_found"
run_fetch_fail tftp-too-big-m m legacy "tftp=big.bin maxsize=1000000" "virtionet: ready" \
    "SELFTEST: net gw ping ok" "SELFTEST: tftp FAIL reason=too-big file=big.bin bytes=0"
# A value bootargs cannot hold fails the boot before anything else.
run_fetch_fail tftp-bad-bootargs-m m legacy "console=x tftp=big.bin blksize=7" \
    "rvnet rv-virt bring-up" "SELFTEST: bootargs FAIL reason=bad-blksize"
run_fetch_fail tftp-bad-spin-s s modern "tftp=big.bin spin=10001" \
    "rvnet rv-virt bring-up" "SELFTEST: bootargs FAIL reason=bad-spin"
# The device's interrupt masked by mistake (selftest=irq-masked leaves the
# PLIC source off): every wait is bounded by the timer, so the run must end
# in the irq check's FAIL, with QEMU exiting 1, not hang until the timeout.
run_fetch_fail irq-masked-m m legacy "selftest=irq-masked" "virtionet: ready" \
    "SELFTEST: net gw ping ok" "SELFTEST: irq FAIL reason=no-device-trap"
run_fetch_fail irq-masked-s s modern "selftest=irq-masked" "virtionet: ready" \
    "SELFTEST: net gw ping ok" "SELFTEST: irq FAIL reason=no-device-trap"
awk -v a="$t_fetch" -v b="$EPOCHREALTIME" 'BEGIN { printf "qemu-test: the fetch runs took %.1f s\n", b - a }'

# The hand-over's frontend side (issue 14 on the target): after the
# bring-up, handover=MS gives the live device to a raw consumer
# (platform/rv-virt/handover.c) that pings slirp and answers its ARP, with
# no reset; the marker checks every ping was answered, slirp asked for us,
# Status kept DRIVER_OK, and the netstack was refused.
run_handover() {
    local name=$1 mode=$2 ver=$3 args=() pcap=$out/$1.pcap
    [ "$ver" = modern ] && args+=(-global virtio-mmio.force-legacy=false)
    # shellcheck disable=SC2054 # the commas are QEMU option syntax
    boot "$name" "$mode" "${args[@]}" -append "handover=1000" \
        -device virtio-net-device,netdev=n0,mac=02:00:00:00:00:01 \
        -netdev user,id=n0,restrict=on -object filter-dump,id=d0,netdev=n0,file="$pcap"
    markers_in_order "$name" "netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none" \
        "~SELFTEST: irq ok traps=[0-9]+ wfi=[0-9]+" \
        "~handover: the netstack gave virt0 away: addr=10\.0\.2\.15 peer=10\.0\.2\.2 .*" \
        "~SELFTEST: handover ok pings=([0-9]+)/\1 arp-answered=[1-9][0-9]* status=0x0[7f] rx=[0-9]+ tx=[0-9]+" \
        "SELFTEST: done"
    if [ "$rc" -ne 0 ]; then
        echo "qemu-test: $name: qemu exited $rc; log: $out/$name.log" >&2
        return 1
    fi
    bash scripts/check-pcap.sh "$pcap" wire
    local asked answered
    asked=$(tshark -r "$pcap" -Y 'arp.opcode == 1 && arp.src.proto_ipv4 == 10.0.2.2 && arp.dst.proto_ipv4 == 10.0.2.15' 2>/dev/null | wc -l)
    answered=$(tshark -r "$pcap" -Y 'arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.2.15 && eth.src == 02:00:00:00:00:01' 2>/dev/null | wc -l)
    if [ "$asked" -eq 0 ] || [ "$answered" -lt "$asked" ]; then
        echo "qemu-test: $name: slirp asked $asked, answered $answered" >&2
        return 1
    fi
    echo "qemu-test: $name: $(grep -m1 '^SELFTEST: handover ok' "$out/$name.log"); slirp asked for us $asked times, answered $answered"
}
run_handover handover-m-legacy m legacy
run_handover handover-s-modern s modern

# The other runs ask for nothing: the bring-up without a fetch.
fetch_args=""
fetch_marker="tftp: nothing to fetch (no tftp= in bootargs)"

# N other virtio devices, virtio-rng and virtio-blk in turn, into $devs.
fillers() {
    local n=$1 tag=$2 i
    for ((i = 0; i < n; i++)); do
        if [ $((i % 2)) -eq 0 ]; then
            devs+=(-device virtio-rng-device)
        else
            devs+=(-drive "if=none,id=$tag$i,file=$out/tiny.img,format=raw,readonly=on"
                -device "virtio-blk-device,drive=$tag$i")
        fi
    done
}

# The net device in slot 0..6 (slot 7 is the runs above): 7 - slot devices
# before it and one after it (slot 0 has no room), -smp 2, the slot in the
# MAC; M-mode and S-mode, legacy and modern in turn.
modes=(m s)
vers=(legacy modern)
for slot in 0 1 2 3 4 5 6; do
    devs=()
    fillers $((7 - slot)) b
    before=("${devs[@]}")
    devs=()
    [ "$slot" -gt 0 ] && fillers 1 a
    run_ok "slot$slot-${modes[$((slot % 2))]}-${vers[$(((slot / 2) % 2))]}" "${modes[$((slot % 2))]}" \
        "${vers[$(((slot / 2) % 2))]}" "$slot" "52:54:00:12:34:5$slot" -smp 2 "${before[@]}" -- "${devs[@]}"
done

# OpenSBI's lottery: whichever of four harts gets there first boots the
# image, which must use that hart's S-mode PLIC context (run_ok checks it
# against the hart the image reports). Up to eight boots, each checked in
# full, until one ran on a hart other than 0.
if [ -f "$fw_jump" ]; then
    won=""
    for try in 1 2 3 4 5 6 7 8; do
        devs=()
        fillers 2 l
        run_ok "lottery$try" sj modern 5 52:54:00:ab:cd:ef -smp 4 "${devs[@]}" -- \
            -device virtio-rng-device
        hart=$(sed -n 's/^board: S-mode hart=\([0-9]*\) .*/\1/p' "$out/lottery$try.log")
        if [ "$hart" != 0 ]; then
            won=$hart
            break
        fi
    done
    if [ -n "$won" ]; then
        echo "qemu-test: lottery: hart $won booted the S-mode image after $try boot(s)"
    else
        echo "qemu-test: NOTE: hart 0 won OpenSBI's lottery in all 8 boots; the image" \
            "passed each, but a boot hart other than 0 was not seen this time"
    fi
else
    echo "qemu-test: SKIPPED: the lottery runs need $fw_jump (Debian's opensbi)" >&2
fi

awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "qemu-test: all runs passed in %.1f s\n", b - a }'
