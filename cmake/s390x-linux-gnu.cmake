# Cross build of the host suite for a big-endian machine (s390x), run under
# qemu-user: `bash scripts/bigendian.sh`.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/s390x-linux-gnu /usr/lib/s390x-linux-gnu)
set(CMAKE_LIBRARY_PATH /usr/lib/s390x-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
# The cross libc (libc6-dev-s390x-cross) first: the multiarch libc6:s390x that
# libcmocka-dev:s390x pulls in is a different build and must not mix with its ld.so.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-s390x -L /usr/s390x-linux-gnu -E
    LD_LIBRARY_PATH=/usr/s390x-linux-gnu/lib:/usr/lib/s390x-linux-gnu)
# pkg-config must see the s390x packages only: the host's libslirp is not
# s390x code (the slirp backend is then left out, as the configure says).
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/s390x-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
