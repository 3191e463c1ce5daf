#!/usr/bin/env bash
# What `nx-net --backend tap:IFNAME` refuses, where only root can set the
# scene, in a namespace of the test's own: a TAP that is down, a TUN that is
# not a TAP, a TAP another process holds, a user without the right (nobody,
# on a TAP owned by root), a machine without /dev/net/tun (a mount namespace
# with an empty /dev/net). Each must be one line on stderr naming the
# reason, exit 2, nothing on stdout, and nothing left behind: no interface
# made or changed, no pcap file, no process. (The ones any user can see: a
# name that is not there, lo, a bad name: nx_net_cli.sh.) About 2 s.
#   usage: realpeer_tap_errors.sh NX_NET SOURCE_DIR WORK_DIR
set -uo pipefail
# shellcheck source=realpeer_lib.sh
source "$(dirname "$0")/realpeer_lib.sh"
rp_init tap_errors "${1:?nx-net}" "${2:?source dir}" "${3:?work dir}" unshare setpriv

rp_in ip tuntap add dev rvdown0 mode tap user root
rp_in ip tuntap add dev rvtun0 mode tun
rp_in ip link set rvtun0 up
rp_tap rvtap0 10.0.9.1/24
links() { rp_in ip -o link | awk -F': ' '{print $2}' | sort | tr '\n' ' '; }
links_before=$(links)
chmod 777 "$RP_S"

# One refusal: exit 2, one line on stderr with the reason, nothing else.
refused() { # what, reason (grep -F), then the command (run in the namespace)
    local what=$1 why=$2 rc err
    shift 2
    rp_in "$@" >"$RP_S/out" 2>"$RP_S/err"
    rc=$?
    err=$(cat "$RP_S/err")
    echo "  $what: exit $rc: $err"
    [ "$rc" -eq 2 ] && [ ! -s "$RP_S/out" ] && [ "$(wc -l <"$RP_S/err")" -eq 1 ] &&
        grep -qF -- "$why" "$RP_S/err" && [ ! -e "$RP_S/x.pcap" ]
    rp_check "$what: exit 2 before any output, '$why', no pcap file"
}

refused "a TAP that is down" "rvdown0 is down (ip link set rvdown0 up)" \
    "$NX" up --backend tap:rvdown0 --pcap "$RP_S/x.pcap"
refused "a TUN, not a TAP" "rvtun0 is not a TAP device" \
    "$NX" up --backend tap:rvtun0 --pcap "$RP_S/x.pcap"
# The TAP root owns (user root), and the user nobody: refused at the
# open of /dev/net/tun where it is 0600, else at the attach.
rp_in ip link set rvdown0 up
refused "the user nobody on root's TAP" "needs root or CAP_NET_ADMIN" \
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    "$NX" dhcp --backend tap:rvdown0 --pcap "$RP_S/x.pcap"
refused "no /dev/net/tun" "no /dev/net/tun (load the tun module: modprobe tun)" \
    unshare -m --propagation private sh -c 'mount -t tmpfs none /dev/net && exec "$@"' _ \
    "$NX" up --backend tap:rvtap0 --pcap "$RP_S/x.pcap"
# A TAP that another nx-net holds.
rp_bg holder "$NX" serve --backend tap:rvtap0 --static 10.0.9.2/24 --seconds 60
holder=$(cat "$RP_S/holder.pid")
rp_must "the first nx-net holds rvtap0" rp_wait "$RP_S/holder.out" '^serve: up at' 10
refused "a TAP another process holds" "rvtap0 is held by another process" \
    "$NX" serve --backend tap:rvtap0 --static 10.0.9.3/24 --pcap "$RP_S/x.pcap"
kill -TERM "$holder"
rp_wait_exit "$holder" 10; rp_check "the holder ends at SIGTERM, exit 0"

rp_in ip link set rvdown0 down
[ "$(links)" = "$links_before" ]; rp_check "the namespace's interfaces are what they were: $links_before"
[ -z "$(ip netns pids "$RP_NS")" ]; rp_check "no process left in the namespace"
rp_done
