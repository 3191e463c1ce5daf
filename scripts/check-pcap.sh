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
#   tftp          one TFTP read (RFC 1350): an RRQ to port 69; the server's
#                 answer, and all that follows, from one port (its TID; slirp
#                 keeps 69), and all of ours to that port; an OACK followed by the client's
#                 ACK 0 (RFC 2347) or DATA 1; DATA blocks 1 to N, every one
#                 (block numbers counted past a wrap), the last shorter than
#                 the block size (the OACK's blksize, else 512) and
#                 acknowledged; no ERROR. DHCP and echo, if any, as in serve.
#                 Past block 65535 (a file over 32 MiB at 512) the block
#                 number on the wire must wrap to 0 (the 65536th), then 1
#   tftp-error=CODE  an RRQ answered (or, after the OACK, refused by the
#                 client) with an ERROR of CODE and no DATA after it; tshark's
#                 expert warning for a TFTP ERROR packet is the one allowed
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
if [[ $mode == tftp-error=* ]]; then
    # The ERROR packet itself is a warning (tshark's "TFTP ERROR packet");
    # no other may be there.
    other=$(grep -E '^ +[0-9]+ +' <<<"$expert" | grep -v 'TFTP ERROR packet' || true)
    if grep -qE '^Errors \(' <<<"$expert" || [ -n "$other" ]; then
        echo "$expert" >&2
        fail "tshark reports expert warnings or errors besides the TFTP ERROR"
    fi
elif grep -qE '^(Errors|Warnings) \(' <<<"$expert" ||
    { [ "$mode" = tftp ] && grep -qE '^Warns \(' <<<"$expert"; }; then
    # tshark 4.0 heads its warnings "Warns (N)"; the older modes have never
    # been held to those (a duplicate-address warning of dhcp_clients'
    # sequential clients is one), the TFTP mode is.
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

# TFTP packets as frame,source,sport,dport,opcode,block (counted past a
# wrap: tftp.block.full),UDP length,block (on the wire). The rows are then read from a string,
# not a pipe: under pipefail `... | head` can kill the writer with SIGPIPE.
tftp_rows() {
    ts -Y tftp -T fields -E separator=, -e frame.number -e ip.src -e udp.srcport -e udp.dstport \
        -e tftp.opcode -e tftp.block.full -e udp.length -e tftp.block
}

# The RRQ: sets rrq_frame, client, cport.
tftp_rrq() {
    local rrq
    rrq=$(awk -F, '$5 == 1 && $4 == 69 { print; exit }' <<<"$rows")
    [ -n "$rrq" ] || fail "no TFTP read request to port 69"
    IFS=, read -r rrq_frame client cport _ <<<"$rrq"
    summary+=", RRQ from $client:$cport"
}

tftp_read() {
    local first fop ffr sport blksize data n last lastlen lastack
    rows=$(tftp_rows)
    tftp_rrq
    first=$(awk -F, -v c="$client" -v f="$rrq_frame" '$1 > f && $2 != c { print; exit }' <<<"$rows")
    [ -n "$first" ] || fail "the RRQ was not answered"
    IFS=, read -r ffr _ sport _ fop _ <<<"$first"
    # The server's transfer ID (RFC 1350 §4): every later packet from it
    # comes from that port and every one of ours goes to it. It should be a
    # new port; slirp keeps 69, which is legal for the client to follow.
    awk -F, -v c="$client" -v f="$ffr" -v p="$sport" '$1 >= f && (($2 != c && $3 != p) || ($2 == c && $4 != p))' \
        <<<"$rows" | grep . >/dev/null && fail "a packet of the transfer not from or to the server's port $sport"
    [ "$sport" != 69 ] || summary+=", the server answering from port 69"
    [ "$fop" != 5 ] || fail "the RRQ was answered with an ERROR"
    blksize=512
    if [ "$fop" = 6 ]; then
        awk -F, -v c="$client" -v f="$ffr" '$1 > f && $2 == c && $5 == 4 && $6 == 0' <<<"$rows" | grep . >/dev/null ||
            fail "no ACK 0 after the OACK (RFC 2347)"
        blksize=$(ts -Y "frame.number == $ffr" -T fields -e tftp.option.name -e tftp.option.value |
            awk -F'\t' '{ n = split($1, k, ","); split($2, v, ",");
                          for (i = 1; i <= n; i++) if (tolower(k[i]) == "blksize") print v[i] }')
        blksize=${blksize:-512}
        summary+=", OACK (blksize $blksize), ACK 0"
    else
        [ "$fop" = 3 ] || fail "the RRQ was answered with opcode $fop"
        summary+=", DATA 1 without an OACK"
    fi
    awk -F, '$5 == 5' <<<"$rows" | grep . >/dev/null && fail "an ERROR in a transfer that should be whole"
    data=$(awk -F, '$5 == 3 { print $6 }' <<<"$rows" | sort -nu)
    n=$(grep -c . <<<"$data")
    last=$(tail -n1 <<<"$data")
    [ "$(head -n1 <<<"$data")" = 1 ] && [ "$n" = "$last" ] ||
        fail "DATA blocks are not 1 to $last without a gap ($n distinct)"
    lastlen=$(awk -F, -v b="$last" '$5 == 3 && $6 == b { print $7 - 12; exit }' <<<"$rows")
    [ "$lastlen" -lt "$blksize" ] || fail "the last DATA ($last) carries $lastlen bytes, not less than $blksize"
    lastack=$(awk -F, -v c="$client" '$2 == c && $5 == 4 { a = $6 } END { print a }' <<<"$rows")
    [ "$lastack" = "$last" ] || fail "the last ACK is of block ${lastack:-none}, not of the last DATA ($last)"
    summary+=", DATA 1-$last (the last $lastlen bytes) all acknowledged"
    if [ "$last" -gt 65535 ]; then
        # RFC 1350 has 16 bits of block number; a file of more blocks goes
        # on from 0 (what tftpd-hpa, slirp and the stub do), so tshark
        # counts on. The wire's numbers around the wrap, in order:
        wire=$(awk -F, '$5 == 3 && $6 >= 65535 && $6 <= 65537 && !seen[$6]++ { printf "%s ", $8 }' <<<"$rows")
        [ "$wire" = "65535 0 1 " ] || fail "DATA 65535-65537 carry block numbers '$wire' on the wire, not 65535 0 1"
        summary+=", block numbers wrapped 65535 -> 0 -> 1"
    fi
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
tftp)
    tftp_read
    echo_pairs optional
    ;;
tftp-error=*)
    code=${mode#*=}
    rows=$(tftp_rows)
    tftp_rrq
    err=$(ts -Y "tftp.opcode == 5 && tftp.error.code == $code" -T fields -e frame.number -e ip.src \
        -e tftp.error.message | awk 'NR == 1')
    [ -n "$err" ] || fail "no TFTP ERROR $code (saw: $(ts -Y 'tftp.opcode == 5' -T fields -e tftp.error.code | tr '\n' ' '))"
    IFS=$'\t' read -r efr esrc emsg <<<"$err"
    awk -F, -v f="$efr" '$1 > f && $5 == 3' <<<"$rows" | grep . >/dev/null && fail "DATA after the ERROR"
    summary+=", ERROR $code from $esrc ($emsg)"
    ;;
*)
    fail "unknown mode '$mode' (host, wire, lease=ADDR, renew=ADDR, serve, dhcp-server, tftp, tftp-error=CODE)"
    ;;
esac
echo "check-pcap: $file ok ($mode): $(ts | wc -l) packets, checksums good$summary"
