# Shared by the Linux cross toolchain files: Debian's cross g++ for
# PORTSOCK_CROSS_TRIPLE, its sysroot under /usr/<triple>, and qemu-user
# (PORTSOCK_QEMU) as the emulator, so that plain `ctest` runs the cross-built
# tests (binfmt_misc is not needed: ctest and the tests start every target
# program through the emulator).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${PORTSOCK_CROSS_PROCESSOR})

set(CMAKE_C_COMPILER ${PORTSOCK_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${PORTSOCK_CROSS_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH /usr/${PORTSOCK_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR ${PORTSOCK_QEMU} -L /usr/${PORTSOCK_CROSS_TRIPLE})

include(${CMAKE_CURRENT_LIST_DIR}/debian-googletest.cmake)
