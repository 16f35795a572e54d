# What the MinGW-w64 toolchain files share (mingw-w64-x86_64.cmake and
# mingw-w64-i686.cmake set CMAKE_SYSTEM_PROCESSOR and portsock_mingw_triple,
# then include this): Debian's posix-thread compilers, the target's own
# search tree, a static runtime, and wine as the emulator.
set(CMAKE_SYSTEM_NAME Windows)

set(CMAKE_C_COMPILER ${portsock_mingw_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${portsock_mingw_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${portsock_mingw_triple}-windres)

# Look for libraries and packages (GoogleTest included) only in the target's
# tree, never the host's.
set(CMAKE_FIND_ROOT_PATH /usr/${portsock_mingw_triple})
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
