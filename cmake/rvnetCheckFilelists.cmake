# The test rvnet_filelists: the checked-in file lists for builds that are not
# CMake must be what the CMake lists give (cmake/rvnetFilelists.cmake wrote
# that into BUILD/filelists/ at configure time), and every C file under
# userspace/libs/*/src must be in some library's CMake list.
#   cmake -DSOURCE_DIR=... -DFILELISTS_DIR=... -P cmake/rvnetCheckFilelists.cmake
cmake_minimum_required(VERSION 3.20)
foreach(v SOURCE_DIR FILELISTS_DIR)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "rvnetCheckFilelists: -D${v}=... is required")
    endif()
endforeach()
set(fix "run `cmake --build <build dir> --target rvnet_filelists` and commit the result")
set(failed FALSE)
macro(fail msg)
    message(SEND_ERROR "${msg}")
    set(failed TRUE)
endmacro()

# The sources rvnet.mk names: every $(RVNET_ROOT)/path.c (or .S) in it.
function(mk_sources out file)
    file(READ ${file} text)
    string(REGEX MATCHALL "\\$\\(RVNET_ROOT\\)/[^ \t\n\\]+\\.[cS]" found "${text}")
    set(srcs "")
    foreach(f IN LISTS found)
        string(REPLACE "$(RVNET_ROOT)/" "" f "${f}")
        list(APPEND srcs ${f})
    endforeach()
    set(${out} ${srcs} PARENT_SCOPE)
endfunction()

file(STRINGS ${FILELISTS_DIR}/sources.txt cmake_srcs)
mk_sources(mk_srcs ${SOURCE_DIR}/rvnet.mk)
foreach(s IN LISTS cmake_srcs)
    if(NOT s IN_LIST mk_srcs)
        fail("${s} is in a CMake library but not in rvnet.mk")
    endif()
endforeach()
foreach(s IN LISTS mk_srcs)
    if(NOT s IN_LIST cmake_srcs)
        fail("${s} is in rvnet.mk but in no CMake library")
    endif()
endforeach()

file(GLOB_RECURSE tree_srcs RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/userspace/libs/*/src/*.c
     ${SOURCE_DIR}/userspace/libs/*/src/*.S)
foreach(s IN LISTS tree_srcs)
    if(NOT s IN_LIST cmake_srcs)
        fail("${s} is in the tree but in no library's CMakeLists.txt")
    endif()
endforeach()

# Then the whole files: include directories, dependencies, flags, version.
foreach(f rvnet.mk userspace/libs/rvnet/include/rvnet/version.h)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${FILELISTS_DIR}/${f}
                            ${SOURCE_DIR}/${f} RESULT_VARIABLE differs)
    if(differs)
        execute_process(COMMAND diff -u ${SOURCE_DIR}/${f} ${FILELISTS_DIR}/${f})
        fail("${f} is not what the CMake lists give (diff above: - checked in, + from CMake)")
    endif()
endforeach()

if(failed)
    message(FATAL_ERROR "the file lists drifted: ${fix}")
endif()
list(LENGTH cmake_srcs n)
message(STATUS "rvnet.mk and rvnet/version.h match the CMake lists (${n} sources)")
