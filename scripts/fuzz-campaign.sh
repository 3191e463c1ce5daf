#!/usr/bin/env bash
# The long fuzz campaign (tests/fuzz/README.md): every target, or the ones
# named, until it has RUNS executions or SECONDS have passed, whichever is
# first; then what it found that adds coverage is merged (-merge=1) with the
# generated seeds and the earlier campaigns' inputs into
# tests/fuzz/merged/<target>/, which scripts/fuzz.sh also runs from.
# Fails on the first finding; the input is kept in build/fuzz/findings/.
#   usage: fuzz-campaign.sh [TARGET...]
#   RUNS=N (default 10000000)  SECONDS_MAX=N (default 3600)
# One line per target goes to build/fuzz/campaign.txt:
#   target executions seconds exec/s merged-files
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10000000}
limit=${SECONDS_MAX:-3600}
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRVNET_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$(nproc)" >/dev/null
mkdir -p build/fuzz/findings
if [ $# -gt 0 ]; then
    targets="$*"
else
    targets=$(find tests/fuzz -maxdepth 1 -name 'fuzz_*.c' -exec basename {} .c \; | sort)
fi
for t in $targets; do
    bin=build/fuzz/tests/fuzz/$t
    [ -x "$bin" ] || { echo "fuzz-campaign: no target $t" >&2; exit 1; }
    work=build/fuzz/campaign/$t
    rm -rf "$work"
    mkdir -p "$work/grown" "$work/merged"
    dirs=()
    for d in "tests/fuzz/corpus/$t" "tests/fuzz/merged/$t"; do
        [ -d "$d" ] && dirs+=("$d")
    done
    log=build/fuzz/campaign-$t.log
    t0=$(date +%s)
    # The first directory is written to: the scratch one, never the tree.
    if ! "$bin" -runs="$runs" -max_total_time="$limit" -print_final_stats=1 \
        -artifact_prefix=build/fuzz/findings/"$t"- "$work/grown" "${dirs[@]}" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz-campaign: $t found a problem (input in build/fuzz/findings/)" >&2
        exit 1
    fi
    secs=$(($(date +%s) - t0))
    n=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    # Keep what adds coverage beyond the generated seeds (those stay in
    # corpus/, which tests regenerate and compare).
    "$bin" -merge=1 "$work/merged" "$work/grown" "${dirs[@]}" >"$work/merge.log" 2>&1
    # -merge names what it keeps by its SHA-1: drop the seeds themselves.
    if [ -d "tests/fuzz/corpus/$t" ]; then
        for s in "tests/fuzz/corpus/$t"/*; do
            rm -f "$work/merged/$(sha1sum "$s" | cut -d' ' -f1)"
        done
    fi
    rm -rf "tests/fuzz/merged/$t"
    mkdir -p "tests/fuzz/merged/$t"
    cp "$work/merged"/* "tests/fuzz/merged/$t/" 2>/dev/null || true
    kept=$(find "tests/fuzz/merged/$t" -type f | wc -l)
    printf '%s %s %s %s %s\n' "$t" "${n:-?}" "$secs" "$(( ${n:-0} / (secs > 0 ? secs : 1) ))" "$kept" |
        tee -a build/fuzz/campaign.txt
done
