#!/usr/bin/env bash
# The performance record: every sockbench workload run through portsock
# (client and server) and through raw system calls (sockbench --raw against
# sockbench serve-raw), interleaved A B B A ... in one run, with the server
# pinned to one CPU and the client to another. Prints a Markdown table of
# medians and portsock/raw ratios, then the user-space instructions per echoed
# message (valgrind --tool=callgrind: stable on a noisy machine) for the
# portsock and the raw echo server. With --update-readme, also puts the table
# into README.md between the bench markers.
#
#   bash ci/bench.sh [--rounds N] [--seconds S] [--instructions-only] [--update-readme]
#
# Needs the release preset's build (made here), python3, taskset (util-linux)
# and valgrind for the instruction counts (skipped with a note when absent).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
seconds=2
update=no
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --update-readme) update=yes; shift ;;
        --instructions-only) rounds=0; shift ;;
        *) echo "usage: ci/bench.sh [--rounds N] [--seconds S] [--instructions-only] [--update-readme]" >&2; exit 2 ;;
    esac
done

cmake --preset release >/dev/null
cmake --build --preset release --target sockbench >/dev/null
bench=${PORTSOCK_BENCH:-build/release/apps/sockbench}
out=build/bench
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

cpus=$(nproc)
server_cpu=0
client_cpu=$(( cpus > 1 ? 1 : 0 ))
server_pin=()
client_pin=()
if command -v taskset >/dev/null; then
    server_pin=(taskset -c "$server_cpu")
    client_pin=(taskset -c "$client_cpu")
fi

server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

# start_server COMMAND...: starts a server (`sockbench serve... --port 0`,
# perhaps under taskset or valgrind) and reads the port it prints into $port.
start_server() {
    local fifo="$out/server.out"
    rm -f "$fifo"
    mkfifo "$fifo"
    # exec: $! is then the server itself, which the TERM must reach.
    (exec "$@" > "$fifo") &
    server_pid=$!
    local line
    read -r line < "$fifo"
    port=${line##*:}
    port=${port%% *}
}

# run_pair LABEL KIND ARGS...: one portsock run and one raw run, each against
# its own kind of server, appended to the results with the label.
run_pair() {
    local label=$1 kind=$2
    shift 2
    for impl in $order; do
        local mode=serve flag=""
        [ "$impl" = raw ] && mode=serve-raw flag=--raw
        start_server "${server_pin[@]}" "$bench" "$mode" "$kind" --host 127.0.0.1 --port 0
        "${client_pin[@]}" "$bench" "$@" --host 127.0.0.1 --port "$port" --seconds "$seconds" --json $flag |
            sed "s/^{/{\"label\": \"$label\", /" >> "$results"
        stop_server
    done
}

echo "ci/bench.sh: $rounds rounds of ${seconds} s per workload and implementation (server on CPU $server_cpu, client on CPU $client_cpu)"
for round in $(seq 1 "$rounds"); do
    echo "  round $round of $rounds"
    # A B in odd rounds, B A in even ones: whatever favours the first (or the
    # second) run of a pair falls on both sides alike.
    if [ $(( round % 2 )) -eq 1 ]; then order="portsock raw"; else order="raw portsock"; fi
    run_pair "thankyou, 1 client" thankyou thankyou --clients 1
    run_pair "thankyou, 4 clients" thankyou thankyou --clients 4
    run_pair "pingpong, 32 B" echo pingpong --size 32
    run_pair "pingpong, 16 KiB" echo pingpong --size 16384
    run_pair "concurrent, 100 x 32 B" echo concurrent --connections 100 --size 32
    run_pair "concurrent, 10000 x 32 B" echo concurrent --connections 10000 --size 32
    run_pair "bulk, 64 KiB writes" echo bulk
    run_pair "udp, 32 B" udp udp --size 32
done

# Instructions per echoed message: the echo server under callgrind, answering
# a raw pingpong client for N1 and then N2 round trips; the difference divided
# by N2 - N1 leaves out start-up and shutdown.
instructions=""
if command -v valgrind >/dev/null; then
    n1=2000
    n2=12000
    count_server() {  # $1 serve|serve-raw, $2 round trips: prints instructions
        local file="$out/callgrind.$1.$2"
        rm -f "$file"
        start_server valgrind -q --tool=callgrind --callgrind-out-file="$file" "$bench" "$1" echo --host 127.0.0.1 --port 0
        "$bench" pingpong --raw --host 127.0.0.1 --port "$port" --count "$2" --size 32 >/dev/null
        stop_server
        awk '/^(summary|totals):/ { print $2; exit }' "$file"
    }
    ps1=$(count_server serve $n1); ps2=$(count_server serve $n2)
    raw1=$(count_server serve-raw $n1); raw2=$(count_server serve-raw $n2)
    instructions=$(python3 - "$ps1" "$ps2" "$raw1" "$raw2" "$n1" "$n2" <<'PY'
import sys
ps1, ps2, raw1, raw2, n1, n2 = map(int, sys.argv[1:])
ps = (ps2 - ps1) / (n2 - n1)
raw = (raw2 - raw1) / (n2 - n1)
print(f"| echo server, user-space instructions per 32-byte message (callgrind) | {ps:.0f} | {raw:.0f} | {ps / raw:.3f} (portsock / raw; target at most 1.15) |")
PY
)
else
    echo "ci/bench.sh: valgrind is not installed: no instruction counts" >&2
fi

table=$(python3 - "$results" "$instructions" "$rounds" "$seconds" <<'PY'
import json, statistics, sys, datetime, platform, os
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
instructions, rounds, seconds = sys.argv[2], sys.argv[3], sys.argv[4]
labels = []
for r in rows:
    if r["label"] not in labels:
        labels.append(r["label"])
def med(label, impl, key):
    return statistics.median(r[key] for r in rows if r["label"] == label and r["impl"] == impl)
print(f"Measured {datetime.date.today().isoformat()} on this machine ({os.cpu_count()} CPUs, {platform.machine()}), "
      f"`bash ci/bench.sh` ({rounds} interleaved rounds of {seconds} s, medians). "
      "Ratio = portsock / raw for throughput (at least 0.97 is the target), raw / portsock for p99 latency (higher is better for portsock).")
print()
if labels:
    print("| workload | portsock | raw | ratio | p99 portsock | p99 raw | p99 ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
for label in labels:
    key, unit = ("gbps", "GB/s") if label.startswith("bulk") else ("rate", "/s")
    a, b = med(label, "portsock", key), med(label, "raw", key)
    fmt = (lambda v: f"{v:.2f} {unit}") if key == "gbps" else (lambda v: f"{v:,.0f} {unit}")
    if key == "gbps":
        p99 = "| | |"
        print(f"| {label} | {fmt(a)} | {fmt(b)} | {a / b:.3f} | | | |")
        continue
    pa, pb = med(label, "portsock", "p99_us"), med(label, "raw", "p99_us")
    losses = sum(r["losses"] for r in rows if r["label"] == label)
    extra = f" ({losses} lost)" if label.startswith("udp") else ""
    print(f"| {label}{extra} | {fmt(a)} | {fmt(b)} | {a / b:.3f} | {pa:.1f} us | {pb:.1f} us | {pb / pa:.3f} |")
if instructions:
    print()
    print("| instruction count | portsock | raw | ratio |")
    print("|---|---:|---:|---:|")
    print(instructions)
PY
)
echo
echo "$table"
echo "$table" > "$out/bench.md"

if [ "$update" = yes ]; then
    echo "$table" | python3 ci/readme-section.py bench
fi
