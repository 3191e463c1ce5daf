#!/usr/bin/env bash
# nx-net as a user meets it: the marker lines of `up` in order, exit
# statuses, one-line reasons for bad usage, --help on every subcommand,
# --json, ping and sendraw through the stack; --backend: what it refuses
# (before any output, leaving nothing behind), slirp as any user, and what
# a build without libslirp says.
#   usage: nx_net_cli.sh NX_NET [NX_NET_NOSLIRP HAVE_SLIRP(ON|OFF)]
set -uo pipefail
nx=$(readlink -f "${1:?nx-net binary}")
nx_noslirp=${2:-}
have_slirp=${3:-OFF}
fails=0
TMPDIR_=$(mktemp -d)
trap 'rm -rf "$TMPDIR_"' EXIT
check() { # description, then the condition's exit status in $?
    local rc=$? what=$1
    if [ "$rc" -eq 0 ]; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}

for layout in legacy modern; do
    out=$("$nx" up --virtio "$layout"); rc=$?
    [ "$rc" -eq 0 ]; check "up --virtio $layout exits 0"
    want="virtionet: ready
virtionet: mmio=0x10008000 irq=8 mac=02:00:00:00:00:01 mtu=1500 virtio=$layout
netstack: ready
netstack: lo up
netstack: virt0 dhcp addr=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3
SELFTEST: net lo ping ok
SELFTEST: net gw ping ok"
    [ "$(head -n 7 <<<"$out")" = "$want" ]; check "up --virtio $layout prints the markers in order"
    grep -q '^summary: .*drops 0;' <<<"$out"; check "up --virtio $layout summary shows no drops"
    [ "$(tail -n 1 <<<"$out")" = "netstack: virt0 dhcp released addr=10.0.2.15" ]
    check "up --virtio $layout gives the lease back at the end"
done
[ "$("$nx" | head -n 1)" = "virtionet: ready" ]; check "no arguments means up"

"$nx" --virtio banana >/dev/null 2>"$TMPDIR_/err"; rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$TMPDIR_/err")" -eq 1 ]; check "bad --virtio: exit 2, one line"
"$nx" frobnicate >/dev/null 2>"$TMPDIR_/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown command 'frobnicate'" "$TMPDIR_/err"; check "unknown command: exit 2"
"$nx" ping >/dev/null 2>&1; [ $? -eq 2 ]; check "ping without an address: exit 2"
"$nx" up -c 3 >/dev/null 2>&1; [ $? -eq 2 ]; check "-c outside ping: exit 2"
"$nx" sendraw --proto 1 >/dev/null 2>&1; [ $? -eq 2 ]; check "sendraw without --dst/--hex: exit 2"
for c in "" up if dhcp ping sendraw serve dhcp-server; do
    out=$("$nx" $c --help); rc=$?
    [ "$rc" -eq 0 ] && grep -q '^usage: nx-net' <<<"$out"; check "'nx-net $c --help' prints usage"
done

out=$("$nx" ping 127.0.0.1 -c 5); rc=$?
[ "$rc" -eq 0 ] && grep -q '5 sent, 5 received' <<<"$out"; check "ping 127.0.0.1 -c 5"
out=$("$nx" ping 10.0.2.2 -c 2); rc=$?
[ "$rc" -eq 0 ] && grep -q '2 sent, 2 received' <<<"$out"; check "ping 10.0.2.2 (the stub peer, over virt0)"
"$nx" ping 10.0.2.77 -c 1 >/dev/null 2>&1; [ $? -eq 1 ]; check "ping of nobody: exit 1"
# A bad argument is a usage error found before anything is brought up:
# exit 2, one line on stderr, nothing at all on stdout.
usage_error() { # description, then the command's arguments
    local what=$1 rc why
    shift
    "$nx" "$@" >"$TMPDIR_/out" 2>"$TMPDIR_/err"; rc=$?
    why=$(head -c 100 "$TMPDIR_/err")
    [ "$rc" -eq 2 ] && [ ! -s "$TMPDIR_/out" ] && [ "$(wc -l <"$TMPDIR_/err")" -eq 1 ]
    check "$what: exit 2 before any output ($why)"
}
usage_error "ping of 999.1.1.1" ping 999.1.1.1
usage_error "ping of 300.1.1.1" ping 300.1.1.1
usage_error "ping of 1.2.3" ping 1.2.3
usage_error "ping -c 0" ping 10.0.2.2 -c 0
usage_error "ping with two addresses" ping 10.0.2.2 10.0.2.3
usage_error "an argument to up" up now
usage_error "--count outside ping" dhcp --count 2
usage_error "sendraw --dst 10.0.2" sendraw --proto 1 --dst 10.0.2 --hex 00
usage_error "sendraw --proto 256" sendraw --proto 256 --dst 10.0.2.2 --hex 00
usage_error "sendraw --hex 0x" sendraw --proto 1 --dst 127.0.0.1 --hex 0x
err=$("$nx" dhcp --count 2 2>&1 >/dev/null)
grep -q -- "--count does not apply to 'dhcp'" <<<"$err"
check "an option of another command is named as such"
out=$("$nx" ping --help)
grep -q -- '--count N' <<<"$out"; check "ping --help lists its options"
out=$("$nx" up --help)
! grep -q -- '--count' <<<"$out"; check "up --help lists no option it does not take"

