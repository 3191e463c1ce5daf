# The library targets, found rather than listed again: every static library
# defined in a folder that userspace/libs/CMakeLists.txt adds. A new library
# is one word in that file's list, and everything here, in
# cmake/rvnetInstall.cmake and in cmake/rvnetFilelists.cmake picks it up.
#
# Sets RVNET_LIBRARY_TARGETS (rvnet_virtio_net rvnet_netproto ...) in the
# order the folders are added. Each target rvnet_<name> gets:
#  - the alias rvnet::<name>, the name the installed CMake package exports,
#    so a tree that adds rvnet with add_subdirectory links the same names;
#  - rvnet_version (rvnet::version), the folder of the generated
#    rvnet/version.h, as an interface dependency.
# rvnet::rvnet is all of them.

configure_file(${CMAKE_CURRENT_LIST_DIR}/rvnet_version.h.in
               ${PROJECT_BINARY_DIR}/include/rvnet/version.h @ONLY)
add_library(rvnet_version INTERFACE)
target_include_directories(rvnet_version
                           INTERFACE $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>)
set_target_properties(rvnet_version PROPERTIES EXPORT_NAME version)
add_library(rvnet::version ALIAS rvnet_version)

get_property(_rvnet_dirs DIRECTORY ${PROJECT_SOURCE_DIR}/userspace/libs PROPERTY SUBDIRECTORIES)
set(RVNET_LIBRARY_TARGETS "")
foreach(_rvnet_dir IN LISTS _rvnet_dirs)
    get_property(_rvnet_targets DIRECTORY ${_rvnet_dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(_rvnet_t IN LISTS _rvnet_targets)
        get_target_property(_rvnet_type ${_rvnet_t} TYPE)
        if(NOT _rvnet_type STREQUAL "STATIC_LIBRARY")
            continue()
        endif()
        if(NOT _rvnet_t MATCHES "^rvnet_([a-z0-9_]+)$")
            message(FATAL_ERROR "${_rvnet_dir}: library '${_rvnet_t}' is not named rvnet_<name>")
        endif()
        set_target_properties(${_rvnet_t} PROPERTIES EXPORT_NAME ${CMAKE_MATCH_1})
        add_library(rvnet::${CMAKE_MATCH_1} ALIAS ${_rvnet_t})
        # Appended to the interface, not through target_link_libraries, so
        # it mixes with either of that command's signatures in the
        # library's own CMakeLists.txt. The libraries' sources do not
        # include it; their users may.
        set_property(TARGET ${_rvnet_t} APPEND PROPERTY INTERFACE_LINK_LIBRARIES rvnet_version)
        list(APPEND RVNET_LIBRARY_TARGETS ${_rvnet_t})
    endforeach()
endforeach()
if(NOT RVNET_LIBRARY_TARGETS)
    message(FATAL_ERROR "rvnet: no library target under userspace/libs")
endif()

add_library(rvnet_all INTERFACE)
target_link_libraries(rvnet_all INTERFACE ${RVNET_LIBRARY_TARGETS})
set_target_properties(rvnet_all PROPERTIES EXPORT_NAME rvnet)
add_library(rvnet::rvnet ALIAS rvnet_all)

# `cmake --build BUILD --target rvnet_libraries` builds every library and
# nothing else: what `cmake --install` needs (scripts/install-test.sh).
add_custom_target(rvnet_libraries)
add_dependencies(rvnet_libraries ${RVNET_LIBRARY_TARGETS})
