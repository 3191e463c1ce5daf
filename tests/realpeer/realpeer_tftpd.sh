#!/usr/bin/env bash
# nx-net tftp get over a TAP against tftpd-hpa (Debian tftpd-hpa's
# in.tftpd), in a namespace of the test's own. The TAP's Linux side holds
# 10.0.9.1/24; nx-net takes 10.0.9.2 (--static: no DHCP server on
# this link). in.tftpd is started here, in the foreground (-L), bound to
# 10.0.9.1:69, chrooted (-s) to a directory of the test's, as the user
# nobody, with its own syslogd: in.tftpd logs only to /dev/log, so it runs
# in a mount namespace whose /dev is a tmpfs of its own holding null and
# busybox syslogd's /dev/log (the host's /dev is not touched). The system's
# tftpd service is neither needed nor used. Each file is compared with cmp:
#   1. the default request (blksize 1468 and tsize asked, RFC 2348/2349):
#      the OACK grants 1468; a 1 MiB file, a file of whole blocks (the
#      last DATA empty), an empty file;
#   2. --blksize 1468 --windowsize 8: tftpd-hpa does not know windowsize
#      (RFC 7440), its OACK leaves it out, so window 1;
#   3. --no-options: a plain RFC 1350 RRQ, DATA 1 at 512 without an OACK;
#   4. a missing file: ERROR 1, exit 1, "not found" with the server's
#      message, no file written, and the NAK in tftpd's log;
#   5. a file over 32 MiB at --blksize 512: block numbers wrap 65535 -> 0
#      (65 538 blocks), every byte; tshark sees 65535, 0, 1 in order.
# tftpd's log must show an RRQ from 10.0.9.2 for each file; tshark checks
# every pcap. About 50 s, most of it tshark reading the 33 MiB transfer's
# 131 000 frames (the transfer itself takes about a second).
#   usage: realpeer_tftpd.sh NX_NET SOURCE_DIR WORK_DIR
set -uo pipefail
# shellcheck source=realpeer_lib.sh
source "$(dirname "$0")/realpeer_lib.sh"
rp_init tftpd "${1:?nx-net}" "${2:?source dir}" "${3:?work dir}" in.tftpd busybox unshare \
    tshark python3 cmp

rp_tap rvtap0 10.0.9.1/24
echo "tftpd-hpa: $(in.tftpd -V 2>&1 | head -n 1)"

# The files, made here (seeded: the same bytes every run).
D=$RP_S/srv
mkdir -p "$D"
chmod 755 "$D"
python3 - "$D" <<'EOF'
import random, sys
d = sys.argv[1]
r = random.Random(15)
for name, size in (("one.bin", 1048576 + 4321), ("whole.bin", 1468 * 37), ("empty.bin", 0),
                   ("wrap.bin", 65537 * 512 + 300)):
    with open(f"{d}/{name}", "wb") as f:
        f.write(r.randbytes(size))
