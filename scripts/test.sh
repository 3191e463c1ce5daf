#!/usr/bin/env bash
# The README's second command and exactly what CI runs: install what is
# missing, check formatting, build with gcc and with clang (ASan + UBSan),
# run the host suite under both (it includes the freestanding riscv64 and
# AArch64 builds of the libraries, the file lists for other builds, nx-net,
# the golden trace and tshark), nx-net against real peers in network
# namespaces (dnsmasq, Linux ping/arping, udhcpc, dhcpcd, libslirp), the
# install into host and riscv64 prefixes
# with the example consumers built from them, valgrind memcheck,
# cppcheck and clang-tidy, the suite again big-endian (s390x under
# qemu-user), the bare-metal image on QEMU against its own virtio-net device
# and DHCP server, and every fuzz target for a bounded time.
#   FUZZ_SECONDS=N   seconds per fuzz target (default 20; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
label=bringup_rv_virt_v1_2_host
jobs=$(nproc)

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
bash scripts/deps.sh

step "clang-format"
mapfile -t sources < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')
clang-format --dry-run -Werror "${sources[@]}"
echo "clang-format: ${#sources[@]} files clean"

step "gcc build + host suite"
cmake -S . -B build/gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/gcc -j"$jobs"
ctest --test-dir build/gcc -L "$label" -j"$jobs" --output-on-failure

step "gcc -O3 build of the libraries and nx-net (what bench/run.sh builds)"
# -O3 sees more of the code at once and warns where -O2 does not
# (-Wstringop-overflow once failed bench/run.sh's Release build only).
cmake -S . -B build/gcc-o3 -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/gcc-o3 -j"$jobs" --target rvnet_libraries nx-net

step "clang build + host suite under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build/clang-san -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
    -DRVNET_SANITIZE=ON >/dev/null
cmake --build build/clang-san -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/clang-san -L "$label" -j"$jobs" --output-on-failure

step "real peers: dnsmasq, Linux ping and arping, udhcpc, dhcpcd, libslirp (clang+sanitizer build)"
# tests/realpeer: each in a network namespace of its own, removed again also
# on failure. They need root (CI runs as root): without it they print
# SKIPPED and ctest counts them as skipped, except the slirp one, which runs
# for any user. About 40 s, mostly dnsmasq's 10 s T1 and the RFC 5227 probes.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/clang-san -L realpeer -j"$jobs" --output-on-failure

step "install and out-of-tree consumers"
# cmake --install into host and riscv64 prefixes, examples/ping-lo built
# there through find_package and through pkg-config, and run.
bash scripts/install-test.sh build/install-test

step "valgrind memcheck of the host suite (gcc build)"
vg_fail=0
for t in build/gcc/tests/bringup_rv_virt_v1_2_host/test_* build/gcc/tests/lwip/test_*; do
    [ -x "$t" ] || continue
    # The soak runs its full ten million frames natively above; here a
    # shorter run of the same code keeps memcheck within minutes.
    if ! RVNET_SOAK_FRAMES=200000 valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$t" >build/gcc/valgrind-"$(basename "$t")".log 2>&1; then
        tail -n 40 build/gcc/valgrind-"$(basename "$t")".log
        echo "valgrind: $(basename "$t") failed" >&2
        vg_fail=1
    else
        echo "valgrind: $(basename "$t") clean"
    fi
done
# nx-net itself, on the stub and on libslirp (a few seconds).
for args in "up" "dhcp --probe --virtio modern" "serve --seconds 1" "up --backend slirp"; do
    # shellcheck disable=SC2086 # the words of args are nx-net's arguments
    if ! valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        build/gcc/tools/nx-net/nx-net $args >build/gcc/valgrind-nx-net.log 2>&1; then
        tail -n 40 build/gcc/valgrind-nx-net.log
        echo "valgrind: nx-net $args failed" >&2
        vg_fail=1
    else
        echo "valgrind: nx-net $args clean"
    fi
done
[ "$vg_fail" -eq 0 ]

step "static analysis: cppcheck and clang-tidy over userspace/libs"
bash scripts/lint.sh build/lint

step "big-endian: the host suite cross-built for s390x, run under qemu-s390x"
bash scripts/bigendian.sh build/s390x

step "bring-up image on qemu-system-riscv64 -M virt (legacy and modern)"
bash scripts/qemu-test.sh build/riscv64

fuzz_seconds=${FUZZ_SECONDS:-20}
if [ "$fuzz_seconds" -gt 0 ]; then
    step "fuzz targets, ${fuzz_seconds}s each"
    bash scripts/fuzz.sh "$fuzz_seconds"
fi

step "all checks passed"
