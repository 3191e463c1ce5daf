#!/usr/bin/env bash
# Configures and builds a CMake project that uses an installed rvnet through
# find_package(rvnet), out of this tree, against one prefix and nothing
# else on the machine. scripts/install-test.sh builds examples/ping-lo with
# it for the host and for riscv64; any other consumer directory works the
# same (the hook for images built from the installed cross prefix).
#   usage: build-consumer.sh PREFIX CONSUMER_DIR BUILD_DIR [TOOLCHAIN_FILE] [-- CMAKE_ARGS...]
# Prints the consumer's configure output's "rvnet" lines; fails when the
# package found is not the one in PREFIX.
set -euo pipefail
prefix=$(realpath "${1:?prefix}")
consumer=$(realpath "${2:?consumer source dir}")
build=${3:?build dir}
shift 3
toolchain=()
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    toolchain=(-DCMAKE_TOOLCHAIN_FILE="$(realpath "$1")")
    shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift

rm -rf "$build"
# Only PREFIX: no package registry, no system prefix that could hold
# another rvnet.
cmake -S "$consumer" -B "$build" "${toolchain[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
    -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF "$@" >"$build.configure.log" 2>&1 || {
    cat "$build.configure.log" >&2
    echo "build-consumer: configuring $consumer against $prefix failed" >&2
    exit 1
}
grep -i 'rvnet' "$build.configure.log" | sed 's/^-- //' || true
found=$(sed -n 's/^rvnet_DIR:PATH=//p' "$build/CMakeCache.txt")
if [ "$found" != "$prefix/lib/cmake/rvnet" ]; then
    echo "build-consumer: found rvnet at '$found', not in $prefix" >&2
    exit 1
fi
cmake --build "$build" -j2 >"$build.build.log" 2>&1 || {
    cat "$build.build.log" >&2
    echo "build-consumer: building $consumer failed" >&2
    exit 1
}
echo "build-consumer: $(basename "$consumer") built against $prefix"
