#!/usr/bin/env bash
# Runs every workflow preset that can run on this host, through
# ci/run-workflows.sh (summary table, closing
# "workflows: N passed, N failed, N skipped" line, non-zero exit if any failed).
#
#     bash ci/run-matrix.sh            # pick and run
#     bash ci/run-matrix.sh --list     # only print the presets it would run
#
# Linux: dev, clang (if clang++ is installed), asan, tsan, no-exceptions,
# poll-only; mingw-cross with MinGW-w64 and wine; aarch64-linux, armhf-linux
# and s390x-linux with their cross compilers and qemu-user
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
        want mingw-cross x86_64-w64-mingw32-g++-posix wine
        want aarch64-linux aarch64-linux-gnu-g++ qemu-aarch64
        want armhf-linux arm-linux-gnueabihf-g++ qemu-arm
        want s390x-linux s390x-linux-gnu-g++ qemu-s390x
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
    exit 0
fi
exec bash ci/run-workflows.sh "${presets[@]}"
