# shellcheck shell=bash
# The frame of every real-peer test (sourced): a network namespace of the
# test's own, with a TAP in it whose Linux side is the peer's interface;
# nx-net and the peers run only inside it. On exit, also on failure or a
# signal, every process the test started is killed by its pid (the ones it
# recorded, and whatever is still inside its namespace), the namespace is
# deleted and the scratch directory removed (kept, and named, on failure).
# Not root: SKIPPED, exit 77 (ctest SKIP_RETURN_CODE). A peer program that
# is missing is a failure, not a skip: scripts/deps.sh installs them.
#
#   source realpeer_lib.sh
#   rp_init NAME NX_NET SOURCE_DIR WORK_DIR [programs the test needs...]
#   rp_tap rvtap0 10.0.9.1/24        (or no address)
#   rp_bg dnsmasq dnsmasq ...        (in the namespace; pid in $RP_S/dnsmasq.pid)
#   rp_wait FILE REGEX SECONDS
#   ...; rp_check "what"             (after a test command, as nx_net_cli.sh)
#   rp_done                          (exit 0 or 1)

RP_FAILS=0
RP_NS=
RP_S=
RP_NAME=
RP_PIDS=()

rp_skip() {
    echo "SKIPPED: $RP_NAME: $*"
    echo "SKIPPED: $RP_NAME: $*" >&2
    exit 77
}

rp_check() { # description; the condition's exit status in $?
    local rc=$? what=$1
    if [ "$rc" -eq 0 ]; then
        echo "ok: $what"
    else
        echo "FAIL: $what" >&2
        RP_FAILS=$((RP_FAILS + 1))
    fi
}

# Kills one pid: TERM, then KILL after 2 s.
rp_kill() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 20); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

rp_cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${RP_PIDS[@]}"; do
        rp_kill "$pid"
    done
    if [ -n "$RP_NS" ] && ip netns list | grep -qw "$RP_NS"; then
        # Anything still in the namespace was started by this test.
        for pid in $(ip netns pids "$RP_NS" 2>/dev/null); do
            rp_kill "$pid"
        done
        ip netns del "$RP_NS"
    fi
    if [ -n "$RP_S" ] && [ -d "$RP_S" ]; then
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
            echo "$RP_NAME: failed; its files are kept in $RP_S" >&2
        else
            rm -rf "$RP_S"
        fi
    fi
    exit "$rc"
}

rp_init() {
    RP_NAME=$1
    NX=$(readlink -f "$2")
    SRC=$(readlink -f "$3")
    local work=$4
    shift 4
    # RP_ANY_USER=1: the test runs without root too (no namespace then).
    if [ "$(id -u)" -ne 0 ] && [ "${RP_ANY_USER:-0}" != 1 ]; then
        rp_skip "needs root (a network namespace and a TAP of its own)"
    fi
    local p
    for p in ip "$@"; do
        command -v "$p" >/dev/null || { echo "FAIL: $RP_NAME needs $p (bash scripts/deps.sh)" >&2; exit 1; }
    done
    trap rp_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p "$work"
    RP_S=$(readlink -f "$(mktemp -d "$work/run.XXXXXX")")
    chmod 755 "$RP_S"
    [ "$(id -u)" -eq 0 ] || return 0
    RP_NS=rvnet-$RP_NAME-$$
    ip netns add "$RP_NS" || { echo "FAIL: $RP_NAME: cannot make a network namespace" >&2; exit 1; }
    rp_in ip link set lo up
}

# A command inside the namespace (without root, where there is none: as is).
rp_in() {
    if [ -n "$RP_NS" ]; then
        ip netns exec "$RP_NS" "$@"
    else
        "$@"
    fi
}

# A TAP in the namespace, up, without IPv6 (its router solicitations would
# be noise for the stack), with an address on its Linux side if given.
rp_tap() {
    local dev=$1 addr=${2:-}
    rp_in ip tuntap add dev "$dev" mode tap
    rp_in sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
    [ -z "$addr" ] || rp_in ip addr add "$addr" dev "$dev"
    rp_in ip link set "$dev" up
}

# A program in the background inside the namespace, its output in
# $RP_S/NAME.out, its pid in $RP_S/NAME.pid and in the list to kill.
rp_bg() {
    local name=$1
    shift
    ip netns exec "$RP_NS" "$@" >"$RP_S/$name.out" 2>&1 &
    local pid=$!
    RP_PIDS+=("$pid")
    echo "$pid" >"$RP_S/$name.pid"
}

# Waits until FILE has a line matching REGEX (grep -E), at most SECONDS: a
# bound for a peer that never answers, not a measure of speed.
rp_wait() {
    local file=$1 re=$2 secs=$3 i
    for i in $(seq $((secs * 10))); do
        grep -qE -- "$re" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$RP_NAME: waited ${secs}s for /$re/ in $file" >&2
    return 1
}

# Waits for a background program to end by itself, at most SECONDS;
# returns its exit status (124 when it did not end).
rp_wait_exit() {
    local pid=$1 secs=$2 i
    for i in $(seq $((secs * 10))); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            return
        fi
        sleep 0.1
    done
    return 124
}

# The ICMP counters of the namespace's kernel (RFC 1213 icmpInEchos,
# icmpOutEchoReps): the peer's own count of what it answered.
rp_icmp() { # field name, e.g. InEchos
    rp_in awk -v f="$1" '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) n[$i] = i; h = 1 } else print $n[f] }' /proc/net/snmp
}

rp_pcap() { # file mode...
    bash "$SRC/scripts/check-pcap.sh" "$@"
}

# A step the rest cannot do without: its failure ends the test.
rp_must() { # description, then the command
    local what=$1
    shift
    "$@" || { echo "FAIL: $what (the rest of $RP_NAME needs it)" >&2; exit 1; }
}

rp_done() {
    if [ "$RP_FAILS" -ne 0 ]; then
        echo "$RP_NAME: $RP_FAILS failed" >&2
        exit 1
    fi
    echo "$RP_NAME: all checks passed"
    exit 0
}
