# portsock's version has one source: the PORTSOCK_VERSION_MAJOR, _MINOR and
# _PATCH macros in core/include/portsock/version.hpp. This reads them into
# PORTSOCK_VERSION_FROM_HEADER, for project(); included before project().
set(portsock_version_header "${CMAKE_CURRENT_LIST_DIR}/../core/include/portsock/version.hpp")
file(STRINGS "${portsock_version_header}" portsock_version_lines
     REGEX "^#define PORTSOCK_VERSION_(MAJOR|MINOR|PATCH) [0-9]+$")
set(portsock_version_parts "")
foreach(part IN ITEMS MAJOR MINOR PATCH)
    set(value "")
    foreach(line IN LISTS portsock_version_lines)
        if(line MATCHES "^#define PORTSOCK_VERSION_${part} ([0-9]+)$")
            set(value "${CMAKE_MATCH_1}")
        endif()
    endforeach()
    if(value STREQUAL "")
        message(FATAL_ERROR "no PORTSOCK_VERSION_${part} in ${portsock_version_header}")
    endif()
    list(APPEND portsock_version_parts "${value}")
endforeach()
list(JOIN portsock_version_parts "." PORTSOCK_VERSION_FROM_HEADER)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${portsock_version_header}")
