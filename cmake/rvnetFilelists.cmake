# The file lists for builds that are not CMake, made from the library targets
# (RVNET_LIBRARY_TARGETS, cmake/rvnetLibraries.cmake) so they cannot drift:
#
#   rvnet.mk                                   per library: sources, include
#                                              directories, dependencies; flags;
#                                              the version
#   userspace/libs/rvnet/include/rvnet/version.h  the generated version header,
#                                              for those builds to include
#
# Both are checked in, so a tree that has no CMake needs nothing generated.
# Configuring writes what they must be into BUILD/filelists/; the test
# rvnet_filelists (cmake/rvnetCheckFilelists.cmake) fails when the checked-in
# ones differ, or when a C file under userspace/libs/*/src is in no target,
# and `cmake --build BUILD --target rvnet_filelists` copies them over.
# Nothing in the output depends on the build: every build makes the same.

set(RVNET_FILELISTS_DIR ${PROJECT_BINARY_DIR}/filelists)
set(RVNET_VERSION_HEADER_COPY userspace/libs/rvnet/include/rvnet/version.h)

# A source or include path of the tree, relative to its top, or an error:
# rvnet.mk can name only files that are in the tree.
function(_rvnet_tree_path out path base)
    if(path MATCHES "^\\$<BUILD_INTERFACE:(.*)>$")
        set(path ${CMAKE_MATCH_1})
    elseif(path MATCHES "^\\$<")
        message(FATAL_ERROR "rvnet.mk: cannot express '${path}'")
    endif()
    get_filename_component(path ${path} ABSOLUTE BASE_DIR ${base})
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${path})
    if(rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${rel}")
        message(FATAL_ERROR "rvnet.mk: ${path} is outside the source tree")
    endif()
    set(${out} ${rel} PARENT_SCOPE)
endfunction()

# A make variable's value, one item a line: " \\\n\titem \\\n\titem".
function(_rvnet_mk_lines out)
    set(text "")
    foreach(item IN LISTS ARGN)
        string(APPEND text " \\\n\t${item}")
    endforeach()
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The rvnet libraries a target links directly, in the order it names them.
function(_rvnet_direct_deps out t)
    get_target_property(links ${t} LINK_LIBRARIES)
    set(deps "")
    foreach(l IN LISTS links)
        if(l IN_LIST RVNET_LIBRARY_TARGETS)
            list(APPEND deps ${l})
        endif()
    endforeach()
    set(${out} ${deps} PARENT_SCOPE)
endfunction()

# Every library after the ones it uses (depth first over the links).
set(_rvnet_order "")
function(_rvnet_visit t)
    if(t IN_LIST _rvnet_order)
        return()
    endif()
    _rvnet_direct_deps(deps ${t})
    foreach(d IN LISTS deps)
        _rvnet_visit(${d})
    endforeach()
    list(APPEND _rvnet_order ${t})
    set(_rvnet_order ${_rvnet_order} PARENT_SCOPE)
endfunction()
foreach(_rvnet_t IN LISTS RVNET_LIBRARY_TARGETS)
    _rvnet_visit(${_rvnet_t})
endforeach()

# Per library: its own include directories (public and private) and, after
# its dependencies are done, the union with theirs.
set(RVNET_MK_LIBRARIES "")
set(RVNET_MK_LIBS "")
set(RVNET_MK_SRCS "")
set(_rvnet_all_incs "")
set(_rvnet_all_srcs "")
foreach(_rvnet_t IN LISTS _rvnet_order)
    get_target_property(_rvnet_name ${_rvnet_t} EXPORT_NAME)
    string(TOUPPER "RVNET_${_rvnet_name}" _rvnet_var)
    get_target_property(_rvnet_dir ${_rvnet_t} SOURCE_DIR)

    get_target_property(_rvnet_srcs ${_rvnet_t} SOURCES)
    set(_rvnet_mk_srcs "")
    foreach(_rvnet_s IN LISTS _rvnet_srcs)
        if(_rvnet_s MATCHES "\\.h$")
            continue()
        endif()
        _rvnet_tree_path(_rvnet_s ${_rvnet_s} ${_rvnet_dir})
        list(APPEND _rvnet_all_srcs ${_rvnet_s})
        list(APPEND _rvnet_mk_srcs "$(RVNET_ROOT)/${_rvnet_s}")
    endforeach()

    get_target_property(_rvnet_incs ${_rvnet_t} INCLUDE_DIRECTORIES)
    set(_rvnet_own "")
    foreach(_rvnet_i IN LISTS _rvnet_incs)
        _rvnet_tree_path(_rvnet_i ${_rvnet_i} ${_rvnet_dir})
        list(APPEND _rvnet_own $(RVNET_ROOT)/${_rvnet_i})
    endforeach()
    get_target_property(_rvnet_pub ${_rvnet_t} INTERFACE_INCLUDE_DIRECTORIES)
    set(_rvnet_iface_${_rvnet_t} "")
    foreach(_rvnet_i IN LISTS _rvnet_pub)
        _rvnet_tree_path(_rvnet_i ${_rvnet_i} ${_rvnet_dir})
        list(APPEND _rvnet_iface_${_rvnet_t} $(RVNET_ROOT)/${_rvnet_i})
    endforeach()
    _rvnet_direct_deps(_rvnet_deps ${_rvnet_t})
    set(_rvnet_depnames "")
    foreach(_rvnet_d IN LISTS _rvnet_deps)
        # What a user of this library needs: its public directories and,
        # through its public headers, those of everything it uses.
        list(APPEND _rvnet_iface_${_rvnet_t} ${_rvnet_iface_${_rvnet_d}})
        list(APPEND _rvnet_own ${_rvnet_iface_${_rvnet_d}})
        get_target_property(_rvnet_dn ${_rvnet_d} EXPORT_NAME)
        list(APPEND _rvnet_depnames ${_rvnet_dn})
    endforeach()
    list(REMOVE_DUPLICATES _rvnet_iface_${_rvnet_t})
    list(REMOVE_DUPLICATES _rvnet_own)
    list(APPEND _rvnet_all_incs ${_rvnet_own})
    list(APPEND _rvnet_own "$(RVNET_VERSION_INCDIRS)")

    _rvnet_mk_lines(_rvnet_mk_srcs ${_rvnet_mk_srcs})
    _rvnet_mk_lines(_rvnet_own ${_rvnet_own})
    string(REPLACE ";" " " _rvnet_depnames "${_rvnet_depnames}")
    string(APPEND RVNET_MK_LIBRARIES "\n# ${_rvnet_name} (CMake: ${_rvnet_t}, rvnet::${_rvnet_name})\n"
           "${_rvnet_var}_SRCS :=${_rvnet_mk_srcs}\n"
           "${_rvnet_var}_INCDIRS :=${_rvnet_own}\n"
           "${_rvnet_var}_DEPS :=")
    if(_rvnet_depnames)
        string(APPEND RVNET_MK_LIBRARIES " ${_rvnet_depnames}")
    endif()
    string(APPEND RVNET_MK_LIBRARIES "\n")
    string(APPEND RVNET_MK_LIBS " ${_rvnet_name}")
    list(APPEND RVNET_MK_SRCS "$(${_rvnet_var}_SRCS)")
endforeach()
string(STRIP "${RVNET_MK_LIBS}" RVNET_MK_LIBS)
_rvnet_mk_lines(RVNET_MK_SRCS ${RVNET_MK_SRCS})
list(REMOVE_DUPLICATES _rvnet_all_incs)
_rvnet_mk_lines(RVNET_MK_INCDIRS ${_rvnet_all_incs} "$(RVNET_VERSION_INCDIRS)")

# C11 without extensions, as the targets are compiled; freestanding, as the
# target builds are (cmake/riscv64-unknown-elf.cmake).
if(CMAKE_C_EXTENSIONS)
    set(RVNET_MK_CFLAGS "-std=gnu${CMAKE_C_STANDARD} -ffreestanding")
else()
    set(RVNET_MK_CFLAGS "-std=c${CMAKE_C_STANDARD} -ffreestanding")
endif()
string(REPLACE ";" " " RVNET_MK_WARNFLAGS "${RVNET_WARNING_FLAGS}")
get_filename_component(RVNET_MK_VERSION_INCDIR ${RVNET_VERSION_HEADER_COPY} DIRECTORY)
get_filename_component(RVNET_MK_VERSION_INCDIR ${RVNET_MK_VERSION_INCDIR} DIRECTORY)

configure_file(${CMAKE_CURRENT_LIST_DIR}/rvnet.mk.in ${RVNET_FILELISTS_DIR}/rvnet.mk @ONLY)
configure_file(${PROJECT_BINARY_DIR}/include/rvnet/version.h
               ${RVNET_FILELISTS_DIR}/${RVNET_VERSION_HEADER_COPY} COPYONLY)
string(REPLACE ";" "\n" _rvnet_all_srcs "${_rvnet_all_srcs}")
file(CONFIGURE OUTPUT ${RVNET_FILELISTS_DIR}/sources.txt CONTENT "${_rvnet_all_srcs}\n")

add_custom_target(rvnet_filelists
    COMMAND ${CMAKE_COMMAND} -E copy ${RVNET_FILELISTS_DIR}/rvnet.mk ${PROJECT_SOURCE_DIR}/rvnet.mk
    COMMAND ${CMAKE_COMMAND} -E copy ${RVNET_FILELISTS_DIR}/${RVNET_VERSION_HEADER_COPY}
            ${PROJECT_SOURCE_DIR}/${RVNET_VERSION_HEADER_COPY}
    COMMENT "Writing rvnet.mk and ${RVNET_VERSION_HEADER_COPY} from the CMake lists"
    VERBATIM)
