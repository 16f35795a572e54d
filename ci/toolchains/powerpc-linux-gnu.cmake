# Linux on 32-bit big-endian PowerPC: Debian's powerpc-linux-gnu cross compiler, tests under qemu-ppc.
set(PORTSOCK_CROSS_TRIPLE powerpc-linux-gnu)
set(PORTSOCK_CROSS_PROCESSOR powerpc)
set(PORTSOCK_QEMU qemu-ppc)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
