#!/usr/bin/env bash
# Installs what building and testing portsock needs on Debian/Ubuntu:
# compilers, CMake, Ninja, GoogleTest, python3 (for the interop tests),
# python3-yaml (the workflow check) and pkgconf (the pkg-config consumer test).
# With --cross, also what the cross presets need: MinGW-w64 and wine for
# mingw-cross, the cross compilers and qemu-user for aarch64/armhf/s390x/
# mips/riscv64/powerpc/i686.
# Idempotent: asks apt only for what is missing.
set -euo pipefail

packages=(cmake ninja-build g++ clang googletest libgtest-dev python3 python3-yaml pkgconf
          procps util-linux
          # real peers for sockcat's tests (tests/sockcat_test.cpp)
          netcat-openbsd socat
          # ci/valgrind.sh and ci/bench.sh (callgrind, strace); libFuzzer and
          # clang's sanitizer runtimes (ci/fuzz.sh)
          valgrind strace libclang-rt-14-dev)
if [ "${1:-}" = "--cross" ]; then
    packages+=(g++-mingw-w64-x86-64-posix g++-mingw-w64-i686-posix wine wine64
               qemu-user g++-aarch64-linux-gnu g++-arm-linux-gnueabihf g++-s390x-linux-gnu
               g++-mips-linux-gnu g++-riscv64-linux-gnu g++-powerpc-linux-gnu g++-i686-linux-gnu)
fi

# 32-bit wine runs the mingw-cross-x86 tests, on a host that can run 32-bit
# programs at all (ci/can-run-32bit.sh). Where it cannot, wine32 is left out:
# installed there, it would take over the `wine` command and break 64-bit
# wine too (seen on a 64-bit-only VM: "Exec format error").
wine32=no
if [ "${1:-}" = "--cross" ] && bash "$(dirname "$0")/can-run-32bit.sh"; then
    wine32=yes
    packages+=(wine32:i386)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-debian: everything is installed"
    exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [ "$wine32" = yes ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "install-debian: dpkg --add-architecture i386 (for wine32)"
    "${sudo[@]}" dpkg --add-architecture i386
fi
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
