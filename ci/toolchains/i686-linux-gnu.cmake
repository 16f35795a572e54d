# Linux on 32-bit x86: Debian's i686-linux-gnu cross compiler, tests under
# qemu-i386 (32-bit time_t and size_t in timeouts and sizes). Always through
# the emulator, even on an x86_64 host: not every host runs 32-bit programs
# (ci/can-run-32bit.sh).
set(PORTSOCK_CROSS_TRIPLE i686-linux-gnu)
set(PORTSOCK_CROSS_PROCESSOR i686)
set(PORTSOCK_QEMU qemu-i386)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
