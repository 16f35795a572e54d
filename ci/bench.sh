#!/usr/bin/env bash
# The performance record: every sockbench workload run through portsock
# (client and server) and through raw system calls (sockbench --raw against
# sockbench serve-raw), interleaved A B B A ... in one run, with the server
# pinned to one CPU and the client to another. Prints a Markdown table of
# medians and portsock/raw ratios (the median of each round's own ratio, with
# a distribution-free 95% interval), then the user-space instructions
# (valgrind --tool=callgrind: stable on a noisy machine) and system calls
# (strace -c) per echoed message of the portsock and the raw TCP and UDP
# servers. With --update-page, also puts the tables into ci/BENCHMARKS.md between
# the bench markers.
#
#   bash ci/bench.sh [--rounds N] [--seconds S] [--instructions-only] [--batch-only] [--update-page]
#
# Besides the portsock/raw pairs: `udp-batch` (recv_many / send_many, 8 and
# 32 datagrams in flight) against the raw one-datagram server, compared by
# the server's datagrams per CPU-second, and the echo-server app against
# the raw server in `bulk` (--batch-only runs just these). The ratios are
# also drawn as a chart, build/bench/ratios.svg (ci/bench-ratios.svg with
# --update-page), written here without any plotting library.
#
# Needs the release preset's build (made here), python3, taskset (util-linux),
# valgrind for the instruction counts and strace for the system-call counts
# (each skipped with a note when absent).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=9
seconds=1
update=no
batch_only=no
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --update-page) update=yes; shift ;;
        --instructions-only) rounds=0; shift ;;
        --batch-only) batch_only=yes; shift ;;
        *) echo "usage: ci/bench.sh [--rounds N] [--seconds S] [--instructions-only] [--batch-only] [--update-page]" >&2; exit 2 ;;
    esac
done

cmake --preset release >/dev/null
cmake --build --preset release --target sockbench echo-server >/dev/null
bench=${PORTSOCK_BENCH:-build/release/apps/sockbench}
echo_server=${PORTSOCK_ECHO_SERVER:-build/release/apps/echo-server}
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

server_cpu_ns() {
    if [ -r "/proc/$server_pid/schedstat" ]; then read -r ns _ < "/proc/$server_pid/schedstat"; echo "$ns"; else echo 0; fi
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
        # The server's CPU time over the client's run (Linux's schedstat:
        # nanoseconds on a CPU, exact; 0 where there is none).
        local before after
        before=$(server_cpu_ns)
        "${client_pin[@]}" "$bench" "$@" --host 127.0.0.1 --port "$port" --seconds "$seconds" --json $flag > "$out/run.json"
        after=$(server_cpu_ns)
        sed "s/^{/{\"label\": \"$label\", \"round\": $round, \"server_cpu_s\": $(( after - before ))e-9, /" \
            "$out/run.json" >> "$results"
        stop_server
    done
}

# run_other LABEL SERVER-KIND CLIENT-ARGS...: like run_pair, for the pairs
# whose portsock side is not `sockbench serve`: udp-batch (serve udp-batch
# against serve-raw udp-batch, the raw one-datagram server; the client is
# the same portsock batch client for both) and echo-server (the app against
# serve-raw echo, with the raw client for both).
run_other() {
    local label=$1 kind=$2
    shift 2
    for impl in $order; do
        local flag=""
        if [ "$kind" = echo-server ]; then
            flag=--raw
            if [ "$impl" = raw ]; then
                start_server "${server_pin[@]}" "$bench" serve-raw echo --host 127.0.0.1 --port 0
            else
                start_server "${server_pin[@]}" "$echo_server" --host 127.0.0.1 --port 0 --tcp
            fi
        else
            local mode=serve
            [ "$impl" = raw ] && mode=serve-raw
            start_server "${server_pin[@]}" "$bench" "$mode" "$kind" --host 127.0.0.1 --port 0
        fi
        local before after
        before=$(server_cpu_ns)
        "${client_pin[@]}" "$bench" "$@" --host 127.0.0.1 --port "$port" --seconds "$seconds" --json $flag > "$out/run.json"
        after=$(server_cpu_ns)
        sed "s/^{/{\"label\": \"$label\", \"round\": $round, \"server_cpu_s\": $(( after - before ))e-9, /; s/\"impl\": \"[a-z]*\"/\"impl\": \"$impl\"/" \
            "$out/run.json" >> "$results"
        stop_server
    done
}

