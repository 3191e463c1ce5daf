#!/usr/bin/env bash
# nx-net over a TAP against dnsmasq (Debian dnsmasq-base), in a namespace of
# the test's own. The TAP's Linux side holds 10.0.9.1/24, the gateway;
# dnsmasq is bound to it alone, with DNS off (--port=0), no resolv.conf, no
# hosts file, no configuration file, its log and leases in the scratch dir.
#   1. a --dhcp-host reservation: `nx-net up` (the RFC 5227 probe on, as on
#      every TAP) leases 10.0.9.50, and its gateway ping is answered by the
#      Linux kernel (the namespace's own ICMP counters say so); dnsmasq's
#      log shows DISCOVER/OFFER/REQUEST/ACK and, at the end, the RELEASE
#      for our MAC, and its lease file no longer holds the address;
#   2. a plain range: `nx-net dhcp` takes what dnsmasq offers (the address
#      of dnsmasq's log, inside the range);
#   3. a short lease (dnsmasq's minimum, 2 minutes) with T1 = 10 s sent as
#      option 58: `nx-net serve` renews: RENEWED (not CHANGED) in its
#      output, a second REQUEST/ACK for our MAC in dnsmasq's log, and in
#      the pcap a REQUEST unicast from the lease to 10.0.9.1 and its ACK.
# tshark checks every pcap. About 30 s.
#   usage: realpeer_dnsmasq.sh NX_NET SOURCE_DIR WORK_DIR
set -uo pipefail
# shellcheck source=realpeer_lib.sh
source "$(dirname "$0")/realpeer_lib.sh"
rp_init dnsmasq "${1:?nx-net}" "${2:?source dir}" "${3:?work dir}" dnsmasq tshark

MAC=02:00:00:00:00:01
rp_tap rvtap0 10.0.9.1/24
echo "dnsmasq: $(dnsmasq --version | head -n 1)"

# dnsmasq in the foreground (-k) in the namespace, with the options given.
start_dnsmasq() { # tag, then options
    local tag=$1
    shift
    rp_bg "dnsmasq-$tag" dnsmasq -k --port=0 --no-resolv --no-hosts --conf-file=/dev/null \
        --interface=rvtap0 --bind-interfaces --except-interface=lo --user=root --group=root \
        --log-dhcp --log-facility="$RP_S/dnsmasq-$tag.log" --pid-file="$RP_S/dnsmasq-$tag.dpid" \
        --dhcp-leasefile="$RP_S/dnsmasq-$tag.leases" "$@"
    rp_must "dnsmasq ($tag) starts: $(cat "$RP_S/dnsmasq-$tag.out" 2>/dev/null)" \
        rp_wait "$RP_S/dnsmasq-$tag.log" 'DHCP, sockets bound exclusively to interface rvtap0' 10
}
stop_dnsmasq() {
    rp_kill "$(cat "$RP_S/dnsmasq-$1.pid")"
}
# The dnsmasq log's lines for our MAC of one kind, e.g. DHCPACK.
log_count() { # tag, kind
    grep -cE "$2\(rvtap0\) ([0-9.]+ )?$MAC" "$RP_S/dnsmasq-$1.log"
}

# --- 1. the reservation; the gateway ping answered by the kernel -------------
start_dnsmasq resv --dhcp-range=10.0.9.100,10.0.9.150,255.255.255.0,2m \
    --dhcp-host=$MAC,10.0.9.50
in0=$(rp_icmp InEchos)
rep0=$(rp_icmp OutEchoReps)
rp_in "$NX" up --backend tap:rvtap0 --pcap "$RP_S/resv.pcap" >"$RP_S/resv.out" 2>&1
rc=$?
cat "$RP_S/resv.out"
[ "$rc" -eq 0 ]; rp_check "nx-net up against dnsmasq exits 0"
[ "$(head -n 1 "$RP_S/resv.out")" = "backend: tap:rvtap0 clock=monotonic" ]
rp_check "the output says the clock is the monotonic one"
grep -qx 'netstack: virt0 dhcp addr=10.0.9.50/24 gw=10.0.9.1 dns=none' "$RP_S/resv.out"
rp_check "the reserved lease 10.0.9.50/24, router 10.0.9.1, no DNS (dnsmasq's DNS is off)"
grep -qx 'SELFTEST: net gw ping ok' "$RP_S/resv.out"; rp_check "the gateway ping passed"
in1=$(rp_icmp InEchos)
rep1=$(rp_icmp OutEchoReps)
[ $((in1 - in0)) -eq 3 ] && [ $((rep1 - rep0)) -eq 3 ]
rp_check "the kernel counted 3 echo requests in and 3 replies out ($((in1 - in0)), $((rep1 - rep0)))"
for kind in DHCPDISCOVER DHCPOFFER DHCPREQUEST DHCPACK DHCPRELEASE; do
    [ "$(log_count resv "$kind")" -eq 1 ]; rp_check "dnsmasq's log: one $kind for $MAC"
