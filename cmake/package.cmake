# Installing portsock, and what an installed copy offers its users:
#   - the headers: core/include/portsock/*.hpp and the backend's native.hpp;
#   - the library (static by default; shared with BUILD_SHARED_LIBS=ON);
#   - a CMake package: find_package(portsock CONFIG) gives portsock::portsock;
#   - a pkg-config file, portsock.pc.
# Included from the top-level CMakeLists.txt after the backend has added its
# sources and system libraries.

option(PORTSOCK_INSTALL "Generate portsock's install rules" ON)

# The shared library's version. While the version is 0.x every minor release
# may change the ABI, so the soname carries major.minor (libportsock.so.0.1).
# What it exports is what the headers mark PORTSOCK_API (cmake/abi.cmake).
set_target_properties(portsock PROPERTIES
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})

if(NOT PORTSOCK_INSTALL)
    return()
endif()

include(CMakePackageConfigHelpers)

set(PORTSOCK_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/portsock"
    CACHE STRING "Where to install portsock's CMake package, relative to the prefix")
set(PORTSOCK_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where to install portsock.pc, relative to the prefix")

install(TARGETS portsock EXPORT portsockTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY
        ${PROJECT_SOURCE_DIR}/core/include/portsock
        ${PROJECT_SOURCE_DIR}/platform/${PORTSOCK_BACKEND}/include/portsock
        ${PORTSOCK_GENERATED_INCLUDEDIR}/portsock
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.hpp")

# The exported target keeps the backend's system libraries in its link
# interface (a static portsock lists them as $<LINK_ONLY:...>), so a program
# that links portsock::portsock gets ws2_32 and iphlpapi on Windows.
install(EXPORT portsockTargets
    NAMESPACE portsock::
    DESTINATION ${PORTSOCK_INSTALL_CMAKEDIR}
    FILE portsockTargets.cmake)

configure_package_config_file(
    ${CMAKE_CURRENT_LIST_DIR}/portsockConfig.cmake.in
    ${PROJECT_BINARY_DIR}/portsockConfig.cmake
    INSTALL_DESTINATION ${PORTSOCK_INSTALL_CMAKEDIR})
# A 0.x release promises nothing across minor versions: a request for 0.1
# accepts 0.1.z only. From 1.0 on, SameMajorVersion is the promise to make.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/portsockConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
        ${PROJECT_BINARY_DIR}/portsockConfig.cmake
        ${PROJECT_BINARY_DIR}/portsockConfigVersion.cmake
    DESTINATION ${PORTSOCK_INSTALL_CMAKEDIR})

# portsock.pc. The prefix is found from the file's own place (${pcfiledir}),
# so an installed tree can be moved. Libs.private lists the system libraries
# the backend links (what `pkg-config --static` adds for a static portsock).
function(portsock_relative_to_prefix out dir)
    if(IS_ABSOLUTE "${dir}")
        set(${out} "${dir}" PARENT_SCOPE)
    else()
        set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
    endif()
endfunction()
if(IS_ABSOLUTE "${PORTSOCK_INSTALL_PKGCONFIGDIR}")
    # No way back from an absolute place: name the prefix itself.
    set(portsock_pc_prefix "${CMAKE_INSTALL_PREFIX}")
else()
    file(RELATIVE_PATH portsock_pc_up "/prefix/${PORTSOCK_INSTALL_PKGCONFIGDIR}" "/prefix")
    string(REGEX REPLACE "/$" "" portsock_pc_up "${portsock_pc_up}")
    set(portsock_pc_prefix "\${pcfiledir}/${portsock_pc_up}")
endif()
portsock_relative_to_prefix(portsock_pc_libdir "${CMAKE_INSTALL_LIBDIR}")
portsock_relative_to_prefix(portsock_pc_includedir "${CMAKE_INSTALL_INCLUDEDIR}")
get_target_property(portsock_link_libraries portsock LINK_LIBRARIES)
if(NOT portsock_link_libraries)
    set(portsock_link_libraries "")
endif()
set(portsock_pc_libs_private "")
foreach(lib IN LISTS portsock_link_libraries)
    # Plain system library names only (ws2_32, iphlpapi); targets and
    # generator expressions have no pkg-config spelling.
    if(lib MATCHES "^[A-Za-z0-9_.+-]+$" AND NOT TARGET "${lib}")
        string(APPEND portsock_pc_libs_private " -l${lib}")
    endif()
endforeach()
string(STRIP "${portsock_pc_libs_private}" portsock_pc_libs_private)
configure_file(${CMAKE_CURRENT_LIST_DIR}/portsock.pc.in ${PROJECT_BINARY_DIR}/portsock.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/portsock.pc DESTINATION ${PORTSOCK_INSTALL_PKGCONFIGDIR})
