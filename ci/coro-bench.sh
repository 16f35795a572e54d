#!/usr/bin/env bash
# The coroutine echo server (apps/examples/coro_echo.cpp) against its callback
# twin over the same loop (apps/examples/loop_echo.cpp): user-space
# instructions per 32-byte TCP echo, counted by callgrind as ci/bench.sh's
# count_server does (the difference between 2,000 and 12,000 round trips of
# `sockbench pingpong --raw`). Issue 18's target: coroutines at most 1.5x.
#
# Two cases, because a coroutine operation tries the call before it waits:
#   ready: the client is native and the server (under callgrind) slow, so the
#          next message is there when the server reads again: no wait at all;
#   wait:  a Python client pauses 2 ms before each message, so the server
#          finds nothing, registers its reader, waits and unregisters, once
#          per message: the worst case for the coroutine server (1,000 and
#          5,000 round trips).
# Usage: ci/coro-bench.sh [build-dir]  (configured here: C++20, release,
# DWARF 4 for valgrind; CXX picks the compiler, clang++ by default).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/coro-bench}
command -v valgrind >/dev/null || { echo "coro-bench: needs valgrind" >&2; exit 77; }
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_STANDARD=20 \
    -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_CXX_FLAGS=-gdwarf-4 \
    -DPORTSOCK_BUILD_TESTS=OFF -DPORTSOCK_FAULT_INJECTION=OFF >/dev/null
cmake --build "$build" -j2 --target coro_echo loop_echo sockbench >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count() {  # $1 server, $2 ready|wait, $3 round trips: prints the total
    local file="$out/cg.$(basename "$1").$2.$3" line port pid
    mkfifo "$out/fifo"
    (exec valgrind -q --tool=callgrind --callgrind-out-file="$file" "$1" > "$out/fifo") &
    pid=$!
    read -r line < "$out/fifo"
    rm -f "$out/fifo"
    port=${line##* }
    if [ "$2" = wait ]; then
        python3 - "$port" "$3" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
message = b"x" * 32
for _ in range(int(sys.argv[2])):
    time.sleep(0.002)
    s.sendall(message)
    got = b""
    while len(got) < len(message):
        got += s.recv(64)
PY
    else
        "$build/apps/sockbench" pingpong --raw --host 127.0.0.1 --port "$port" --count "$3" --size 32 >/dev/null
    fi
    kill -TERM "$pid"
    wait "$pid" || true
    awk '/^(summary|totals):/ { print $2; exit }' "$file"
}
per_message() {  # $1 server, $2 ready|wait
    local a b
    local n1=2000 n2=12000
    [ "$2" = wait ] && n1=1000 n2=5000
    a=$(count "$1" "$2" $n1); b=$(count "$1" "$2" $n2)
    python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / (int(sys.argv[3]) - int(sys.argv[4])):.0f}')" "$a" "$b" $n2 $n1
}
echo "| case | loop (callbacks) | coroutines | ratio (target at most 1.5) |"
echo "|---|---:|---:|---:|"
for case in ready wait; do
    l=$(per_message "$build/apps/loop_echo" "$case")
    c=$(per_message "$build/apps/coro_echo" "$case")
    python3 -c "import sys; print(f'| {sys.argv[1]} | {sys.argv[2]} | {sys.argv[3]} | {int(sys.argv[3]) / int(sys.argv[2]):.2f} |')" "$case" "$l" "$c"
done
