#!/usr/bin/env bash
# Checks a pcap written by nx-net or by QEMU's filter-dump with tshark. Every
# mode: every packet dissects (no malformed packet, no expert warning or
# error) and every IPv4, UDP, TCP and ICMP checksum is good (tshark's
# checksum validation turned on: ip/udp/tcp.check_checksum; ICMP's is always
# checked). Then, by mode:
#   host          the in-process stub: a full DHCP exchange (DISCOVER, OFFER,
#                 REQUEST, ACK) leasing 10.0.2.15 with router 10.0.2.2 and DNS
#                 10.0.2.3, and every ICMP echo request answered (same id, seq)
#   wire          a real server at 10.0.2.x (QEMU's slirp, restrict=on): the
#                 exchange leasing 10.0.2.15, no router or DNS required, echo
#                 requests answered, and the lease given back at the orderly
#                 stop: a RELEASE (RFC 2131 §4.4.6) from 10.0.2.15 unicast to
#                 the server, after the ACK
#   lease=ADDR    a real server's lease of ADDR (dnsmasq): the exchange with
#                 ADDR in the ACK; echo requests, if any, answered
#   renew=ADDR    lease=ADDR, and a renewal (RFC 2131 §4.4.5): a REQUEST
#                 unicast to the server from ADDR (ciaddr ADDR), and an ACK of
#                 ADDR after it
#   serve         nx-net serve against a real host: at least one echo
#                 request, every one answered; no DHCP required
#   dhcp-server   nx-net dhcp-server against real clients: OFFER and ACK of
#                 10.0.2.15 with router 10.0.2.2 and DNS 10.0.2.3, a RELEASE
#   usage: check-pcap.sh FILE MODE
set -euo pipefail
file=${1:?pcap file}
mode=${2:-host}
fail() { echo "check-pcap: $file: $*" >&2; exit 1; }

command -v tshark >/dev/null || fail "tshark is not installed (Debian tshark)"
[ -s "$file" ] || fail "missing or empty"
prefs=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE)
ts() { tshark -r "$file" "${prefs[@]}" "$@" 2>/dev/null; }

detail=$(tshark -r "$file" "${prefs[@]}" -V 2>&1) || fail "tshark could not read it"
grep -q 'Malformed' <<<"$detail" && fail "tshark reports a malformed packet"
expert=$(ts -q -z expert,warn)
if grep -qE '^(Errors|Warnings) \(' <<<"$expert"; then
    echo "$expert" >&2
    fail "tshark reports expert warnings or errors"
fi
bad=$(ts -Y 'ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0' | wc -l)
[ "$bad" -eq 0 ] || fail "$bad packets with a bad checksum"
# Validation must really have run: every IPv4 header's status is Good.
ipv4=$(ts -Y ip | wc -l)
good=$(ts -Y 'ip.checksum.status == 1' | wc -l)
[ "$ipv4" -eq "$good" ] || fail "$((ipv4 - good)) of $ipv4 IPv4 headers not verified good"

# The DHCP exchange leasing $1; with $2 = yes, router 10.0.2.2 and DNS 10.0.2.3.
dhcp_exchange() {
    local want=$1 stub=$2 types yi r d
    types=$(ts -Y dhcp -T fields -e dhcp.option.dhcp | tr '\n' ' ')
    for t in 1 2 3 5; do
        grep -qw "$t" <<<"$types" || fail "no DHCP message of type $t (saw: ${types:-none})"
    done
    yi=$(ts -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.ip.your | head -n1)
    [ "$yi" = "$want" ] || fail "DHCP ACK leases '${yi:-nothing}', not $want"
    if [ "$stub" = yes ]; then
        r=$(ts -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.option.router | head -n1)
        d=$(ts -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.option.domain_name_server | head -n1)
        [ "$r" = 10.0.2.2 ] || fail "DHCP ACK router '${r:-none}', not 10.0.2.2"
        [ "$d" = 10.0.2.3 ] || fail "DHCP ACK DNS '${d:-none}', not 10.0.2.3"
    fi
    summary+=", DHCP 1/2/3/5 leasing $yi"
}

