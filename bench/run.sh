#!/usr/bin/env bash
# Runs every rvnet benchmark (P1..P7) and its side-by-side comparison in one
# go, so the ratios come from the same minutes on the same machine, then
# prints one table and writes the same rows as JSON. bench/README.md says
# what each number means.
#
#   usage: bash bench/run.sh [--update-readme] [JSON_PATH]   (default bench/results.json)
#     --update-readme   also puts this run's table and profiles into
#                       bench/README.md, between its results markers
#   QEMU_RUNS=N      boots per QEMU measurement, median taken (default 5)
#   QEMU_TIMEOUT=N   hard limit in seconds per boot (default 30)
#   BENCH_ONLY=P1P2  run only P1 and P2 (no QEMU, about a minute), print
#                    their rows and stop; no JSON, README untouched
#
# It installs what it lacks (scripts/deps.sh bench: liblwip-dev, u-boot-qemu,
# valgrind, QEMU, the riscv64 toolchain and picolibc; python3 for P7's
# files and profile), builds into its own
# directories (build/bench-host: Release host build; build/bench-rv: the
# riscv64 MinSizeRel target build; build/bench-rv-lto: the same with -flto,
# for one row; build/bench-size: the bench-only size
# images; build/bench-lwip: the lwIP program) and keeps raw outputs,
# callgrind files and profiles in build/bench-out. It never fails on speed or
# size: a missed target is reported as missed. It fails only when something
# could not be built or run.
set -euo pipefail
cd "$(dirname "$0")/.."
update_readme=0
if [ "${1:-}" = --update-readme ]; then
    update_readme=1
    shift
fi
json=${1:-bench/results.json}
cmdline="bash bench/run.sh"
[ "$update_readme" = 1 ] && cmdline="$cmdline --update-readme"
[ -n "${1:-}" ] && cmdline="$cmdline $1"
qemu_runs=${QEMU_RUNS:-5}
qemu_timeout=${QEMU_TIMEOUT:-30}
out=build/bench-out
host=build/bench-host
rv=build/bench-rv
sizedir=build/bench-size
lwipdir=build/bench-lwip
jobs=$(nproc)
mkdir -p "$out/profiles" "$sizedir" "$lwipdir"
rows=$out/rows.tsv
: >"$rows"
: >"$out/p4-runs.txt"

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}
# One table row: id, measure, value, target, met (yes/no/-), comparison, ratio.
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"; }
# a <= b, a >= b and a / b for decimal numbers.
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? "yes" : "no" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 >= b + 0) ? "yes" : "no" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'; }

# --- dependencies and builds -------------------------------------------------
bash scripts/deps.sh bench

say "host build (Release, gcc) in $host"
# A cache from another compiler or build type is thrown away: CMake would
# otherwise keep it, or drop the build type when the compiler changes.
if [ -f "$host/CMakeCache.txt" ] &&
    ! { grep -qx 'CMAKE_BUILD_TYPE:STRING=Release' "$host/CMakeCache.txt" &&
        grep -qE '^CMAKE_C_COMPILER:[A-Z]+=(/usr/bin/)?gcc$' "$host/CMakeCache.txt"; }; then
    rm -rf "$host"
fi
CC=gcc cmake -S . -B "$host" -DCMAKE_BUILD_TYPE=Release >"$out/host-configure.log" 2>&1 ||
    { cat "$out/host-configure.log"; die "host configure failed"; }
cmake --build "$host" -j"$jobs" --target bench_netstack bench_dhcp bench_virtio bench_lwip_vnet >"$out/host-build.log" 2>&1 ||
    { cat "$out/host-build.log"; die "host build failed"; }

say "lwIP program in $lwipdir (Debian's liblwip.so, same flags as the Release build)"
gcc -std=c11 -O3 -DNDEBUG -Wall -Wextra -Werror -isystem /usr/include/lwip \
    bench/lwip/bench_lwip.c -llwip -o "$lwipdir/bench_lwip" 2>"$out/lwip-build.log" ||
    { cat "$out/lwip-build.log"; die "bench_lwip build failed"; }

say "riscv64 target build (MinSizeRel) in $rv"
cmake -S . -B "$rv" -DCMAKE_TOOLCHAIN_FILE=cmake/riscv64-unknown-elf.cmake \
    -DCMAKE_BUILD_TYPE=MinSizeRel >"$out/rv-configure.log" 2>&1 ||
    { cat "$out/rv-configure.log"; die "riscv64 configure failed"; }
cmake --build "$rv" -j"$jobs" >"$out/rv-build.log" 2>&1 ||
    { cat "$out/rv-build.log"; die "riscv64 build failed"; }
image=$rv/platform/rv-virt/rvnet-rv-virt.elf

# The bench-only size image (bench/size/size_main.c), built by
# bench/size/size-image.sh, which the size budget test
# (bench/size/check-budget.sh) builds and measures the same way.
# shellcheck source=bench/size/size-image.sh
source bench/size/size-image.sh
libs=("${size_libs[@]}")
lib_dir() { size_lib_dir "$1"; }
includes=("${size_includes[@]}")
rvflags=("${size_rvflags[@]}")
size_image_build "$rv" "$sizedir" 2>"$out/size-nostub.log" ||
    { cat "$out/size-nostub.log"; die "the size image failed to build"; }
# The same image with link-time optimisation, for one P2 row: what -flto
# gives a firmware that builds the libraries into its own image. The
# libraries are compiled again with -flto into build/bench-rv-lto; the
# installed archives and every other row stay without it. The link leaves
# out -Wmaybe-uninitialized: inlining across files, GCC 12 takes ns_ip.c's
# struct np_udp u (read only when the UDP parse filled it, udp_ok) for
# maybe unset, a false positive the per-file builds do not see.
rvlto=build/bench-rv-lto
lto_flags="$(awk '/CMAKE_C_FLAGS_INIT/ { getline; gsub(/^ *"|"\)$/, ""); print }' cmake/riscv64-unknown-elf.cmake) -flto"
if [ -f "$rvlto/CMakeCache.txt" ] && ! grep -qxF "CMAKE_C_FLAGS:STRING=$lto_flags" "$rvlto/CMakeCache.txt"; then
    rm -rf "$rvlto"
