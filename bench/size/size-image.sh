# shellcheck shell=bash
# The bench-only size image (bench/size/size_main.c), sourced by bench/run.sh
# (P2, P3) and bench/size/check-budget.sh (the size budget test), so both
# measure the same image built the same way. Run from the source tree's
# root. It is linked exactly as the M-mode rv-virt image is (same flags,
# link script and board files, read from platform/rv-virt) but with a main
# that runs only the bring-up module's first steps: the netstack up and
# DHCP on the wire.
#
# Defines: size_libs, size_lib_dir, size_includes, size_rvflags,
# size_image_build RV_BUILD OUT_DIR (builds OUT_DIR/size-nostub.elf and its
# .map from RV_BUILD's archives, a riscv64 MinSizeRel build; 0 or 1 with
# the compiler's output on stderr), size_map_sum MAP ("bytes file" lines:
# .text and .rodata each input file put into the image, after
# gc-sections), size_libs_only MAP (their sum over the rvnet libraries: the
# whole stack as linked) and size_img_ro ELF (.text + .rodata of the whole
# image, from its section table).

size_libs=(bringup netstack loopback dhcp_stub netproto virtio_net)
size_lib_dir() { case $1 in dhcp_stub) echo dhcp-stub ;; virtio_net) echo virtio-net ;; *) echo "$1" ;; esac; }
size_includes=(-Iplatform/rv-virt)
for size_l in "${size_libs[@]}"; do
    size_includes+=("-Iuserspace/libs/$(size_lib_dir "$size_l")/include")
done
unset size_l
size_rvflags=(--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -ffreestanding -nostdlib
    -Os -ffunction-sections -fdata-sections -DNDEBUG -std=c11 -Wall -Wextra -Werror -Wshadow
    -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wcast-align -Wvla)

size_image_build() {
    local rv=$1 dir=$2 l f archives=() board_objs=()
    mkdir -p "$dir"
    for l in "${size_libs[@]}"; do
        archives+=("$rv/userspace/libs/$(size_lib_dir "$l")/librvnet_$l.a")
    done
    # The M-mode image's board files: everything of rvnet-rv-virt.elf but
    # main.c, fdt.c and the fetch and hand-over
    # (platform/rv-virt/CMakeLists.txt), with its -march (CSRs need Zicsr).
    for f in entry_m.S board_m.c board.c irq.c; do
        board_objs+=("$dir/${f%.*}.o")
        riscv64-unknown-elf-gcc "${size_rvflags[@]}" -march=rv64imac_zicsr "${size_includes[@]}" \
            -c "platform/rv-virt/$f" -o "$dir/${f%.*}.o" || return 1
    done
    riscv64-unknown-elf-gcc "${size_rvflags[@]}" "${size_includes[@]}" -c bench/size/size_main.c \
        -o "$dir/size_main_nostub.o" || return 1
    riscv64-unknown-elf-gcc "${size_rvflags[@]}" -nostartfiles -T platform/rv-virt/link_m.ld \
        -Wl,--gc-sections -Wl,-Map="$dir/size-nostub.map" "${board_objs[@]}" \
        "$dir/size_main_nostub.o" "${archives[@]}" -lc -lgcc -o "$dir/size-nostub.elf" || return 1
}

size_map_sum() {
    awk '
        function hex(h, i, v) {
            v = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return v
        }
        function add(sec, sz, file) {
            if (sec !~ /^\.(text|s?rodata)/) return
            sub(/^.*\//, "", file)
            s[file] += hex(sz)
        }
        /^Discarded input sections/ { skip = 1 }
        /^Linker script and memory map/ { skip = 0 }
        skip { next }
        /^ \.(text|s?rodata)[^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($1, $3, $4); next }
        /^ \.(text|s?rodata)[^ ]*$/ { pend = $1; next }
        pend != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add(pend, $2, $3); pend = ""; next }
        { pend = "" }
        END { for (f in s) if (s[f] > 0) printf "%d %s\n", s[f], f }' "$1" | sort -n
}

size_libs_only() { size_map_sum "$1" | awk '$2 ~ /^librvnet_/ { t += $1 } END { print t + 0 }'; }

size_img_ro() { riscv64-unknown-elf-size -A "$1" | awk '$1 == ".text" || $1 ~ /^\.s?rodata/ { s += $2 } END { print s + 0 }'; }
