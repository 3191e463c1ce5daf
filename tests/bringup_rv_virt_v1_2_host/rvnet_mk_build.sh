#!/usr/bin/env bash
# The Makefile fragment in use: rvnet_mk/Makefile builds every library from
# rvnet.mk with host gcc (-Werror) and links them all into one program, whose
# version must be the CMake project's and whose library list must be every
# library CMake builds; then the same archives with the riscv64 cross
# compiler, freestanding.
#   usage: rvnet_mk_build.sh SOURCE_DIR OUT_DIR VERSION LIBRARY...
set -euo pipefail
src=${1:?source dir}
out=${2:?output dir}
want=${3:?version}
shift 3
[ $# -gt 0 ] || { echo "rvnet_mk_build: name the libraries CMake builds" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"

make -s -C "$out" -f "$here/rvnet_mk/Makefile" RVNET_ROOT="$src" O="$out/host" CC=gcc AR=ar -j2 all
got=$("$out/host/rvnet_mk_all")
echo "$got"
case "$got" in
"rvnet $want ($want): "*) ;;
"rvnet $want "*)
    echo "rvnet_mk_build: the version header's numbers disagree with its string" >&2
    exit 1
    ;;
*)
    echo "rvnet_mk_build: rvnet.mk's build says '$got', CMake's version is $want" >&2
    exit 1
    ;;
esac
# The same libraries, in any order (rvnet.mk puts each after those it uses).
have=$(tr ' ' '\n' <<<"${got#*: }" | sort | xargs)
cmake_libs=$(printf '%s\n' "$@" | sort | xargs)
if [ "$have" != "$cmake_libs" ]; then
    echo "rvnet_mk_build: rvnet.mk has libraries '$have', CMake builds '$cmake_libs'" >&2
    exit 1
fi
echo "rvnet_mk_build: host gcc: every library built and linked"

if ! command -v riscv64-unknown-elf-gcc >/dev/null; then
    echo "rvnet_mk_build: SKIPPED the riscv64 build: riscv64-unknown-elf-gcc is not installed" >&2
    exit 77
fi
make -s -C "$out" -f "$here/rvnet_mk/Makefile" RVNET_ROOT="$src" O="$out/riscv64" \
    CC=riscv64-unknown-elf-gcc AR=riscv64-unknown-elf-ar -j2 libs \
    EXTRA_CFLAGS="--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -Os"
echo "rvnet_mk_build: riscv64-unknown-elf-gcc: every library built freestanding"
