#!/usr/bin/env bash
# Installs, from Debian's packages, whatever rvnet's build and tests need and
# this machine lacks. Does nothing (and asks no mirror) when all is there.
# Needs root and apt-get (Debian 12).
set -euo pipefail

packages=(
    build-essential cmake clang clang-format llvm  # host build, sanitizers, libFuzzer
    libcmocka-dev                                  # unit tests
    gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
    picolibc-riscv64-unknown-elf                   # freestanding target build
    qemu-system-misc                               # the rv-virt image on QEMU's virt board
    tshark                                         # every pcap checked by a dissector
    valgrind cppcheck clang-tidy                   # memcheck and static analysis
)

missing=()
for p in "${packages[@]}"; do
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
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
