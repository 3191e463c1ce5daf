# Toolchain file for the freestanding target build of userspace/libs/.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_AR riscv64-unknown-elf-ar)
set(CMAKE_RANLIB riscv64-unknown-elf-ranlib)
# Only static libraries are built, so CMake's compiler check must not link.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# No -msave-restore, though it makes the bench image 1,586 bytes smaller
# (22,580 -> 20,994, bench/run.sh P2, GCC 12.2): the prologues and
# epilogues would call libgcc's __riscv_save_N/__riscv_restore_N, so the
# archives would need libgcc, and they promise to need nothing but memcpy,
# memset and memcmp (scripts/check-freestanding.sh fails on it); each call
# of a function that saves registers would also run about 5 to 10 more
# instructions. A firmware that links libgcc anyway may add it.
set(CMAKE_C_FLAGS_INIT
    "--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -ffreestanding -nostdlib -Os -ffunction-sections -fdata-sections")
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_FLAGS_INIT "-march=rv64imac -mabi=lp64 -mcmodel=medany")
