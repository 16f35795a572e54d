# The house's layout rules (DESIGN.md, CONTRIBUTING.md "Where things go"),
# checked by grep. Run with `cmake -DCASE=<case> -DSOURCE_DIR=<dir> -P`:
#
#   os_code      OS-specific code (a system header, an OS macro, a Winsock
#                call) appears in core/, apps/ and tests/ only under a folder
#                named posix/ or win32/.
#   platform     platform/ holds only the backend folders (common, posix,
#                win32), and no folder anywhere under it is named apps or
#                test(s).
#   self_check   plants one file for each kind of hit (and a few that must not
#                hit) in a temporary tree and runs both checks over it: a
#                check that finds nothing there is broken, not passing.
#
# What counts as OS-specific, in C and C++ sources (.c .cc .cpp .h .hpp .ipp
# .inl), outside // comments:
#   - an #include of a POSIX or Windows system header: <sys/...>, <unistd.h>,
#     <fcntl.h>, <poll.h>, <spawn.h>, <netdb.h>, <dlfcn.h>, <pthread.h>,
#     <arpa/...>, <netinet/...>, <winsock2.h>, <ws2tcpip.h>, <windows.h>,
#     <mswsock.h>, <afunix.h>, <mstcpip.h>, <iphlpapi.h>, <winternl.h>,
#     <io.h> (any case for the Windows ones);
#   - a predefined OS macro: _WIN32, _WIN64, __linux__, __linux, __APPLE__,
#     __MACH__, __unix__, __unix, __FreeBSD__, __NetBSD__, __OpenBSD__,
#     __DragonFly__, __MINGW32__, __MINGW64__, __CYGWIN__, __sun;
#   - a Winsock name: WSA... (WSAStartup, WSAGetLastError, WSAEWOULDBLOCK),
#     closesocket, ioctlsocket.
# The C++ standard headers (<csignal>, <cerrno>, ...) name no OS and are not
# counted. Compilers (_MSC_VER, __GNUC__) are not operating systems.
#
# Exceptions: none. A hit that is legitimate goes in `allowed_hits` below as
# "path/relative/to/the/source:why", and this comment says why it is allowed.
set(allowed_hits)

cmake_minimum_required(VERSION 3.16)

set(source_exts c cc cpp h hpp ipp inl)
set(word_start "(^|[^A-Za-z0-9_])")
set(word_end "([^A-Za-z0-9_]|$)")
set(os_patterns
    "#[ \t]*include[ \t]*[<\"](sys/[^>\"]*|unistd\\.h|fcntl\\.h|poll\\.h|spawn\\.h|netdb\\.h|dlfcn\\.h|pthread\\.h|arpa/[^>\"]*|netinet/[^>\"]*|[Ww][Ii][Nn][Ss][Oo][Cc][Kk]2\\.h|[Ww][Ss]2[Tt][Cc][Pp][Ii][Pp]\\.h|[Ww][Ii][Nn][Dd][Oo][Ww][Ss]\\.h|[Mm][Ss][Ww][Ss][Oo][Cc][Kk]\\.h|[Aa][Ff][Uu][Nn][Ii][Xx]\\.h|[Mm][Ss][Tt][Cc][Pp][Ii][Pp]\\.h|[Ii][Pp][Hh][Ll][Pp][Aa][Pp][Ii]\\.h|[Ww][Ii][Nn][Tt][Ee][Rr][Nn][Ll]\\.h|io\\.h)[>\"]"
    "${word_start}(_WIN32|_WIN64|__linux__|__linux|__APPLE__|__MACH__|__unix__|__unix|__FreeBSD__|__NetBSD__|__OpenBSD__|__DragonFly__|__MINGW32__|__MINGW64__|__CYGWIN__|__sun)${word_end}"
    "${word_start}(WSA[A-Z][A-Za-z0-9_]*|closesocket|ioctlsocket)${word_end}")

