# Linux on 64-bit Arm: Debian's aarch64-linux-gnu cross compiler, tests under qemu-aarch64.
set(PORTSOCK_CROSS_TRIPLE aarch64-linux-gnu)
set(PORTSOCK_CROSS_PROCESSOR aarch64)
set(PORTSOCK_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
