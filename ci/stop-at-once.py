#!/usr/bin/env python3
"""Starts a thankyou-server N times and tells it to stop (SIGTERM) as soon as it
says it is listening; counts the starts after which it did not exit within 10 s.

    python3 ci/stop-at-once.py build/tsan/apps/thankyou-server 300

It found the ThreadSanitizer signal loss that tests/README.md
describes: run several at once (and beside busy loops) to widen the window.
"""
import signal
import subprocess
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: stop-at-once.py SERVER N", file=sys.stderr)
        return 2
    exe, runs = sys.argv[1], int(sys.argv[2])
    hangs = 0
    for _ in range(runs):
        server = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for _ in range(3):  # created, bound, listening
            server.stdout.readline()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            hangs += 1
            server.kill()
            server.wait()
        server.stdout.close()
    print(f"{exe}: {runs} starts, {hangs} did not stop")
    return 1 if hangs else 0


if __name__ == "__main__":
    sys.exit(main())
