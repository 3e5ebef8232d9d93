"""`make bench` replay rows: how faithfully `parley-conform replay` keeps a capture's timing (drift = actual send −
scheduled send, docs/replay.md) for one Opus stream, and how many copies of that stream replay at once (each its
own WHIP publisher and WHEP player, all on the runner's one event loop) before the p99 drift passes 1 ms. Parley
(release) on loopback is the target. Bounded: the search doubles the copies and stops at the first over 1 ms, at
BENCH_REPLAY_MAX copies (64), or after BENCH_REPLAY_BUDGET seconds (100).

Usage: replay_bench.py PARLEY_SERVER PARLEY_CONFORM"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Interop"))
from rtp_capture import build_capture  # noqa: E402

LIMIT_MS = 1.0


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, work):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update(PARLEY_WEBRTC_UDP_PORT=str(free_port(socket.SOCK_DGRAM)), PARLEY_LOG_LEVEL="error")
    proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--data-dir", work],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w"), env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("parley-server did not start")


def replay(conform, capture, url, copies, work):
    out = os.path.join(work, f"replay-{copies}.json")
    proc = subprocess.run([conform, "replay", capture, "--target", url, "--parallel", str(copies),
                           "--timeout-scale", "4", "--report", f"rtp-json:{out}"],
                          capture_output=True, text=True, timeout=300)
    if not os.path.exists(out):
        return None, proc.stdout + proc.stderr
    with open(out, encoding="utf-8") as f:
        return json.load(f), proc.stdout + proc.stderr


def row(copies, report):
    streams = report["streams"]
    sent = sum(s["sent"] for s in streams)
    forwarded = sum(s["forwarded"] for s in streams)
    broken = sum(1 for s in streams if s.get("error"))
    d = report["drift"]
    print(f"{copies:>7}  {sent:>7}  {forwarded:>9}  {broken:>6}  {d['p50_ms']:>8.3f}  {d['p99_ms']:>8.3f}  "
          f"{d['max_ms']:>8.3f}", flush=True)
    return d["p99_ms"]


def main():
    server_bin, conform = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="replay-bench-")
    long_capture = os.path.join(work, "opus-10s.pcap")
    short_capture = os.path.join(work, "opus-4s.pcap")
    build_capture(long_capture, seconds=10)
    build_capture(short_capture, seconds=4)
    proc, url = start_server(server_bin, work)
    try:
        print("one Opus stream, 10 s (500 packets), speed 1:")
        print(" copies  packets  forwarded  broken   p50 ms    p99 ms    max ms")
        report, log = replay(conform, long_capture, url, 1, work)
        if report is None:
            sys.exit("replay failed:\n" + log)
        row(1, report)
        print(f"copies of a 4 s Opus stream at once until p99 drift > {LIMIT_MS} ms:")
        print(" copies  packets  forwarded  broken   p50 ms    p99 ms    max ms")
        budget = time.time() + float(os.environ.get("BENCH_REPLAY_BUDGET", "100"))
        limit = int(os.environ.get("BENCH_REPLAY_MAX", "64"))
        copies, best = 1, 0
        while copies <= limit and time.time() < budget:
            report, log = replay(conform, short_capture, url, copies, work)
            if report is None:
                print(f"{copies:>7}  replay failed: {log.strip().splitlines()[-1] if log.strip() else '?'}")
                break
            if row(copies, report) > LIMIT_MS:
                break
            best = copies
            copies *= 2
        reason = "budget" if time.time() >= budget else ("cap" if copies > limit else "p99 over the limit")
        print(f"streams replayed at once with p99 drift <= {LIMIT_MS} ms: {best} (search stopped: {reason})")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
