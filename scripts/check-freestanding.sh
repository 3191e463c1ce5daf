#!/usr/bin/env bash
# Builds every library under userspace/libs/ freestanding (-ffreestanding
# -nostdlib) with a cross toolchain and fails if any of them needs a symbol
# from outside userspace/libs/ other than memcpy, memset and memcmp (so: no
# printf, no malloc, no abort, no libgcc soft-float surprises go unnoticed),
# or includes a header other than <stdint.h>, <stddef.h>, <stdbool.h>,
# <string.h> and the libraries' own.
# usage: check-freestanding.sh SOURCE_DIR BUILD_DIR [TOOLCHAIN_FILE [NM]]
#   TOOLCHAIN_FILE  default SOURCE_DIR/cmake/riscv64-unknown-elf.cmake;
#                   cmake/aarch64-freestanding.cmake is the AArch64 check
#   NM              that toolchain's nm, default riscv64-unknown-elf-nm
set -euo pipefail
src=${1:?source dir}
out=${2:?build dir}
toolchain=${3:-$src/cmake/riscv64-unknown-elf.cmake}
nm=${4:-riscv64-unknown-elf-nm}

cc=$(sed -nE 's/^set\(CMAKE_C_COMPILER ([^ )]+)\).*/\1/p' "$toolchain")
for tool in "$cc" "$nm"; do
    command -v "$tool" >/dev/null || {
        echo "check-freestanding: ${tool:-the compiler of $toolchain} is not installed (scripts/deps.sh installs it)" >&2
        exit 1
    }
done

bad_includes=$(grep -rhoE '^\s*#\s*include\s*<[^>]+>' "$src/userspace/libs" --include='*.c' --include='*.h' |
    sed -E 's/.*<([^>]+)>.*/\1/' | sort -u | grep -vxE 'stdint\.h|stddef\.h|stdbool\.h|string\.h' || true)
if [ -n "$bad_includes" ]; then
    echo "check-freestanding: libraries include headers outside the allowed set:" >&2
    echo "$bad_includes" >&2
    exit 1
fi

cmake -S "$src" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=MinSizeRel >"$out.configure.log" 2>&1 || {
    cat "$out.configure.log" >&2
    exit 1
}
cmake --build "$out" -j2

libs=$(find "$out/userspace/libs" -name '*.a' | sort)
[ -n "$libs" ] || { echo "check-freestanding: no libraries were built" >&2; exit 1; }

defined=$("$nm" -g --defined-only $libs | awk 'NF==3 {print $3}' | sort -u)
status=0
for lib in $libs; do
    undefined=$("$nm" -u "$lib" | awk '{print $NF}' | grep -v ':$' | sort -u)
    for sym in $undefined; do
        case "$sym" in memcpy | memset | memcmp) continue ;; esac
        if ! grep -qxF "$sym" <<<"$defined"; then
            echo "check-freestanding: $(basename "$lib") needs '$sym', which no rvnet library defines" >&2
            status=1
        fi
    done
    echo "freestanding ok ($cc): $(basename "$lib")"
done
exit $status
