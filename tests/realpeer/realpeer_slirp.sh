#!/usr/bin/env bash
# `nx-net up --backend slirp`: libslirp (QEMU's user network, restricted)
# in the process, no root needed. Its DHCP server leases 10.0.2.15 (with
# restrict=on: no router, no DNS), it answers the ping of 10.0.2.2, and its
# own ARP table, which nx-net prints, holds our MAC at 10.0.2.15. As root
# it runs in a namespace of its own (nothing but lo in it), once as root and
# once as the user nobody; without root it runs as the user it is, which is
# itself the proof. tshark checks the pcap. About 1 s.
#   usage: realpeer_slirp.sh NX_NET SOURCE_DIR WORK_DIR
set -uo pipefail
# shellcheck source=realpeer_lib.sh
source "$(dirname "$0")/realpeer_lib.sh"
RP_ANY_USER=1 rp_init slirp "${1:?nx-net}" "${2:?source dir}" "${3:?work dir}" tshark

"$NX" up --backend slirp --json >/dev/null 2>"$RP_S/probe.err"
if grep -q 'built without libslirp' "$RP_S/probe.err"; then
    rp_skip "this nx-net was built without libslirp (install libslirp-dev, libglib2.0-dev; configure again)"
fi

# One run as the user given ("" for whoever runs the test): its checks.
run_as() { # tag, user
    local tag=$1 user=$2 out=$RP_S/$1.out
    local -a as=()
    [ -z "$user" ] || as=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups)
    rp_in "${as[@]}" sh -c 'echo "uid=$(id -u)"; exec "$@"' _ "$NX" up --backend slirp \
        --pcap "$RP_S/$tag.pcap" >"$out" 2>&1
    local rc=$?
    cat "$out"
    local uid
    uid=$(sed -n 's/^uid=//p' "$out")
    [ "$rc" -eq 0 ]; rp_check "$tag: nx-net up --backend slirp as uid $uid exits 0"
    grep -qx 'backend: slirp clock=monotonic' "$out"; rp_check "$tag: on the monotonic clock"
    grep -qx 'netstack: virt0 dhcp addr=10.0.2.15/24 gw=none dns=none' "$out"
    rp_check "$tag: slirp's lease 10.0.2.15/24, no router or DNS (restrict=on)"
    grep -qx 'SELFTEST: net gw ping ok' "$out"; rp_check "$tag: slirp answered the ping of 10.0.2.2"
    grep -qE '^backend: slirp \(libslirp [0-9.]+, restricted\) .*its ARP table: 02:00:00:00:00:01 10\.0\.2\.15$' "$out"
    rp_check "$tag: slirp's own ARP table holds 02:00:00:00:00:01 at 10.0.2.15"
    grep -qx 'netstack: virt0 dhcp released addr=10.0.2.15' "$out"; rp_check "$tag: the lease given back"
    rp_pcap "$RP_S/$tag.pcap" wire; rp_check "$tag: tshark: slirp's DHCP exchange and echo replies, checksums good"
}

run_as self ""
echo "libslirp: $(sed -nE 's/^backend: slirp \(libslirp ([0-9.]+),.*/\1/p' "$RP_S/self.out")"
if [ "$(id -u)" -eq 0 ]; then
    if id nobody >/dev/null 2>&1; then
        chmod 777 "$RP_S"
        run_as nobody nobody
        grep -qx 'uid=65534' "$RP_S/nobody.out"; rp_check "nobody: it really ran as uid 65534"
    else
        echo "SKIPPED: slirp: no user nobody to run as" >&2
    fi
    [ "$(rp_in ip -o link | wc -l)" -eq 1 ]; rp_check "nothing was made in the namespace but its lo"
else
    echo "realpeer_slirp: ran as uid $(id -u), without root"
fi
rp_done