fi
lto_archives=()
for l in "${libs[@]}"; do lto_archives+=("$rvlto/userspace/libs/$(lib_dir "$l")/librvnet_$l.a"); done
cmake -S . -B "$rvlto" -DCMAKE_TOOLCHAIN_FILE=cmake/riscv64-unknown-elf.cmake -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_C_FLAGS="$lto_flags" -DCMAKE_AR="$(command -v riscv64-unknown-elf-gcc-ar)" \
    -DCMAKE_RANLIB="$(command -v riscv64-unknown-elf-gcc-ranlib)" >"$out/rv-lto.log" 2>&1 &&
    cmake --build "$rvlto" -j"$jobs" --target "${libs[@]/#/rvnet_}" >>"$out/rv-lto.log" 2>&1 &&
    riscv64-unknown-elf-gcc "${rvflags[@]}" -flto "${includes[@]}" -c bench/size/size_main.c \
        -o "$sizedir/size_main_lto.o" >>"$out/rv-lto.log" 2>&1 &&
    riscv64-unknown-elf-gcc "${rvflags[@]}" -flto -Wno-maybe-uninitialized -nostartfiles -T platform/rv-virt/link_m.ld \
        -Wl,--gc-sections "$sizedir"/{entry_m,board_m,board,irq}.o "$sizedir/size_main_lto.o" "${lto_archives[@]}" \
        -lc -lgcc -o "$sizedir/size-lto.elf" >>"$out/rv-lto.log" 2>&1 ||
    { cat "$out/rv-lto.log"; die "the -flto size image failed to build"; }
# .text and .rodata bytes each input file put into a linked image, from the
# GNU ld map (after gc-sections): "bytes file" lines.
map_sum() { size_map_sum "$1"; }

# --- P1: ICMP echo on lo -----------------------------------------------------
# Instructions: callgrind's total for N=10000 minus N=0, over 10000 (start-up,
# dynamic linking and init cancel out). Time: 1,000,000 echoes natively.
callgrind_per() { # name program args-before-N... : prints instructions per iteration
    local name=$1 n=10000
    shift
    local a b
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$name.0" "$@" 0 \
        >"$out/callgrind.$name.0.log" 2>&1 || die "callgrind $name N=0 failed"
    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$out/callgrind.$name.$n" "$@" "$n" \
        >"$out/callgrind.$name.$n.log" 2>&1 || die "callgrind $name N=$n failed"
    a=$(grep -o 'Collected : [0-9]*' "$out/callgrind.$name.0.log" | awk '{ print $3 }')
    b=$(grep -o 'Collected : [0-9]*' "$out/callgrind.$name.$n.log" | awk '{ print $3 }')
    callgrind_annotate --inclusive=no "$out/callgrind.$name.$n" 2>/dev/null |
        head -n 60 >"$out/profiles/$name.callgrind.txt" || true
    awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN { printf "%.0f\n", (b - a) / n }'
}
ns_per_echo() { sed -n 's/^time: .*, \([0-9.]*\) ns per echo.*/\1/p' "$1"; }

say "P1: rvnet and lwIP, callgrind (N=10000 and 0) and 1,000,000 echoes each"
p1_ins=$(callgrind_per netstack "$host/bench/bench_netstack" --iterations)
lw_ins=$(callgrind_per lwip "$lwipdir/bench_lwip" --iterations)
"$host/bench/bench_netstack" >"$out/bench_netstack.txt" || die "bench_netstack failed"
grep -qx 'optimised: yes' "$out/bench_netstack.txt" || die "the host build is not optimised ($host)"
"$lwipdir/bench_lwip" >"$out/bench_lwip.txt" || die "bench_lwip failed"
p1_ns=$(ns_per_echo "$out/bench_netstack.txt")
lw_ns=$(ns_per_echo "$out/bench_lwip.txt")
lwv=$(sed -n 's/^lwIP: \([0-9.]*\) .*/\1/p' "$out/bench_lwip.txt")
row P1 "ICMP echo on lo, 56 B: instructions per echo (issue 17's target; the first spec's was 600)" "$p1_ins" \
    "<= 1200" "$(le "$p1_ins" 1200)" \
    "lwIP $lwv (Debian), raw API on its loopback: $lw_ins" "$(ratio "$p1_ins" "$lw_ins")"
row P1 "ICMP echo on lo, 56 B: ns per echo (1,000,000 echoes)" "$p1_ns" "-" "-" \
    "lwIP $lwv (Debian): $lw_ns" "$(ratio "$p1_ns" "$lw_ns")"

# --- P2: code size -----------------------------------------------------------
# Per library: Berkeley size of the archive (text = .text + .rodata of every
# member, data and bss), before linking and gc-sections.
say "P2: code size (riscv64 -Os)"
total_lib_text=0
for l in "${libs[@]}"; do
    a="$rv/userspace/libs/$(lib_dir "$l")/librvnet_$l.a"
    read -r t d b < <(riscv64-unknown-elf-size "$a" | awk 'NR > 1 { t += $1; d += $2; b += $3 } END { print t, d, b }')
    total_lib_text=$((total_lib_text + t))
    row P2 "$(lib_dir "$l") archive: text+rodata / data+bss, B" "$t / $((d + b))" "-" "-" "-" "-"
done
row P2 "all ${#libs[@]} archives together, before linking: text+rodata, B" "$total_lib_text" "-" "-" "-" "-"
# Linked images: .text + .rodata from the section table (gc-sectioned).
img_ro() { size_img_ro "$1"; }
lwip_text=$(size -A /usr/lib/x86_64-linux-gnu/liblwip.so.0 | awk '$1 == ".text" { print $2 }')
lwip_ro=$(size -A /usr/lib/x86_64-linux-gnu/liblwip.so.0 | awk '$1 == ".rodata" { print $2 }')
cmp_lwip="Debian liblwip.so (x86_64) .text $lwip_text (+ .rodata $lwip_ro)"
libs_only=$(size_libs_only "$sizedir/size-nostub.map")
row P2 "whole stack, the libraries alone as linked in the bench image without the stub server (start.S, board.c, main, libc left out; issue 17's target, the first spec's was 10,240): text+rodata, B" \
    "$libs_only" "<= 12288" "$(le "$libs_only" 12288)" "$cmp_lwip" "$(ratio "$libs_only" "$lwip_text")"
