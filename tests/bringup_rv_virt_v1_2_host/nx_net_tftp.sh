#!/usr/bin/env bash
# nx-net tftp get, as a user runs it. On the stub: every built-in file
# byte for byte against the generator as stub_net.h writes it down (done
# again here in python3, independently of the C), with and without
# options, windowed, past the block-number wrap; the output line and JSON;
# -o - and the atomic replace of OUT; a missing file and --max-size; the
# usage errors (exit 2 before any output); tshark over the pcaps; and the
# golden trace of one small transfer (tests/golden/nx_net_tftp_hello.pcap,
# RVNET_GOLDEN_UPDATE=1 rewrites it). With libslirp: slirp's TFTP server
# (restrict=on) serving a directory, byte for byte, with and without
# options, tshark over both, and its "File not found".
#   usage: nx_net_tftp.sh NX_NET SOURCE_DIR [HAVE_SLIRP(ON|OFF)]
set -uo pipefail
nx=$(readlink -f "${1:?nx-net binary}")
src=$(readlink -f "${2:?source dir}")
have_slirp=${3:-OFF}
fails=0
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
check() { # description (no $(...) in it: that would set $?), the condition's status in $?
    local rc=$? what=$1
    if [ "$rc" -eq 0 ]; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
pcap_ok() { bash "$src/scripts/check-pcap.sh" "$@" >/dev/null; }

# The stub's files, from stub_net.h's description alone.
cat >gen.py <<'EOF'
import sys
M = (1 << 64) - 1
def gen(name, size, seed=0x7276746674707374):
    if name == "hello.txt":
        return b"Hello from the rvnet stub network\n"
    h = 0xcbf29ce484222325
    for c in name.encode():
        h = ((h ^ c) * 0x100000001b3) & M
    key, out = seed ^ h, bytearray()
    for k in range((size + 7) // 8):
        z = (key + (k + 1) * 0x9e3779b97f4a7c15) & M
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
        out += (z ^ (z >> 31)).to_bytes(8, "little")
    return bytes(out[:size])
sys.stdout.buffer.write(gen(sys.argv[1], int(sys.argv[2])))
EOF
declare -A size=([hello.txt]=34 [zero.bin]=0 [block.bin]=182784 [big.bin]=4195538 [wrap.bin]=34604008)
for f in "${!size[@]}"; do python3 gen.py "$f" "${size[$f]}" >"want.$f"; done
crc() { python3 -c 'import sys, zlib; print("0x%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$1"; }
field() { sed -nE "s/^SELFTEST: tftp ok .*\<$1=([^ ]+).*/\1/p" "$2"; }

# --- every built-in file, byte for byte ---------------------------------------
get() { # tag file [options]: fetches into tag/, the output in tag.out
    local tag=$1 f=$2
    shift 2
    mkdir -p "$tag"
    (cd "$tag" && "$nx" tftp get "$f" "$@") >"$tag.out" 2>"$tag.err"
}
expect() { # tag file blocks blksize windowsize
    local tag=$1 f=$2 out=$1.out
    cmp -s "$tag/$f" "want.$f" && [ "$(field size "$out")" = "${size[$f]}" ] &&
        [ "$(field crc32 "$out")" = "$(crc "want.$f")" ] && [ "$(field blocks "$out")" = "$3" ] &&
        [ "$(field blksize "$out")" = "$4" ] && [ "$(field windowsize "$out")" = "$5" ]
}
get hello hello.txt
rc=$?
[ "$rc" -eq 0 ] && expect hello hello.txt 1 1428 1; check "hello.txt: exit 0, 34 bytes as written down, CRC-32, 1 block of 1428"
want="virtionet: ready
virtionet: mmio=0x10008000 irq=8 mac=02:00:00:00:00:01 mtu=1500 virtio=legacy
netstack: ready
netstack: lo up
netstack: virt0 dhcp addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3
tftp: hello.txt from 10.0.2.2: 34 bytes in 1 blocks of 1428 (window 1), 0 retransmits, 3 ms, 0.01 MiB/s (virtual clock)
SELFTEST: tftp ok file=hello.txt size=34 crc32=0x5a6c9da8 blocks=1 blksize=1428 windowsize=1 retransmits=0 ms=3 port=49153 out=hello.txt
netstack: virt0 dhcp released addr=10.0.2.15"
[ "$(cat hello.out)" = "$want" ] && [ ! -s hello.err ]
check "hello.txt: the bring-up markers, the transfer's line and marker (port 49153, the first ephemeral one), the release"
get zero zero.bin && expect zero zero.bin 1 1428 1; check "zero.bin: 0 bytes, one empty block"
get block512 block.bin --blksize 512 && expect block512 block.bin 358 512 1
check "block.bin at 512: 357 whole blocks and the empty 358th"
get block block.bin && expect block block.bin 129 1428 1
check "block.bin at 1468 asked: slirp's 1428 granted, 128 whole blocks and the empty 129th"
get bigw big.bin --windowsize 16 && expect bigw big.bin 2939 1428 16
check "big.bin with --windowsize 16: granted, every byte"
get bigw64 big.bin --windowsize 1000 && expect bigw64 big.bin 2939 1428 64
check "big.bin with --windowsize 1000: the stub grants its 64"
get wrap wrap.bin --blksize 512 && expect wrap wrap.bin 67586 512 1
check "wrap.bin at 512: 67586 blocks, past 65535 (the client refuses a wrap to 1 at window 1)"
get plain big.bin --no-options --json
grep -q '"blksize":512,"windowsize":1,"oack":false,"tsize":null' plain.out && cmp -s plain/big.bin want.big.bin
check "--no-options: DATA at 512 without an OACK, every byte"

# --- JSON, stdout, OUT ----------------------------------------------------------
out=$("$nx" --json tftp get big.bin -o j.bin); rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
    grep -q '^{"ok":true,"backend":"stub","clock":"virtual","file":"big.bin","server":"10.0.2.2","out":"j.bin","size":4195538,"blocks":2939,"blksize":1428,"windowsize":1,"oack":true,"tsize":4195538,"retransmits":0,' <<<"$out" &&
    grep -q "\"local_port\":49153,.*\"crc32\":\"$(crc want.big.bin)\"}$" <<<"$out" && cmp -s j.bin want.big.bin
check "--json: one object with size, blocks, blksize, retransmits, ports, time, CRC-32"
"$nx" tftp get block.bin -o - >stdout.bin 2>stdout.err; rc=$?
[ "$rc" -eq 0 ] && cmp -s stdout.bin want.block.bin && grep -q '^SELFTEST: tftp ok .* out=-$' stdout.err &&
    grep -q '^virtionet: ready$' stdout.err
check "-o -: the file alone on stdout, every line on stderr"
echo old >keep.bin
"$nx" tftp get missing.bin -o keep.bin >/dev/null 2>&1
[ "$(cat keep.bin)" = old ] && [ -z "$(ls -A | grep part-)" ]
check "a failed fetch leaves OUT as it was, and no temporary file"
"$nx" tftp get block.bin -o keep.bin >/dev/null && cmp -s keep.bin want.block.bin && [ -z "$(ls -A | grep part-)" ]
check "a whole fetch replaces OUT (by rename), no temporary file left"
ln -s keep.bin link.bin
"$nx" tftp get hello.txt -o link.bin >/dev/null && [ -L link.bin ] && cmp -s keep.bin want.hello.txt
check "OUT a symbolic link: the file it points to is replaced, the link stays"
mkfifo fifo
# The reader is bounded: if nx-net never opens the FIFO (it failed to
# start), cat would wait for a writer for ever, and the test with it.
timeout 60 cat fifo >fromfifo &
"$nx" tftp get big.bin -o fifo >/dev/null; rc=$?
wait
[ "$rc" -eq 0 ] && [ -p fifo ] && cmp -s fromfifo want.big.bin
check "OUT a FIFO: written in place (not renamed over), every byte"

# --- failures -------------------------------------------------------------------
"$nx" tftp get missing.bin --pcap miss.pcap >miss.out 2>miss.err; rc=$?
[ "$rc" -eq 1 ] && [ ! -e missing.bin ] &&
    grep -qx 'SELFTEST: tftp FAIL reason=not-found file=missing.bin bytes=0 server-error=1 server-msg="File not found"' miss.out &&
    grep -qx 'nx-net: tftp get missing.bin from 10.0.2.2: not found: the server says "File not found" (ERROR 1)' miss.err
check "a missing file: exit 1, 'not found' with the server's message, no file"
pcap_ok miss.pcap tftp-error=1; check "tshark: the RRQ and the server's ERROR 1"
out=$("$nx" --json tftp get missing.bin 2>/dev/null); rc=$?
[ "$rc" -eq 1 ] && grep -q '"reason":"not-found",.*"server_error":1,"server_msg":"File not found"}$' <<<"$out"
check "--json: the missing file with the server's code and message"
"$nx" tftp get big.bin --max-size 4195537 --pcap big.pcap >max.out 2>max.err; rc=$?
[ "$rc" -eq 1 ] && grep -q '^SELFTEST: tftp FAIL reason=too-big file=big.bin bytes=0$' max.out &&
    grep -q 'larger than --max-size 4195537: refused (ERROR 3 sent)' max.err && [ ! -e big.bin ]
check "--max-size one byte short: refused before any data, exit 1"
pcap_ok big.pcap tftp-error=3 &&
    [ "$(tshark -r big.pcap -Y 'tftp.opcode == 5' -T fields -e ip.src -e tftp.error.code 2>/dev/null)" = "$(printf '10.0.2.15\t3')" ]
check "tshark: ERROR 3 from the client after the OACK, no DATA"
"$nx" tftp get big.bin --max-size 4195538 -o max.bin >/dev/null && cmp -s max.bin want.big.bin
check "--max-size of exactly the size: taken"

# --- usage errors: exit 2, one line on stderr, nothing on stdout -------------------
usage_error() { # description, then the arguments
    local what=$1 rc msg
    shift
    "$nx" "$@" >u.out 2>u.err; rc=$?
    msg=$(head -c 90 u.err) # before the condition: check reads its status from $?
    [ "$rc" -eq 2 ] && [ ! -s u.out ] && [ "$(wc -l <u.err)" -eq 1 ]
    check "$what: exit 2 before any output ($msg)"
}
usage_error "tftp alone" tftp
usage_error "tftp put" tftp put hello.txt
usage_error "tftp get without a file" tftp get
usage_error "tftp get with two files" tftp get a b
usage_error "--blksize 7" tftp get hello.txt --blksize 7
usage_error "--blksize 1469 (more than one frame)" tftp get hello.txt --blksize 1469
usage_error "--windowsize 0" tftp get hello.txt --windowsize 0
usage_error "--no-options with --blksize" tftp get hello.txt --no-options --blksize 512
usage_error "--server 10.0.2" tftp get hello.txt --server 10.0.2
usage_error "--max-size 1k" tftp get hello.txt --max-size 1k
usage_error "--static without --server" tftp get hello.txt --static 10.0.2.9/24
usage_error "-o a directory" tftp get hello.txt -o .
usage_error "-o in no directory" tftp get hello.txt -o no/such/x
ln -s nowhere dangling
usage_error "-o a link to nothing" tftp get hello.txt -o dangling
usage_error "a name with no base name" tftp get boot/
usage_error "a 256-byte name" tftp get "$(printf 'a%.0s' $(seq 256))"
usage_error "-o outside tftp" up -o x
usage_error "--tftp without slirp" tftp get hello.txt --tftp "$W"
[ ! -e hello.txt ] && [ ! -e x ] && [ ! -e a ]; check "... and none of them made a file"
out=$("$nx" tftp --help)
grep -q '^usage: nx-net tftp get FILE ' <<<"$out" && grep -q -- '--windowsize N' <<<"$out" &&
    grep -q -- '--max-size N' <<<"$out" && grep -q -- '--output OUT' <<<"$out"
check "tftp --help: the synopsis and its options"
"$nx" --help | grep '^  tftp  ' >/dev/null; check "nx-net --help lists tftp"

# --- pcaps, and the golden trace ----------------------------------------------------
"$nx" tftp get block.bin --blksize 512 --windowsize 4 -o w.bin --pcap window.pcap >/dev/null &&
    pcap_ok window.pcap tftp; check "tshark: a windowed read, DATA 1-358 acknowledged, the last empty"
"$nx" tftp get big.bin --no-options -o n.bin --pcap plain.pcap >/dev/null && pcap_ok plain.pcap tftp
check "tshark: a plain read, DATA 1 without an OACK"
golden=$src/tests/golden/nx_net_tftp_hello.pcap
gname=$(basename "$golden") # not in check's argument: a $(...) there sets $?
"$nx" tftp get hello.txt -o g1 --pcap g1.pcap >g1.out && "$nx" tftp get hello.txt -o g2 --pcap g2.pcap >g2.out
cmp -s g1.pcap g2.pcap && [ "$(sed 's/out=g1/out=g2/' g1.out)" = "$(cat g2.out)" ]
check "two runs: the same frames and the same output"
if [ "${RVNET_GOLDEN_UPDATE:-0}" = 1 ]; then
    cp g1.pcap "$golden"
    echo "golden: rewrote $golden"
fi
cmp -s g1.pcap "$golden" && pcap_ok "$golden" tftp
check "the trace equals $gname, and tshark reads it (DHCP, ARP, the read)"

# --- libslirp's TFTP server -------------------------------------------------------
if [ "$have_slirp" = ON ]; then
    mkdir -p srv
    python3 gen.py big.bin 300007 >srv/payload.bin
    "$nx" tftp get payload.bin --backend slirp --tftp "$W/srv" -o slirp.bin --pcap slirp.pcap \
        >slirp.out 2>&1; rc=$?
    [ "$rc" -eq 0 ] && cmp -s slirp.bin srv/payload.bin &&
        grep -q "^SELFTEST: tftp ok file=payload.bin size=300007 crc32=$(crc srv/payload.bin) blocks=211 blksize=1428 windowsize=1 " slirp.out &&
        grep -q '^netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none$' slirp.out &&
        grep -q '^backend: slirp (libslirp [0-9.]*, restricted) ' slirp.out
    check "slirp (restrict=on) serves --tftp DIR: every byte, blksize 1468 asked and 1428 granted"
    pcap_ok slirp.pcap tftp; check "tshark: slirp's OACK, ACK 0, DATA 1-211 all acknowledged"
    "$nx" tftp get payload.bin --backend slirp --tftp "$W/srv" -o slirpp.bin --no-options \
        --pcap slirpp.pcap >slirpp.out 2>&1; rc=$?
    [ "$rc" -eq 0 ] && cmp -s slirpp.bin srv/payload.bin &&
        grep -q '^SELFTEST: tftp ok file=payload.bin size=300007 .* blocks=586 blksize=512 windowsize=1 ' slirpp.out &&
        pcap_ok slirpp.pcap tftp
    check "slirp, --no-options: DATA at 512 without an OACK, 586 blocks, every byte; tshark agrees"
    "$nx" tftp get nothere.bin --backend slirp --tftp "$W/srv" >slirpm.out 2>slirpm.err; rc=$?
    [ "$rc" -eq 1 ] && grep -q '^SELFTEST: tftp FAIL reason=not-found file=nothere.bin bytes=0 server-error=1 server-msg="File not found"$' slirpm.out &&
        grep -q 'not found: the server says "File not found" (ERROR 1)' slirpm.err
    check "slirp: a missing file is ERROR 1, reported as not found"
    usage_error "slirp without --tftp" tftp get payload.bin --backend slirp
else
    echo "SKIPPED: this build has no libslirp: nx-net tftp --backend slirp not run" >&2
fi

[ "$fails" -eq 0 ] || { echo "nx-net tftp: $fails failed" >&2; exit 1; }
echo "nx-net tftp: all checks passed"
