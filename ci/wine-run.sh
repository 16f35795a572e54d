#!/usr/bin/env bash
# Runs a Windows executable under wine, quietly and fast, for ctest
# (CMAKE_CROSSCOMPILING_EMULATOR) and by hand:  ci/wine-run.sh prog.exe args...
#
# Wine's helper processes (wineserver, services.exe, ...) inherit the stdout and
# stderr of whoever starts them; under ctest that makes every test wait for
# them to exit. So one persistent wineserver and one warm-up `cmd /c exit` are
# started first, detached from our descriptors, under a lock (ctest -j). After
# that a run costs about 0.1 s. The prefix is created on first use (~10 s).
#
# Environment: PORTSOCK_WINEPREFIX (default ~/.cache/portsock-wine) chooses
# the prefix. The exit status is the program's. Output is passed through with
# Windows' CRLF line ends turned into LF, so that ctest and gtest's test
# discovery see plain lines. The filter passes each line on as it comes (a
# redirected server shows "listening on ..." while it runs) and ignores
# Ctrl-C, so it forwards the program's last words until the program exits.
set -uo pipefail

export WINEPREFIX="${PORTSOCK_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/portsock-wine}"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$(dirname "$WINEPREFIX")"

# Whether this prefix's server runs. Debian's server process is named
# wineserver64 (or wineserver32), so the name is matched as a prefix (with
# `-x wineserver` it never matched, and every run started another server
# beside the running one); a zombie (exited, not yet reaped) does not count;
# and the server must be this prefix's: with two prefixes in use (the gate's
# beside a developer's), another prefix's server made this check pass, no
# persistent server was started for this one, and wine started and stopped a
# short-lived one around each test.
server_running() {
    local pid
    for pid in $(pgrep -u "$(id -u)" -r R,S,D '^wineserver'); do
        tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && return 0
    done
    return 1
}

(
    flock 9
    if ! server_running || [ ! -f "$WINEPREFIX/.portsock-ready" ]; then
        # Detached from our output and from the lock (fd 9), or they would
        # hold both open for as long as they live.
        wineserver -p900 </dev/null >/dev/null 2>&1 9>&- &
        wine cmd.exe /c exit </dev/null >/dev/null 2>&1 9>&-
        touch "$WINEPREFIX/.portsock-ready"
    fi
) 9>"$WINEPREFIX.lock"

crlf_to_lf() { trap '' INT; exec sed -u 's/\r$//'; }
wine "$@" 2> >(crlf_to_lf >&2) | crlf_to_lf
status=${PIPESTATUS[0]}
wait
exit "$status"
