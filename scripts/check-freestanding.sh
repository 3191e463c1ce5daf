#!/usr/bin/env bash
# Builds every library under userspace/libs/ for riscv64-unknown-elf with
# -ffreestanding -nostdlib and fails if any of them needs a symbol from
# outside userspace/libs/ other than memcpy, memset and memcmp (so: no printf,
# no malloc, no abort, no libgcc soft-float surprises go unnoticed), or
# includes a header other than <stdint.h>, <stddef.h>, <stdbool.h>, <string.h>
# and the libraries' own.
# usage: check-freestanding.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=${1:?source dir}
out=${2:?build dir}

command -v riscv64-unknown-elf-gcc >/dev/null || {
    echo "check-freestanding: riscv64-unknown-elf-gcc is not installed (Debian gcc-riscv64-unknown-elf)" >&2
    exit 1
}

bad_includes=$(grep -rhoE '^\s*#\s*include\s*<[^>]+>' "$src/userspace/libs" --include='*.c' --include='*.h' |
    sed -E 's/.*<([^>]+)>.*/\1/' | sort -u | grep -vxE 'stdint\.h|stddef\.h|stdbool\.h|string\.h' || true)
if [ -n "$bad_includes" ]; then
    echo "check-freestanding: libraries include headers outside the allowed set:" >&2
    echo "$bad_includes" >&2
    exit 1
fi

cmake -S "$src" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/riscv64-unknown-elf.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel >"$out.configure.log" 2>&1 || {
    cat "$out.configure.log" >&2
    exit 1
}
cmake --build "$out" -j2

libs=$(find "$out/userspace/libs" -name '*.a' | sort)
[ -n "$libs" ] || { echo "check-freestanding: no libraries were built" >&2; exit 1; }

defined=$(riscv64-unknown-elf-nm -g --defined-only $libs | awk 'NF==3 {print $3}' | sort -u)
status=0
for lib in $libs; do
    undefined=$(riscv64-unknown-elf-nm -u "$lib" | awk '{print $NF}' | grep -v ':$' | sort -u)
    for sym in $undefined; do
        case "$sym" in memcpy | memset | memcmp) continue ;; esac
        if ! grep -qxF "$sym" <<<"$defined"; then
            echo "check-freestanding: $(basename "$lib") needs '$sym', which no rvnet library defines" >&2
            status=1
        fi
    done
    echo "freestanding ok: $(basename "$lib")"
done
exit $status
