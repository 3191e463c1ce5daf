# Toolchain file for a freestanding build of userspace/libs/ for AArch64, the
# second architecture QEMU's virt boards run (scripts/check-freestanding.sh,
# test freestanding_aarch64). Debian's gcc-aarch64-linux-gnu serves as a bare
# compiler: -ffreestanding -nostdlib, so nothing of glibc but the
# declarations in <string.h> (libc6-dev-arm64-cross) is used, and
# -mgeneral-regs-only as a kernel compiles (no FP/SIMD registers: a float in
# a library fails the build). Only the libraries are built; the bare-metal
# image is riscv64's.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_AR aarch64-linux-gnu-ar)
set(CMAKE_RANLIB aarch64-linux-gnu-ranlib)
# Only static libraries are built, so CMake's compiler check must not link.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT
    "-ffreestanding -nostdlib -mgeneral-regs-only -Os -ffunction-sections -fdata-sections")
