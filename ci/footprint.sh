#!/usr/bin/env bash
# Measures portsock's footprint on aarch64, stripped, as the preset
# aarch64-linux-size builds it (-Os, exceptions off, --gc-sections), beside
# plain C programs doing the same exchange with raw system calls
# (ci/footprint/raw-*.c), built with the same compiler and flags; then the
# server and the library on every CPU of the cross presets, built the same
# way. Prints two Markdown tables; with --update-page, also puts them into
# ci/CROSS.md between the footprint and footprint-cpus markers. Needs the
# cross compilers (ci/install-debian.sh --cross).
set -euo pipefail
cd "$(dirname "$0")/.."

triple=aarch64-linux-gnu
out=build/footprint
flags="-Os -ffunction-sections -fdata-sections"
ldflags="-Wl,--gc-sections -Wl,-z,max-page-size=4096"
mkdir -p "$out/raw"

build_portsock() {  # $1: dynamic|static
    local extra=""
    [ "$1" = static ] && extra="-static"
    cmake --preset aarch64-linux-size -B "$out/$1" -DPORTSOCK_BUILD_TESTS=OFF \
        -DCMAKE_EXE_LINKER_FLAGS="$ldflags $extra" >/dev/null 2>&1
    cmake --build "$out/$1" --target thankyou-server thankyou-client >/dev/null
    for app in thankyou-server thankyou-client; do
        "$triple-strip" -o "$out/$app-$1" "$out/$1/apps/$app"
    done
}

build_raw() {  # $1: dynamic|static
    local extra=""
    [ "$1" = static ] && extra="-static"
    for app in thankyou-server thankyou-client; do
        # shellcheck disable=SC2086
        "$triple-gcc" -std=c11 -D_GNU_SOURCE $flags "ci/footprint/raw-$app.c" -o "$out/raw/$app-$1" $ldflags $extra 2>/dev/null
        "$triple-strip" "$out/raw/$app-$1"
    done
}

text() { "$triple-size" --format=berkeley "$1" | awk 'NR == 2 { print $1 }'; }
bytes() { stat -c %s "$1"; }
kib() { awk -v n="$1" 'BEGIN { printf "%.1f KiB", n / 1024 }'; }

for link in dynamic static; do
    build_portsock "$link"
    build_raw "$link"
done
# The library alone: the text of its objects, exceptions off (the preset) and on.
lib_off=$("$triple-size" -t "$out/dynamic/libportsock.a" | awk 'END { print $1 }')
cmake --preset aarch64-linux-size -B "$out/exceptions" -DPORTSOCK_BUILD_TESTS=OFF -DPORTSOCK_BUILD_APPS=OFF \
    -DPORTSOCK_EXCEPTIONS=ON >/dev/null 2>&1
cmake --build "$out/exceptions" >/dev/null
lib_on=$("$triple-size" -t "$out/exceptions/libportsock.a" | awk 'END { print $1 }')

table=$(
    echo "| aarch64, stripped, -Os | portsock: text | portsock: file | raw C: text | raw C: file | text added by portsock |"
    echo "|---|---:|---:|---:|---:|---:|"
    for app in thankyou-server thankyou-client; do
        for link in dynamic static; do
            p="$out/$app-$link"
            r="$out/raw/$app-$link"
            echo "| \`$app\`, $link | $(kib "$(text "$p")") | $(kib "$(bytes "$p")") | $(kib "$(text "$r")") | $(kib "$(bytes "$r")") | $(kib $(( $(text "$p") - $(text "$r") ))) |"
        done
    done
    echo "| \`libportsock.a\` (text of its objects), exceptions off / on | $(kib "$lib_off") / $(kib "$lib_on") | | | | |"
)
echo "$table"

# Every CPU the cross presets build for, the same way (the size preset with
# that CPU's toolchain file), linked dynamically: what portsock adds to the
# server, and the library's own text.
cpu_row() {  # $1: toolchain file name (ci/toolchains/$1.cmake), $2: the CPU's name
    local t=$1 dir="$out/cpu-$1"
    cmake --preset aarch64-linux-size -B "$dir" -DPORTSOCK_BUILD_TESTS=OFF \
        -DCMAKE_TOOLCHAIN_FILE="$PWD/ci/toolchains/$t.cmake" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null 2>&1
    cmake --build "$dir" --target thankyou-server >/dev/null
    "$t-strip" -o "$dir/server" "$dir/apps/thankyou-server"
    # shellcheck disable=SC2086
    "$t-gcc" -std=c11 -D_GNU_SOURCE $flags ci/footprint/raw-thankyou-server.c -o "$dir/raw-server" $ldflags 2>/dev/null
    "$t-strip" "$dir/raw-server"
    local p r lib
    p=$("$t-size" --format=berkeley "$dir/server" | awk 'NR == 2 { print $1 }')
    r=$("$t-size" --format=berkeley "$dir/raw-server" | awk 'NR == 2 { print $1 }')
    lib=$("$t-size" -t "$dir/libportsock.a" | awk 'END { print $1 }')
    echo "| $2 | $(kib "$p") | $(kib "$r") | $(kib $(( p - r ))) | $(kib "$lib") |"
}
cpus=$(
    echo "| CPU, stripped, -Os, dynamic | \`thankyou-server\`: portsock text | raw C text | text added by portsock | \`libportsock.a\` text |"
    echo "|---|---:|---:|---:|---:|"
    cpu_row aarch64-linux-gnu "aarch64"
    cpu_row arm-linux-gnueabihf "armhf (32-bit)"
    cpu_row i686-linux-gnu "i686 (32-bit x86)"
    cpu_row mips-linux-gnu "mips (32-bit, big-endian)"
    cpu_row powerpc-linux-gnu "powerpc (32-bit, big-endian)"
    cpu_row riscv64-linux-gnu "riscv64"
    cpu_row s390x-linux-gnu "s390x (big-endian)"
)
echo
echo "$cpus"

if [ "${1:-}" = "--update-page" ]; then
    echo "$table" | python3 ci/page-section.py ci/CROSS.md footprint
    echo "$cpus" | python3 ci/page-section.py ci/CROSS.md footprint-cpus
fi