EOF
chmod 644 "$D"/*

# in.tftpd in the foreground, with a syslogd of its own (see above); both
# run inside the test's network namespace, so rp_cleanup kills them.
LOG=$RP_S/tftpd.log
rp_bg tftpd unshare --mount --propagation private sh -c '
    mount -t tmpfs -o mode=755,size=64k rvnet-tftpd-dev /dev &&
    mknod -m 666 /dev/null c 1 3 || exit 1
    busybox syslogd -n -S -O "$1" &
    i=0
    while [ ! -S /dev/log ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    exec in.tftpd -L -v -v -v -u nobody -a 10.0.9.1:69 -s "$2"' _ "$LOG" "$D"
listening() { # at most 10 s: a bound for a server that never starts
    local i
    for i in $(seq 100); do
        rp_in ss -Hlun 'sport = 69' | grep -F 10.0.9.1:69 >/dev/null && return 0
        sleep 0.1
    done
    cat "$RP_S/tftpd.out" >&2
    return 1
}
rp_must "in.tftpd listens on 10.0.9.1:69" listening

# One fetch: nx-net tftp get FILE on the TAP, its output in TAG.out/.err,
# the file in $RP_S/TAG.got, the frames in TAG.pcap.
get() { # tag file [options...]
    local tag=$1 f=$2
    shift 2
    rp_in "$NX" tftp get "$f" -o "$RP_S/$tag.got" --backend tap:rvtap0 --static 10.0.9.2/24 \
        --server 10.0.9.1 --json --pcap "$RP_S/$tag.pcap" "$@" \
        >"$RP_S/$tag.out" 2>"$RP_S/$tag.err"
}
json() { # tag key: the value of "key" in TAG.out
    python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(json.dumps(v))' \
        "$RP_S/$1.out" "$2" 2>/dev/null
}
rrq_logged() { # file: tftpd's log has its RRQ from us
    grep -E "in\.tftpd\[[0-9]+\]: RRQ from 10\.0\.9\.2 filename $1\$" "$LOG" >/dev/null
}
fetched() { # tag file blocks blksize windowsize oack: exit 0, the bytes, the JSON
    local tag=$1 f=$2
    cmp -s "$RP_S/$tag.got" "$D/$f" && [ "$(json "$tag" ok)" = true ] &&
        [ "$(json "$tag" size)" = "$(stat -c %s "$D/$f")" ] && [ "$(json "$tag" blocks)" = "$3" ] &&
        [ "$(json "$tag" blksize)" = "$4" ] && [ "$(json "$tag" windowsize)" = "$5" ] &&
        [ "$(json "$tag" oack)" = "$6" ]
}

# --- 1. the default request: blksize 1468 and tsize asked -------------------------
get one one.bin
rc=$?
cat "$RP_S/one.out"
[ "$rc" -eq 0 ] && fetched one one.bin 718 1468 1 true && [ "$(json one tsize)" = 1052897 ]
rp_check "one.bin: exit 0, every byte, the OACK granted blksize 1468 and told tsize 1052897"
rrq_logged one.bin; rp_check "tftpd's log: the RRQ from 10.0.9.2 for one.bin"
rp_pcap "$RP_S/one.pcap" tftp; rp_check "tshark: the OACK, ACK 0, DATA 1-718 all acknowledged"
get whole whole.bin && fetched whole whole.bin 38 1468 1 true
rp_check "whole.bin (37 blocks of 1468): 38 DATA, the last one empty"
rp_pcap "$RP_S/whole.pcap" tftp; rp_check "tshark: whole.bin's DATA 1-38, the 38th empty"
get empty empty.bin && fetched empty empty.bin 1 1468 1 true && [ ! -s "$RP_S/empty.got" ]
rp_check "empty.bin: one empty DATA, an empty file written"

# --- 2. a window asked that tftpd-hpa does not know -----------------------------------
get win one.bin --blksize 1468 --windowsize 8 && fetched win one.bin 718 1468 1 true
rp_check "--windowsize 8: tftpd-hpa's OACK leaves it out, window 1, every byte"
names=$(tshark -r "$RP_S/win.pcap" -Y 'tftp.opcode == 6' -T fields -e tftp.option.name 2>/dev/null)
[ -n "$names" ] && ! grep -i windowsize <<<"$names" >/dev/null
rp_check "tshark: the OACK names no windowsize"

# --- 3. a plain RFC 1350 request -------------------------------------------------------
get plain one.bin --no-options && fetched plain one.bin 2057 512 1 false && [ "$(json plain tsize)" = null ]
rp_check "--no-options: DATA at 512 without an OACK, 2057 blocks, every byte"
rp_pcap "$RP_S/plain.pcap" tftp; rp_check "tshark: the RRQ answered by DATA 1 from tftpd's own port"

# --- 4. a missing file ---------------------------------------------------------------
get miss nothere.bin
rc=$?
cat "$RP_S/miss.out" "$RP_S/miss.err"
[ "$rc" -eq 1 ] && [ "$(json miss reason)" = '"not-found"' ] && [ "$(json miss server_error)" = 1 ] &&
    [ "$(json miss server_msg)" = '"File not found"' ] && [ ! -e "$RP_S/miss.got" ] &&
    ! ls "$RP_S" | grep part- >/dev/null
rp_check "a missing file: exit 1, not-found, ERROR 1 \"File not found\", no file (nor a part) left"
grep -x 'nx-net: tftp get nothere.bin from 10.0.9.1: not found: the server says "File not found" (ERROR 1)' \
    "$RP_S/miss.err" >/dev/null
rp_check "... and said so in words on stderr"
rrq_logged nothere.bin && grep -E 'sending NAK \(1, File not found\) to 10\.0\.9\.2$' "$LOG" >/dev/null
rp_check "tftpd's log: the RRQ for nothere.bin and its NAK (1, File not found)"
rp_pcap "$RP_S/miss.pcap" tftp-error=1; rp_check "tshark: the RRQ and tftpd's ERROR 1, no DATA"

# --- 5. over 32 MiB at 512: the block number wraps -----------------------------------
wsize=$(stat -c %s "$D/wrap.bin")
t0=$(date +%s.%N)
get wrap wrap.bin --blksize 512
rc=$?
t1=$(date +%s.%N)
cat "$RP_S/wrap.out"
echo "wrap.bin: $wsize bytes in $(python3 -c "print('%.1f' % ($t1 - $t0))") s (not a test: lock-step over a TAP)"
[ "$rc" -eq 0 ] && fetched wrap wrap.bin 65538 512 1 true
rp_check "wrap.bin ($wsize bytes) at 512: 65538 blocks, past 65535, every byte"
rrq_logged wrap.bin; rp_check "tftpd's log: the RRQ for wrap.bin"
# tshark over all 131 000 frames (about 30 s): DATA 1 to 65538 counted
# past the wrap, each acknowledged, the wire's 65535 followed by 0 and 1.
rp_pcap "$RP_S/wrap.pcap" tftp; rp_check "tshark: DATA 1-65538 all acknowledged, numbered 65535, 0, 1 across the wrap"
last=$(tshark -r "$RP_S/wrap.pcap" -Y 'tftp.opcode == 4 && ip.src == 10.0.9.2' -T fields -e tftp.block 2>/dev/null |
    tail -n 1)
[ "$last" = 2 ]; rp_check "tshark: the last ACK is of block 2 on the wire (65538 mod 65536), got '$last'"

grep -E 'in\.tftpd' "$LOG" | sed 's/^/tftpd log: /'
rp_done