s=$(img_ro "$sizedir/size-nostub.elf")
what="that bench image whole (frontend, netstack, lo, DHCP client on the wire; start.S, board.c, main, libc)"
row P2 "$what: text+rodata, B" "$s" "<= 12288" "$(le "$s" 12288)" "$cmp_lwip" "$(ratio "$s" "$lwip_text")"
s=$(img_ro "$sizedir/size-lto.elf")
row P2 "the same image linked with -flto (libraries and main; bench only, the installed archives are not LTO): text+rodata, B" \
    "$s" "-" "-" "$cmp_lwip" "$(ratio "$s" "$lwip_text")"
s=$(img_ro "$image")
row P2 "rv-virt bring-up image as is (both DHCP modes, pings, FDT walk, TFTP fetch): text+rodata, B" "$s" \
    "<= 12288" "$(le "$s" 12288)" "$cmp_lwip" "$(ratio "$s" "$lwip_text")"
for v in nostub; do
    {
        echo "# .text+.rodata per input file in $sizedir/size-$v.elf (from the link map, after gc-sections)"
        map_sum "$sizedir/size-$v.map"
    } >"$out/profiles/size-$v.per-object.txt"
done
for f in "$image" "$sizedir/size-nostub.elf"; do
    {
        echo "# riscv64-unknown-elf-nm -S --size-sort -t d $f (code and read-only data, largest last)"
        riscv64-unknown-elf-nm -S --size-sort -t d "$f" | awk '$3 ~ /^[tTrR]$/'
    } >"$out/profiles/$(basename "$f" .elf).nm.txt"
done

if [ "${BENCH_ONLY:-}" = P1P2 ]; then
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$rows"
    say "BENCH_ONLY=P1P2: profiles in $out/profiles (netstack.callgrind.txt, size-nostub.per-object.txt)"
    exit 0
fi

# --- P3: static RAM ------------------------------------------------------------
# Every data/bss symbol of the image with its size; the packet buffers are the
# frontend's DMA block, lo's slots, the ARP hold frames and the netstack's one
# TX frame (NS_FRAME_MAX bytes inside struct ns_host), and in the rv-virt
# image the fetch's UDP queue and receive buffer (platform/rv-virt/fetch.c).
say "P3: static RAM"
# The packet buffers inside the bring-up module's struct bringup (lo's
# slots, the ARP hold frames): BRINGUP_BUFFER_BYTES, as the cross compiler
# sizes it, read back from an object that holds that many bytes.
printf '#include "bringup/bringup.h"\nconst unsigned char bu_buffers[BRINGUP_BUFFER_BYTES] = {1};\n' |
    riscv64-unknown-elf-gcc "${rvflags[@]}" "${includes[@]}" -x c -c - -o "$sizedir/bu_buffers.o" ||
    die "BRINGUP_BUFFER_BYTES"
bu_pkt=$(riscv64-unknown-elf-nm -S -t d "$sizedir/bu_buffers.o" | awk '$4 == "bu_buffers" { print $2 + 0 }')
ram_split() { # image: prints total packet other
    riscv64-unknown-elf-nm -S -t d "$1" | awk -v bu_pkt="$bu_pkt" '
        NF == 4 && $3 ~ /^[bBdDsSgGvV]$/ {
            sz = $2 + 0; total += sz
            if ($4 == "dma") pkt += sz
            if ($4 == "fetch_slots" || $4 == "fetch_rxbuf") pkt += sz
            if ($4 == "ns") pkt += 1514
            if ($4 == "bu") pkt += bu_pkt
        }
        END { print total, pkt, total - pkt }'
}
for f in "$image" "$sizedir/size-nostub.elf"; do
    {
        echo "# riscv64-unknown-elf-nm -S --size-sort -t d $f (RAM objects, largest last)"
        riscv64-unknown-elf-nm -S --size-sort -t d "$f" | awk '$3 ~ /^[bBdDsSgGvV]$/'
    } >"$out/profiles/$(basename "$f" .elf).ram.txt"
done
read -r tot pkt oth < <(ram_split "$image")
stack=$(riscv64-unknown-elf-size -A "$image" | awk '$1 == ".stack" { print $2 }')
row P3 "rv-virt image, static RAM beyond packet buffers, B" "$oth" "<= 2048" "$(le "$oth" 2048)" \
    "packet buffers $pkt of $tot (DMA block, lo slots, ARP hold, TX frame, the fetch's UDP queue and receive buffer); stack $stack not counted" "-"
read -r tot pkt oth < <(ram_split "$sizedir/size-nostub.elf")
row P3 "bench size image (wire DHCP only), static RAM beyond packet buffers, B" "$oth" "<= 2048" \
    "$(le "$oth" 2048)" "packet buffers $pkt of $tot" "-"
# The small configuration (platform/rv-virt/CMakeLists.txt): all of its
# static RAM, .data + .bss from the section table, beside the default
# image's, counted the same way; the .stack region in neither.
ram_of() { riscv64-unknown-elf-size -A "$1" | awk '$1 == ".data" || $1 == ".bss" { s += $2 } END { print s + 0 }'; }
small_image=$rv/platform/rv-virt/rvnet-rv-virt-small.elf
ram_small=$(ram_of "$small_image")
ram_default=$(ram_of "$image")
row P3 "rv-virt small image (queues of 4, legacy alignment 16, lo depth 2, 2 ARP entries; no TFTP fetch, no hand-over): static RAM in all (.data+.bss: DMA block, buffers, state), B" \
    "$ram_small" "<= 32768" "$(le "$ram_small" 32768)" \
    "default rv-virt image: $ram_default (stack $stack not counted in either)" "$(ratio "$ram_small" "$ram_default")"

# --- P4: QEMU start to the DHCP lease -----------------------------------------
# One boot: the clock starts just before QEMU is started; every console line
# is stamped as it arrives (read straight from QEMU's stdout, no buffering
# filter in between); the time is that of the first line holding the marker.
# QEMU is then stopped. Hard limit: QEMU_TIMEOUT seconds.
# shellcheck disable=SC2054 # the commas are QEMU option syntax
qemu_common=(-display none -serial stdio -monitor none -M virt -m 256M
    -device virtio-net-device,netdev=n0,mac=02:00:00:00:00:01
    -netdev user,id=n0,restrict=on)
