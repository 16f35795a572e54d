# Windows i686 (32-bit x86) with MinGW-w64 from a Linux host (Debian:
# g++-mingw-w64-i686-posix). The posix thread model is needed for
# std::thread; the runtime is linked statically so that the executables need
# only KERNEL32, msvcrt and WS2_32. Tests run under wine (ci/wine-run.sh),
# which runs 32-bit programs with wine32 (i386) installed. SOCKET is 32 bits
# here and the Windows API is stdcall: what a 64-bit build cannot show.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)

set(CMAKE_C_COMPILER i686-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER i686-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER i686-w64-mingw32-windres)

# Look for libraries and packages (GoogleTest included) only in the target's
# tree, never the host's.
set(CMAKE_FIND_ROOT_PATH /usr/i686-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# The same for a shared portsock (BUILD_SHARED_LIBS=ON): the DLL then needs
# no libstdc++/libgcc/libwinpthread DLLs beside it, under wine or on Windows,
# and it exports none of their symbols (a program linking both would see
# _Unwind_Resume twice).
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++ -Wl,--exclude-libs,ALL")

set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/../wine-run.sh")

include(${CMAKE_CURRENT_LIST_DIR}/debian-googletest.cmake)