out=$("$nx" dhcp); rc=$?
[ "$rc" -eq 0 ] && grep -q '^lease: addr 10.0.2.15 mask 255.255.255.0 server 10.0.2.2' <<<"$out"
check "dhcp prints the lease"
out=$("$nx" if); rc=$?
[ "$rc" -eq 0 ] && grep -q '^virt0: UP' <<<"$out" && grep -q 'inet 10.0.2.15/24' <<<"$out" &&
    grep -q '^lo: UP' <<<"$out" && grep -q 'inet 127.0.0.1/8' <<<"$out"
check "if lists virt0 and lo with their addresses"
out=$("$nx" --json up); rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q '^{"ok":true,' <<<"$out" &&
    grep -q '"dhcp":{"addr":"10.0.2.15","prefix":24,"gw":"10.0.2.2","dns":"10.0.2.3"}' <<<"$out"
check "--json up is one object with the lease"

# An ICMP echo request (type 8, id 0x0001, seq 1, checksum computed) sent raw
# to lo comes back twice on the raw socket: the request itself (addressed to
# us) and the stack's reply.
out=$("$nx" sendraw --proto 1 --dst 127.0.0.1 --hex 0800f7fd00010001); rc=$?
[ "$rc" -eq 0 ] && grep -q 'recv 8 bytes from 127.0.0.1: 08 00 f7 fd 00 01 00 01' <<<"$out" &&
    grep -q 'recv 8 bytes from 127.0.0.1: 00 00 ff fd 00 01 00 01' <<<"$out"
check "sendraw ICMP echo to 127.0.0.1: request and reply back"

# --- the orderly stop and the probe ------------------------------------------
# dhcp never pings 10.0.2.2, so its RELEASE waits for ARP first; the stub
# server must have got it (its lease free: a DHCP RELEASE in the pcap, from
# our address to the server's).
"$nx" dhcp --pcap "$TMPDIR_/rel.pcap" >"$TMPDIR_/out"; rc=$?
rel=$(tshark -r "$TMPDIR_/rel.pcap" -Y 'dhcp.option.dhcp == 7' -T fields -e ip.src -e ip.dst -e eth.dst 2>/dev/null)
[ "$rc" -eq 0 ] && [ "$rel" = "$(printf '10.0.2.15\t10.0.2.2\t52:55:0a:00:02:02')" ] &&
    grep -q '^netstack: virt0 dhcp released addr=10.0.2.15$' "$TMPDIR_/out"
check "dhcp: the RELEASE goes unicast to the server, after ARP"
probes() { tshark -r "$1" -Y 'arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == 10.0.2.15' 2>/dev/null | wc -l; }
"$nx" dhcp --pcap "$TMPDIR_/np.pcap" >/dev/null && [ "$(probes "$TMPDIR_/np.pcap")" -eq 0 ]
check "no RFC 5227 probe on the stub by default"
"$nx" dhcp --probe --pcap "$TMPDIR_/p.pcap" >/dev/null && [ "$(probes "$TMPDIR_/p.pcap")" -eq 3 ]
check "dhcp --probe: three ARP probes before the lease is used"
usage_error "--probe and --no-probe" dhcp --probe --no-probe
usage_error "--probe with --static" serve --probe --static 10.0.9.2/24

# --- serve ------------------------------------------------------------------
out=$("$nx" serve --seconds 2); rc=$?
[ "$rc" -eq 0 ] && grep -q '^dhcp: BOUND addr=10.0.2.15/24 server=10.0.2.2 lease=86400s' <<<"$out" &&
    grep -q '^serve: up at 10.0.2.15/24 for 2 s: ARP, ICMP echo, UDP echo on port 7$' <<<"$out" &&
    grep -q '^serve: 20[0-9][0-9] virtual ms: answered 0 echo requests' <<<"$out"
check "serve --seconds 2 on the stub: the DHCP event, then two virtual seconds"
out=$("$nx" serve --seconds 1 --static 10.0.9.2/24 --gw 10.0.9.1 --udp-echo 0); rc=$?
[ "$rc" -eq 0 ] && grep -q '^netstack: virt0 static addr=10.0.9.2/24 gw=10.0.9.1$' <<<"$out" &&
    ! grep -q '^dhcp:' <<<"$out" && grep -q '^serve: up at 10.0.9.2/24 for 1 s: ARP, ICMP echo$' <<<"$out"