boot_ms() { # log marker until feed qemu-args... : prints ms to the marker and to the first line, or "- -"
    local log=$1 marker=$2 until=$3 feed=$4 line t1="" tf=""
    shift 4
    : >"$log"
    local t0=$EPOCHREALTIME
    coproc QEMU { exec timeout -k 2 "$qemu_timeout" qemu-system-riscv64 "$@" 2>&1; }
    local qpid=$QEMU_PID qin=${QEMU[1]} qout=${QEMU[0]}
    [ -n "$feed" ] && printf '%b' "$feed" >&"$qin"
    while IFS= read -r -u "$qout" line; do
        local stamp=$EPOCHREALTIME
        line=${line%$'\r'}
        printf '%s %s\n' "$stamp" "$line" >>"$log"
        [ -z "$tf" ] && [ -n "$line" ] && tf=$stamp
        [ -z "$t1" ] && [[ $line == *"$marker"* ]] && t1=$stamp
        [ -n "$t1" ] && [[ $line == *"$until"* ]] && break
    done
    kill "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
    if [ -z "$t1" ]; then
        echo "- -"
    else
        awk -v a="$t0" -v b="$t1" -v f="$tf" 'BEGIN { printf "%.1f %.1f\n", (b - a) * 1000, (f - a) * 1000 }'
    fi
}
# The run lists start with a space: empty words (and "-", a boot that never
# got there) are not values.
median() { tr ' ' '\n' | grep -v -e '^-$' -e '^$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
uboot=/usr/lib/u-boot/qemu-riscv64/u-boot.bin
ubootv=$(strings "$uboot" | grep -o 'U-Boot 20[0-9][0-9]\.[0-9]*[^ ]*' | head -n 1)
ubootv=${ubootv:-U-Boot}
say "P4: QEMU start to DHCP lease, rvnet image and U-Boot's dhcp, $qemu_runs boots each, interleaved"
for mode in legacy modern; do
    extra=()
    [ "$mode" = modern ] && extra=(-global virtio-mmio.force-legacy=false)
    rv_times="" ub_times="" rv_first="" ub_first=""
    for i in $(seq 1 "$qemu_runs"); do
        # The image goes on after the lease (pings, stub DHCP) and prints the
        # guest's own reset-to-lease time from mtime; read on until then.
        read -r t f < <(boot_ms "$out/qemu-rvnet-$mode-$i.log" "netstack: virt0 dhcp addr=" \
            "timing: reset to lease" "" \
            "${qemu_common[@]}" -bios none -kernel "$image" "${extra[@]}")
        rv_times="$rv_times $t"
        rv_first="$rv_first $f"
        # U-Boot: any key stops autoboot; autoload=no keeps dhcp from trying
        # TFTP afterwards; its success line is "DHCP client bound to address".
        read -r t f < <(boot_ms "$out/qemu-uboot-$mode-$i.log" "DHCP client bound to address" \
            "DHCP client bound to address" 'x\nsetenv autoload no\ndhcp\n' "${qemu_common[@]}" -bios "$uboot" "${extra[@]}")
        ub_times="$ub_times $t"
        ub_first="$ub_first $f"
    done
    rv_med=$(echo "$rv_times" | median)
    ub_med=$(echo "$ub_times" | median)
    rv_fmed=$(echo "$rv_first" | median)
    rv_guest=$(cat "$out"/qemu-rvnet-"$mode"-*.log | sed -n 's/.* timing: reset to lease \([0-9]*\) us.*/\1/p' |
        awk '{ printf "%.1f ", $1 / 1000 }' | median)
    ub_fmed=$(echo "$ub_first" | median)
    echo "P4 $mode rvnet:$rv_times ms (first line:$rv_first); U-Boot:$ub_times ms (first line:$ub_first)" >>"$out/p4-runs.txt"
    met="-"
    [ "$rv_med" != "-" ] && met=$(le "$rv_med" 40)
    row P4 "QEMU start to lease marker, $mode, median of $qemu_runs, ms (runs:$rv_times; first console line at $rv_fmed; guest mtime reset to lease $rv_guest)" \
        "$rv_med" "<= 40" "$met" \
        "$ubootv (Debian) dhcp, -bios u-boot.bin: $ub_med (runs:$ub_times; first console line at $ub_fmed)" \
        "$(ratio "$rv_med" "$ub_med")"
    # The guest's own work from reset to lease: the same boot under
    # -icount shift=0, where guest time is instructions (one a nanosecond),
    # so QEMU's translation of cold code and its MMIO exits, which make up
    # most of the mtime above, do not count (bench/README.md, P4).
    boot_ms "$out/qemu-rvnet-$mode-icount.log" "netstack: virt0 dhcp addr=" "timing: reset to lease" "" \
        "${qemu_common[@]}" -icount shift=0 -bios none -kernel "$image" "${extra[@]}" >/dev/null
    ic=$(sed -n 's/.* timing: reset to lease \([0-9]*\) us.*/\1/p' "$out/qemu-rvnet-$mode-icount.log" | head -n 1)
    ic_ms=$(awk -v u="${ic:--}" 'BEGIN { if (u == "-") print "-"; else printf "%.3f\n", u / 1000 }')
    met="-"
    [ "$ic_ms" != "-" ] && met=$(le "$ic_ms" 2)
    row P4 "reset to lease in guest time under -icount shift=0 (1 ns per instruction: the guest's own work), $mode, ms" \
        "$ic_ms" "<= 2" "$met" "-" "-"
done

# --- P5: one DHCP handshake, client + stub ------------------------------------
say "P5: DHCP handshake, callgrind (N=10000 and 0) and >= 1 s natively"
p5_ins=$(callgrind_per dhcp "$host/bench/bench_dhcp" --iterations)
"$host/bench/bench_dhcp" >"$out/bench_dhcp.txt" || die "bench_dhcp failed"
p5_ns=$(awk '$1 == "payload" { print $(NF - 1) }' "$out/bench_dhcp.txt")
p5_fr=$(awk '$1 == "frames" { print $(NF - 1) }' "$out/bench_dhcp.txt")
row P5 "DHCP handshake in process (DISCOVER..ACK, client + stub): instructions" "$p5_ins" \
    "<= 15000" "$(le "$p5_ins" 15000)" "-" "-"
row P5 "the same: ns per handshake (>= 1 s)" "$p5_ns" "-" "-" \
    "each message also through Ethernet/IPv4/UDP: $p5_fr ns" "-"

# --- P6: frames per second through the frontend and the fake device ----------
say "P6: TX -> fake virtio-mmio -> RX, >= 1 s per size, beside memcpy"
"$host/bench/bench_virtio" >"$out/bench_virtio.txt" || die "bench_virtio failed"
while read -r ver bytes _frames fps mps r; do
    case $ver in legacy | modern) ;; *) continue ;; esac
    target=10000000
    [ "$bytes" = 1514 ] && target=1500000
    row P6 "$ver, $bytes-byte frames: frames/s" "$fps" ">= $target" "$(ge "$fps" "$target")" \
        "memcpy of the same bytes: $mps /s" "$r"
