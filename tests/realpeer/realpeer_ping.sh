#!/usr/bin/env bash
# Linux's own tools against `nx-net serve`, over a TAP in a namespace of the
# test's own: iputils ping (every echo request answered), arping (every ARP
# request answered, from our MAC) and a UDP datagram to the echo port (sent
# back, byte for byte), each judged by the peer's own output and exit
# status; nx-net's count of what it answered must agree. The link has no
# DHCP server: serve runs with --static. tshark checks the pcap. About 5 s.
#   usage: realpeer_ping.sh NX_NET SOURCE_DIR WORK_DIR
set -uo pipefail
# shellcheck source=realpeer_lib.sh
source "$(dirname "$0")/realpeer_lib.sh"
rp_init ping "${1:?nx-net}" "${2:?source dir}" "${3:?work dir}" ping arping tshark

rp_tap rvtap0 10.0.9.1/24
echo "ping: $(ping -V | head -n 1)"
echo "arping: $(arping --help 2>&1 | head -n 1)"

rp_bg serve "$NX" serve --backend tap:rvtap0 --static 10.0.9.2/24 --seconds 60 --pcap "$RP_S/serve.pcap"
serve_pid=$(cat "$RP_S/serve.pid")
rp_must "nx-net serve comes up" rp_wait "$RP_S/serve.out" '^serve: up at 10.0.9.2/24' 10

rp_in ping -c 5 -i 0.2 -W 2 10.0.9.2 >"$RP_S/ping.log" 2>&1
rc=$?
cat "$RP_S/ping.log"
[ "$rc" -eq 0 ] && grep -q '^5 packets transmitted, 5 received, 0% packet loss' "$RP_S/ping.log"
rp_check "ping: 5 packets transmitted, 5 received, exit 0"
[ "$(grep -c 'bytes from 10.0.9.2: icmp_seq=[1-5] ttl=64' "$RP_S/ping.log")" -eq 5 ]
rp_check "ping: each of the five replies came back from 10.0.9.2, TTL 64"

rp_in arping -c 3 -w 10 -I rvtap0 10.0.9.2 >"$RP_S/arping.log" 2>&1
rc=$?
cat "$RP_S/arping.log"
[ "$rc" -eq 0 ] && grep -q '^3 packets transmitted, 3 packets received' "$RP_S/arping.log" &&
    [ "$(grep -c 'from 02:00:00:00:00:01 (10.0.9.2)' "$RP_S/arping.log")" -eq 3 ]
rp_check "arping: 3 requests, 3 replies from 02:00:00:00:00:01, exit 0"

# One datagram to the echo port from bash's /dev/udp (a connected UDP
# socket in the namespace), and what comes back on it.
msg="rvnet says hello $$"
rp_in bash -c 'exec 3<>/dev/udp/10.0.9.2/7 && printf "%s" "$1" >&3 && read -r -t 5 -N "${#1}" -u 3 back && printf "%s" "$back"' \
    _ "$msg" >"$RP_S/udp.log" 2>&1
[ "$(cat "$RP_S/udp.log")" = "$msg" ]; rp_check "UDP echo: the datagram came back byte for byte"

kill -TERM "$serve_pid"
rp_wait_exit "$serve_pid" 10
rc=$?
cat "$RP_S/serve.out"
[ "$rc" -eq 0 ]; rp_check "serve ends at SIGTERM with exit 0"
n=${#msg}
grep -qE "^serve: [0-9]+ monotonic ms: answered 5 echo requests, [0-9]+ ARP requests, 1 UDP datagrams \($n bytes\) echoed, 0 not;" "$RP_S/serve.out"
rp_check "serve counted 5 echo replies and the one datagram ($n bytes)"
arp=$(sed -nE 's/.* ([0-9]+) ARP requests.*/\1/p' "$RP_S/serve.out")
[ "${arp:-0}" -ge 3 ]; rp_check "serve answered at least arping's 3 ARP requests (${arp:-none})"
rp_pcap "$RP_S/serve.pcap" serve; rp_check "tshark: every echo request answered, checksums good"
req=$(tshark -r "$RP_S/serve.pcap" -Y 'arp.opcode == 1 && arp.dst.proto_ipv4 == 10.0.9.2 && arp.src.hw_mac != 02:00:00:00:00:01' 2>/dev/null | wc -l)
rep=$(tshark -r "$RP_S/serve.pcap" -Y 'arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.9.2' 2>/dev/null | wc -l)
[ "$req" -eq "$rep" ] && [ "$rep" -eq "$arp" ]
rp_check "tshark: $req ARP requests for 10.0.9.2, as many replies, as serve counted"

rp_done
