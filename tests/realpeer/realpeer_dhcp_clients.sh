#!/usr/bin/env bash
# The stub DHCP server through `nx-net dhcp-server` (TAP -> fake device ->
# frontend -> stub responder -> frontend -> TAP) against real clients on
# the TAP's Linux side, in a namespace of the test's own:
#   1. busybox udhcpc (MAC A): binds 10.0.2.15/24, router 10.0.2.2, DNS
#      10.0.2.3 (read from its script's environment), pings its router;
#      SIGUSR1 renews (a second ACK, the script's renew event); SIGUSR2
#      releases;
#   2. dhcpcd (MAC B; dhcpcd-base, its run and database directories bound
#      from the scratch dir in a mount namespace of its own, its config and
#      hook script ours, so no system hook runs): it gets the lease at all,
#      which the stub gives to one client at a time, so udhcpc's RELEASE
#      freed it; BOUND with the same values in the hook's environment;
#      `dhcpcd -N` renews (RENEW); `dhcpcd -k` releases;
#   3. udhcpc again (MAC C): it is offered and gets the lease, so dhcpcd's
#      RELEASE freed it too; SIGUSR2 releases it once more.
# Then nx-net's own counters: 3 DISCOVERs, every REQUEST ACKed, 3 RELEASEs,
# no NAK, no DISCOVER left unanswered, the lease free. tshark checks the
# pcap. About 10 s.
#   usage: realpeer_dhcp_clients.sh NX_NET SOURCE_DIR WORK_DIR
set -uo pipefail
# shellcheck source=realpeer_lib.sh
source "$(dirname "$0")/realpeer_lib.sh"
rp_init dhcp_clients "${1:?nx-net}" "${2:?source dir}" "${3:?work dir}" busybox dhcpcd unshare tshark

MAC_A=02:aa:00:00:00:0a
MAC_B=02:bb:00:00:00:0b
MAC_C=02:cc:00:00:00:0c
rp_tap rvtap0
echo "busybox: $(busybox 2>&1 | head -n 1)"
echo "dhcpcd: $(dhcpcd --version | head -n 1)"
set_mac() {
    rp_in ip link set rvtap0 down && rp_in ip link set rvtap0 address "$1" && rp_in ip link set rvtap0 up
}

# udhcpc's script: its environment, one line per event, and the address
# set on rvtap0 (in the namespace) so that a renewal's unicast ACK reaches it.
# (replace, not flush and add: a flush also drops the ARP entry of the
# router, and the unicast RELEASE then waits for ARP while udhcpc's
# deconfig, right behind it, removes the address it would leave from.)
cat >"$RP_S/udhcpc.sh" <<'EOF'
#!/bin/sh
echo "event=$1 ip=$ip subnet=$subnet mask=$mask router=$router dns=$dns serverid=$serverid lease=$lease" >>"$RP_LOG"
case "$1" in
bound | renew) ip addr replace "$ip/$mask" dev "$interface" ;;
deconfig) ip addr flush dev "$interface" ;;
esac
exit 0
EOF
# dhcpcd's hook (-c): its environment, one line per reason.
cat >"$RP_S/dhcpcd-hook.sh" <<EOF
#!/bin/sh
echo "reason=\$reason ip=\$new_ip_address cidr=\$new_subnet_cidr routers=\$new_routers dns=\$new_domain_name_servers server=\$new_dhcp_server_identifier" >>"$RP_S/dhcpcd-hook.log"
exit 0
EOF
chmod 755 "$RP_S/udhcpc.sh" "$RP_S/dhcpcd-hook.sh"
printf 'ipv4only\nnoipv4ll\nnoarp\noption domain_name_servers, routers, subnet_mask\n' >"$RP_S/dhcpcd.conf"
mkdir -p "$RP_S/dhcpcd-run" "$RP_S/dhcpcd-db"

rp_bg nx "$NX" dhcp-server --backend tap:rvtap0 --seconds 120 --pcap "$RP_S/dhcpd.pcap"
nx_pid=$(cat "$RP_S/nx.pid")
rp_must "nx-net dhcp-server comes up" rp_wait "$RP_S/nx.out" '^dhcp-server: the stub lease' 10
grep -q 'a test fixture for a private link, not a DHCP server for networks' "$RP_S/nx.out"
rp_check "dhcp-server says it is a test fixture for a private link"

