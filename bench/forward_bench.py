"""`make bench` forwarding table: one publisher to N players of 50 Opus packets/s on loopback, through Parley (release)
and through Pion's broadcast SFU (bench/pion-sfu) in the same run, both driven by `parley-conform latency` (a real
WebRTC client: ICE, DTLS, SRTP). Per run: packets out per second, server CPU (utime+stime from /proc/PID/stat),
packets out per second per core, server CPU µs per forwarded packet (`perf stat -e task-clock` style: this VM has
no hardware counters and valgrind crashes on Swift 6 binaries, so CPU time stands in for instructions), loss per
player (mean and worst), RSS growth per player, one-way latency p50/p99 and the runner's own CPU share.

Usage: forward_bench.py PARLEY_SERVER PARLEY_CONFORM PION_SFU [--sizes 10,100,500] [--duration 8]"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), from /proc/PID/stat fields 14 and 15."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def start_parley(binary, work):
    port = free_port()
    data = tempfile.mkdtemp(prefix="forward-parley-", dir=work)
    config = os.path.join(data, "parley.yaml")
    with open(config, "w") as f:
        # 500 players + the publisher on one path, all from 127.0.0.1: offers arrive 16 at a time but handshakes
        # finish later, so the per-address cap on unconnected sessions (a defence against one abusive client) would
        # refuse players with 503 here.
        f.write("webrtc:\n  max_sessions_per_path: 1000\n  max_unconnected: 1000\n"
                "  max_unconnected_per_address: 1000\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env["PARLEY_WEBRTC_UDP_PORT"] = str(free_port(socket.SOCK_DGRAM))
    log = open(os.path.join(data, "server.log"), "w")
    proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--data-dir", data, "--config", config,
                             "--log-level", "error"], stdout=log, stderr=subprocess.STDOUT, env=env)
    wait_http(f"http://127.0.0.1:{port}/healthz")
    return proc, f"http://127.0.0.1:{port}"


def start_pion(binary, work):
    port = free_port()
    log = open(os.path.join(work, f"pion-{port}.log"), "w")
    proc = subprocess.Popen([binary, f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/healthz")
    return proc, f"http://127.0.0.1:{port}"


def measure(name, server, conform, players, duration, work, video=None):
    """One run; the server's CPU and RSS are sampled from the first to the last progress line of the window."""
    proc, url = server
    try:
        rss_before = rss_kb(proc.pid)
        label = f"{players}+vp8" if video else str(players)
        report_path = os.path.join(work, f"{name}-{label}.json")
        run = subprocess.Popen([conform, "latency", "--target", url, "--subscribers", str(players),
                                "--duration", f"{duration}s", "--concurrency", "16", "--timeout-scale", "3",
                                "--stream-path", f"bench/forward-{players}", "--report", f"json:{report_path}",
                                *(["--video-bitrate", video] if video else [])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = last = None
        for line in run.stderr:
            if not line.startswith("latency: "):
                continue
            elapsed = int(line.split()[1].split("/")[0])
            if elapsed == 1:
                first = (time.monotonic(), cpu_seconds(proc.pid))
            elif elapsed == duration:
                last = (time.monotonic(), cpu_seconds(proc.pid), rss_kb(proc.pid))
        out = run.stdout.read()
        run.wait(timeout=600)
        with open(report_path) as f:
            report = json.load(f)
        if report.get("error") or first is None or last is None:
            print(out, file=sys.stderr)
            return {"server": name, "players": label, "error": report.get("error") or "no progress lines"}
        wall = last[0] - first[0]
        cpu = last[1] - first[1]
        received = sum(p["latency"]["samples"] for p in report["players"])
        window = report["durationS"]
        out_per_s = received / window
        losses = [p["lossPercent"] for p in report["players"]]
        return {
            "server": name, "players": label, "connected": report["connected"],
            "out_per_s": out_per_s, "cpu_percent": 100 * cpu / wall,
            "out_per_core_s": out_per_s / (cpu / wall) if cpu > 0 else float("inf"),
            "us_per_packet": cpu * 1e6 / (out_per_s * wall) if out_per_s > 0 else float("nan"),
            "loss_mean": report["lossPercent"], "loss_max": max(losses) if losses else 100.0,
            "rss_kb_per_player": (last[2] - rss_before) / players,
            "p50": report["overall"]["p50Ms"], "p99": report["overall"]["p99Ms"],
            "runner_cpu": report["runnerCPUPercent"],
        }
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("parley")
    parser.add_argument("conform")
    parser.add_argument("pion")
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--video-players", type=int, default=50)
    parser.add_argument("--video-bitrate", default="1000k")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="forward-bench-")
    rows = []
    for players in [int(n) for n in args.sizes.split(",")]:
        rows.append(measure("parley", start_parley(args.parley, work), args.conform, players, args.duration, work))
        rows.append(measure("pion", start_pion(args.pion, work), args.conform, players, args.duration, work))
    if args.video_players > 0:
        # Opus plus VP8-shaped video (1200-byte packets) at --video-bitrate from the publisher.
        for name, start in (("parley", lambda: start_parley(args.parley, work)), ("pion", lambda: start_pion(args.pion, work))):
            rows.append(measure(name, start(), args.conform, args.video_players, args.duration, work, args.video_bitrate))
    header = ("server", "players", "pkts_out/s", "srv_cpu%", "pkts_out/s/core", "cpu_us/pkt", "loss%_mean",
              "loss%_max", "rss_KB/player", "p50_ms", "p99_ms", "runner_cpu%")
    print(" ".join(f"{h:>15}" for h in header))
    for r in rows:
        if "error" in r:
            print(f"{r['server']:>15} {r['players']:>15}  ERROR: {r['error']}")
            continue
        print(f"{r['server']:>15} {r['players']:>15} {r['out_per_s']:>15.0f} {r['cpu_percent']:>15.1f} "
              f"{r['out_per_core_s']:>15.0f} {r['us_per_packet']:>15.2f} {r['loss_mean']:>15.3f} "
              f"{r['loss_max']:>15.3f} {r['rss_kb_per_player']:>15.1f} {r['p50']:>15.3f} {r['p99']:>15.3f} "
              f"{r['runner_cpu']:>15.1f}")
    by_key = {(r["server"], r["players"]): r for r in rows if "error" not in r}
    ratios = []
    for players in sorted({r["players"] for r in rows}, key=str):
        p, q = by_key.get(("parley", players)), by_key.get(("pion", players))
        if p and q and q["out_per_core_s"] > 0:
            ratios.append(f"N={players}: {p['out_per_core_s'] / q['out_per_core_s']:.2f}")
    print("Parley/Pion packets out per second per core: " + (", ".join(ratios) or "n/a"))
    print("(server CPU from /proc/PID/stat over the measured window; cpu_us/pkt stands in for instructions per "
          "packet: no hardware counters on this VM, valgrind crashes on Swift 6 binaries)")
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