done <"$out/bench_virtio.txt"

# --- P7: a 16 MiB file over TFTP from slirp, rvnet's image beside U-Boot ------
# The same QEMU command line for both (qemu_common, slirp's TFTP server
# serving $p7dir), the same file, boots interleaved, median of QEMU_RUNS.
# Each prints its own rate, from its first request to its last byte; the
# wall time is from starting QEMU to the console line with that rate. rvnet:
# -append "tftp=FILE" (the image asks blksize 1468); U-Boot: "setenv
# tftpblocksize 1468" (its default too). slirp grants both 1428 and has no
# windowsize. Every run's file is checked: the image's CRC-32 marker and
# U-Boot's crc32 command against python3's zlib.crc32.
p7dir=$out/tftp
p7file=p7-16m.bin
p7size=$((16 * 1024 * 1024))
p7blocks=$((p7size / 1428 + 1))
mkdir -p "$p7dir"
p7crc=$(python3 - "$p7dir" "$p7file" "$p7size" <<'PY'
import hashlib, os, sys, zlib
d, name, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = hashlib.shake_128(b"rvnet bench P7").digest(size)
for n, b in ((name, data), ("p7-256k.bin", data[:256 * 1024])):
    p = os.path.join(d, n)
    if not os.path.exists(p) or os.path.getsize(p) != len(b):
        with open(p, "wb") as f:
            f.write(b)
print("%08x" % zlib.crc32(data))
PY
) || die "P7: could not write the files in $p7dir (python3)"
# shellcheck disable=SC2054 # the commas are QEMU option syntax
qemu_p7=(-display none -serial stdio -monitor none -M virt -m 256M
    -device virtio-net-device,netdev=n0,mac=02:00:00:00:00:01
    -netdev user,id=n0,restrict=on,tftp="$p7dir")
p7_uboot="setenv autoload no; setenv tftpblocksize 1468; dhcp; tftpboot 0x84000000 $p7file; crc32 0x84000000 0x$(printf '%x' "$p7size")"
# A rate as printed ("62.72 MiB/s"; U-Boot's "47.1 MiB/s", "900 KiB/s") in MiB/s.
p7_rate() {
    awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[KMG]iB\/s/) { v = $(i - 1); u = substr($i, 1, 1)
             if (u == "K") v /= 1024; if (u == "G") v *= 1024; printf "%.2f\n", v; exit } }'
}
: >"$out/p7-runs.txt"
say "P7: 16 MiB over TFTP from slirp, rvnet image and U-Boot's tftpboot, $qemu_runs boots each, interleaved"
for mode in legacy modern; do
    extra=()
    [ "$mode" = modern ] && extra=(-global virtio-mmio.force-legacy=false)
    rv_rates="" ub_rates="" rv_walls="" ub_walls=""
    for i in $(seq 1 "$qemu_runs"); do
        log=$out/qemu-p7-rvnet-$mode-$i.log
        read -r t _ < <(boot_ms "$log" " MiB/s (first request to last byte" "SELFTEST: tftp" "" \
            "${qemu_p7[@]}" -bios none -kernel "$image" -append "tftp=$p7file spin=300" "${extra[@]}")
        grep -q " SELFTEST: tftp ok file=$p7file size=$p7size crc32=0x$p7crc blocks=$p7blocks blksize=1428 " "$log" ||
            die "P7: the rvnet image did not fetch $p7file whole at blksize 1428 (log: $log)"
        rv_rates="$rv_rates $(grep -m1 ' tftp: .* MiB/s (first request' "$log" | p7_rate)"
        rv_walls="$rv_walls $t"
        log=$out/qemu-p7-uboot-$mode-$i.log
        read -r t _ < <(boot_ms "$log" "iB/s" "==>" "x\n$p7_uboot\n" "${qemu_p7[@]}" -bios "$uboot" "${extra[@]}")
        { grep -q "Bytes transferred = $p7size " "$log" && grep -q "==> $p7crc" "$log"; } ||
            die "P7: U-Boot did not fetch $p7file whole (log: $log)"
        ub_rates="$ub_rates $(grep -m1 'iB/s' "$log" | p7_rate)"
        ub_walls="$ub_walls $t"
    done
    rv_med=$(echo "$rv_rates" | median)
    ub_med=$(echo "$ub_rates" | median)
    r=$(ratio "$rv_med" "$ub_med")
    echo "P7 $mode rvnet:$rv_rates MiB/s (QEMU start to last byte:$rv_walls ms); U-Boot:$ub_rates MiB/s (QEMU start to last byte:$ub_walls ms)" >>"$out/p7-runs.txt"
    row P7 "TFTP read of 16 MiB from slirp (-netdev user,tftp=), blksize 1428 (1468 asked), no window, $mode: rvnet image, MiB/s first request to last byte, median of $qemu_runs (runs:$rv_rates; QEMU start to last byte $(echo "$rv_walls" | median) ms)" \
        "$rv_med" ">= 1.5 x U-Boot" "$(ge "$r" 1.5)" \
        "$ubootv (Debian) tftpboot, -bios u-boot.bin: $ub_med MiB/s (runs:$ub_rates; QEMU start to last byte $(echo "$ub_walls" | median) ms)" "$r"
done

