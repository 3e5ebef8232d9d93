"""`make bench` forwarding table: one publisher to N players of 50 Opus packets/s on loopback, through Parley (release)
and through Pion's broadcast SFU (bench/pion-sfu) in the same run, both driven by `parley-conform latency` (a real
WebRTC client: ICE, DTLS, SRTP). Per run: packets out per second, server CPU (utime+stime from /proc/PID/stat),
packets out per second per core, server CPU µs per forwarded packet (`perf stat -e task-clock` style: this VM has
no hardware counters and valgrind crashes on Swift 6 binaries, so CPU time stands in for instructions), loss per
player (mean and worst), RSS growth per player, one-way latency p50/p99 and the runner's own CPU share.

With `--mallocs`, also libc mallocs per forwarded packet in the server over the same window (`perf stat` on the
uprobe `probe_libc:malloc`; make it once with `perf probe -x /lib/x86_64-linux-gnu/libc.so.6 malloc`), and with
`--profile DIR` a `perf record` CPU profile of each run in DIR (`perf report -i DIR/parley-500.data`).

Usage: forward_bench.py PARLEY_SERVER PARLEY_CONFORM PION_SFU [--sizes 10,100,500] [--duration 8] [--servers parley,pion]
       [--mallocs] [--profile DIR]"""
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


def start_parley(binary, work, extra_env=None):
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
    env.update(extra_env or {})
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


def start_perf(pid, mallocs, profile, label):
    """perf processes attached to the server for the measured window (ended with SIGINT by `stop_perf`)."""
    perfs = []
    if mallocs:
        stat = tempfile.NamedTemporaryFile(prefix="forward-mallocs-", suffix=".txt", delete=False).name
        perfs.append(("mallocs", stat, subprocess.Popen(
            ["perf", "stat", "-x", ",", "-e", "probe_libc:malloc", "-p", str(pid), "-o", stat],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
    if profile:
        os.makedirs(profile, exist_ok=True)
        perfs.append(("profile", None, subprocess.Popen(
            ["perf", "record", "-q", "-g", "-e", "cpu-clock", "-F", "2000", "-p", str(pid), "-o",
             os.path.join(profile, f"{label}.data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
    return perfs


def stop_perf(perfs):
    """Stops the perf processes; the malloc count when one was taken."""
    count = None
    for kind, path, perf in perfs:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=60)
        if kind == "mallocs":
            with open(path) as f:
                for line in f:
                    fields = line.strip().split(",")
                    if len(fields) > 2 and "probe_libc:malloc" in fields[2] and fields[0].isdigit():
                        count = int(fields[0])
            os.unlink(path)
    return count


def measure(name, server, conform, players, duration, work, video=None, mallocs=False, profile=None):
    """One run; the server's CPU and RSS are sampled from the first to the last progress line of the window."""
    proc, url = server
    perfs = []
    try:
        rss_before = rss_kb(proc.pid)
        label = f"{players}+vp8" if video else str(players)
        report_path = os.path.join(work, f"{name}-{label}.json")
        run = subprocess.Popen([conform, "latency", "--target", url, "--subscribers", str(players),
                                "--duration", f"{duration}s", "--concurrency", "16", "--timeout-scale", "3",
                                "--stream-path", f"bench/forward-{players}", "--report", f"json:{report_path}",
                                *(["--video-bitrate", video] if video else [])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = last = malloc_count = None
        for line in run.stderr:
            if not line.startswith("latency: "):
                continue
            elapsed = int(line.split()[1].split("/")[0])
            if elapsed == 1:
                first = (time.monotonic(), cpu_seconds(proc.pid))
                perfs = start_perf(proc.pid, mallocs, profile, f"{name}-{label}")
            elif elapsed == duration:
                last = (time.monotonic(), cpu_seconds(proc.pid), rss_kb(proc.pid))
                malloc_count = stop_perf(perfs)
                perfs = []
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
            "mallocs_per_packet": malloc_count / (out_per_s * wall) if malloc_count and out_per_s > 0 else None,
        }
    finally:
        stop_perf(perfs)
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
    parser.add_argument("--servers", default="parley,pion")
    parser.add_argument("--mallocs", action="store_true")
    parser.add_argument("--profile")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="forward-bench-")
    starts = {"parley": lambda: start_parley(args.parley, work), "pion": lambda: start_pion(args.pion, work)}
    servers = [name for name in args.servers.split(",") if name in starts]
    extra = {"mallocs": args.mallocs, "profile": args.profile}
    rows = []
    for players in [int(n) for n in args.sizes.split(",")]:
        for name in servers:
            rows.append(measure(name, starts[name](), args.conform, players, args.duration, work, **extra))
    if args.video_players > 0:
        # Opus plus VP8-shaped video (1200-byte packets) at --video-bitrate from the publisher.
        for name in servers:
            rows.append(measure(name, starts[name](), args.conform, args.video_players, args.duration, work,
                                args.video_bitrate, **extra))
    header = ("server", "players", "pkts_out/s", "srv_cpu%", "pkts_out/s/core", "cpu_us/pkt", "loss%_mean",
              "loss%_max", "rss_KB/player", "p50_ms", "p99_ms", "runner_cpu%") + (("mallocs/pkt",) if args.mallocs else ())
    print(" ".join(f"{h:>15}" for h in header))
    for r in rows:
        if "error" in r:
            print(f"{r['server']:>15} {r['players']:>15}  ERROR: {r['error']}")
            continue
        print(f"{r['server']:>15} {r['players']:>15} {r['out_per_s']:>15.0f} {r['cpu_percent']:>15.1f} "
              f"{r['out_per_core_s']:>15.0f} {r['us_per_packet']:>15.2f} {r['loss_mean']:>15.3f} "
              f"{r['loss_max']:>15.3f} {r['rss_kb_per_player']:>15.1f} {r['p50']:>15.3f} {r['p99']:>15.3f} "
              f"{r['runner_cpu']:>15.1f}"
              + (f" {r['mallocs_per_packet']:>15.2f}" if args.mallocs and r["mallocs_per_packet"] is not None else ""))
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