# Appends "path:line: text" to `out` for every OS-specific line in the C and
# C++ sources under `root`/`dirs` whose path has no posix/ or win32/ folder.
function(find_os_code root dirs out)
    set(hits)
    foreach(dir IN LISTS dirs)
        set(globs)
        foreach(ext IN LISTS source_exts)
            list(APPEND globs "${root}/${dir}/*.${ext}")
        endforeach()
        file(GLOB_RECURSE files LIST_DIRECTORIES false ${globs})
        list(SORT files)
        foreach(file IN LISTS files)
            file(RELATIVE_PATH rel "${root}" "${file}")
            if(rel MATCHES "(^|/)(posix|win32)/")
                continue()
            endif()
            # The build trees' own copies (fetched GoogleTest, consumer
            # builds) are not the project's sources.
            if(rel MATCHES "(^|/)(build|_deps)/")
                continue()
            endif()
            foreach(pattern IN LISTS os_patterns)
                file(STRINGS "${file}" lines REGEX "${pattern}")
                foreach(line IN LISTS lines)
                    string(REGEX REPLACE "//.*$" "" code "${line}")
                    if(code MATCHES "${pattern}")
                        set(allowed FALSE)
                        foreach(entry IN LISTS allowed_hits)
                            string(REGEX REPLACE ":.*$" "" allowed_path "${entry}")
                            if(rel STREQUAL allowed_path)
                                set(allowed TRUE)
                            endif()
                        endforeach()
                        if(NOT allowed)
                            string(STRIP "${line}" line)
                            list(APPEND hits "${rel}: ${line}")
                        endif()
                    endif()
                endforeach()
            endforeach()
        endforeach()
    endforeach()
    list(REMOVE_DUPLICATES hits)
    set(${out} "${hits}" PARENT_SCOPE)
endfunction()

# Appends to `out` every folder directly under `root`/platform that is not a
# backend folder, and every folder under it named apps or test(s).
function(find_platform_strays root out)
    set(hits)
    file(GLOB children LIST_DIRECTORIES true "${root}/platform/*")
    foreach(child IN LISTS children)
        if(IS_DIRECTORY "${child}")
            get_filename_component(name "${child}" NAME)
            if(NOT name MATCHES "^(common|posix|win32)$")
                list(APPEND hits "platform/${name}: not a backend folder (common, posix, win32)")
            endif()
        endif()
    endforeach()
    file(GLOB_RECURSE all LIST_DIRECTORIES true "${root}/platform/*")
    foreach(path IN LISTS all)
        if(IS_DIRECTORY "${path}")
            get_filename_component(name "${path}" NAME)
            if(name MATCHES "^(apps|tests?)$")
                file(RELATIVE_PATH rel "${root}" "${path}")
                list(APPEND hits "${rel}: app or test code has no place in platform/")
            endif()
        endif()
    endforeach()
    set(${out} "${hits}" PARENT_SCOPE)
endfunction()

function(report what hits)
    list(LENGTH hits count)
    if(count GREATER 0)
        string(REPLACE ";" "\n  " listing "${hits}")
        message(FATAL_ERROR "${what}: ${count} found\n  ${listing}")
    endif()
endfunction()

if(NOT DEFINED SOURCE_DIR)
    message(FATAL_ERROR "usage: cmake -DCASE=os_code|platform|self_check -DSOURCE_DIR=<dir> -P layout_test.cmake")
endif()

if(CASE STREQUAL "os_code")
    find_os_code("${SOURCE_DIR}" "core;apps;tests" hits)
    report("OS-specific code outside posix/ and win32/ folders" "${hits}")
    message(STATUS "core/, apps/, tests/: OS-specific code only in posix/ and win32/ folders")
elseif(CASE STREQUAL "platform")
    find_platform_strays("${SOURCE_DIR}" hits)
    report("platform/ holds more than its backends" "${hits}")
    message(STATUS "platform/: common, posix, win32 and nothing else")