# P7's profile, outside the medians (bench/README.md reads it).
# (1) Guest instructions per block under -icount shift=0, where instret
#     counts instructions and virtual time is instructions: rvnet's from its
#     counters line ((instret - in-wfi) / blocks); U-Boot never sleeps, so
#     its own time there is its instruction count. Both include their
#     polling while the next block is on its way.
# (2) The same for rvnet per function: one boot fetching 256 KiB with
#     -d in_asm,exec,nochain (each translated block's instructions, each
#     block run), summed per symbol of the image, from tftp_client_start
#     to ns_udp_close.
# (3) Each QEMU thread's CPU time per block (/proc/PID/task/*/schedstat
#     read at the console line before the transfer and at the rate line),
#     with -name p7,debug-threads=on so the threads carry names: "CPU
#     0/TCG" runs the guest (TCG code, MMIO emulation), the main loop runs
#     slirp, the virtio-net TX bottom half and the RX path.
p7p=$out/profiles/p7
mkdir -p "$p7p"
log=$p7p/icount-rvnet.log
boot_ms "$log" " MiB/s (first request" "SELFTEST: tftp" "" "${qemu_p7[@]}" -icount shift=0 \
    -bios none -kernel "$image" -append "tftp=$p7file spin=300" >/dev/null
p7_rv_ins=$(sed -n 's/.* tftp: retransmits=.* instret=\([0-9]*\) in-wfi=\([0-9]*\).*/\1 \2/p' "$log" |
    awk -v b="$p7blocks" '{ printf "%.0f\n", ($1 - $2) / b }')
log=$p7p/icount-uboot.log
boot_ms "$log" "iB/s" "==>" "x\n$p7_uboot\n" "${qemu_p7[@]}" -icount shift=0 -bios "$uboot" >/dev/null
p7_ub_ins=$(grep -m1 'iB/s' "$log" | p7_rate | awk -v s="$p7size" -v b="$p7blocks" '{ if ($1 > 0) printf "%.0f\n", s / ($1 * 1048576) * 1e9 / b }')
riscv64-unknown-elf-nm -n --defined-only "$image" | awk '$2 ~ /^[tT]$/ { print $1, $3 }' >"$p7p/syms.txt"
boot_ms "$p7p/exec-console.log" " MiB/s (first request" "SELFTEST: tftp" "" "${qemu_p7[@]}" \
    -bios none -kernel "$image" -append "tftp=p7-256k.bin" -d in_asm,exec,nochain -D "$p7p/exec.log" >/dev/null
p7_small_blocks=$((256 * 1024 / 1428 + 1))
python3 - "$p7p/syms.txt" "$p7p/exec.log" "$p7_small_blocks" >"$p7p/per-function.txt" <<'PY' || die "P7: the exec log could not be read"
import bisect, collections, re, sys
syms = [(int(a, 16), n) for a, n in (l.split() for l in open(sys.argv[1]))]
addrs = [a for a, _ in syms]
name = lambda pc: syms[bisect.bisect_right(addrs, pc) - 1][1]
start = next(a for a, n in syms if n == "tftp_client_start")
stop = next(a for a, n in syms if n == "ns_udp_close")
size, cur, on, per, total = {}, None, False, collections.Counter(), 0
ins = re.compile(r"^0x([0-9a-f]{16}):  ")
run = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
for line in open(sys.argv[2], errors="replace"):
    if line.startswith("IN:"):
        cur = None
        continue
    m = ins.match(line)
    if m:
        pc = int(m.group(1), 16)
        cur = pc if cur is None else cur
        size[cur] = size.get(cur, 0) + 1 if cur != pc else 1
        continue
    m = run.match(line)
    if m:
        pc = int(m.group(1), 16)
        on = on or pc == start
        if pc == stop:
            break
        if on:
            per[name(pc)] += size.get(pc, 0)
            total += size.get(pc, 0)
b = int(sys.argv[3])
print("%7.0f  all of it, instructions per block (%d blocks)" % (total / b, b))
for f, c in per.most_common(14):
    print("%7.0f  %4.1f%%  %s" % (c / b, 100.0 * c / total, f))
