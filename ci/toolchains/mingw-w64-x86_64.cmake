# Windows x86_64 with MinGW-w64 from a Linux host (Debian:
# g++-mingw-w64-x86-64-posix). The posix thread model is needed for
# std::thread; the runtime is linked statically so that the executables need
# only KERNEL32, msvcrt and WS2_32. Tests run under wine (ci/wine-run.sh).
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(portsock_mingw_triple x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
