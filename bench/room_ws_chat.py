"""`make bench` `ws` section: room WebSocket fan-out, N clients in one room exchanging chat (Tests/Interop/roomws/
load.py's chat_load), against each server given, in one run, rounds alternating between servers.

Per server: delivery latency p50/p99/max, messages delivered per second over the chat window (first send to last
delivery), the server's CPU time (utime + stime from /proc/PID/stat, every thread) and write system calls (syscw
of /proc/PID/io) per delivered message over that window, and RSS per client (peak during the first round minus RSS before it). Then the first server's ratio to each
other. Every frame shape is checked against spec/room-ws.asyncapi.yaml on a sample (the first frames, then every
SAMPLE_EVERY-th: a full check costs the one client process ~1.5 ms per frame, more than either server spends), and
a run with a violation, a lost or an extra message fails.

Usage: room_ws_chat.py NAME=HTTP_URL,PID [NAME=HTTP_URL,PID ...] [--clients 200] [--messages 2] [--rounds 2]
  [--perf-dir DIR]: `perf record -g` each server over each chat window only (DIR/NAME-ROUND.data), to see where the
  fan-out's time goes.
Loopback only; bounded (chat_load's 120 s timeout per round)."""
import argparse
import asyncio
import os
import signal
import subprocess
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Interop"))
from roomws import client as roomws_client  # noqa: E402
from roomws.load import chat_load  # noqa: E402

SAMPLE_FIRST = 300
SAMPLE_EVERY = 200
TICK = os.sysconf("SC_CLK_TCK")


def sample_schema_checks():
    """Replaces the client's check of every received frame by a check of a deterministic sample."""
    full_check = roomws_client.check_on_receipt
    seen = [0]

    def check(frame):
        seen[0] += 1
        if seen[0] <= SAMPLE_FIRST or seen[0] % SAMPLE_EVERY == 0:
            full_check(frame)

    roomws_client.check_on_receipt = check


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), proc(5) fields 14 and 15."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def write_calls(pid):
    """Write system calls the process made so far (`syscw` of /proc/PID/io): per delivered message, how well the
    server batches its socket writes."""
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            if line.startswith("syscw:"):
                return int(line.split()[1])
    raise RuntimeError(f"no syscw for {pid}")


class Server:
    def __init__(self, spec):
        self.name, rest = spec.split("=", 1)
        self.url, pid = rest.rsplit(",", 1)
        self.pid = int(pid)
        self.latencies, self.deliveries, self.window, self.cpu, self.writes = [], 0, 0.0, 0.0, 0
        self.rss_per_client = None


def one_round(server, room, clients, messages, perf_data=None):
    marks = {}
    perf = []

    def on_phase(name):
        if name == "delivered" and perf:
            perf[0].send_signal(signal.SIGINT)  # perf writes its file and exits; waited for below
        marks[name] = (time.monotonic(), cpu_seconds(server.pid), write_calls(server.pid))
        if name == "chat" and perf_data:
            perf.append(subprocess.Popen(["perf", "record", "-q", "-g", "-F", "999", "-p", str(server.pid),
                                          "-o", perf_data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    peak = [0]
    done = threading.Event()

    def sample_rss():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(server.pid))
            time.sleep(0.05)

    before = rss_kib(server.pid)
    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    try:
        result = asyncio.run(chat_load(server.url, room=room, clients=clients, messages_per_client=messages,
                                       on_phase=on_phase))
    except (asyncio.TimeoutError, OSError) as error:  # the client's messages list every event: keep the head
        raise SystemExit(f"{server.name}: {type(error).__name__}: {str(error)[:300]}") from None
    finally:
        done.set()
        sampler.join()
        for process in perf:
            if "delivered" not in marks:
                process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    expected = clients * clients * messages
    if len(result["latencies"]) != expected or any(result["extra"].values()):
        raise SystemExit(f"{server.name}: {len(result['latencies'])} deliveries, expected {expected}; "
                         f"extra: {sum(result['extra'].values())}")
    (t0, cpu0, writes0), (t1, cpu1, writes1) = marks["chat"], marks["delivered"]
    server.latencies += result["latencies"]
    server.deliveries += expected
    server.window += t1 - t0
    server.cpu += cpu1 - cpu0
    server.writes += writes1 - writes0
    if server.rss_per_client is None:
        server.rss_per_client = (peak[0] - before) / clients


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("servers", nargs="+", help="NAME=HTTP_URL,PID (the first is the one compared)")
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_WS_CLIENTS", "200")))
    parser.add_argument("--messages", type=int, default=2, help="chats per client per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--perf-dir", help="perf record each server over each chat window, into this directory")
    args = parser.parse_args()
    servers = [Server(spec) for spec in args.servers]
    sample_schema_checks()
    started = time.monotonic()
    for index in range(args.rounds):
        # Alternating order, so neither server always runs right after the other's load.
        order = servers if index % 2 == 0 else list(reversed(servers))
        for server in order:
            perf_data = os.path.join(args.perf_dir, f"{server.name}-{index}.data") if args.perf_dir else None
            one_round(server, f"bench-{index}", args.clients, args.messages, perf_data)
    if roomws_client.VIOLATIONS:
        for frame, error in roomws_client.VIOLATIONS[:5]:
            print(f"spec violation: {error} in {frame}", file=sys.stderr)
        raise SystemExit(f"{len(roomws_client.VIOLATIONS)} frames broke spec/room-ws.asyncapi.yaml")

    print(f"{args.clients} clients in one room, {args.messages} chats each per round, {args.rounds} rounds per server "
          f"({time.monotonic() - started:.0f} s); delivered/s over first send .. last delivery")
    print(f"{'server':<10} {'deliveries':>10} {'p50ms':>8} {'p99ms':>8} {'maxms':>8} {'delivered/s':>12} "
          f"{'cpu_us/msg':>11} {'writes/msg':>11} {'rss_KiB/client':>15}")
    rows = {}
    for server in servers:
        lat = sorted(server.latencies)
        q = statistics.quantiles(lat, n=100)
        row = {"p50": q[49] * 1000, "p99": q[98] * 1000, "max": lat[-1] * 1000,
               "rate": server.deliveries / server.window, "cpu": server.cpu / server.deliveries * 1e6,
               "writes": server.writes / server.deliveries, "rss": server.rss_per_client}
        rows[server.name] = row
        print(f"{server.name:<10} {server.deliveries:>10} {row['p50']:>8.1f} {row['p99']:>8.1f} {row['max']:>8.1f} "
              f"{row['rate']:>12.0f} {row['cpu']:>11.2f} {row['writes']:>11.3f} {row['rss']:>15.1f}")
    first = servers[0].name
    for other in servers[1:]:
        a, b = rows[first], rows[other.name]
        ratio = lambda key: a[key] / b[key] if b[key] else float("inf")  # noqa: E731
        print(f"{first}/{other.name:<4} {'':>10} {ratio('p50'):>7.2f}x {ratio('p99'):>7.2f}x {ratio('max'):>7.2f}x "
              f"{ratio('rate'):>11.2f}x {ratio('cpu'):>10.2f}x {ratio('writes'):>10.2f}x {ratio('rss'):>14.2f}x")


if __name__ == "__main__":
    main()
