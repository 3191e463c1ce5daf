#!/usr/bin/env bash
# Runs every rvnet benchmark (P1..P6) and its side-by-side comparison in one
# go, so the ratios come from the same minutes on the same machine, then
# prints one table and writes the same rows as JSON. bench/README.md says
# what each number means.
#
#   usage: bash bench/run.sh [--update-readme] [JSON_PATH]   (default bench/results.json)
#     --update-readme   also puts this run's table and profiles into
#                       bench/README.md, between its results markers
#   QEMU_RUNS=N      boots per QEMU measurement, median taken (default 5)
#   QEMU_TIMEOUT=N   hard limit in seconds per boot (default 30)
#
# It installs what it lacks (scripts/deps.sh bench: liblwip-dev, u-boot-qemu,
# valgrind, QEMU, the riscv64 toolchain and picolibc), builds into its own
# directories (build/bench-host: Release host build; build/bench-rv: the
# riscv64 MinSizeRel target build; build/bench-size: the bench-only size
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
cmake --build "$host" -j"$jobs" --target bench_netstack bench_dhcp bench_virtio >"$out/host-build.log" 2>&1 ||
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

# The bench-only size images (bench/size/size_main.c), linked exactly as the
# M-mode rv-virt image is (same flags, link script and board files, read from
# platform/rv-virt) but with a main that runs only DHCP on the wire.
libs=(netstack loopback dhcp_stub netproto virtio_net)
lib_dir() { case $1 in dhcp_stub) echo dhcp-stub ;; virtio_net) echo virtio-net ;; *) echo "$1" ;; esac; }
archives=()
includes=(-Iplatform/rv-virt)
for l in "${libs[@]}"; do
    archives+=("$rv/userspace/libs/$(lib_dir "$l")/librvnet_$l.a")
    includes+=("-Iuserspace/libs/$(lib_dir "$l")/include")
done
rvflags=(--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -ffreestanding -nostdlib
    -Os -ffunction-sections -fdata-sections -DNDEBUG -std=c11 -Wall -Wextra -Werror -Wshadow
    -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wcast-align -Wvla)
# The M-mode image's board files: everything of rvnet-rv-virt.elf but main.c
# and fdt.c (platform/rv-virt/CMakeLists.txt), with its -march (CSRs need
# Zicsr).
board_files=(entry_m.S board_m.c board.c irq.c)
board_objs=()
for f in "${board_files[@]}"; do
    board_objs+=("$sizedir/${f%.*}.o")
    riscv64-unknown-elf-gcc "${rvflags[@]}" -march=rv64imac_zicsr "${includes[@]}" -c "platform/rv-virt/$f" \
        -o "$sizedir/${f%.*}.o" 2>"$out/size-build.log" || { cat "$out/size-build.log"; die "$f"; }
done
for v in nostub; do
    riscv64-unknown-elf-gcc "${rvflags[@]}" "${includes[@]}" -c bench/size/size_main.c \
        -o "$sizedir/size_main_$v.o" 2>"$out/size-$v.log" || { cat "$out/size-$v.log"; die "size_main $v"; }
    riscv64-unknown-elf-gcc "${rvflags[@]}" -nostartfiles -T platform/rv-virt/link_m.ld \
        -Wl,--gc-sections -Wl,-Map="$sizedir/size-$v.map" "${board_objs[@]}" \
        "$sizedir/size_main_$v.o" "${archives[@]}" -lc -lgcc -o "$sizedir/size-$v.elf" \
        2>"$out/size-$v.log" || { cat "$out/size-$v.log"; die "size image $v failed to link"; }
done
# .text and .rodata bytes each input file put into a linked image, from the
# GNU ld map (after gc-sections): "bytes file" lines.
map_sum() {
    awk '
        function hex(h, i, v) {
            v = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return v
        }
        function add(sec, sz, file) {
            if (sec !~ /^\.(text|s?rodata)/) return
            sub(/^.*\//, "", file)
            s[file] += hex(sz)
        }
        /^Discarded input sections/ { skip = 1 }
        /^Linker script and memory map/ { skip = 0 }
        skip { next }
        /^ \.(text|s?rodata)[^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($1, $3, $4); next }
        /^ \.(text|s?rodata)[^ ]*$/ { pend = $1; next }
        pend != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add(pend, $2, $3); pend = ""; next }
        { pend = "" }
        END { for (f in s) if (s[f] > 0) printf "%d %s\n", s[f], f }' "$1" | sort -n
}

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
row P1 "ICMP echo on lo, 56 B: instructions per echo" "$p1_ins" "<= 600" "$(le "$p1_ins" 600)" \
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
row P2 "all five archives together, before linking: text+rodata, B" "$total_lib_text" "-" "-" "-" "-"
# Linked images: .text + .rodata from the section table (gc-sectioned).
img_ro() { riscv64-unknown-elf-size -A "$1" | awk '$1 == ".text" || $1 ~ /^\.s?rodata/ { s += $2 } END { print s + 0 }'; }
lwip_text=$(size -A /usr/lib/x86_64-linux-gnu/liblwip.so.0 | awk '$1 == ".text" { print $2 }')
lwip_ro=$(size -A /usr/lib/x86_64-linux-gnu/liblwip.so.0 | awk '$1 == ".rodata" { print $2 }')
cmp_lwip="Debian liblwip.so (x86_64) .text $lwip_text (+ .rodata $lwip_ro)"
libs_only=$(map_sum "$sizedir/size-nostub.map" | awk '$2 ~ /^librvnet_/ { t += $1 } END { print t + 0 }')
row P2 "whole stack, the libraries alone as linked in the bench image without the stub server (start.S, board.c, main, libc left out): text+rodata, B" \
    "$libs_only" "<= 10240" "$(le "$libs_only" 10240)" "$cmp_lwip" "$(ratio "$libs_only" "$lwip_text")"