echo "ci/bench.sh: $rounds rounds of ${seconds} s per workload and implementation (server on CPU $server_cpu, client on CPU $client_cpu)"
for round in $(seq 1 "$rounds"); do
    echo "  round $round of $rounds"
    # A B in odd rounds, B A in even ones: whatever favours the first (or the
    # second) run of a pair falls on both sides alike.
    if [ $(( round % 2 )) -eq 1 ]; then order="portsock raw"; else order="raw portsock"; fi
    if [ "$batch_only" = no ]; then
        run_pair "thankyou, 1 client" thankyou thankyou --clients 1
        run_pair "thankyou, 4 clients" thankyou thankyou --clients 4
        run_pair "pingpong, 32 B" echo pingpong --size 32
        run_pair "pingpong, 16 KiB" echo pingpong --size 16384
        run_pair "concurrent, 100 x 32 B" echo concurrent --connections 100 --size 32
        run_pair "concurrent, 10000 x 32 B" echo concurrent --connections 10000 --size 32
        run_pair "bulk, 64 KiB writes" echo bulk
        run_pair "udp, 32 B" udp udp --size 32
    fi
    run_other "udp-batch, 8 x 32 B" udp-batch udp-batch --batch 8 --size 32
    run_other "udp-batch, 32 x 32 B" udp-batch udp-batch --batch 32 --size 32
    run_other "echo-server app, bulk" echo-server bulk
done

# Per message, for the TCP echo server and the UDP server, portsock against
# raw: user-space instructions (valgrind --tool=callgrind) and system calls
# (strace -c). Each server answers a raw client for N1 and then N2 round
# trips; the difference divided by N2 - N1 leaves out start-up and shutdown.
# The UDP client pauses 1 ms after each round trip: a server slowed by
# valgrind or strace is then waiting when the next datagram arrives, as a
# real server is, instead of finding it already queued (which made the
# counts depend on the timing of the run and spared the servers their wait).
instructions=""
n1=2000
n2=12000
count_server() {  # $1 callgrind|strace, $2 serve|serve-raw|echo-server, $3 echo|udp, $4 round trips: prints the total
    local file="$out/$1.$2.$3.$4" client=(pingpong)
    [ "$3" = udp ] && client=(udp --pause-us 1000)
    rm -f "$file"
    # The server: sockbench's, or the echo-server app (TCP or UDP only).
    local server=("$bench" "$2" "$3" --host 127.0.0.1 --port 0)
    if [ "$2" = echo-server ]; then
        local only=--tcp
        [ "$3" = udp ] && only=--udp
        server=("$echo_server" --host 127.0.0.1 --port 0 "$only")
    fi
    if [ "$1" = callgrind ]; then
        start_server valgrind -q --tool=callgrind --callgrind-out-file="$file" "${server[@]}"
    else
        start_server strace -f -c -o "$file" "${server[@]}"
    fi
    "$bench" "${client[@]}" --raw --host 127.0.0.1 --port "$port" --count "$4" --size 32 >/dev/null
    if [ "$1" = strace ]; then
        # The TERM goes to the server, not to strace (which would detach).
        pkill -TERM -P "$server_pid" || true
    fi
    stop_server
    if [ "$1" = callgrind ]; then
        awk '/^(summary|totals):/ { print $2; exit }' "$file"
    else
        awk '$NF == "total" { print $4; exit }' "$file"
    fi
}
per_message() {  # $1 tool, $2 serve|serve-raw, $3 echo|udp: prints the count per message
    local first second
    first=$(count_server "$1" "$2" "$3" $n1)
    second=$(count_server "$1" "$2" "$3" $n2)
    python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / (int(sys.argv[3]) - int(sys.argv[4])):.1f}')" \
        "$first" "$second" $n2 $n1
}
row() {  # $1 label, $2 echo|udp
    local ips ir sps="" sr=""
    ips=$(per_message callgrind serve "$2"); ir=$(per_message callgrind serve-raw "$2")
    if command -v strace >/dev/null; then
        sps=$(per_message strace serve "$2"); sr=$(per_message strace serve-raw "$2")
    fi
    python3 - "$1" "$ips" "$ir" "$sps" "$sr" <<'PY'
import sys
label, ips, ir, sps, sr = sys.argv[1:]
ips, ir = float(ips), float(ir)
calls = f"{float(sps):.2f} | {float(sr):.2f}" if sps else "(no strace) | "
print(f"| {label} | {ips:.0f} | {ir:.0f} | {ips / ir:.2f} | {calls} |")
PY
}
if [ "$batch_only" = yes ]; then
    :
