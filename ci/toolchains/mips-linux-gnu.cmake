# Linux on 32-bit big-endian MIPS: Debian's mips-linux-gnu cross compiler, tests under qemu-mips.
# MIPS numbers SOCK_STREAM/SOCK_DGRAM, many SO_* options and errno values
# differently from the other CPUs (ECONNREFUSED is 146): a constant assumed
# instead of taken from the headers fails here.
set(PORTSOCK_CROSS_TRIPLE mips-linux-gnu)
set(PORTSOCK_CROSS_PROCESSOR mips)
set(PORTSOCK_QEMU qemu-mips)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
