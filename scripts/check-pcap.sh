#!/usr/bin/env bash
# Checks a pcap written by nx-net or by QEMU's filter-dump with tshark:
# every packet dissects (no malformed packet, no expert warning or error),
# a full DHCP exchange (DISCOVER, OFFER, REQUEST, ACK) leasing 10.0.2.15,
# and every ICMP echo request answered by a reply with the same id and seq.
#   usage: check-pcap.sh FILE wire|host
#   wire: a real server (QEMU slirp, restrict=on): no router/DNS required
#   host: the in-process stub: router 10.0.2.2 and DNS 10.0.2.3 required
set -euo pipefail
file=${1:?pcap file}
mode=${2:-host}
fail() { echo "check-pcap: $file: $*" >&2; exit 1; }

command -v tshark >/dev/null || fail "tshark is not installed (Debian tshark)"
[ -s "$file" ] || fail "missing or empty"
detail=$(tshark -r "$file" -V 2>&1) || fail "tshark could not read it"
grep -q 'Malformed' <<<"$detail" && fail "tshark reports a malformed packet"
expert=$(tshark -r "$file" -q -z expert,warn 2>/dev/null)
if grep -qE '^(Errors|Warnings) \(' <<<"$expert"; then
    echo "$expert" >&2
    fail "tshark reports expert warnings or errors"
fi

types=$(tshark -r "$file" -Y dhcp -T fields -e dhcp.option.dhcp 2>/dev/null | tr '\n' ' ')
for t in 1 2 3 5; do
    grep -qw "$t" <<<"$types" || fail "no DHCP message of type $t (saw: ${types:-none})"
done
yi=$(tshark -r "$file" -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.ip.your 2>/dev/null | head -n1)
[ "$yi" = 10.0.2.15 ] || fail "DHCP ACK leases '${yi:-nothing}', not 10.0.2.15"
if [ "$mode" = host ]; then
    r=$(tshark -r "$file" -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.option.router 2>/dev/null | head -n1)
    d=$(tshark -r "$file" -Y 'dhcp.option.dhcp == 5' -T fields -e dhcp.option.domain_name_server \
        2>/dev/null | head -n1)
    [ "$r" = 10.0.2.2 ] || fail "DHCP ACK router '${r:-none}', not 10.0.2.2"
    [ "$d" = 10.0.2.3 ] || fail "DHCP ACK DNS '${d:-none}', not 10.0.2.3"
fi

req=$(tshark -r "$file" -Y 'icmp.type == 8' -T fields -e ip.src -e ip.dst -e icmp.ident -e icmp.seq 2>/dev/null | sort)
rep=$(tshark -r "$file" -Y 'icmp.type == 0' -T fields -e ip.dst -e ip.src -e icmp.ident -e icmp.seq 2>/dev/null | sort)
[ -n "$req" ] || fail "no ICMP echo request"
[ "$req" = "$rep" ] || fail "ICMP echo requests and replies do not pair up"
pairs=$(wc -l <<<"$req")
echo "check-pcap: $file ok: $(tshark -r "$file" 2>/dev/null | wc -l) packets, DHCP 1/2/3/5 leasing $yi, $pairs echo pairs"
