#!/usr/bin/env bash
# The Windows echo-server's own CPU time per 1,000 echoed messages, under
# wine, with many connections open at once, for each Windows poller:
#
#   ci/wine-echo-cpu.sh [WINDOWS_BUILD] [NATIVE_BUILD] [CONNECTIONS] [MESSAGES]
#       defaults: build/mingw-cross build/release 2000 40000
#
# For each poller (AFD, the default; select, by PORTSOCK_WINDOWS_POLLER) it
# starts echo-server.exe under wine, loads it from the native Linux sockbench
# (`concurrent`: CONNECTIONS connections, one 32-byte message in flight on
# each, MESSAGES in all), and reads the server process's utime + stime from
# /proc before and after the load. wineserver's CPU over the same load is
# printed beside it: every Winsock call under wine also costs wineserver
# time, which Windows does not have.
set -euo pipefail
cd "$(dirname "$0")/.."
win=${1:-build/mingw-cross}
native=${2:-build/release}
connections=${3:-2000}
messages=${4:-40000}
[ -f "$win/apps/echo-server.exe" ] || cmake --build "$win" --target echo-server >/dev/null
[ -x "$native/apps/sockbench" ] || cmake --build "$native" --target sockbench >/dev/null

tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The wineserver of ci/wine-run.sh's prefix: with several prefixes in use
# (the gate gives each Windows preset its own), the newest server can be
# another prefix's.
prefix="${PORTSOCK_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/portsock-wine}"
wine_server() {
    local q
    for q in $(pgrep '^wineserver'); do
        tr '\0' '\n' <"/proc/$q/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$prefix" && { echo "$q"; return; }
    done
}

printf '%-8s %12s %10s %14s %18s\n' poller connections messages "server ms/1k" "wineserver ms/1k"
for poller in afd select; do
    out=$(mktemp)
    PORTSOCK_WINDOWS_POLLER=$poller ci/wine-run.sh "$win/apps/echo-server.exe" --tcp --host 127.0.0.1 --port 0 >"$out" 2>&1 &
    runner=$!
    trap 'pkill -f "^[^ ]*echo-server\.exe --tcp --host 127\.0\.0\.1 --port 0" 2>/dev/null; rm -f "$out"' EXIT
    port=
    for _ in $(seq 600); do
        port=$(grep -oE 'on 127\.0\.0\.1:[0-9]+' "$out" | grep -oE '[0-9]+$' || true)
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "wine-echo-cpu: echo-server.exe did not start: $(cat "$out")" >&2; exit 1; }
    # The Windows program is the wine process whose name is the program's.
    pid=$(pgrep -n -f '^[^ ]*echo-server\.exe --tcp --host 127\.0\.0\.1 --port 0')
    ws=$(wine_server)
    before=$(cpu_ticks "$pid"); ws_before=$(cpu_ticks "$ws")
    if ! json=$("$native/apps/sockbench" concurrent --host 127.0.0.1 --port "$port" --connections "$connections" \
        --size 32 --count "$messages" --json 2>&1); then
        printf '%-8s %12d  failed: %s\n' "$poller" "$connections" "$json"
        kill -TERM "$pid" 2>/dev/null || true
        wait "$runner" 2>/dev/null || true
        continue
    fi
    after=$(cpu_ticks "$pid"); ws_after=$(cpu_ticks "$ws")
    kill -TERM "$pid" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
    rm -f "$out"
    done_count=$(sed -E 's/.*"operations": ([0-9]+).*/\1/' <<<"$json")
    awk -v p="$poller" -v c="$connections" -v n="$done_count" -v d=$((after - before)) -v w=$((ws_after - ws_before)) -v t="$tick" \
        'BEGIN { printf "%-8s %12d %10d %14.1f %18.1f\n", p, c, n, d * 1000 / t / (n / 1000), w * 1000 / t / (n / 1000) }'
done
