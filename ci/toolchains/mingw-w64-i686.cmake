# Windows i686 (32-bit x86) with MinGW-w64 from a Linux host (Debian:
# g++-mingw-w64-i686-posix), as mingw-w64-x86_64.cmake. Tests run under
# 32-bit wine where the host runs 32-bit programs (ci/can-run-32bit.sh).
# SOCKET is 32 bits here and the Windows API is stdcall: what a 64-bit build
# cannot show.
set(CMAKE_SYSTEM_PROCESSOR x86)
set(portsock_mingw_triple i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
