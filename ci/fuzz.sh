#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan + UBSan) and runs each fuzz
# target in tests/fuzz for SECONDS seconds (default 10), one after the other,
# starting from the checked-in seed corpus (tests/fuzz/corpus/<target>/; new
# inputs go to build/fuzz/corpus/<target>/, never into the source tree).
# Prints the executions per target; fails when a target crashes or a check in
# it fails (the input is kept as build/fuzz/artifacts/<target>-crash-*).
#
#   bash ci/fuzz.sh 10        # what the gate runs
#   bash ci/fuzz.sh 300       # a longer run
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
case "$seconds" in
    ''|*[!0-9]*) echo "usage: ci/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

# clang and its runtime (libFuzzer lives in libclang-rt-14-dev on Debian 12).
if command -v apt-get >/dev/null 2>&1; then
    bash ci/install-debian.sh
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

targets=(address endpoint_parse host_port local_path repr cmsg)
build=build/fuzz
mkdir -p "$build/artifacts"
status=0
results=()
for t in "${targets[@]}"; do
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    log="$build/fuzz_$t.log"
    echo "fuzz: $t for ${seconds} s"
    set +e
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
        "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    inputs=$(find "$corpus" -type f | wc -l)
    if [ "$rc" -eq 0 ]; then
        outcome=ok
    else
        outcome="FAILED (exit $rc)"
        status=1
        echo "fuzz: $t failed; the end of its log ($log):" >&2
        tail -40 "$log" >&2
    fi
    results+=("$(printf '%-16s %12s %10s %8s  %s' "$t" "${runs:-?}" "${rate:-?}" "$inputs" "$outcome")")
done

echo
printf '%-16s %12s %10s %8s  %s\n' target executions exec/s corpus result
printf '%s\n' "${results[@]}"
exit "$status"