check "serve --static: no DHCP, the address given, no UDP echo with --udp-echo 0"
out=$("$nx" ping 10.0.2.2 -c 1 --static 10.0.2.9/24); rc=$?
[ "$rc" -eq 0 ] && grep -q '1 sent, 1 received' <<<"$out"; check "ping with --static: the stub answers 10.0.2.9"
usage_error "serve --seconds 0" serve --seconds 0
usage_error "serve --static without a prefix" serve --static 10.0.9.2
usage_error "serve --static on the network address" serve --static 10.0.9.0/24
usage_error "--gw without --static" serve --gw 10.0.9.1
usage_error "--gw off the subnet" serve --static 10.0.9.2/24 --gw 10.0.8.1
usage_error "--udp-echo 70000" serve --udp-echo 70000
usage_error "--static on up (the sequence is DHCP)" up --static 10.0.9.2/24

# --- dhcp-server ------------------------------------------------------------
usage_error "dhcp-server on the stub" dhcp-server
grep -q "needs --backend tap:IFNAME" "$TMPDIR_/err"; check "... and it says it needs a TAP"
usage_error "dhcp-server --json" dhcp-server --backend tap:rvnosuch0 --json
usage_error "dhcp-server on a TAP that is not there" dhcp-server --backend tap:rvnosuch0
out=$("$nx" dhcp-server --help)
grep -q "NOT A DHCP SERVER FOR" <<<"$out" && grep -q "TEST FIXTURE FOR A PRIVATE LINK" <<<"$out"
check "dhcp-server --help says it is a test fixture for a private link"

# --- backends -------------------------------------------------------------
usage_error "an unknown backend" up --backend banana
grep -q "takes stub, slirp or tap:IFNAME, not 'banana'" "$TMPDIR_/err"; check "... and it says what is known"
usage_error "tap: with no name" up --backend tap:
usage_error "a 16-character interface name" up --backend tap:abcdefghijklmnop
usage_error "a TAP that does not exist" dhcp --backend tap:rvnosuch0
grep -q "no interface rvnosuch0 (create it: ip tuntap add dev rvnosuch0" "$TMPDIR_/err"
check "... and it says how to make one"
! ip link show rvnosuch0 >/dev/null 2>&1; check "... and none was made"
usage_error "an interface that is not a TAP" up --backend tap:lo
grep -q "lo is not a TAP device" "$TMPDIR_/err"; check "... and it says so"
usage_error "--tftp without slirp" up --tftp /tmp
usage_error "a multicast --mac" up --mac 01:00:00:00:00:01
usage_error "a short --mac" up --mac 02:00:00:00:01
usage_error "a pcap file that cannot be written" up --pcap "$TMPDIR_/no/such/dir/x.pcap"
[ ! -e "$TMPDIR_/no" ]; check "... and nothing was made"

out=$("$nx" up --mac 02:00:00:00:00:99); rc=$?
[ "$rc" -eq 0 ] && grep -q 'mac=02:00:00:00:00:99' <<<"$out" &&
    grep -q 'dhcp addr=10.0.2.15/24' <<<"$out"; check "--mac sets the device's MAC"
out=$("$nx" --json dhcp); rc=$?
grep -q '"backend":"stub","clock":"virtual"' <<<"$out"; check "--json names the stub and the virtual clock"

if [ "$have_slirp" = ON ]; then
    # libslirp in-process, restricted: its lease (no router, no DNS) and its
    # answer to the ping of 10.0.2.2, and the output says the clock is real.
    out=$("$nx" up --backend slirp); rc=$?
    [ "$rc" -eq 0 ] && [ "$(head -n 1 <<<"$out")" = "backend: slirp clock=monotonic" ] &&
        grep -q '^netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none$' <<<"$out" &&
        grep -q '^SELFTEST: net gw ping ok$' <<<"$out" && grep -q ' monotonic ms$' <<<"$out"
    check "up --backend slirp: slirp's lease and its echo replies, on the monotonic clock"
    out=$("$nx" --json ping 10.0.2.2 -c 2 --backend slirp); rc=$?
    [ "$rc" -eq 0 ] && grep -q '"backend":"slirp","clock":"monotonic"' <<<"$out" &&
        grep -q '"sent":2,"received":2' <<<"$out"; check "--json ping 10.0.2.2 --backend slirp"
    usage_error "a TFTP directory that is not there" up --backend slirp --tftp "$TMPDIR_/none"
    if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
        out=$(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups "$nx" up --backend slirp); rc=$?
        [ "$rc" -eq 0 ] && grep -q 'dhcp addr=10.0.2.15/24' <<<"$out"
        check "up --backend slirp as the user nobody"
    fi
else
    echo "SKIPPED: this build has no libslirp: up --backend slirp not run" >&2
fi
if [ -n "$nx_noslirp" ]; then
    nx_with_slirp=$nx
    nx=$nx_noslirp
    usage_error "--backend slirp where libslirp was missing" up --backend slirp
    nx=$nx_with_slirp
    grep -q "built without libslirp (install libslirp-dev and libglib2.0-dev" "$TMPDIR_/err"
    check "... and it says what to install"
fi

[ "$fails" -eq 0 ] || { echo "nx-net cli: $fails failed" >&2; exit 1; }
echo "nx-net cli: all checks passed"
