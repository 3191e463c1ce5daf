#!/usr/bin/env bash
# Installs, from Debian's packages, whatever rvnet's build and tests need and
# this machine lacks. Does nothing (and asks no mirror) when all is there.
# Needs root and apt-get (Debian 12).
set -euo pipefail

# usage: deps.sh [main|all|bench]
#   main: what `nx-net up` needs; all (default): every test;
#   bench: what bench/run.sh needs, lwIP and U-Boot to compare with included
want=${1:-all}
packages=(build-essential cmake libcmocka-dev # host build of nx-net (cmake configures the tests too)
    libslirp-dev libglib2.0-dev pkgconf)        # nx-net --backend slirp (slirp.pc requires glib-2.0);
                                                # pkgconf also for install-test.sh's consumer
tests=(
    clang clang-format llvm                        # second compiler, sanitizers, libFuzzer
    gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
    picolibc-riscv64-unknown-elf                   # freestanding target build
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
    libc6-dev-arm64-cross                          # freestanding AArch64 build (only <string.h> of it)
    qemu-system-misc                               # the rv-virt images on QEMU's virt board
    qemu-system-data                               # its OpenSBI (-bios default) for the S-mode image
    opensbi                                        # fw_jump: OpenSBI's boot-hart lottery, -smp 4
    tshark                                         # every pcap checked by a dissector
    python3                                        # qemu-test.sh: the TFTP files and their CRC-32
    dnsmasq-base busybox dhcpcd-base               # real peers: a DHCP server, two DHCP clients
    iputils-ping arping iproute2                   # ... Linux's ping and arping; ip netns, ip tuntap
    util-linux                                     # ... unshare, setpriv, nsenter
    tftpd-hpa                                      # ... a TFTP server (the test runs in.tftpd itself)
    liblwip-dev                                    # lwIP on the frontend (ports/lwip, tests/lwip)
    valgrind cppcheck clang-tidy                   # memcheck and static analysis
    gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user  # the big-endian run; qemu-riscv64 too
    file
)
# The big-endian run also needs cmocka built for s390x (multiarch).
cross=(libcmocka-dev:s390x)
case "$want" in
main)
    tests=()
    cross=()
    ;;
all) ;;
bench)
    tests=(
        gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
        picolibc-riscv64-unknown-elf               # P2/P3: the riscv64 -Os build and image
        valgrind                                   # P1/P5: callgrind instruction counts
        qemu-system-misc                           # P4: qemu-system-riscv64
        liblwip-dev                                # P1/P2: lwIP beside rvnet
        u-boot-qemu                                # P4, P7: U-Boot's dhcp and tftpboot beside rvnet
        python3                                    # P7: the file, its CRC-32, the profile
    )
    cross=()
    ;;
*)
    echo "deps: usage: deps.sh [main|all|bench]" >&2
    exit 2
    ;;
esac
packages+=("${tests[@]}")

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
for p in "${cross[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: need root to install packages (run as root, or install: ${missing[*]})" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#cross[@]} -gt 0 ]; then
    dpkg --print-foreign-architectures | grep -qx s390x || dpkg --add-architecture s390x
fi
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# The tftpd-hpa package starts Debian's own TFTP service where an init system
# runs services; the tests start in.tftpd themselves inside their namespaces,
# so a server listening in the host's namespace is only exposure: stop it.
if printf '%s\n' "${missing[@]}" | grep -qx tftpd-hpa; then
    service tftpd-hpa stop >/dev/null 2>&1 || true
fi
