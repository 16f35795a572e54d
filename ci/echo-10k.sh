#!/usr/bin/env bash
# Shows echo-server holding 10,000 concurrent TCP connections on this
# machine, every byte echoed correctly, plus UDP on the same port.
#   ci/echo-10k.sh [BUILD_DIR] [CONNECTIONS]     (default: build/dev, 10000)
# Needs an open-file limit (ulimit -Hn) above the count, for each process.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
count=${2:-10000}
[ -x "$build/apps/echo-server" ] || cmake --build "$build" --target echo-server echo_load >/dev/null

out=$(mktemp)
"$build/apps/echo-server" --host 127.0.0.1 --port 0 >"$out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q 'serving' "$out" && break; sleep 0.05; done
port=$(grep -oE '[0-9]+$' "$out" | head -n 1)
"$build/apps/echo_load" 127.0.0.1 "$port" "$count" 100 1000
kill -TERM $server
wait $server
echo "echo-server exited with status $?"
