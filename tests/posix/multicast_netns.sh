#!/bin/sh
# Runs multicast_test's IPv6 cases (Multicast6.*) in a private network
# namespace, over a veth pair: Linux's lo does not deliver IPv6 multicast,
# even with its MULTICAST flag set and a route for ff00::/8 (tried). The
# address is added without duplicate address detection, so it is usable at
# once. tests/CMakeLists.txt registers this as multicast_test.namespace.
# Usage: multicast_netns.sh <unshare> <ip> <multicast_test>
# Exits 77 (skipped) where this host cannot make a network namespace.
unshare=$1 ip=$2 test=$3
if ! "$unshare" -rn "$ip" link add psva type veth peer name psvb 2>/dev/null; then
    echo "skipped: this host cannot make a network namespace with a veth pair (unshare -rn, ip link add)"
    exit 77
fi
exec "$unshare" -rn sh -c '
    set -e
    "$1" link set lo up
    "$1" link add psva type veth peer name psvb
    "$1" link set psva up
    "$1" link set psvb up
    "$1" -6 addr add fd70:7377::1/64 dev psva nodad
    PORTSOCK_TEST_MULTICAST6="psva fd70:7377::1" exec "$2" --gtest_filter="Multicast6.*"' sh "$ip" "$test"
