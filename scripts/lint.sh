#!/usr/bin/env bash
# Static analysis of the libraries (userspace/libs/): cppcheck and
# clang-tidy with the checked-in .clang-tidy (bugprone, cert, the clang
# analyzer). Any finding fails.
#   usage: lint.sh [BUILD_DIR]   (a host build dir to export compile commands into)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/lint}
incs=()
for d in userspace/libs/*/include; do incs+=(-I "$d"); done
cppcheck --std=c11 --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
    --quiet "${incs[@]}" userspace/libs
echo "cppcheck: clean"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
mapfile -t srcs < <(ls userspace/libs/*/src/*.c)
rc=0
out=$(clang-tidy -p "$build" --quiet "${srcs[@]}" 2>&1) || rc=$?
if [ "$rc" -ne 0 ]; then
    grep -v 'warnings generated' <<<"$out" >&2
    echo "clang-tidy: findings above" >&2
    exit 1
fi
echo "clang-tidy: ${#srcs[@]} files clean"