elif command -v valgrind >/dev/null; then
    instructions="| server, per 32-byte message | instructions, portsock | instructions, raw | ratio (target at most 1.15) | system calls, portsock | system calls, raw |
|---|---:|---:|---:|---:|---:|
$(row "TCP echo (\`serve echo\`)" echo)
$(row "UDP echo (\`serve udp\`)" udp)"
    # The echo-server app against the same raw servers (issue 16's targets:
    # at most 2.5 times per TCP echo, 3 times per UDP datagram).
    app_row() {  # $1 label, $2 echo|udp, $3 target
        local ia ir sa="" sr=""
        ia=$(per_message callgrind echo-server "$2"); ir=$(per_message callgrind serve-raw "$2")
        if command -v strace >/dev/null; then
            sa=$(per_message strace echo-server "$2"); sr=$(per_message strace serve-raw "$2")
        fi
        python3 - "$1" "$ia" "$ir" "$3" "$sa" "$sr" <<'PY'
import sys
label, a, r, target, sa, sr = sys.argv[1:]
a, r = float(a), float(r)
calls = f"{float(sa):.2f} | {float(sr):.2f}" if sa else "(no strace) | "
print(f"| {label} | {a:.0f} | {r:.0f} | {a / r:.2f} | {target} | {calls} |")
PY
    }
    instructions="$instructions

