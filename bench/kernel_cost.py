"""Kernel-side cost per request (`make bench`, section `cost`, under the callgrind table): system calls and
context switches of a running server per request, counted by `perf stat` (software events: no hardware counters
needed) while one keep-alive connection sends exactly N requests. Callgrind counts user-space instructions only; a
hand-off between threads per request shows here, as futex calls and context switches. CPU time per request
(task-clock, user + kernel) is printed too, but unlike the counts it moves with the machine's load. Parley's
counts repeat within a few per cent; Go's scheduler moves its own by up to a quarter between runs (when a request
finds a spinning thread, no wake-up is needed).

  kernel_cost.py --header
  kernel_cost.py ROUTE SERVER PID URL N [HEADER: VALUE ...]    one row

Before the row, the same counters over an idle second of the same server give its rate without requests (timers),
which is subtracted for the row's duration."""
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_client  # noqa: E402

EVENTS = ["raw_syscalls:sys_enter", "context-switches", "task-clock"]
ATTACH_SECONDS = 0.5  # perf stat -p needs a moment to attach to every thread before the counted work starts
IDLE_SECONDS = 1.0
WARMUP = 200
ROW_FORMAT = "{:<26} {:<12} {:>8} {:>14} {:>14} {:>14}"


def perf_window(pid, action):
    """{event: count} over `action` (plus the attach time, idle) and the window's length in seconds."""
    with tempfile.NamedTemporaryFile("r", suffix=".perf") as output:
        perf = subprocess.Popen(["perf", "stat", "-x,", "-e", ",".join(EVENTS), "-p", str(pid), "-o", output.name],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        time.sleep(ATTACH_SECONDS)
        action()
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=30)
        seconds = time.monotonic() - started
        counts = {}
        for line in output.read().splitlines():
            fields = line.split(",")
            if len(fields) >= 3 and fields[2] in EVENTS:
                # "<not counted>": no thread of the server ran in the window (Go has no timers when idle).
                counts[fields[2]] = float(fields[0]) if fields[0][:1].isdigit() else 0.0
    missing = [event for event in EVENTS if event not in counts]
    if missing:
        sys.exit(f"kernel_cost: perf stat gave no {', '.join(missing)} (perf_event_paranoid, or no tracefs?)")
    return counts, seconds


def main():
    if sys.argv[1:] == ["--header"]:
        print(ROW_FORMAT.format("route", "server", "requests", "syscalls/req", "ctx-switch/req", "CPU µs/req"))
        return
    route, server, pid, url, requests = sys.argv[1:6]
    headers = dict(header.split(": ", 1) for header in sys.argv[6:])
    requests = int(requests)
    parsed = urllib.parse.urlsplit(url)
    clients = bench_client.KeepAliveClients(parsed.port, 1)
    try:
        clients.run(parsed.path, headers, WARMUP)
        idle, idle_seconds = perf_window(pid, lambda: time.sleep(IDLE_SECONDS))
        busy, busy_seconds = perf_window(pid, lambda: clients.run(parsed.path, headers, requests))
    finally:
        clients.close()
    # task-clock is in milliseconds.
    per_request = {event: (busy[event] - idle[event] * busy_seconds / idle_seconds) / requests for event in EVENTS}
    print(ROW_FORMAT.format(route, server, requests, f"{per_request['raw_syscalls:sys_enter']:.2f}",
                            f"{per_request['context-switches']:.2f}", f"{per_request['task-clock'] * 1000:.1f}"))


if __name__ == "__main__":
    main()