done
grep -qE "DHCPACK\(rvtap0\) 10\.0\.9\.50 $MAC" "$RP_S/dnsmasq-resv.log"
rp_check "dnsmasq's log: the ACK was for 10.0.9.50"
grep -q 'sent size:  4 option:  3 router  10.0.9.1' "$RP_S/dnsmasq-resv.log" &&
    ! grep -q 'option:  6 dns-server' "$RP_S/dnsmasq-resv.log"
rp_check "dnsmasq's log: it sent the router and no DNS server, as nx-net printed"
probes=$(tshark -r "$RP_S/resv.pcap" -Y 'arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == 10.0.9.50' 2>/dev/null | wc -l)
[ "$probes" -eq 3 ]; rp_check "three RFC 5227 probes before the address was used (the default on a TAP)"
stop_dnsmasq resv
! grep -q '10\.0\.9\.50' "$RP_S/dnsmasq-resv.leases"
rp_check "the RELEASE freed the address: dnsmasq's lease file no longer has it"
rp_pcap "$RP_S/resv.pcap" lease=10.0.9.50; rp_check "tshark: the reservation's pcap"

# --- 2. a plain range: take what is offered -------------------------------------
start_dnsmasq range --dhcp-range=10.0.9.100,10.0.9.150,255.255.255.0,2m
rp_in "$NX" --json dhcp --backend tap:rvtap0 --pcap "$RP_S/range.pcap" >"$RP_S/range.out" 2>&1
rc=$?
cat "$RP_S/range.out"
offered=$(sed -nE "s/.*DHCPOFFER\(rvtap0\) ([0-9.]+) $MAC.*/\1/p" "$RP_S/dnsmasq-range.log" | head -n 1)
echo "dnsmasq offered: ${offered:-nothing}"
[ "$rc" -eq 0 ] && [ -n "$offered" ]; rp_check "nx-net dhcp against the range exits 0, dnsmasq offered"
grep -q "\"addr\":\"$offered\",\"mask\":\"255.255.255.0\",\"prefix\":24,\"gw\":\"10.0.9.1\"" "$RP_S/range.out" &&
    grep -q '"backend":"tap:rvtap0","clock":"monotonic"' "$RP_S/range.out" &&
    grep -q '"lease_s":120,"t1_s":60,"t2_s":105' "$RP_S/range.out"
rp_check "the lease is the offered $offered, with dnsmasq's 2 minutes (T1 60 s, T2 105 s)"
last=${offered##*.}
[ "${offered%.*}" = 10.0.9 ] && [ "$last" -ge 100 ] && [ "$last" -le 150 ]
rp_check "... inside dnsmasq's range"
grep -qE "DHCPACK\(rvtap0\) $offered $MAC" "$RP_S/dnsmasq-range.log" &&
    [ "$(log_count range DHCPRELEASE)" -eq 1 ]
rp_check "dnsmasq's log: ACK of $offered, then the RELEASE"
stop_dnsmasq range
rp_pcap "$RP_S/range.pcap" "lease=$offered"; rp_check "tshark: the range's pcap"

# --- 3. the renewal: T1 = 10 s ---------------------------------------------------
start_dnsmasq renew --dhcp-range=10.0.9.100,10.0.9.150,255.255.255.0,2m \
    --dhcp-host=$MAC,10.0.9.50 --dhcp-option=58,10
rp_in "$NX" serve --backend tap:rvtap0 --no-probe --seconds 14 --pcap "$RP_S/renew.pcap" \
    >"$RP_S/renew.out" 2>&1
rc=$?
cat "$RP_S/renew.out"
[ "$rc" -eq 0 ]; rp_check "nx-net serve --seconds 14 exits 0"
grep -q '^dhcp: BOUND addr=10.0.9.50/24 server=10.0.9.1 lease=120s' "$RP_S/renew.out" &&
    grep -q '^dhcp: RENEWED addr=10.0.9.50/24 server=10.0.9.1 lease=120s' "$RP_S/renew.out" &&
    ! grep -q '^dhcp: CHANGED' "$RP_S/renew.out" &&
    grep -q 'dhcp renewed 1 changed 0 lost 0' "$RP_S/renew.out"
rp_check "nx-net: BOUND, then RENEWED at T1 (not CHANGED)"
grep -q 'sent size:  4 option: 58 T1  10s' "$RP_S/dnsmasq-renew.log"
rp_check "dnsmasq's log: it sent T1 = 10 s"
[ "$(log_count renew DHCPREQUEST)" -eq 2 ] && [ "$(log_count renew DHCPACK)" -eq 2 ]
rp_check "dnsmasq's log: two REQUEST/ACK for $MAC (the lease and its renewal)"
stop_dnsmasq renew
rp_pcap "$RP_S/renew.pcap" renew=10.0.9.50; rp_check "tshark: the renewal REQUEST went unicast, and was ACKed"
tapmac=$(rp_in cat /sys/class/net/rvtap0/address)
dst=$(tshark -r "$RP_S/renew.pcap" -Y 'dhcp.option.dhcp == 3 && ip.src == 10.0.9.50' -T fields -e eth.dst -e ip.dst 2>/dev/null | head -n 1)
[ "$dst" = "$(printf '%s\t10.0.9.1' "$tapmac")" ]
rp_check "... to dnsmasq's MAC and address ($dst), not broadcast"

rp_done
