#!/usr/bin/env bash
# A slow, lossy network: echo_load drives echo-server over the loopback of a
# private network namespace whose qdisc is netem (20 ms +- 10 ms delay, 3 %
# loss, some reordering). Every byte of every connection must come back, and
# the server must stop cleanly on SIGTERM. Needs root, `ip netns` and tc's
# netem; without them the test is skipped (exit 77) and says why.
#
#   netem_test.sh ECHO_SERVER ECHO_LOAD
set -u
server_exe=$1
load_exe=$2

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create a network namespace"
command -v ip >/dev/null 2>&1 || skip "needs ip (iproute2)"
command -v tc >/dev/null 2>&1 || skip "needs tc (iproute2)"

ns="portsock-netem-$$"
ip netns add "$ns" >/dev/null 2>&1 || skip "ip netns add failed: no network namespaces here"
work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
    ip netns delete "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || skip "cannot bring up loopback in the namespace"
in_ns tc qdisc add dev lo root netem delay 20ms 10ms loss 3% reorder 5% 50% >/dev/null 2>&1 ||
    skip "tc netem is not available (kernel module sch_netem)"

mkfifo "$work/out"
# `ip netns exec` runs the program as its child: the shell notes the
# server's own pid before it becomes the server, so SIGTERM reaches it.
in_ns sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$work/pid" \
    "$server_exe" --tcp --host 127.0.0.1 --port 0 >"$work/out" 2>"$work/err" &
ip_pid=$!
# Its first line names the port: "echo-server: serving TCP on 127.0.0.1:PORT".
exec 3<"$work/out"
line=
read -r -t 20 line <&3
port=$(printf '%s\n' "$line" | sed -n 's/^echo-server: serving .*:\([0-9][0-9]*\)$/\1/p')
[ -n "$port" ] || { echo "echo-server did not start: $line"; cat "$work/err"; exit 1; }
server_pid=$(cat "$work/pid")

status=0
in_ns "$load_exe" 127.0.0.1 "$port" 200 20000 0 || status=1

kill -TERM "$server_pid"
wait "$ip_pid"   # ip netns exec ends with its child's status
server_status=$?
server_pid=
if [ "$server_status" -ne 0 ]; then
    echo "echo-server exited with status $server_status:"
    cat "$work/err"
    status=1
fi
exit $status
