#!/usr/bin/env python3
"""Helpers of bench/run (see bench/README.md).

  tools.py first200 --port N --path /p [--timeout S] [--log FILE] -- java ...
      Starts the command (SIGINT and SIGQUIT at their default action), polls http://127.0.0.1:N/p until it answers 200, prints
      "first200_ms=<ms from spawn to the 200> pid=<pid>", then stops the process (SIGTERM, SIGKILL after 10 s).
      Polling costs next to nothing (a refused connect returns at once; one attempt every 2 ms), so the
      server does not compete with the probe for the CPU.

  tools.py jmh-table FILE.csv
      Prints a Markdown table of bench/router's JMH CSV results: Baton vs Undertow per route count and kind.
"""
import csv
import os
import signal
import socket
import subprocess
import sys
import time


def default_signals():
    """In the server's process before exec: SIGINT and SIGQUIT at their default action, as systemd starts a service.
    Run as a background job of a script, this script inherited them ignored, and so would the server: the JVM then
    declines to handle SIGINT, and Baton first undoes the SIG_IGN through jnr (about 150 ms once, on JDK 25), a cost
    of how the benchmark was started, not of the server."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def first200(argv):
    port, path, timeout, log = None, "/", 60.0, os.devnull
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--port":
            port = int(argv[i + 1])
        elif argv[i] == "--path":
            path = argv[i + 1]
        elif argv[i] == "--timeout":
            timeout = float(argv[i + 1])
        elif argv[i] == "--log":
            log = argv[i + 1]
        else:
            sys.exit("first200: unknown option " + argv[i])
        i += 2
    command = argv[i + 1:]
    if port is None or not command:
        sys.exit("first200: --port and a command are required")
    request = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % (path, port)).encode()
    with open(log, "ab") as out:
        start = time.monotonic()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=default_signals)
    elapsed = None
    try:
        deadline = start + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                    s.sendall(request)
                    status = s.recv(64)
                if status.startswith(b"HTTP/1.1 200") or status.startswith(b"HTTP/1.0 200"):
                    elapsed = (time.monotonic() - start) * 1000
                    break
            except OSError:
                pass
            time.sleep(0.002)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if elapsed is None:
        print("first200_ms=- pid=%d exit=%s" % (process.pid, process.returncode))
        return 1
    print("first200_ms=%.0f pid=%d" % (elapsed, process.pid))
    return 0


def jmh_table(argv):
    rows = {}
    with open(argv[0], newline="") as f:
        for r in csv.DictReader(f):
            bench = r["Benchmark"].rsplit(".", 1)[-1]
            key = (int(r["Param: routes"]), r["Param: kind"])
            err = r["Score Error (99.9%)"]
            rows.setdefault(key, {})[bench] = (float(r["Score"]), float(err) if err not in ("", "NaN") else float("nan"))
    kinds = {"static": 0, "param": 1, "wildcard": 2}
    print("| routes | lookup | Baton `Router.find` ns/op | Undertow `PathTemplateMatcher` ns/op | Baton / Undertow time |")
    print("|---:|---|---:|---:|---:|")
    for (routes, kind) in sorted(rows, key=lambda k: (k[0], kinds.get(k[1], 9))):
        b = rows[(routes, kind)].get("baton")
        u = rows[(routes, kind)].get("undertow")
        cell = lambda v: "-" if v is None else ("%.1f ± %.1f" % v)
        ratio = "-" if not b or not u else "%.2f" % (b[0] / u[0])
        print("| %d | %s | %s | %s | %s |" % (routes, kind, cell(b), cell(u), ratio))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tool = {"first200": first200, "jmh-table": jmh_table}.get(sys.argv[1])
    if tool is None:
        sys.exit(__doc__)
    sys.exit(tool(sys.argv[2:]))
