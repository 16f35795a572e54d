#!/usr/bin/env python3
"""How long an echo server takes to answer N connections that all speak at once.

    python3 ci/first-echo.py PORT [N] [LIMIT_S]      defaults: N 2000, LIMIT_S 30

Connects N TCP sockets to 127.0.0.1:PORT in batches of 200 (each batch
connected before the next starts, so that none waits on a listen backlog of
1,024), sends 32 bytes on each, and prints how long the first echo took and
how long all of them took (or how many came back within LIMIT_S seconds).
ci/BENCHMARKS.md uses it against echo-server.exe under wine, for each Windows
poller. Needs an open-file limit above N (ulimit -n).
"""
import selectors
import socket
import sys
import time

BATCH = 200
MESSAGE = b"x" * 32


def connect_all(port, n):
    socks = []
    for start in range(0, n, BATCH):
        batch = []
        connecting = selectors.DefaultSelector()
        for _ in range(start, min(n, start + BATCH)):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            batch.append(s)
            connecting.register(s, selectors.EVENT_WRITE)
        left = len(batch)
        while left:
            ready = connecting.select(5)
            if not ready:
                sys.exit(f"first-echo: connections {start + 1}-{start + len(batch)} to port {port} "
                         f"not made within 5 s")
            for key, _ in ready:
                connecting.unregister(key.fileobj)
                left -= 1
        connecting.close()
        for s in batch:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                sys.exit(f"first-echo: connect to 127.0.0.1:{port}: {socket.errno.errorcode.get(err, err)}")
        socks += batch
    return socks


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    socks = connect_all(port, n)
    reading = selectors.DefaultSelector()
    owed = {}
    for s in socks:
        s.send(MESSAGE)
        reading.register(s, selectors.EVENT_READ)
        owed[s] = len(MESSAGE)
    start = time.monotonic()
    first = None
    while owed and time.monotonic() - start < limit:
        for key, _ in reading.select(0.5):
            data = key.fileobj.recv(64)
            if not data:
                sys.exit("first-echo: the server closed a connection")
            if first is None:
                first = time.monotonic() - start
            owed[key.fileobj] -= len(data)
            if owed[key.fileobj] <= 0:
                del owed[key.fileobj]
                reading.unregister(key.fileobj)
    took = time.monotonic() - start
    first_text = f"{first:.2f} s" if first is not None else f"none within {limit:g} s"
    print(f"{n} connections: first echo {first_text}, {n - len(owed)} of {n} echoed in {took:.2f} s")
    for s in socks:
        s.close()
    return 0 if not owed else 1


if __name__ == "__main__":
    sys.exit(main())