| \`echo-server\` app, per 32-byte message | instructions, echo-server | instructions, raw server | ratio | target | system calls, echo-server | system calls, raw |
|---|---:|---:|---:|---|---:|---:|
$(app_row "TCP echo (\`--tcp\`)" echo "at most 2.50")
$(app_row "UDP echo (\`--udp\`)" udp "at most 3.00")"
else
    echo "ci/bench.sh: valgrind is not installed: no instruction counts" >&2
fi

table=$(python3 - "$results" "$instructions" "$rounds" "$seconds" "$out/ratios.svg" "$batch_only" <<'PY'
import json, math, statistics, sys, datetime, platform, os
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
instructions, rounds, seconds, svg_path, batch_only = sys.argv[2:7]
bars = []  # (label, ratio, low, high, target) for the chart
labels = []
for r in rows:
    if r["label"] not in labels:
        labels.append(r["label"])
def runs(label, impl):
    return {r["round"]: r for r in rows if r["label"] == label and r["impl"] == impl}
def median_interval(values):
    # The median and a distribution-free interval around it: the k-th
    # smallest and k-th largest values, with k the largest for which the
    # binomial coverage is still at least 95% (none for fewer than 6 values).
    v = sorted(values)
    n = len(v)
    k = 0
    for j in range(1, n // 2 + 1):
        miss = sum(math.comb(n, i) for i in range(j)) / 2 ** n
        if 1 - 2 * miss >= 0.95:
            k = j
    return statistics.median(v), (v[k - 1], v[n - k]) if k else None
only = " --batch-only" if batch_only == "yes" else ""
print(f"Measured {datetime.date.today().isoformat()} on this machine ({os.cpu_count()} CPUs, {platform.machine()}), "
      f"`bash ci/bench.sh{only} --rounds {rounds} --seconds {seconds}` ({rounds} interleaved rounds of {seconds} s). "
      "Throughput columns are medians. The ratio is the median of the rounds' own ratios (portsock / raw, each "
      "pair run side by side), with its 95% interval: at least 0.97 is the target, and the target is shown "
      "met only when the whole interval is above it. CPU per operation: the client's and the server's CPU time "
      "(std::clock and /proc/PID/schedstat) per operation, raw / portsock, so that 1 is equal cost and below 1 "
      "means portsock costs more. p99 ratio = raw / portsock (higher is better for portsock).")
print()
batch_labels = [l for l in labels if l.startswith("udp-batch") or l.startswith("echo-server")]
labels = [l for l in labels if l not in batch_labels]
if labels:
    print("| workload | portsock | raw | ratio | 95% interval | target | CPU per operation, raw / portsock (95% interval) | p99 portsock | p99 raw | p99 ratio |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
for label in labels:
    key, unit = ("gbps", "GB/s") if label.startswith("bulk") else ("rate", "/s")
    a, b = runs(label, "portsock"), runs(label, "raw")
    paired = sorted(set(a) & set(b))
    ratio, interval = median_interval([a[k][key] / b[k][key] for k in paired])
    med = lambda side, field: statistics.median(side[k][field] for k in paired)
    fmt = (lambda v: f"{v:.2f} {unit}") if key == "gbps" else (lambda v: f"{v:,.0f} {unit}")
    if interval is None:
        span, verdict = "(too few rounds)", "not shown"
    else:
        span = f"{interval[0]:.3f} to {interval[1]:.3f}"
        verdict = "met" if interval[0] >= 0.97 else ("missed" if interval[1] < 0.97 else "not shown")
    bars.append((label, ratio, interval[0] if interval else ratio, interval[1] if interval else ratio, 0.97))
    # CPU time per operation, client and server together: raw / portsock.
    def cpu(side, k):
        return (side[k].get("cpu_s", 0) + side[k].get("server_cpu_s", 0)) / max(side[k]["operations"], 1)
    cost = [cpu(b, k) / cpu(a, k) for k in paired if cpu(a, k) > 0 and cpu(b, k) > 0]
    if cost:
        c, ci = median_interval(cost)
        cpu_cell = f"{c:.3f}" + (f" ({ci[0]:.3f} to {ci[1]:.3f})" if ci else "")
    else:
        cpu_cell = "(not measured)"
    if key == "gbps":
        print(f"| {label} | {fmt(med(a, key))} | {fmt(med(b, key))} | {ratio:.3f} | {span} | {verdict} | {cpu_cell} | | | |")
        continue
    pa, pb = med(a, "p99_us"), med(b, "p99_us")
    losses = sum(r["losses"] for r in rows if r["label"] == label)
    extra = f" ({losses} lost)" if label.startswith("udp") else ""
    print(f"| {label}{extra} | {fmt(med(a, key))} | {fmt(med(b, key))} | {ratio:.3f} | {span} | {verdict} "
          f"| {cpu_cell} | {pa:.1f} us | {pb:.1f} us | {pb / pa:.3f} |")
# The batch server against the raw one-datagram server: datagrams per
# second of the server's CPU time (the client is the same). And the
# echo-server app against the raw server in bulk.
def per_cpu(r):
    return r["operations"] / r["server_cpu_s"] if r.get("server_cpu_s", 0) > 0 else 0
if batch_labels:
    print()
    print("| workload | portsock | raw one-datagram server | ratio | 95% interval | target |")
    print("|---|---:|---:|---:|---:|---|")
for label in batch_labels:
    a, b = runs(label, "portsock"), runs(label, "raw")
    paired = sorted(set(a) & set(b))
    if label.startswith("udp-batch"):
        values = [per_cpu(a[k]) / per_cpu(b[k]) for k in paired if per_cpu(a[k]) > 0 and per_cpu(b[k]) > 0]
        fa = statistics.median(per_cpu(a[k]) for k in paired)
        fb = statistics.median(per_cpu(b[k]) for k in paired)
        cells, target = (f"{fa:,.0f} datagrams per server CPU-s", f"{fb:,.0f}"), (2.0 if "32 x" in label else None)
    else:
        values = [a[k]["gbps"] / b[k]["gbps"] for k in paired if b[k]["gbps"] > 0]
        cells = (f"{statistics.median(a[k]['gbps'] for k in paired):.2f} GB/s",
                 f"{statistics.median(b[k]['gbps'] for k in paired):.2f} GB/s")
        target = 0.95
    if not values:
        continue
    ratio, interval = median_interval(values)
    span = f"{interval[0]:.3f} to {interval[1]:.3f}" if interval else "(too few rounds)"
    if target is None:
        verdict = ""
    elif interval is None:
        verdict = f"at least {target}: " + ("met (median)" if ratio >= target else "missed (median)")
    else:
        verdict = f"at least {target}: " + ("met" if interval[0] >= target else ("missed" if interval[1] < target else "not shown"))
    print(f"| {label} | {cells[0]} | {cells[1]} | {ratio:.2f} | {span} | {verdict} |")
    bars.append((label, ratio, interval[0] if interval else ratio, interval[1] if interval else ratio, target))
if instructions:
    print()
    print(instructions)

# The chart: one bar per ratio, its interval as a whisker, its target as a
# tick; plain SVG text, no plotting library.
if bars:
    width, left, row, top = 760, 230, 26, 30
    top_value = max(2.5, max(b[3] for b in bars) * 1.1)
    scale = (width - left - 20) / top_value
    x = lambda v: left + v * scale
    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;")
    height = top + row * len(bars) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="16" font-weight="bold">portsock / raw (1 = the raw system calls; higher is better)</text>']
    for i, (label, ratio, low, high, target) in enumerate(bars):
        y = top + i * row
        colour = "#4878a8" if target is None or ratio >= target else "#c8643c"
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{esc(label)}</text>')
        out.append(f'<rect x="{left}" y="{y + 4}" width="{ratio * scale:.1f}" height="{row - 8}" fill="{colour}"/>')
        out.append(f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y + row / 2:.1f}" y2="{y + row / 2:.1f}" stroke="black"/>')
        out.append(f'<text x="{x(max(ratio, high)) + 4:.1f}" y="{y + 15}">{ratio:.2f}</text>')
        if target is not None:
            out.append(f'<line x1="{x(target):.1f}" x2="{x(target):.1f}" y1="{y + 1}" y2="{y + row - 1}" stroke="black" stroke-dasharray="3,2"/>')
    axis = top + row * len(bars) + 4
    for v in [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]:
        if v <= top_value:
            out.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{axis}" stroke="#ccc"/>')
            out.append(f'<text x="{x(v):.1f}" y="{axis + 14}" text-anchor="middle">{v:g}</text>')
    out.append(f'<text x="{width - 10}" y="{axis + 26}" text-anchor="end" font-size="10">dashed: the target; whisker: 95% interval; orange: below its target</text>')
    out.append("</svg>")
    with open(svg_path, "w") as f:
        f.write("\n".join(out) + "\n")
PY
)
echo
echo "$table"
echo "$table" > "$out/bench.md"

if [ "$update" = yes ]; then
    if [ "$batch_only" = yes ]; then
        echo "$table" | python3 ci/page-section.py ci/BENCHMARKS.md batch
    else
        echo "$table" | python3 ci/page-section.py ci/BENCHMARKS.md bench
    fi
    [ -f "$out/ratios.svg" ] && cp "$out/ratios.svg" ci/bench-ratios.svg
fi
