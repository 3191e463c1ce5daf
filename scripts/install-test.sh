#!/usr/bin/env bash
# rvnet as another project sees it: installed into a prefix and used from
# outside this tree, all in a scratch directory (the test command's step
# "install and out-of-tree consumers"):
#  1. the host build, default options, `cmake --install` into SCRATCH/host:
#     exactly the public headers, the libraries, their .pc files and the
#     CMake package, nothing else;
#  2. examples/ping-lo through find_package(rvnet), built and run (it exits
#     0 only when every echo over lo came back); a 0.1 or 0.3 request and a
#     missing component are refused;
#  3. the same program through pkg-config (examples/ping-lo/Makefile), built
#     and run, from the prefix where it was installed and from a copy moved
#     elsewhere;
#  4. `--component tools`: bin/nx-net --version;
#  5. the riscv64 build installed into SCRATCH/riscv64, and examples/ping-lo
#     built from it with cmake/riscv64-unknown-elf.cmake: a RISC-V ELF,
#     run under qemu-riscv64 (user mode) when it is installed; the host
#     prefix is refused by that build (built for another processor).
# usage: install-test.sh [SCRATCH_DIR]      (default build/install-test)
#   RVNET_CROSS_CONSUMERS="DIR ..."  more CMake projects to build against the
#   riscv64 prefix with scripts/build-consumer.sh (for an image that links
#   rvnet from the installed cross prefix).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
scratch=${1:-build/install-test}
mkdir -p "$scratch"
scratch=$(realpath "$scratch")
jobs=2
start=$(date +%s)

say() { printf 'install-test: %s\n' "$*"; }
die() {
    printf 'install-test: FAIL: %s\n' "$*" >&2
    exit 1
}
# A command's output into a log; the log shown when it fails.
quiet() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 || {
        cat "$log" >&2
        die "$* (log: $log)"
    }
}

# --- 1. host build and install ----------------------------------------------
host_build=$scratch/host-build
host=$scratch/host
rm -rf "$host" "$host-moved"
quiet "$scratch/host-configure.log" cmake -S "$src" -B "$host_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
quiet "$scratch/host-build.log" cmake --build "$host_build" -j"$jobs" --target rvnet_libraries nx-net
quiet "$scratch/host-install.log" cmake --install "$host_build" --prefix "$host"

