# Linux on IBM Z, 64-bit big-endian: Debian's s390x-linux-gnu cross compiler, tests under qemu-s390x.
set(PORTSOCK_CROSS_TRIPLE s390x-linux-gnu)
set(PORTSOCK_CROSS_PROCESSOR s390x)
set(PORTSOCK_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
