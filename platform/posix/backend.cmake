# The POSIX backend: its sources, and checks for the features that differ
# between Linux, macOS and the BSDs (by symbol, never by system name).
target_sources(portsock PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batch.cpp
    ${CMAKE_CURRENT_LIST_DIR}/error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/resolve.cpp
    ${CMAKE_CURRENT_LIST_DIR}/socket.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/../common/common.cmake)

include(CheckCXXSymbolExists)

# Test only: PORTSOCK_KQUEUE_MODEL names the folder of a kqueue model for a
# system without kqueue (tests/support/posix/kqueue_model, the kqueue-on-linux
# preset): its <sys/event.h> and its static library stand in for the
# system's. The library's own objects never contain it; the programs of
# this build tree link it (and a shared portsock built here).
set(PORTSOCK_KQUEUE_MODEL "" CACHE PATH "Test only: the folder of a kqueue model to build the kqueue poller over")
if(PORTSOCK_KQUEUE_MODEL)
    add_subdirectory(${PORTSOCK_KQUEUE_MODEL} ${PROJECT_BINARY_DIR}/kqueue_model)
    target_link_libraries(portsock PRIVATE $<BUILD_INTERFACE:portsock_kqueue_model>)
endif()

# Test only: features to treat as missing although the system has them, so
# that the paths taken without them run here too (the kqueue-on-linux preset
# takes macOS's: accept4;SOCK_CLOEXEC;pipe2;gethostbyaddr_r;getservbyname_r;
# recvmmsg;sendmmsg).
# Names as the checks below spell the symbols.
set(portsock_assumable accept4 SOCK_CLOEXEC pipe2 gethostbyaddr_r getservbyname_r recvmmsg sendmmsg)
list(JOIN portsock_assumable ";" portsock_assumable_text)
set(PORTSOCK_ASSUME_MISSING "" CACHE STRING "Test only: features to treat as missing (${portsock_assumable_text})")
foreach(feature IN LISTS PORTSOCK_ASSUME_MISSING)
    if(NOT feature IN_LIST portsock_assumable)
        list(JOIN portsock_assumable ", " shown)
        message(FATAL_ERROR "PORTSOCK_ASSUME_MISSING: '${feature}' is not one of ${shown}")
    endif()
endforeach()

# The poller: kqueue (macOS, the BSDs), epoll (Linux), or poll (any POSIX
# system), by symbol. PORTSOCK_POLLER=poll forces the portable one, to test
# it on Linux.
set(PORTSOCK_POLLER auto CACHE STRING "The POSIX poller: auto, epoll, kqueue or poll")
set_property(CACHE PORTSOCK_POLLER PROPERTY STRINGS auto epoll kqueue poll)
set(portsock_poller ${PORTSOCK_POLLER})
if(portsock_poller STREQUAL "auto")
    check_cxx_symbol_exists(kqueue "sys/types.h;sys/event.h;sys/time.h" PORTSOCK_HAVE_KQUEUE)
    check_cxx_symbol_exists(epoll_create1 "sys/epoll.h" PORTSOCK_HAVE_EPOLL)
    if(PORTSOCK_HAVE_KQUEUE)
        set(portsock_poller kqueue)
    elseif(PORTSOCK_HAVE_EPOLL)
        set(portsock_poller epoll)
    else()
        set(portsock_poller poll)
    endif()
endif()
message(STATUS "portsock: POSIX backend with the ${portsock_poller} poller")
target_sources(portsock PRIVATE ${CMAKE_CURRENT_LIST_DIR}/poller_${portsock_poller}.cpp)

# A feature named in PORTSOCK_ASSUME_MISSING is not looked for (its
# variable is set false, not cached).
macro(portsock_check_symbol symbol headers variable)
    if("${symbol}" IN_LIST PORTSOCK_ASSUME_MISSING)
        set(${variable} FALSE)
        message(STATUS "portsock: ${symbol} assumed missing (PORTSOCK_ASSUME_MISSING)")
    else()
        check_cxx_symbol_exists(${symbol} "${headers}" ${variable})
    endif()
