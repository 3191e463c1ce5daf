# Toolchain file for the freestanding target build of userspace/libs/.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_AR riscv64-unknown-elf-ar)
set(CMAKE_RANLIB riscv64-unknown-elf-ranlib)
# Only static libraries are built, so CMake's compiler check must not link.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT
    "--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -ffreestanding -nostdlib -Os -ffunction-sections -fdata-sections")
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_FLAGS_INIT "-march=rv64imac -mabi=lp64 -mcmodel=medany")
