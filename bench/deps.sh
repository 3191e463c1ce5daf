#!/usr/bin/env bash
# Installs, from Debian's packages, what bench/run.sh needs and this machine
# lacks: the host and riscv64 toolchains, valgrind (callgrind counts the
# instructions), QEMU, and the two things rvnet is compared with: lwIP as
# Debian ships it (liblwip-dev) and U-Boot as Debian ships it (u-boot-qemu).
# Does nothing, and asks no mirror, when everything is there; runs
# `apt-get update` only when something is missing. Needs root (Debian 12).
set -euo pipefail

packages=(
    build-essential cmake                  # host build of the benchmarks
    gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
    picolibc-riscv64-unknown-elf           # P2/P3: the riscv64 -Os build and image
    valgrind                               # P1/P5: callgrind instruction counts
    qemu-system-misc                       # P4: qemu-system-riscv64
    liblwip-dev                            # P1/P2: lwIP beside rvnet
    u-boot-qemu                            # P4: U-Boot's dhcp beside rvnet
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "bench/deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "bench/deps: need root to install packages (run as root, or install: ${missing[*]})" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