s=$(img_ro "$sizedir/size-nostub.elf")
what="that bench image whole (frontend, netstack, lo, DHCP client on the wire; start.S, board.c, main, libc)"
row P2 "$what: text+rodata, B" "$s" "<= 10240" "$(le "$s" 10240)" "$cmp_lwip" "$(ratio "$s" "$lwip_text")"
s=$(img_ro "$image")
row P2 "rv-virt bring-up image as is (both DHCP modes, pings, FDT walk): text+rodata, B" "$s" \
    "<= 10240" "$(le "$s" 10240)" "$cmp_lwip" "$(ratio "$s" "$lwip_text")"
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

# --- P3: static RAM ------------------------------------------------------------
# Every data/bss symbol of the image with its size; the packet buffers are the
# frontend's DMA block, lo's slots, the ARP hold frames and the netstack's one
# TX frame (NS_FRAME_MAX bytes inside struct ns_host).
say "P3: static RAM"
ram_split() { # image: prints total packet other
    riscv64-unknown-elf-nm -S -t d "$1" | awk '
        NF == 4 && $3 ~ /^[bBdDsSgGvV]$/ {
            sz = $2 + 0; total += sz
            if ($4 == "dma" || $4 == "lo_slots" || $4 == "arp_hold") pkt += sz
            if ($4 == "ns") pkt += 1514
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
    "packet buffers $pkt of $tot (DMA block, lo slots, ARP hold, TX frame); stack $stack not counted" "-"
read -r tot pkt oth < <(ram_split "$sizedir/size-nostub.elf")
row P3 "bench size image (wire DHCP only), static RAM beyond packet buffers, B" "$oth" "<= 2048" \
    "$(le "$oth" 2048)" "packet buffers $pkt of $tot" "-"

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
median() { tr ' ' '\n' | grep -v '^-$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
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
    rv_guest=$(cat "$out"/qemu-rvnet-"$mode"-*.log | sed -n 's/.* timing: reset to lease \([0-9]*\) ms.*/\1/p' | tr '\n' ' ' | median)
    ub_fmed=$(echo "$ub_first" | median)
    echo "P4 $mode rvnet:$rv_times ms (first line:$rv_first); U-Boot:$ub_times ms (first line:$ub_first)" >>"$out/p4-runs.txt"
    met="-"
    [ "$rv_med" != "-" ] && met=$(le "$rv_med" 40)
    row P4 "QEMU start to lease marker, $mode, median of $qemu_runs, ms (runs:$rv_times; first console line at $rv_fmed; guest mtime reset to lease $rv_guest)" \
        "$rv_med" "<= 40" "$met" \
        "$ubootv (Debian) dhcp, -bios u-boot.bin: $ub_med (runs:$ub_times; first console line at $ub_fmed)" \
        "$(ratio "$rv_med" "$ub_med")"
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
    for f in "$out"/qemu-rvnet-*.log; do
        awk -v n="$(basename "$f" .log)" 'NR == 1 { s = $1 } / netstack: lo up$/ { l = $1 }
            / netstack: virt0 dhcp addr=/ && !d { d = $1 }
            END { printf "%-20s first line to lo up %5.1f, lo up to lease (DHCP with slirp) %5.1f\n", n, (l - s) * 1000, (d - l) * 1000 }' "$f"
    done
    for f in "$out"/qemu-uboot-*.log; do
        awk -v n="$(basename "$f" .log)" '/ Core: / { c = $1 } / Flash: / { fl = $1 } / => dhcp$/ { d = $1 }
            / DHCP client bound/ { b = $1 }
            END { printf "%-20s Core: to Flash: %5.1f, dhcp command to bound %5.1f\n", n, (fl - c) * 1000, (b - d) * 1000 }' "$f"
    done
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
