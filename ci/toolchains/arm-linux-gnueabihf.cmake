# Linux on 32-bit Arm, hard float: Debian's arm-linux-gnueabihf cross compiler, tests under qemu-arm.
set(PORTSOCK_CROSS_TRIPLE arm-linux-gnueabihf)
set(PORTSOCK_CROSS_PROCESSOR arm)
set(PORTSOCK_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
