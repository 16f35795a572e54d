# Linux on 64-bit RISC-V: Debian's riscv64-linux-gnu cross compiler, tests under qemu-riscv64.
set(PORTSOCK_CROSS_TRIPLE riscv64-linux-gnu)
set(PORTSOCK_CROSS_PROCESSOR riscv64)
set(PORTSOCK_QEMU qemu-riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
