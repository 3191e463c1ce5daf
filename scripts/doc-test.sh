#!/usr/bin/env bash
# Runs the commands of a document: every "$ " line inside a ```console block
# is run from the top of the tree (build/gcc/ replaced by BUILD_DIR/) and must
# exit 0. Lines in ```sh blocks are the CI's own scripts: each must exist and
# parse (CI runs them itself; running the test suite from inside it would
# recurse).
#   usage: doc-test.sh DOC.md BUILD_DIR
set -euo pipefail
doc=${1:?document}
build=${2:?build dir}
cd "$(dirname "$0")/.."
[ -f "$doc" ] || { echo "doc-test: no $doc" >&2; exit 1; }
ran=0
checked=0
while IFS=$'\t' read -r kind line; do
    if [ "$kind" = console ]; then
        cmd=${line//build\/gcc\//$build/}
        echo "doc-test: \$ $cmd"
        if ! bash -c "$cmd" >/tmp/doc-test.$$ 2>&1; then
            cat /tmp/doc-test.$$ >&2
            rm -f /tmp/doc-test.$$
            echo "doc-test: failed: $line" >&2
            exit 1
        fi
        ran=$((ran + 1))
    else
        script=$(awk '{print $2}' <<<"$line")
        [ -f "$script" ] && bash -n "$script" ||
            { echo "doc-test: '$line' names no working script" >&2; exit 1; }
        checked=$((checked + 1))
    fi
done < <(awk '
    /^```console/ { blk = "console"; next }
    /^```sh/ { blk = "sh"; next }
    /^```/ { blk = ""; next }
    blk == "console" && /^\$ / { sub(/^\$ /, ""); print "console\t" $0 }
    blk == "sh" && /^bash / { sub(/ *#.*/, ""); print "sh\t" $0 }
' "$doc")
rm -f /tmp/doc-test.$$
[ "$ran" -gt 0 ] || { echo "doc-test: no commands found in $doc" >&2; exit 1; }
echo "doc-test: $ran commands ran, $checked CI scripts checked"
