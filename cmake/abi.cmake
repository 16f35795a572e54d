# portsock's ABI: what a shared portsock exports, and the generated header
# <portsock/export.hpp> that says how this copy was built (see the comments
# in cmake/export.hpp.in). Included from the top-level CMakeLists.txt once the
# library's sources are known.
#
# The library is compiled with hidden visibility (inline functions too), so
# only declarations marked PORTSOCK_API (PORTSOCK_EXCEPTION_API for the
# exception classes) are exported; tests/abi_exports.cmake checks that a
# shared build exports no portsock::sys::, portsock::fault:: or
# portsock::detail:: symbol. The tests, which reach those internals, link
# portsock_testing instead (portsock_testing_library below).

set(portsock_export_shared 0)
if(BUILD_SHARED_LIBS)
    set(portsock_export_shared 1)
endif()
if(WIN32)
    set(portsock_export_attribute "__declspec(dllexport)")
    set(portsock_import_attribute "__declspec(dllimport)")
    set(portsock_exception_attribute "")
elseif(CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang|IntelLLVM)$")
    set(portsock_export_attribute "__attribute__((visibility(\"default\")))")
    set(portsock_import_attribute "${portsock_export_attribute}")
    set(portsock_exception_attribute "${portsock_export_attribute}")
else()
    set(portsock_export_attribute "")
    set(portsock_import_attribute "")
    set(portsock_exception_attribute "")
endif()
if(PORTSOCK_EXCEPTIONS)
    set(portsock_no_exceptions_line "/* #undef PORTSOCK_NO_EXCEPTIONS */")
else()
    set(portsock_no_exceptions_line "#ifndef PORTSOCK_NO_EXCEPTIONS\n#define PORTSOCK_NO_EXCEPTIONS 1\n#endif")
endif()
set(PORTSOCK_GENERATED_INCLUDEDIR ${PROJECT_BINARY_DIR}/include)
configure_file(${CMAKE_CURRENT_LIST_DIR}/export.hpp.in
    ${PORTSOCK_GENERATED_INCLUDEDIR}/portsock/export.hpp @ONLY)

target_include_directories(portsock PUBLIC $<BUILD_INTERFACE:${PORTSOCK_GENERATED_INCLUDEDIR}>)
target_compile_definitions(portsock PRIVATE PORTSOCK_BUILDING_LIBRARY=1)
# A library built without exceptions has no throwing forms: its users must
# not see them declared either (the header says so too, for pkg-config users).
if(NOT PORTSOCK_EXCEPTIONS)
    target_compile_definitions(portsock PUBLIC PORTSOCK_NO_EXCEPTIONS=1)
endif()
set_target_properties(portsock PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)

# portsock_testing_library(<name>): the library the tests link. In a static
# build that is portsock itself (hidden visibility does not stop a program
# from linking a static library's internals). In a shared build it is a
# static library compiled again from portsock's sources, with the same
# definitions, include folders and system libraries: the tests reach
# portsock::sys:: and portsock::fault::, which the shared library no longer
# exports. Call it after every source has been added to portsock.
function(portsock_testing_library name)
    if(NOT BUILD_SHARED_LIBS)
        add_library(${name} INTERFACE)
        target_link_libraries(${name} INTERFACE portsock::portsock)
        return()
    endif()
    get_target_property(sources portsock SOURCES)
    get_target_property(source_dir portsock SOURCE_DIR)
    set(absolute "")
    foreach(source IN LISTS sources)
        if(NOT IS_ABSOLUTE "${source}")
            set(source "${source_dir}/${source}")
        endif()
        list(APPEND absolute "${source}")
    endforeach()
    add_library(${name} STATIC ${absolute})
    foreach(property IN ITEMS INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS
                              COMPILE_FEATURES LINK_LIBRARIES
                              INTERFACE_INCLUDE_DIRECTORIES INTERFACE_COMPILE_DEFINITIONS
                              INTERFACE_COMPILE_FEATURES INTERFACE_LINK_LIBRARIES)
        get_target_property(value portsock ${property})
        if(value)
            set_property(TARGET ${name} PROPERTY ${property} "${value}")
        endif()
    endforeach()
    # Its headers must read as those of a static portsock.
    target_compile_definitions(${name} PUBLIC PORTSOCK_SHARED=0)
endfunction()
