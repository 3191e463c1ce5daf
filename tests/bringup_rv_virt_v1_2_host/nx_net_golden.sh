#!/usr/bin/env bash
# The golden traces: `nx-net up --pcap` twice gives byte-identical files, and
# both equal tests/golden/nx_net_up_<layout>.pcap (tshark checks those in
# the nx_net_pcap_tshark test). Every build runs it against the same
# checked-in files (gcc, clang with the sanitizers, s390x big-endian under
# qemu-user), so a compiler or byte-order difference in any frame fails.
#   usage: nx_net_golden.sh NX_NET SOURCE_DIR WORK_DIR [EMULATOR...]
#   EMULATOR: the command line that runs NX_NET when it is cross-built
#   (CMake's CMAKE_CROSSCOMPILING_EMULATOR, as ctest runs the other tests).
#   RVNET_GOLDEN_UPDATE=1 rewrites the golden files instead of comparing.
set -euo pipefail
nx=${1:?nx-net binary}
src=${2:?source dir}
work=${3:?work dir}
shift 3
emu=("$@")
mkdir -p "$work"
for layout in legacy modern; do
    golden=$src/tests/golden/nx_net_up_$layout.pcap
    "${emu[@]}" "$nx" up --virtio "$layout" --pcap "$work/a_$layout.pcap" >"$work/a_$layout.out"
    "${emu[@]}" "$nx" up --virtio "$layout" --pcap "$work/b_$layout.pcap" >"$work/b_$layout.out"
    cmp "$work/a_$layout.pcap" "$work/b_$layout.pcap" ||
        { echo "golden: $layout: two runs differ" >&2; exit 1; }
    cmp "$work/a_$layout.out" "$work/b_$layout.out" ||
        { echo "golden: $layout: two runs print differently" >&2; exit 1; }
    if [ "${RVNET_GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$work/a_$layout.pcap" "$golden"
        echo "golden: $layout: rewrote $golden"
    fi
    cmp "$work/a_$layout.pcap" "$golden" ||
        { echo "golden: $layout: differs from $golden (RVNET_GOLDEN_UPDATE=1 after review)" >&2; exit 1; }
    echo "golden: $layout: $(wc -c <"$golden") bytes, identical twice and to the checked-in trace"
done
# The TFTP read's trace too (nx_net_tftp.sh checks it natively, with tshark):
# here under the emulator as well, so a byte-order or compiler difference in
# any of its frames fails the cross builds.
golden=$src/tests/golden/nx_net_tftp_hello.pcap
"${emu[@]}" "$nx" tftp get hello.txt -o "$work/hello.txt" --pcap "$work/tftp.pcap" >"$work/tftp.out" ||
    { echo "golden: tftp: nx-net tftp get failed" >&2; cat "$work/tftp.out" >&2; exit 1; }
cmp "$work/tftp.pcap" "$golden" ||
    { echo "golden: tftp: differs from $golden (nx_net_tftp.sh's RVNET_GOLDEN_UPDATE=1 after review)" >&2; exit 1; }
echo "golden: tftp: $(wc -c <"$golden") bytes, identical to the checked-in trace"
