# The POSIX backend: its sources, and checks for the features that differ
# between Linux, macOS and the BSDs (by symbol, never by system name).
target_sources(portsock PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/resolve.cpp
    ${CMAKE_CURRENT_LIST_DIR}/socket.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/../common/common.cmake)

include(CheckCXXSymbolExists)

# The poller: epoll (Linux), kqueue (macOS, the BSDs: on request), or poll
# (any POSIX system). PORTSOCK_POLLER=poll forces the portable one, to test
# it on Linux.
set(PORTSOCK_POLLER auto CACHE STRING "The POSIX poller: auto, epoll, kqueue or poll")
set_property(CACHE PORTSOCK_POLLER PROPERTY STRINGS auto epoll kqueue poll)
set(portsock_poller ${PORTSOCK_POLLER})
if(portsock_poller STREQUAL "auto")
    check_cxx_symbol_exists(epoll_create1 "sys/epoll.h" PORTSOCK_HAVE_EPOLL)
    # kqueue is not the default yet: it has not run on a real macOS or BSD
    # (this project's machines are Linux); ask for it with PORTSOCK_POLLER=kqueue.
    if(PORTSOCK_HAVE_EPOLL)
        set(portsock_poller epoll)
    else()
        set(portsock_poller poll)
    endif()
endif()
message(STATUS "portsock: POSIX backend with the ${portsock_poller} poller")
target_sources(portsock PRIVATE ${CMAKE_CURRENT_LIST_DIR}/poller_${portsock_poller}.cpp)

check_cxx_symbol_exists(accept4 "sys/socket.h" PORTSOCK_HAVE_ACCEPT4)
check_cxx_symbol_exists(SOCK_CLOEXEC "sys/socket.h" PORTSOCK_HAVE_SOCK_CLOEXEC)
check_cxx_symbol_exists(MSG_NOSIGNAL "sys/socket.h" PORTSOCK_HAVE_MSG_NOSIGNAL)
check_cxx_symbol_exists(SO_NOSIGPIPE "sys/socket.h" PORTSOCK_HAVE_SO_NOSIGPIPE)
# The pollers' own descriptors close-on-exec at creation (the wake-up pipe,
# the kqueue); without these, fcntl sets it just after.
check_cxx_symbol_exists(pipe2 "fcntl.h;unistd.h" PORTSOCK_HAVE_PIPE2)
if(portsock_poller STREQUAL "kqueue")
    check_cxx_symbol_exists(kqueue1 "sys/types.h;sys/event.h;sys/time.h" PORTSOCK_HAVE_KQUEUE1)
endif()

foreach(feature ACCEPT4 SOCK_CLOEXEC MSG_NOSIGNAL SO_NOSIGPIPE PIPE2 KQUEUE1)
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
