"""`make bench` latency section: `parley-conform latency --subscribers N` (200) against a release Parley and against
Pion's broadcast SFU (bench/pion-sfu) in one run, one after the other on the same machine. Prints both tables as the
runner prints them, then a closing note with p50/p95/p99 and the runner's CPU share for each and the issue's goal
(Parley p50 < 1 ms, p99 < 5 ms on loopback, no worse than Pion); writes the same to bench/results/latest.md and the
runner's HTML reports (histogram, timeline) next to it.

Usage: latency_bench.py PARLEY_SERVER PARLEY_CONFORM PION_SFU [--subscribers 200] [--duration 10]"""
import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forward_bench import cpu_seconds, start_parley, start_pion  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def run(name, server, conform, players, duration, work):
    """One latency run; the server's CPU share is taken over the measured window (first to last progress line)."""
    proc, url = server
    try:
        report_path = os.path.join(work, f"{name}.json")
        html_path = os.path.join(RESULTS, f"latency-{name}.html")
        runner = subprocess.Popen(
            [conform, "latency", "--target", url, "--subscribers", str(players), "--duration", f"{duration}s",
             "--concurrency", "16", "--timeout-scale", "3", "--stream-path", f"bench/latency-{players}",
             "--report", f"json:{report_path}", "--report", f"html:{html_path}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = last = None
        for line in runner.stderr:
            if not line.startswith("latency: "):
                continue
            elapsed = int(line.split()[1].split("/")[0])
            if elapsed == 1:
                first = (time.monotonic(), cpu_seconds(proc.pid))
            elif elapsed == duration:
                last = (time.monotonic(), cpu_seconds(proc.pid))
        table = runner.stdout.read()
        runner.wait(timeout=600)
        with open(report_path) as f:
            report = json.load(f)
        server_cpu = 100 * (last[1] - first[1]) / (last[0] - first[0]) if first and last else float("nan")
        return {"name": name, "table": table, "report": report, "server_cpu": server_cpu, "exit": runner.returncode}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def note(results, players):
    lines = []
    for r in results:
        o, rep = r["report"]["overall"], r["report"]
        lines.append(
            f"{r['name']}: {rep['connected']}/{players} players, p50 {o['p50Ms']:.3f} ms, p95 {o['p95Ms']:.3f} ms, "
            f"p99 {o['p99Ms']:.3f} ms, max {o['maxMs']:.3f} ms, loss {rep['lossPercent']:.3f}%, "
            f"runner CPU {rep['runnerCPUPercent']:.1f}% of one core, server CPU {r['server_cpu']:.1f}%"
            + (f", error: {rep['error']}" if rep.get("error") else ""))
        fan = rep.get("fanOut")
        if fan:
            lines.append(
                f"{r['name']} fan-out per frame: first copy p50 {fan['firstCopy']['p50Ms']:.3f} ms, p99 "
                f"{fan['firstCopy']['p99Ms']:.3f} ms; first to last player p50 {fan['spread']['p50Ms']:.3f} ms, p99 "
                f"{fan['spread']['p99Ms']:.3f} ms")
    for r in results:
        rep = r["report"]
        expected = 50 * rep["durationS"]
        if rep["sentInWindow"] < 0.9 * expected:
            lines.append(f"WARNING ({r['name']}): the runner sent {rep['sentInWindow']} of {expected:.0f} frames in the "
                         "window, so it did not get the CPU to keep its schedule; these numbers measure an overloaded "
                         "machine, not the server")
    by = {r["name"]: r["report"]["overall"] for r in results}
    if "parley" in by:
        p = by["parley"]
        goal = p["p50Ms"] < 1 and p["p99Ms"] < 5
        lines.append(f"goal (Parley p50 < 1 ms and p99 < 5 ms): {'met' if goal else 'NOT met'}")
    if "parley" in by and "pion" in by and by["pion"]["p50Ms"] > 0:
        p, q = by["parley"], by["pion"]
        lines.append(f"Parley/Pion: p50 {p['p50Ms'] / q['p50Ms']:.2f}x, p99 {p['p99Ms'] / max(q['p99Ms'], 1e-9):.2f}x "
                     f"({'no worse' if p['p50Ms'] <= q['p50Ms'] and p['p99Ms'] <= q['p99Ms'] else 'worse'} than Pion)")
    lines.append("(one-way on loopback, from just before the publisher's write to the kernel's receive stamp on the "
                 "player's socket, so the runner's own receive work is not counted; the runner still shares the cores "
                 "with the server, so a runner near 100% CPU slows both servers)")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("parley")
    parser.add_argument("conform")
    parser.add_argument("pion")
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="latency-bench-")
    results = [
        run("parley", start_parley(args.parley, work), args.conform, args.subscribers, args.duration, work),
        run("pion", start_pion(args.pion, work), args.conform, args.subscribers, args.duration, work),
    ]
    closing = note(results, args.subscribers)
    for r in results:
        print(f"-- {r['name']} --")
        print(r["table"], end="")
    print("\n".join(closing))
    load = os.getloadavg()
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(f"# Latency, {args.subscribers} players: Parley vs Pion\n\n")
        f.write(f"`bench/latency_bench.py` (`make bench`, section `latency`), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                f"{platform.machine()}, {os.cpu_count()} cores, load average {load[0]:.1f} at the end.\n\n")
        for r in results:
            f.write(f"## {r['name']}\n\n```\n{r['table']}```\n\n")
        f.write("## Closing note\n\n" + "".join(f"- {line}\n" for line in closing))
        f.write("\nHTML reports with the histogram and timeline: `latency-parley.html`, `latency-pion.html`.\n")
    return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