# --- 1. busybox udhcpc ----------------------------------------------------------
rp_must "MAC A" set_mac "$MAC_A"
export RP_LOG=$RP_S/udhcpc-a.log
rp_bg udhcpc-a busybox udhcpc -f -i rvtap0 -s "$RP_S/udhcpc.sh" -t 5 -T 1 -A 1
u_pid=$(cat "$RP_S/udhcpc-a.pid")
rp_must "udhcpc binds" rp_wait "$RP_LOG" '^event=bound' 15
grep -qx 'event=bound ip=10.0.2.15 subnet=255.255.255.0 mask=24 router=10.0.2.2 dns=10.0.2.3 serverid=10.0.2.2 lease=86400' "$RP_LOG"
rp_check "udhcpc's script: bound 10.0.2.15/24 router 10.0.2.2 dns 10.0.2.3 server 10.0.2.2"
rp_in ping -c 2 -W 2 10.0.2.2 >"$RP_S/ping.log" 2>&1
grep -q '^2 packets transmitted, 2 received' "$RP_S/ping.log"; rp_check "udhcpc's host pings its router 10.0.2.2 (the responder answers)"
kill -USR1 "$u_pid"
rp_wait "$RP_LOG" '^event=renew' 15
grep -qx 'event=renew ip=10.0.2.15 subnet=255.255.255.0 mask=24 router=10.0.2.2 dns=10.0.2.3 serverid=10.0.2.2 lease=86400' "$RP_LOG"
rp_check "udhcpc SIGUSR1: renewed, the same lease"
grep -q 'sending renew to server 10.0.2.2' "$RP_S/udhcpc-a.out" &&
    [ "$(grep -c 'lease of 10.0.2.15 obtained from 10.0.2.2' "$RP_S/udhcpc-a.out")" -eq 2 ]
rp_check "udhcpc's output: the renewal went to the server, and the lease came back"
# udhcpc 1.35 sends its unicast renewal from a second socket, bound to
# 10.0.2.15:68 and connected to the server, which it closes right after the
# write; an ACK that comes back sooner than that (the responder takes well
# under a millisecond) lands in that socket and is lost, and udhcpc asks
# again by broadcast a second later. Seen with strace; a slower server never
# meets it. So A's REQUESTs are 2, plus one per "broadcasting renew".
rebroadcast=$(grep -c 'broadcasting renew' "$RP_S/udhcpc-a.out")
a_requests=$((2 + rebroadcast))
[ "$(grep -c "REQUEST from $MAC_A -> ACK 10.0.2.15" "$RP_S/nx.out")" -eq "$a_requests" ]
rp_check "nx-net: every REQUEST from A ACKed ($a_requests: the lease, the renewal, $rebroadcast repeated)"
kill -USR2 "$u_pid"
rp_wait "$RP_S/udhcpc-a.out" 'entering released state' 10
rp_wait "$RP_S/nx.out" "RELEASE from $MAC_A: the lease is free" 10
rp_check "udhcpc SIGUSR2: its RELEASE freed the lease"
kill -TERM "$u_pid"
rp_wait_exit "$u_pid" 10

# --- 2. dhcpcd, in a mount namespace with its directories in scratch -----------
run_before=$(ls /run/dhcpcd 2>/dev/null)
rp_must "MAC B" set_mac "$MAC_B"
cat >"$RP_S/dhcpcd-run.sh" <<EOF
set -u
mount --bind "$RP_S/dhcpcd-run" /run && mount --bind "$RP_S/dhcpcd-db" /var/lib/dhcpcd || exit 90
dhcpcd -B -4 -f "$RP_S/dhcpcd.conf" -c "$RP_S/dhcpcd-hook.sh" -j "$RP_S/dhcpcd.log" rvtap0 &
d=\$!
echo \$d >"$RP_S/dhcpcd.pid"
for i in \$(seq 150); do grep -q '^reason=BOUND' "$RP_S/dhcpcd-hook.log" 2>/dev/null && break; sleep 0.1; done
dhcpcd -4 -N rvtap0; echo "renew=\$?"
for i in \$(seq 100); do grep -q '^reason=RENEW' "$RP_S/dhcpcd-hook.log" 2>/dev/null && break; sleep 0.1; done
dhcpcd -4 -k rvtap0; echo "release=\$?"
wait \$d; echo "dhcpcd=\$?"
EOF
rp_in unshare -m --propagation private bash "$RP_S/dhcpcd-run.sh" >"$RP_S/dhcpcd-run.out" 2>&1
rc=$?
RP_PIDS+=("$(cat "$RP_S/dhcpcd.pid" 2>/dev/null || echo 0)")
cat "$RP_S/dhcpcd-run.out" "$RP_S/dhcpcd-hook.log" "$RP_S/dhcpcd.log" 2>/dev/null
[ "$rc" -eq 0 ] && grep -qx 'renew=0' "$RP_S/dhcpcd-run.out" && grep -qx 'release=0' "$RP_S/dhcpcd-run.out" &&
    grep -qx 'dhcpcd=0' "$RP_S/dhcpcd-run.out"
