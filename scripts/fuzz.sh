#!/usr/bin/env bash
# Builds the libFuzzer targets under tests/fuzz with clang and runs each for
# SECONDS (default 20) on a scratch copy of its checked-in seed corpus and
# of what the long campaign kept (tests/fuzz/merged, tests/fuzz/README.md).
# Fails on the first finding; the crashing input is kept in build/fuzz/findings.
# A longer run: bash scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRVNET_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$(nproc)"
mkdir -p build/fuzz/findings
targets=$(find tests/fuzz -maxdepth 1 -name 'fuzz_*.c' -exec basename {} .c \; | sort)
if [ -z "$targets" ]; then
    echo "fuzz: no targets"
    exit 0
fi
for t in $targets; do
    work=build/fuzz/corpus/$t
    rm -rf "$work"
    mkdir -p "$work"
    # The generated seeds, and what the long campaign kept
    # (scripts/fuzz-campaign.sh, tests/fuzz/README.md).
    for d in "tests/fuzz/corpus/$t" "tests/fuzz/merged/$t"; do
        [ -d "$d" ] && cp -r "$d/." "$work/"
    done
    log=build/fuzz/$t.log
    if ! "build/fuzz/tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix=build/fuzz/findings/"$t"- "$work" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $t found a problem (input in build/fuzz/findings/)" >&2
        exit 1
    fi
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $t ok, ${runs:-?} executions in ${seconds}s"
done