# What must be there, from the tree: every library folder's public headers
# under include/rvnet/, its archive and .pc (folder foo-bar: target
# rvnet_foo_bar), the version header, rvnet.pc and the package.
expected() {
    local d name
    (cd "$src/userspace/libs" && find . -path './*/include/*' -name '*.h' | sed -E 's|^\./[^/]+/include/|include/rvnet/|')
    for d in "$src"/userspace/libs/*/CMakeLists.txt; do
        d=$(basename "$(dirname "$d")")
        name=${d//-/_}
        echo "lib/librvnet_$name.a"
        echo "lib/pkgconfig/rvnet-$d.pc"
    done
    echo include/rvnet/rvnet/version.h
    echo lib/pkgconfig/rvnet.pc
    for f in rvnetConfig.cmake rvnetConfigVersion.cmake rvnetTargets.cmake "rvnetTargets-$1.cmake"; do
        echo "lib/cmake/rvnet/$f"
    done
}
check_tree() { # prefix build-type
    local want have
    want=$(expected "$2" | sort -u)
    have=$(cd "$1" && find . -type f | sed 's|^\./||' | sort)
    if [ "$want" != "$have" ]; then
        diff <(echo "$want") <(echo "$have") >&2 || true
        die "$1 holds other files than expected (< expected, > installed)"
    fi
    say "$1: $(wc -l <<<"$have") files, as expected"
}
check_tree "$host" relwithdebinfo

# --- 2. find_package -----------------------------------------------------------
run_ping_lo() { # binary
    local out
    out=$("$1") || die "$1 failed: $out"
    say "$out"
    grep -q "$PING_LO_SENT sent, $PING_LO_SENT received" <<<"$out" || die "$1: not every echo came back"
}
PING_LO_SENT=3
version=$(sed -nE 's/^project\(rvnet VERSION ([0-9.]+) .*/\1/p' "$src/CMakeLists.txt")
[ -n "$version" ] || die "no project(rvnet VERSION ...) line in CMakeLists.txt"
bash scripts/build-consumer.sh "$host" examples/ping-lo "$scratch/ping-lo-cmake"
run_ping_lo "$scratch/ping-lo-cmake/ping-lo"
grep -q "rvnet $version:" <<<"$("$scratch/ping-lo-cmake/ping-lo")" || die "ping-lo does not report $version"

refused() { # why, what find_package must say, then build-consumer.sh's arguments
    local why=$1 reason=$2
    shift 2
    if bash scripts/build-consumer.sh "$@" >"$scratch/refused.log" 2>&1; then
        cat "$scratch/refused.log" >&2
        die "a consumer was configured although $why"
    fi
    grep -qF "$reason" "$scratch/refused.log" || {
        cat "$scratch/refused.log" >&2
        die "the consumer failed, but not with '$reason'"
    }
    say "refused, as it must be: $why"
}
# The package accepts the same major.minor only (before 1.0.0 a minor
# version may break the API).
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
if [ "$minor" -gt 0 ]; then
    refused "it asked for rvnet $major.$((minor - 1))" "version: $version" \
        "$host" examples/ping-lo "$scratch/refused" \
        -- -DPING_LO_RVNET_VERSION="$major.$((minor - 1))"
fi
refused "it asked for rvnet $major.$((minor + 1))" "version: $version" \
    "$host" examples/ping-lo "$scratch/refused" \
    -- -DPING_LO_RVNET_VERSION="$major.$((minor + 1))"

# --- 3. pkg-config, in place and moved ---------------------------------------
pc_build() { # prefix out
    rm -rf "$2"
    # Only this prefix's .pc files, none of the system's.
    quiet "$2.log" env PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$1/lib/pkgconfig" \
        make -C examples/ping-lo O="$2" CC=gcc
    run_ping_lo "$2/ping-lo"
}
pc_build "$host" "$scratch/ping-lo-pc"
cp -a "$host" "$host-moved"
mv "$host" "$host.away" # nothing may still point at the first place
pc_build "$host-moved" "$scratch/ping-lo-pc-moved"
bash scripts/build-consumer.sh "$host-moved" examples/ping-lo "$scratch/ping-lo-cmake-moved" >/dev/null
run_ping_lo "$scratch/ping-lo-cmake-moved/ping-lo"
mv "$host.away" "$host"
rm -rf "$host-moved"

# --- 4. nx-net, only on request ----------------------------------------------
tools=$scratch/host-tools
rm -rf "$tools"
quiet "$scratch/tools-install.log" cmake --install "$host_build" --prefix "$tools" --component tools
[ "$(cd "$tools" && find . -type f)" = "./bin/nx-net" ] || die "--component tools installed more than bin/nx-net"
[ "$("$tools/bin/nx-net" --version)" = "nx-net $version" ] || die "installed nx-net --version is not $version"
say "--component tools: bin/nx-net, $("$tools/bin/nx-net" --version)"

# --- 5. riscv64 cross prefix ---------------------------------------------------
rv_build=$scratch/riscv64-build
rv=$scratch/riscv64
rv_toolchain=cmake/riscv64-unknown-elf.cmake
rm -rf "$rv"
quiet "$scratch/riscv64-configure.log" cmake -S "$src" -B "$rv_build" \
    -DCMAKE_TOOLCHAIN_FILE="$src/$rv_toolchain" -DCMAKE_BUILD_TYPE=MinSizeRel
quiet "$scratch/riscv64-build.log" cmake --build "$rv_build" -j"$jobs" --target rvnet_libraries
quiet "$scratch/riscv64-install.log" cmake --install "$rv_build" --prefix "$rv"
check_tree "$rv" minsizerel
for a in "$rv"/lib/*.a; do
    riscv64-unknown-elf-objdump -f "$a" | grep 'file format elf64-littleriscv' >/dev/null ||
        die "$a is not riscv64 code"
done

bash scripts/build-consumer.sh "$rv" examples/ping-lo "$scratch/ping-lo-riscv64" "$rv_toolchain"
elf=$scratch/ping-lo-riscv64/ping-lo.elf
riscv64-unknown-elf-readelf -h "$elf" | grep 'Machine:.*RISC-V' >/dev/null || die "$elf is not a RISC-V ELF"
riscv64-unknown-elf-nm "$elf" | grep -w ns_poll >/dev/null || die "$elf does not contain rvnet's ns_poll"
if command -v qemu-riscv64 >/dev/null; then
    out=$(qemu-riscv64 "$elf") || die "qemu-riscv64 $elf failed: $out"
    say "$out"
    grep -q 'every echo came back' <<<"$out" || die "$elf: not every echo came back"
else
    say "SKIPPED running $elf: qemu-riscv64 is not installed (Debian qemu-user)"
fi
host_cpu=$(sed -n 's/^set(rvnet_SYSTEM_PROCESSOR "\(.*\)")$/\1/p' "$host/lib/cmake/rvnet/rvnetConfig.cmake")
refused "the host prefix was built for another processor" "version: $version (for $host_cpu)" \
    "$host" examples/ping-lo "$scratch/refused" "$rv_toolchain"

# The bring-up images as a kernel tree would build them: their own project,
# rvnet from the cross prefix alone. The S-mode one boots under QEMU's
# OpenSBI to its last marker.
img=$scratch/rv-virt-from-prefix
bash scripts/build-consumer.sh "$rv" platform/rv-virt "$img" "$rv_toolchain"
for e in rvnet-rv-virt.elf rvnet-rv-virt-s.elf; do
    riscv64-unknown-elf-nm "$img/$e" | grep -w ns_poll >/dev/null || die "$img/$e does not contain rvnet's ns_poll"
done
if command -v qemu-system-riscv64 >/dev/null; then
    out=$(timeout 60 qemu-system-riscv64 -nographic -M virt -m 256M -bios default \
        -kernel "$img/rvnet-rv-virt-s.elf" -device virtio-net-device,netdev=n0 \
        -netdev user,id=n0,restrict=on </dev/null 2>&1) || die "the S-mode image from the prefix failed: $out"
    grep -x 'SELFTEST: done' <<<"${out//$'\r'/}" >/dev/null || die "the S-mode image from the prefix: no 'SELFTEST: done': $out"
    say "rv-virt from the riscv64 prefix: both images built, the S-mode one booted to SELFTEST: done"
else
    say "SKIPPED booting the image from the prefix: qemu-system-riscv64 is not installed (Debian qemu-system-misc)"
fi

for c in ${RVNET_CROSS_CONSUMERS:-}; do
    bash scripts/build-consumer.sh "$rv" "$c" "$scratch/consumer-$(basename "$c")" "$rv_toolchain"
done

rm -rf "$scratch/refused" "$scratch/refused.log"
say "all passed in $(($(date +%s) - start)) s"
