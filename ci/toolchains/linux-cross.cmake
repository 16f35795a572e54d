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

# The target's libraries come from its sysroot, named twice: -L points the
# emulator (and so the program's ld.so) there, and LD_LIBRARY_PATH makes
# ld.so look there before the host's /etc/ld.so.cache. Without it, on a host
# with i386 multiarch libraries (wine32 installs them), the i686 build's
# ld.so from the sysroot loaded the host's /lib/i386-linux-gnu/libc.so.6: a
# different build of glibc, under which the first pthread_create spun
# forever.
set(CMAKE_CROSSCOMPILING_EMULATOR ${PORTSOCK_QEMU} -L /usr/${PORTSOCK_CROSS_TRIPLE}
    -E LD_LIBRARY_PATH=/usr/${PORTSOCK_CROSS_TRIPLE}/lib)

include(${CMAKE_CURRENT_LIST_DIR}/debian-googletest.cmake)