endmacro()
portsock_check_symbol(accept4 "sys/socket.h" PORTSOCK_HAVE_ACCEPT4)
portsock_check_symbol(SOCK_CLOEXEC "sys/socket.h" PORTSOCK_HAVE_SOCK_CLOEXEC)
# Datagram batches in one call (Linux, FreeBSD, NetBSD); a loop elsewhere.
portsock_check_symbol(recvmmsg "sys/socket.h" PORTSOCK_HAVE_RECVMMSG)
portsock_check_symbol(sendmmsg "sys/socket.h" PORTSOCK_HAVE_SENDMMSG)
check_cxx_symbol_exists(MSG_NOSIGNAL "sys/socket.h" PORTSOCK_HAVE_MSG_NOSIGNAL)
check_cxx_symbol_exists(SO_NOSIGPIPE "sys/socket.h" PORTSOCK_HAVE_SO_NOSIGPIPE)
# The pollers' own descriptors close-on-exec at creation (the wake-up pipe,
# the kqueue); without these, fcntl sets it just after.
portsock_check_symbol(pipe2 "fcntl.h;unistd.h" PORTSOCK_HAVE_PIPE2)
if(portsock_poller STREQUAL "kqueue")
    # With the model, its header (which has no kqueue1, as macOS has none).
    set(CMAKE_REQUIRED_INCLUDES ${PORTSOCK_KQUEUE_MODEL}/include)
    check_cxx_symbol_exists(kqueue1 "sys/types.h;sys/event.h;sys/time.h" PORTSOCK_HAVE_KQUEUE1)
    unset(CMAKE_REQUIRED_INCLUDES)
endif()

# The reentrant netdb calls, in the glibc form the BSDs and musl share
# (Solaris's differs and is not taken); without them (macOS) the plain calls
# are made under a lock. getservbyport_r comes with getservbyname_r.
include(CheckCXXSourceCompiles)
macro(portsock_check_source symbol source variable)
    if("${symbol}" IN_LIST PORTSOCK_ASSUME_MISSING)
        set(${variable} FALSE)
        message(STATUS "portsock: ${symbol} assumed missing (PORTSOCK_ASSUME_MISSING)")
    else()
        check_cxx_source_compiles("${source}" ${variable})
    endif()
endmacro()
portsock_check_source(gethostbyaddr_r [[
#include <netdb.h>
#include <sys/socket.h>
int main() {
    hostent entry; hostent* result = nullptr; char buffer[64]; int error = 0; char address[4] = {};
    return gethostbyaddr_r(address, 4, AF_INET, &entry, buffer, sizeof buffer, &result, &error);
}]] PORTSOCK_HAVE_GETHOSTBYADDR_R)
portsock_check_source(getservbyname_r [[
#include <netdb.h>
int main() {
    servent entry; servent* result = nullptr; char buffer[64];
    return getservbyname_r("http", "tcp", &entry, buffer, sizeof buffer, &result) +
           getservbyport_r(80, "tcp", &entry, buffer, sizeof buffer, &result);
}]] PORTSOCK_HAVE_GETSERVBYNAME_R)

foreach(feature ACCEPT4 SOCK_CLOEXEC MSG_NOSIGNAL SO_NOSIGPIPE PIPE2 KQUEUE1 GETHOSTBYADDR_R GETSERVBYNAME_R
        RECVMMSG SENDMMSG)
    if(PORTSOCK_HAVE_${feature})
        target_compile_definitions(portsock PRIVATE PORTSOCK_HAVE_${feature}=1)
    else()
        target_compile_definitions(portsock PRIVATE PORTSOCK_HAVE_${feature}=0)
    endif()
endforeach()

# A system without MSG_NOSIGNAL must have SO_NOSIGPIPE: portsock never lets a
# write to a closed peer raise SIGPIPE, and never installs a signal handler.
if(NOT PORTSOCK_HAVE_MSG_NOSIGNAL AND NOT PORTSOCK_HAVE_SO_NOSIGPIPE)
    message(FATAL_ERROR "portsock: this system has neither MSG_NOSIGNAL nor SO_NOSIGPIPE")
endif()
