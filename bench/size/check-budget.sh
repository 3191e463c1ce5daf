#!/usr/bin/env bash
# The size budget test (ctest size_budget): links the whole-stack size image
# (bench/size/size-image.sh, the image bench/run.sh's P2 measures) from a
# riscv64 MinSizeRel build's archives and fails when the rvnet libraries, as
# linked in it, hold more .text + .rodata than bench/size/budget.txt allows.
# Size is deterministic for one toolchain: this is not a timed test. It
# prints the figure, the budget, and the whole image's text+rodata.
#   usage: check-budget.sh SOURCE_DIR RV_BUILD_DIR OUT_DIR
#   RV_BUILD_DIR  a riscv64 MinSizeRel build with the libraries built (ctest
#                 gives it the one freestanding_riscv64 builds)
set -euo pipefail
src=${1:?source dir}
rv=$(cd "${2:?riscv64 build dir}" && pwd)
out=$(mkdir -p "${3:?out dir}" && cd "$3" && pwd)
cd "$src"
command -v riscv64-unknown-elf-gcc >/dev/null || {
    echo "size budget: riscv64-unknown-elf-gcc is not installed (scripts/deps.sh installs it)" >&2
    exit 1
}
budget_file=bench/size/budget.txt
budget=$(grep -v '^[[:space:]]*#' "$budget_file" | grep -m1 -oE '^[[:space:]]*[0-9]+' | tr -d '[:space:]' || true)
[ -n "$budget" ] || { echo "size budget: no number in $budget_file" >&2; exit 1; }
# shellcheck source=bench/size/size-image.sh
source bench/size/size-image.sh
size_image_build "$rv" "$out" || { echo "size budget: the size image failed to build" >&2; exit 1; }
libs=$(size_libs_only "$out/size-nostub.map")
whole=$(size_img_ro "$out/size-nostub.elf")
[ "$libs" -gt 0 ] || { echo "size budget: no rvnet library code found in $out/size-nostub.map" >&2; exit 1; }
echo "size budget: the rvnet libraries as linked in the size image: $libs B of text+rodata; budget $budget B ($budget_file); the whole image $whole B"
size_map_sum "$out/size-nostub.map" | sort -rn | head -n 12 | sed 's/^/    /'
if [ "$libs" -gt "$budget" ]; then
    echo "size budget: OVER by $((libs - budget)) B: shrink the code, or raise $budget_file (one line, the reason in the commit)" >&2
    exit 1
fi
echo "size budget: ok, $((budget - libs)) B to spare"
