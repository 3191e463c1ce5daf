#!/usr/bin/env bash
# The host suite on a big-endian machine: cross-built for s390x
# (gcc-s390x-linux-gnu, libcmocka-dev:s390x) and run under qemu-s390x
# (qemu-user). Legacy virtio rings are then big-endian, modern ones stay
# little-endian, and every test must still pass, the golden trace included:
# nx-net under qemu-s390x must write the checked-in frames byte for byte.
# Tests that run host tools directly or need the riscv64 toolchain (the
# freestanding builds and the size budget, which links from them) are left
# to the native runs.
#   usage: bigendian.sh [BUILD_DIR]   (default build/s390x)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/s390x}
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
file "$build/tests/bringup_rv_virt_v1_2_host/test_virtio_net" | grep -q 'MSB.*S/390' ||
    { echo "bigendian: the build is not big-endian s390x" >&2; exit 1; }
ctest --test-dir "$build" -L bringup_rv_virt_v1_2_host -E 'freestanding|size_budget|nx_net_cli|nx_net_version|nx_net_tftp|pcap|doc' \
    -j"$(nproc)" --output-on-failure