elseif(CASE STREQUAL "self_check")
    if(NOT DEFINED WORK_DIR)
        message(FATAL_ERROR "self_check needs -DWORK_DIR=<an empty folder to plant files in>")
    endif()
    set(t "${WORK_DIR}/planted")
    file(REMOVE_RECURSE "${t}")
    # Each planted hit, as "path|content" (no semicolons: this is a CMake
    # list); each must be reported.
    set(must_hit
        "core/src/a.cpp|#include <sys/socket.h>"
        "core/include/b.hpp|#  include <unistd.h>"
        "apps/c.cpp|#include <winsock2.h>"
        "apps/d.hpp|#include <Windows.h>"
        "tests/e.cpp|#include \"ws2tcpip.h\""
        "tests/f.cpp|#ifdef _WIN32"
        "tests/g.cpp|#if defined(__linux__) || x"
        "tests/h.hpp|#elif __APPLE__"
        "tests/support/i.cpp|  if (WSAStartup(v, &data) != 0) return"
        "apps/j.cc|closesocket(s)"
        "core/src/k.h|#include <netinet/in.h>"
        "tests/l.ipp|int n = __MINGW32__")
    # Lines that must not be reported: the allowed folders, comments, the
    # C++ standard headers, names that merely contain a pattern.
    set(must_not_hit
        "tests/support/posix/m.cpp|#include <unistd.h>"
        "tests/support/win32/n.cpp|#include <winsock2.h>"
        "apps/posix/o.hpp|#ifdef __linux__"
        "platform/win32/p.cpp|WSAStartup(v, &data)"
        "core/src/q.cpp|// like <sys/socket.h> and _WIN32, in a comment"
        "core/src/r.cpp|#include <csignal>"
        "apps/s.cpp|int my_WIN32_count = WSAx + closesockets + __linux___x"
        "tests/t.txt|#include <windows.h>")
    foreach(entry IN LISTS must_hit must_not_hit)
        string(FIND "${entry}" "|" bar)
        string(SUBSTRING "${entry}" 0 ${bar} path)
        math(EXPR bar "${bar} + 1")
        string(SUBSTRING "${entry}" ${bar} -1 content)
        file(WRITE "${t}/${path}" "// planted\n${content}\n")
    endforeach()
    file(MAKE_DIRECTORY "${t}/platform/posix/test" "${t}/platform/apps" "${t}/platform/common/tests")

    find_os_code("${t}" "core;apps;tests" hits)
    set(failures)
    foreach(entry IN LISTS must_hit)
        string(REGEX REPLACE "\\|.*$" "" path "${entry}")
        if(NOT hits MATCHES "(^|;)${path}: ")
            list(APPEND failures "not found: ${entry}")
        endif()
    endforeach()
    foreach(entry IN LISTS must_not_hit)
        string(REGEX REPLACE "\\|.*$" "" path "${entry}")
        if(hits MATCHES "(^|;)${path}: ")
            list(APPEND failures "found but allowed: ${entry}")
        endif()
    endforeach()
    find_platform_strays("${t}" strays)
    foreach(path IN ITEMS platform/apps platform/posix/test platform/common/tests)
        if(NOT strays MATCHES "(^|;)${path}: ")
            list(APPEND failures "not found: the folder ${path}")
        endif()
    endforeach()
    foreach(path IN ITEMS platform/posix platform/win32 platform/common)
        if(strays MATCHES "(^|;)${path}: ")
            list(APPEND failures "found but allowed: the folder ${path}")
        endif()
    endforeach()
    file(REMOVE_RECURSE "${t}")
    report("the layout checks missed or wrongly reported planted files" "${failures}")
    list(LENGTH must_hit n_hit)
    list(LENGTH must_not_hit n_clean)
    message(STATUS "self-check: ${n_hit} planted hits and 3 stray folders found, ${n_clean} allowed lines left alone")
else()
    message(FATAL_ERROR "unknown CASE '${CASE}': os_code, platform or self_check")
endif()
