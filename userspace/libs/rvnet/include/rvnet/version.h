/*
 * rvnet's version. Generated from cmake/rvnet_version.h.in and the line
 * project(rvnet VERSION ...) in the top CMakeLists.txt, the one place the
 * version is written; do not edit.
 *
 * CMake builds make it in the build tree (every library target carries
 * its folder, so `#include "rvnet/version.h"` works wherever rvnet's
 * headers do) and install it as <prefix>/include/rvnet/rvnet/version.h.
 * The copy in userspace/libs/rvnet/include/ is for builds that are not
 * CMake (rvnet.mk); the test rvnet_filelists fails when it differs from
 * what CMake makes, and `cmake --build BUILD --target rvnet_filelists`
 * rewrites it.
 */
#ifndef RVNET_VERSION_H
#define RVNET_VERSION_H

#define RVNET_VERSION_MAJOR 0
#define RVNET_VERSION_MINOR 2
#define RVNET_VERSION_PATCH 0
#define RVNET_VERSION_STRING "0.2.0"

/* One number for #if: 0xMMmmpp, so 1.2.3 would be 0x010203. */
#define RVNET_VERSION_NUMBER                                                                       \
    ((RVNET_VERSION_MAJOR << 16) | (RVNET_VERSION_MINOR << 8) | RVNET_VERSION_PATCH)

#endif
