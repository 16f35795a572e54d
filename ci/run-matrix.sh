#!/usr/bin/env bash
# Runs every workflow preset that can run on this host, through
# ci/run-workflows.sh (summary table, closing
# "workflows: N passed, N failed, N skipped" line, non-zero exit if any failed).
#
#     bash ci/run-matrix.sh            # pick and run
#     bash ci/run-matrix.sh --list     # only print the presets it would run
#
# Linux: dev, clang (if clang++ is installed), asan, tsan, no-exceptions,
# poll-only, kqueue-on-linux (the kqueue poller over a model of kqueue);
# mingw-cross with MinGW-w64 and wine (and mingw-cross-cxx20, its C++20 build
# running the loop and coroutine tests); aarch64-linux, armhf-linux,
# s390x-linux, mips-linux, riscv64-linux, ppc-linux and i686-linux with their
# cross compilers and qemu-user
# (bash ci/install-debian.sh --cross installs them all). The package-consumer
# tests (find_package, add_subdirectory, FetchContent, pkg-config) and the
# workflow check run inside every preset's ctest. macOS: macos. Windows in
# an MSYS2 shell: windows-mingw (MSVC and clang-cl need a developer prompt:
# run `cmake --workflow --preset windows-msvc` there).
# A preset whose tools are missing is named on stderr, not run.
set -uo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }

presets=()
missing=()
build_only=()  # presets built but not tested here, for the reason given below
want() {  # want PRESET TOOL...: the preset if every tool is on PATH
    local preset=$1 tool
    shift
    for tool in "$@"; do
        if ! have "$tool"; then
            missing+=("$preset (no $tool)")
            return
        fi
    done
    presets+=("$preset")
}

case "$(uname -s)" in
    Linux)
        want dev c++
        want clang clang++
        want asan c++
        want tsan c++
        want no-exceptions c++
        want poll-only c++
        want kqueue-on-linux c++
        want mingw-cross x86_64-w64-mingw32-g++-posix wine
        want mingw-cross-cxx20 x86_64-w64-mingw32-g++-posix wine
        if bash ci/can-run-32bit.sh; then
            want mingw-cross-x86 i686-w64-mingw32-g++-posix wine
        elif have i686-w64-mingw32-g++-posix; then
            build_only+=("mingw-cross-x86")
        fi
        want aarch64-linux aarch64-linux-gnu-g++ qemu-aarch64
        want armhf-linux arm-linux-gnueabihf-g++ qemu-arm
        want s390x-linux s390x-linux-gnu-g++ qemu-s390x
        want mips-linux mips-linux-gnu-g++ qemu-mips
        want riscv64-linux riscv64-linux-gnu-g++ qemu-riscv64
        want ppc-linux powerpc-linux-gnu-g++ qemu-ppc
        want i686-linux i686-linux-gnu-g++ qemu-i386
        ;;
    Darwin)
        want macos c++
        ;;
    MINGW* | MSYS*)
        want windows-mingw g++
        ;;
    *)
        echo "run-matrix: no presets known for $(uname -s)" >&2
        exit 1
        ;;
esac

for m in "${missing[@]}"; do echo "run-matrix: not run here: $m" >&2; done
if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${presets[@]}"
    for b in "${build_only[@]}"; do echo "$b (build only)"; done
    exit 0
fi
status=0
# A 32-bit build on a host that cannot run 32-bit programs: compiled (which
# catches what 32-bit SOCKET and size_t break), its tests left to the hosted
# matrix, whose Linux jobs run them under 32-bit wine.
for b in "${build_only[@]}"; do
    echo "=== $b: build only; tests not run: this host runs no 32-bit programs (ci/can-run-32bit.sh)"
    mkdir -p build/logs
    # Tests are listed when ctest runs, not after the build (which would run them).
    if cmake --preset "$b" -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST >"build/logs/$b.log" 2>&1 &&
        cmake --build --preset "$b" >>"build/logs/$b.log" 2>&1; then
        echo "run-matrix: $b built"
    else
        tail -n 30 "build/logs/$b.log"
        echo "run-matrix: $b FAILED to build (build/logs/$b.log)"
        status=1
    fi
done
bash ci/run-workflows.sh "${presets[@]}" || status=1
exit "$status"