# Every echo request (of those the display filter $2 selects, default all)
# answered by a reply with the same id and seq; with $1 = required, at least
# one request.
echo_pairs() {
    local req rep sel=${2:-icmp}
    req=$(ts -Y "icmp.type == 8 && ($sel)" -T fields -e ip.src -e ip.dst -e icmp.ident -e icmp.seq | sort)
    rep=$(ts -Y 'icmp.type == 0' -T fields -e ip.dst -e ip.src -e icmp.ident -e icmp.seq | sort)
    if [ -z "$req" ]; then
        [ "$1" != required ] || fail "no ICMP echo request"
        return 0
    fi
    # Every request in the reply list, once.
    [ -z "$(comm -23 <(echo "$req") <(echo "$rep"))" ] ||
        fail "ICMP echo requests without their reply: $(comm -23 <(echo "$req") <(echo "$rep") | tr '\n' ' ')"
    summary+=", $(wc -l <<<"$req") echo pairs"
}

summary=""
case "$mode" in
host)
    dhcp_exchange 10.0.2.15 yes
    echo_pairs required
    ;;
wire)
    dhcp_exchange 10.0.2.15 no
    echo_pairs required
    ack=$(ts -Y 'dhcp.option.dhcp == 5' -T fields -e frame.number | head -n1)
    srv=$(ts -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.option.dhcp_server_id | head -n1)
    rel=$(ts -Y "dhcp.option.dhcp == 7 && ip.src == 10.0.2.15 && dhcp.ip.client == 10.0.2.15 && ip.dst == $srv && frame.number > $ack" -T fields -e frame.number | head -n1)
    [ -n "$rel" ] || fail "no RELEASE of 10.0.2.15 unicast to the server $srv after the ACK (frame $ack)"
    summary+=", the RELEASE (frame $rel)"
    ;;
lease=* | renew=*)
    addr=${mode#*=}
    dhcp_exchange "$addr" no
    # A server may ping the address before it offers it (RFC 2131 §3.1 step
    # 2; dnsmasq does, for an address of its range): nobody holds it yet, so
    # no reply may come. Every other echo request to or from it is answered.
    acked=$(ts -Y "dhcp.option.dhcp == 5 && dhcp.ip.your == $addr" -T fields -e frame.number | head -n1)
    check=$(ts -Y "icmp.type == 8 && ip.dst == $addr && frame.number < $acked" -T fields -e icmp.ident -e icmp.seq)
    if [ -n "$check" ]; then
        answered=$(ts -Y "icmp.type == 0 && ip.src == $addr && frame.number < $acked" | wc -l)
        [ "$answered" -eq 0 ] || fail "the server's ping check of $addr was answered before the lease"
        summary+=", the server's ping check unanswered"
    fi
    echo_pairs optional "ip.src == $addr || frame.number > $acked"
    if [ "${mode%%=*}" = renew ]; then
        # A REQUEST from ADDR (ciaddr) to the server's own address, not to
        # the broadcast address, and an ACK of ADDR after it.
        ren=$(ts -Y "dhcp.option.dhcp == 3 && dhcp.ip.client == $addr && ip.src == $addr && ip.dst != 255.255.255.255" -T fields -e frame.number | head -n1)
        [ -n "$ren" ] || fail "no unicast renewal REQUEST from $addr"
        ack=$(ts -Y "dhcp.option.dhcp == 5 && dhcp.ip.your == $addr && frame.number > $ren" -T fields -e frame.number | head -n1)
        [ -n "$ack" ] || fail "no ACK after the renewal REQUEST (frame $ren)"
        summary+=", renewal REQUEST unicast (frame $ren) and ACK (frame $ack)"
    fi
    ;;
serve)
    echo_pairs required
    ;;
dhcp-server)
    dhcp_exchange 10.0.2.15 yes
    ts -Y 'dhcp.option.dhcp == 7' | grep -q . || fail "no DHCP RELEASE"
    summary+=", a RELEASE"
    echo_pairs optional
    ;;
*)
    fail "unknown mode '$mode' (host, wire, lease=ADDR, renew=ADDR, serve, dhcp-server)"
    ;;
esac
echo "check-pcap: $file ok ($mode): $(ts | wc -l) packets, checksums good$summary"