rp_check "dhcpcd, dhcpcd -N and dhcpcd -k exit 0"
grep -qx 'reason=BOUND ip=10.0.2.15 cidr=24 routers=10.0.2.2 dns=10.0.2.3 server=10.0.2.2' "$RP_S/dhcpcd-hook.log"
rp_check "dhcpcd's hook: BOUND 10.0.2.15/24 routers 10.0.2.2 dns 10.0.2.3 (so udhcpc's RELEASE had freed it)"
grep -qx 'reason=RENEW ip=10.0.2.15 cidr=24 routers=10.0.2.2 dns=10.0.2.3 server=10.0.2.2' "$RP_S/dhcpcd-hook.log"
rp_check "dhcpcd -N: RENEW, the same lease"
grep -q 'rvtap0: leased 10.0.2.15 for 86400 seconds' "$RP_S/dhcpcd.log" &&
    grep -q 'rvtap0: releasing lease of 10.0.2.15' "$RP_S/dhcpcd.log"
rp_check "dhcpcd's log: leased 10.0.2.15 for 86400 seconds, then released it"
[ "$(grep -c "REQUEST from $MAC_B -> ACK 10.0.2.15" "$RP_S/nx.out")" -eq 2 ] &&
    grep -q "RELEASE from $MAC_B: the lease is free" "$RP_S/nx.out"
rp_check "nx-net: two REQUESTs from B ACKed, and B's RELEASE"
[ -d "$RP_S/dhcpcd-run/dhcpcd" ] && [ "$(ls /run/dhcpcd 2>/dev/null)" = "$run_before" ] &&
    [ ! -e /var/lib/dhcpcd/rvtap0.lease ]
rp_check "dhcpcd's run directory was made in the scratch dir; the system's were not touched"

# --- 3. udhcpc once more, a third MAC: offered again ------------------------------
rp_must "MAC C" set_mac "$MAC_C"
export RP_LOG=$RP_S/udhcpc-c.log
# (-q -R would quit without the RELEASE: busybox 1.35 takes -q's exit
# before it counts itself bound; SIGUSR2 releases.)
rp_bg udhcpc-c busybox udhcpc -f -i rvtap0 -s "$RP_S/udhcpc.sh" -t 5 -T 1 -n
u_pid=$(cat "$RP_S/udhcpc-c.pid")
rp_wait "$RP_LOG" '^event=bound ip=10.0.2.15 subnet=255.255.255.0 mask=24 router=10.0.2.2 dns=10.0.2.3 ' 15
rp_check "udhcpc with a third MAC: offered and bound (dhcpcd's RELEASE had freed the lease)"
# The RELEASE is unicast: with the router's MAC not yet known it would wait
# for ARP, and lose the race against deconfig (see the script). A ping first.
# The script logs "bound" before its ip commands finish, so under load the
# first try can go before the address is set: try again, a few times.
tries=0
answered=0
while [ "$tries" -lt 5 ] && [ "$answered" -eq 0 ]; do
    tries=$((tries + 1))
    rp_in ping -c 1 -W 2 10.0.2.2 >>"$RP_S/ping-c.log" 2>&1 && answered=1
    [ "$answered" -eq 1 ] || sleep 0.2
done
[ "$answered" -eq 1 ]; rp_check "udhcpc's third host pings its router ($tries tries)"
kill -USR2 "$u_pid"
rp_wait "$RP_S/nx.out" "RELEASE from $MAC_C: the lease is free" 10; rp_check "... and its RELEASE freed it again"
kill -TERM "$u_pid"
rp_wait_exit "$u_pid" 10

kill -TERM "$nx_pid"
rp_wait_exit "$nx_pid" 10
rc=$?
cat "$RP_S/nx.out"
[ "$rc" -eq 0 ]; rp_check "dhcp-server ends at SIGTERM with exit 0"
req=$((a_requests + 3 + $(grep -c 'broadcasting renew' "$RP_S/udhcpc-c.out")))
# Echo replies: the two pings of the first host and the one the third got
# answered; a try that timed out may have been answered late, so at most
# one more per extra try.
echoes=$(sed -nE "s/.*discovers 3 offers 3 requests $req acks $req naks 0 releases 3 declines 0 ignored 0 no-free-lease 0; arp replies [0-9]+, echo replies ([0-9]+); lease free\$/\1/p" "$RP_S/nx.out")
[ -n "$echoes" ] && [ "$echoes" -ge 3 ] && [ "$echoes" -le $((2 + tries)) ]
rp_check "nx-net's counters: 3 DISCOVER/OFFER, $req REQUEST/ACK, 3 RELEASE, no NAK, ${echoes:-no} echo replies for the pings, the lease free"
rp_pcap "$RP_S/dhcpd.pcap" dhcp-server; rp_check "tshark: the stub's lease, the RELEASEs, checksums good"

rp_done
