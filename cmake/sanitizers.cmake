# PORTSOCK_SANITIZE: the sanitizers every target of this build is compiled
# and linked with, a list such as "address;undefined" (the asan preset),
# "thread" (tsan) or "fuzzer-no-link;address;undefined" (fuzz). Empty: none.
# The flags go into CMAKE_CXX_FLAGS and the linker flags of this directory
# and below, so that the package-consumer tests, which inherit those, build
# their programs with the same runtime (tests/packaging.cmake).
set(PORTSOCK_SANITIZE "" CACHE STRING
    "Sanitizers to build with, a list: address;undefined, thread, fuzzer-no-link;address;undefined")
if(PORTSOCK_SANITIZE)
    if(MSVC)
        message(FATAL_ERROR "PORTSOCK_SANITIZE is for GCC and clang")
    endif()
    list(JOIN PORTSOCK_SANITIZE "," portsock_sanitize)
    # What runs at link time: everything but the fuzzer's instrumentation,
    # whose runtime the fuzz targets link themselves (tests/fuzz).
    set(portsock_sanitize_link ${PORTSOCK_SANITIZE})
    list(REMOVE_ITEM portsock_sanitize_link fuzzer-no-link)
    list(JOIN portsock_sanitize_link "," portsock_sanitize_link)
    # Keep frames for readable stacks; UBSan stops at its first report, as
    # AddressSanitizer and ThreadSanitizer do (with halt_on_error=1).
    string(APPEND CMAKE_CXX_FLAGS " -fsanitize=${portsock_sanitize} -fno-omit-frame-pointer")
    if("undefined" IN_LIST PORTSOCK_SANITIZE)
        string(APPEND CMAKE_CXX_FLAGS " -fno-sanitize-recover=all")
    endif()
    if(NOT portsock_sanitize_link STREQUAL "")
        foreach(kind IN ITEMS EXE SHARED MODULE)
            string(APPEND CMAKE_${kind}_LINKER_FLAGS " -fsanitize=${portsock_sanitize_link}")
        endforeach()
    endif()
    string(STRIP "${CMAKE_CXX_FLAGS}" CMAKE_CXX_FLAGS)
    message(STATUS "portsock: sanitizers ${portsock_sanitize}")
endif()
