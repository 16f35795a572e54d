#!/usr/bin/env bash
# Runs `cmake --workflow --preset <name>` for each name given, keeps going
# after a failure, and prints a summary table (preset, result, tests passed,
# failed, skipped, seconds) and a closing "N passed, N failed, N skipped"
# line (a skipped test is not counted as passed).
# Exits non-zero if any workflow failed. Logs go to build/logs/<preset>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/logs

rows=()
total_passed=0
total_failed=0
total_skipped=0
status=0
for preset in "$@"; do
    log="build/logs/$preset.log"
    echo "=== cmake --workflow --preset $preset"
    start=$(date +%s)
    # The workflow's own status, kept apart from the filter's (grep finding
    # nothing is not a failure; a failed workflow must never read as one).
    { cmake --workflow --preset "$preset"; echo "$?" > "$log.status"; } 2>&1 | tee "$log" |
        grep -E '^\s*[0-9]+/[0-9]+ Test .*(Failed|Skipped|Not Run|Timeout|Exception)|tests passed|error:|warning:|FAILED' || true
    rc=$(cat "$log.status")
    seconds=$(( $(date +%s) - start ))
    summary=$(grep -E '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
    failed=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$summary")
    skipped=$(grep -cE '^\s*[0-9]+/[0-9]+ Test .*\*\*\*Skipped' "$log" || true)
    [ -n "$total" ] || total=0
    [ -n "$failed" ] || failed=0
    passed=$(( total - failed - skipped ))
    result=ok
    if [ "$rc" -ne 0 ] || [ "$total" -eq 0 ] || [ "$failed" -ne 0 ]; then result=FAILED; status=1; fi
    total_passed=$(( total_passed + passed ))
    total_failed=$(( total_failed + failed ))
    total_skipped=$(( total_skipped + skipped ))
    rows+=("$(printf '%-16s %-7s %7s %7s %8s %8s' "$preset" "$result" "$passed" "$failed" "$skipped" "$seconds")")
done

echo
printf '%-16s %-7s %7s %7s %8s %8s\n' preset result passed failed skipped seconds
printf '%s\n' "${rows[@]}"
echo
echo "workflows: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit $status