PY
rm -f "$p7p/exec.log"
# One boot with the threads' CPU time read at two console lines: LOG FROM TO
# UNTIL FEED qemu-args...; prints "thread cpu-us/block runqueue-us/block
# switches/block" lines.
p7_threads() {
    local log=$1 from=$2 to=$3 until=$4 feed=$5 line a="" b="" qemu
    shift 5
    : >"$log"
    coproc P7Q { exec timeout -k 2 "$qemu_timeout" qemu-system-riscv64 -name p7,debug-threads=on "$@" 2>&1; }
    local qpid=$P7Q_PID qin=${P7Q[1]} qout=${P7Q[0]}
    [ -n "$feed" ] && printf '%b' "$feed" >&"$qin"
    snap() { for t in /proc/"$qemu"/task/*; do
        printf '%s|%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(cat "$t/schedstat" 2>/dev/null)"; done; }
    while IFS= read -r -u "$qout" line; do
        printf '%s\n' "${line%$'\r'}" >>"$log"
        qemu=${qemu:-$(pgrep -P "$qpid" qemu-system-ris | head -n 1)}
        [ -z "$a" ] && [[ $line == *"$from"* ]] && a=$(snap)
        [ -n "$a" ] && [ -z "$b" ] && [[ $line == *"$to"* ]] && b=$(snap)
        [[ $line == *"$until"* ]] && break
    done
    kill "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
    [ -n "$b" ] || return 0
    awk -F'|' -v blocks="$p7blocks" 'NR == FNR { split($2, s, " "); r[$1] += s[1]; w[$1] += s[2]; n[$1] += s[3]; next }
        { split($2, s, " "); r2[$1] += s[1]; w2[$1] += s[2]; n2[$1] += s[3] }
        END { for (t in r2) if (r2[t] - r[t] > 1e6)
            printf "  %-16s CPU %6.2f us/block, waiting for a CPU %5.2f us/block, %.2f switches/block\n",
                t, (r2[t] - r[t]) / 1e3 / blocks, (w2[t] - w[t]) / 1e3 / blocks, (n2[t] - n[t]) / blocks }' \
        <(echo "$a") <(echo "$b")
}
{
    echo "P7 rvnet (legacy), threads from the gateway ping to the rate line:"
    p7_threads "$p7p/threads-rvnet.log" "SELFTEST: net gw ping ok" " MiB/s (first request" "SELFTEST: tftp" "" \
        "${qemu_p7[@]}" -bios none -kernel "$image" -append "tftp=$p7file spin=300"
    grep -m1 '^tftp: .* MiB/s' "$p7p/threads-rvnet.log" | sed 's/^/  /'
    echo "P7 U-Boot (legacy), threads from 'Load address' to the rate line:"
    p7_threads "$p7p/threads-uboot.log" "Load address:" "iB/s" "==>" "x\n$p7_uboot\n" \
        "${qemu_p7[@]}" -bios "$uboot"
    grep -m1 'iB/s' "$p7p/threads-uboot.log" | tr -d '#\t' | sed 's/^ */  /'
} >"$p7p/threads.txt"

# --- P8: lwIP on the frontend, beside the netstack ----------------------------
# bench_lwip_vnet (bench/lwip/bench_lwip_vnet.c, the host build): an ICMP
# echo from the peer through the frontend and the fake device, answered by
# lwIP through ports/lwip or by rvnet's netstack, and a TCP stream between
# two lwIP netifs on two frontends wired back to back (rvnet's netstack has
# no TCP). Instructions as P1 (callgrind, N=10000 minus N=0, over 10000);
# per frame: over the frames the program counts (the "frames:" line of each
# run, after the warm-up or handshake). Time: natively.
say "P8: lwIP and the netstack on the frontend, callgrind (N=10000 and 0) and native runs"
lv=$host/bench/bench_lwip_vnet
[ -x "$lv" ] || die "P8: $lv was not built (is liblwip-dev installed?)"
frames_of() { sed -n 's/^frames: \([0-9]*\).*/\1/p' "$1"; }
per_frame() { # name instructions-per-iteration: instructions per frame
    local f0 f1
    f0=$(frames_of "$out/callgrind.$1.0.log")
    f1=$(frames_of "$out/callgrind.$1.10000.log")
    awk -v i="$2" -v a="$f0" -v b="$f1" 'BEGIN { if (b - a <= 0) print "-"; else printf "%.0f\n", i * 10000 / (b - a) }'
}
p8_ns_ins=$(callgrind_per vnet-netstack "$lv" echo --stack netstack --iterations)
p8_lw_ins=$(callgrind_per vnet-lwip "$lv" echo --stack lwip --iterations)
p8_tcp_ins=$(callgrind_per vnet-tcp "$lv" tcp --iterations)
p8_tcp_frame=$(per_frame vnet-tcp "$p8_tcp_ins")
"$lv" echo --stack netstack >"$out/bench_lwip_vnet.netstack.txt" || die "bench_lwip_vnet echo netstack failed"
"$lv" echo --stack lwip >"$out/bench_lwip_vnet.lwip.txt" || die "bench_lwip_vnet echo lwip failed"
"$lv" tcp >"$out/bench_lwip_vnet.tcp.txt" || die "bench_lwip_vnet tcp failed"
p8_ns_ns=$(ns_per_echo "$out/bench_lwip_vnet.netstack.txt")
p8_lw_ns=$(ns_per_echo "$out/bench_lwip_vnet.lwip.txt")
read -r p8_tcp_nsf p8_tcp_mibs < <(sed -n 's/^time: .*, \([0-9.]*\) ns per frame, \([0-9.]*\) MiB\/s.*/\1 \2/p' "$out/bench_lwip_vnet.tcp.txt")
p8_segs=$(sed -n 's/^segments: \([0-9]*\) .*/\1/p' "$out/bench_lwip_vnet.tcp.txt")
row P8 "ICMP echo from the peer over the frontend and the fake device, 56 B, rvnet's netstack: instructions per echo (one frame in, one out; the fake device's and the peer's share included)" \
    "$p8_ns_ins" "-" "-" "lwIP $lwv (Debian) through ports/lwip: $p8_lw_ins" "$(ratio "$p8_ns_ins" "$p8_lw_ins")"
row P8 "the same: ns per echo (1,000,000 echoes)" "$p8_ns_ns" "-" "-" \
    "lwIP $lwv (Debian) through ports/lwip: $p8_lw_ns" "$(ratio "$p8_ns_ns" "$p8_lw_ns")"
row P8 "TCP stream over the frontend and the fake device, lwIP $lwv through ports/lwip at both ends (two frontends back to back), 1460-byte segments: instructions per frame (data and ACKs; one send and one receive each, the fake devices' share included)" \
    "$p8_tcp_frame" "-" "-" "rvnet's netstack has no TCP ($p8_tcp_ins instructions per 1460-byte segment)" "-"
row P8 "the same: ns per frame, MiB/s ($p8_segs segments)" "$p8_tcp_nsf ns, $p8_tcp_mibs MiB/s" "-" "-" \
    "rvnet's netstack has no TCP" "-"

# --- the table and the JSON ---------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
gccv=$(gcc --version | head -n 1)
rvgccv=$(riscv64-unknown-elf-gcc --version | head -n 1)
qemuv=$(qemu-system-riscv64 --version | head -n 1)
vgv=$(valgrind --version)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "- date: $date"
    echo "- machine: $(uname -m), $cpu, $(nproc) cores, load average before the table: $load"
    echo "- compilers: $gccv; $rvgccv"
    echo "- tools: $qemuv; $vgv"
    echo "- command: $cmdline"
    echo
    awk -F'\t' '
        BEGIN { print "| id | measure | value | target | met? | comparison | ratio |"
                print "|---|---|---|---|---|---|---|" }
        { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$rows"
} >"$out/table.md"
cat "$out/table.md"

esc() { sed 's/\\/\\\\/g; s/"/\\"/g'; }
{
    printf '{\n'
    printf '  "date": "%s",\n' "$date"
    printf '  "machine": "%s",\n' "$(printf '%s, %s, %s cores' "$(uname -m)" "$cpu" "$(nproc)" | esc)"
    printf '  "load_average": "%s",\n' "$load"
    printf '  "compilers": ["%s", "%s"],\n' "$(echo "$gccv" | esc)" "$(echo "$rvgccv" | esc)"
    printf '  "tools": ["%s", "%s"],\n' "$(echo "$qemuv" | esc)" "$(echo "$vgv" | esc)"
    printf '  "command": "%s",\n' "$(echo "$cmdline" | esc)"
    printf '  "rows": [\n'
    esc <"$rows" | awk -F'\t' '
        { if (NR > 1) printf ",\n"
          printf "    {\"id\": \"%s\", \"measure\": \"%s\", \"value\": \"%s\", \"target\": \"%s\", \"met\": \"%s\", \"comparison\": \"%s\", \"ratio\": \"%s\"}", $1, $2, $3, $4, $5, $6, $7 }
        END { printf "\n" }'
    printf '  ]\n}\n'
} >"$json"
say "table: $out/table.md; JSON: $json; raw outputs and profiles: $out"

# --- profiles, for the targets a run misses -----------------------------------
# Self instructions per function from the N=10000 callgrind runs, divided by
# 10000 (the N=0 start-up, a few dozen per iteration, is left in); the
# largest code symbols and every RAM object of the images.
per_iter() { # callgrind_annotate output: "instructions-per-iteration function" lines
    awk '/PROGRAM TOTALS/ { next }
        /^ *[0-9,]+ \( *[0-9.]+%\)  / {
            n = $1; gsub(/,/, "", n)
            f = $0; sub(/^[^:]*:/, "", f); sub(/ \[.*$/, "", f)
            if (n / 10000 >= 1) printf "%8.0f  %s\n", n / 10000, f
        }' "$1" | head -n "${2:-12}"
}
{
    echo "Profiles from this run (build/bench-out/profiles has the full files)."
    echo
    echo "P1, rvnet: self instructions per echo by function (callgrind, N=10000, /10000)"
    echo '```'
    per_iter "$out/profiles/netstack.callgrind.txt" 16
    echo '```'
    echo "P1, lwIP: self instructions per echo by function"
    echo '```'
    per_iter "$out/profiles/lwip.callgrind.txt" 16
    echo '```'
    echo "P8, lwIP on the frontend: self instructions per echo by function (the fake device and the peer included)"
    echo '```'
    per_iter "$out/profiles/vnet-lwip.callgrind.txt" 16
    echo '```'
    echo "P8, the netstack on the frontend: self instructions per echo by function"
    echo '```'
    per_iter "$out/profiles/vnet-netstack.callgrind.txt" 16
    echo '```'
    echo "P8, TCP through lwIP at both ends: self instructions per 1460-byte segment by function"
    echo '```'
    per_iter "$out/profiles/vnet-tcp.callgrind.txt" 16
    echo '```'
    echo "P5: self instructions per handshake by function"
    echo '```'
    per_iter "$out/profiles/dhcp.callgrind.txt" 12
    echo '```'
    echo "P2: .text+.rodata bytes per input file in the bench image without the stub server (link map)"
    echo '```'
    sed 1d "$out/profiles/size-nostub.per-object.txt" | sort -rn
    echo '```'
    echo "P2: the 20 largest code and read-only symbols of that image (nm -S --size-sort, bytes)"
    echo '```'
    sed 1d "$out/profiles/size-nostub.nm.txt" | tail -n 20 | sort -k2,2nr | awk '{ printf "%6d %s %s\n", $2, $3, $4 }'
    echo '```'
    echo "P3: RAM objects of the rv-virt image (nm -S, bytes)"
    echo '```'
    sed 1d "$out/profiles/rvnet-rv-virt.ram.txt" | sort -k2,2nr | awk '{ printf "%6d %s %s\n", $2, $3, $4 }'
    echo '```'
    echo "P4: every boot, ms from starting QEMU (build/bench-out/qemu-*.log has each console, stamped)"
    echo '```'
    cat "$out/p4-runs.txt"
    echo '```'
    echo "P4: where each boot's time goes after the first console line, ms (from the stamped consoles)"
    echo '```'
    for f in "$out"/qemu-rvnet-[lm]*.log; do
        awk -v n="$(basename "$f" .log)" 'NR == 1 { s = $1 } / netstack: lo up$/ { l = $1 }
            / netstack: virt0 dhcp addr=/ && !d { d = $1 }
            END { printf "%-20s first line to lo up %5.1f, lo up to lease (DHCP with slirp) %5.1f\n", n, (l - s) * 1000, (d - l) * 1000 }' "$f"
    done
    for f in "$out"/qemu-uboot-[lm]*.log; do
        awk -v n="$(basename "$f" .log)" '/ Core: / { c = $1 } / Flash: / { fl = $1 } / => dhcp$/ { d = $1 }
            / DHCP client bound/ { b = $1 }
            END { printf "%-20s Core: to Flash: %5.1f, dhcp command to bound %5.1f\n", n, (fl - c) * 1000, (b - d) * 1000 }' "$f"
    done
    echo '```'
    echo "P7: every boot, MiB/s as each prints it (build/bench-out/qemu-p7-*.log has each console, stamped)"
    echo '```'
    cat "$out/p7-runs.txt"
    echo '```'
    echo "P7: guest instructions per block under -icount shift=0 (build/bench-out/profiles/p7)"
    echo '```'
    echo "rvnet image: ${p7_rv_ins:--} (instret minus its part in wfi, its polling for the next block included, over $p7blocks blocks)"
    echo "U-Boot: ${p7_ub_ins:--} (its own time under -icount, polling included, over $p7blocks blocks)"
    echo '```'
    echo "P7: the rvnet image's instructions per block by function (-d in_asm,exec,nochain, 256 KiB)"
    echo '```'
    cat "$p7p/per-function.txt"
    echo '```'
    echo "P7: each QEMU thread's CPU time per block (schedstat; one more boot each, not in the medians)"
    echo '```'
    cat "$p7p/threads.txt"
    echo '```'
} >"$out/profiles.md"

if [ "$update_readme" = 1 ]; then
    readme=bench/README.md
    if ! grep -q '^<!-- results:begin -->$' "$readme" || ! grep -q '^<!-- results:end -->$' "$readme"; then
        die "$readme has no results markers"
    fi
    awk -v table="$out/table.md" -v prof="$out/profiles.md" '
        /^<!-- results:begin -->$/ { print; print ""; while ((getline l < table) > 0) print l
                                     print ""; while ((getline l < prof) > 0) print l
                                     print ""; skip = 1; next }
        /^<!-- results:end -->$/ { skip = 0 }
        !skip { print }' "$readme" >"$readme.new"
    mv "$readme.new" "$readme"
    say "results written into $readme"
fi
