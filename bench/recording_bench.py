"""`make bench` forwarding row "recording N streams" (issue 20): N publishers (Opus + VP8-shaped video, one WHEP player
each, all `parley-conform latency` runs at once) through one Parley (release), first with no recording, then with
every one of the N streams recorded through `POST /meeting/api/recordings` (started during the runs' warm-up,
stopped after them). Both phases on the same server in one run, so the loss columns compare like with like; the
recording phase also shows how the recordings ended (ready/failed), their bytes and how long the post-processing
of all N took after the stop.

Usage: recording_bench.py PARLEY_SERVER PARLEY_CONFORM [--streams 20] [--duration 8] [--video-bitrate 300k]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from forward_bench import cpu_seconds, start_parley

WARMUP_S = 5  # the recordings start inside the runs' warm-up, so the measured window is recorded throughout


def api(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def live_paths(url):
    status, body = api(url + "/api/streams")
    return {s["path"] for s in ((body or {}).get("data") or {}).get("streams", [])} if status == 200 else set()


def start_recordings(url, paths, deadline):
    """Starts a recording of each path as soon as it is published; returns {path: recording id}, and how many
    seconds after the runs started the last one began."""
    ids, began = {}, time.monotonic()
    while len(ids) < len(paths) and time.monotonic() < deadline:
        for path in sorted(live_paths(url) & set(paths) - set(ids)):
            status, body = api(url + "/meeting/api/recordings", "POST", {"stream_path": path})
            if status == 201:
                ids[path] = body["data"]["id"]
        time.sleep(0.1)
    return ids, time.monotonic() - began


def finish_recordings(url, ids, timeout=300):
    """Stops every recording and waits until each is ready or failed; returns (rows, seconds from stop to settled)."""
    stopped = time.monotonic()
    for recording_id in ids.values():
        api(f"{url}/meeting/api/recordings/{recording_id}/stop", "POST")
    wanted = set(ids.values())
    while True:
        _, body = api(url + "/meeting/api/recordings")
        rows = [r for r in ((body or {}).get("data") or {}).get("recordings", []) if r.get("id") in wanted]
        if all(r.get("state") in ("ready", "failed") for r in rows) and len(rows) == len(wanted):
            return rows, time.monotonic() - stopped
        if time.monotonic() - stopped > timeout:
            return rows, float("nan")
        time.sleep(0.25)


def phase(proc, url, conform, streams, duration, bitrate, recorded, work):
    label = "recorded" if recorded else "not recorded"
    paths = [f"bench/rec-{'on' if recorded else 'off'}-{i}" for i in range(streams)]
    reports = [os.path.join(work, f"{path.replace('/', '_')}.json") for path in paths]
    cpu_before, wall_before = cpu_seconds(proc.pid), time.monotonic()
    runs = [subprocess.Popen([conform, "latency", "--target", url, "--subscribers", "1", "--duration", f"{duration}s",
                              "--warmup", str(WARMUP_S), "--stream-path", path, "--video-bitrate", bitrate,
                              "--timeout-scale", "3", "--report", f"json:{report}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for path, report in zip(paths, reports)]
    ids, started_after = {}, 0.0
    if recorded:
        ids, started_after = start_recordings(url, paths, time.monotonic() + WARMUP_S + duration)
    for run in runs:
        run.wait(timeout=600)
    cpu = cpu_seconds(proc.pid) - cpu_before
    wall = time.monotonic() - wall_before
    losses, worst, connected, errors = [], 0.0, 0, []
    for report in reports:
        try:
            with open(report) as f:
                result = json.load(f)
        except (OSError, ValueError) as error:
            errors.append(str(error))
            continue
        if result.get("error"):
            errors.append(result["error"])
            continue
        connected += result["connected"]
        losses.append(result["lossPercent"])
        worst = max([worst] + [p["lossPercent"] for p in result["players"]])
    row = {"phase": label, "streams": streams, "players_connected": connected,
           "loss_mean": sum(losses) / len(losses) if losses else float("nan"), "loss_max": worst,
           "cpu_percent": 100 * cpu / wall, "errors": errors}
    if recorded:
        rows, processing = finish_recordings(url, ids)
        row.update(recordings_started=len(ids), started_after_s=started_after, processing_s=processing,
                   ready=sum(r["state"] == "ready" for r in rows), failed=sum(r["state"] == "failed" for r in rows),
                   megabytes=sum(r.get("size_bytes") or 0 for r in rows) / 1e6,
                   failures=sorted({r.get("error") or "" for r in rows if r["state"] == "failed"}))
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("parley")
    parser.add_argument("conform")
    parser.add_argument("--streams", type=int, default=20)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--video-bitrate", default="300k")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="recording-bench-")
    # The Meeting API without a login: this measures the media plane, not Monibuca's auth.
    proc, url = start_parley(args.parley, work, {"PARLEY_AUTH_ENABLED": "false"})
    try:
        rows = [phase(proc, url, args.conform, args.streams, args.duration, args.video_bitrate, recorded, work)
                for recorded in (False, True)]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    header = ("phase", "streams", "connected", "loss%_mean", "loss%_max", "srv_cpu%", "ready", "failed", "MB",
              "started_s", "process_s")
    print(" ".join(f"{h:>13}" for h in header))
    for r in rows:
        extra = (f"{r['ready']:>13} {r['failed']:>13} {r['megabytes']:>13.1f} {r['started_after_s']:>13.1f} "
                 f"{r['processing_s']:>13.1f}" if "ready" in r else " ".join(f"{'-':>13}" for _ in range(5)))
        print(f"{r['phase']:>13} {r['streams']:>13} {r['players_connected']:>13} {r['loss_mean']:>13.3f} "
              f"{r['loss_max']:>13.3f} {r['cpu_percent']:>13.1f} {extra}")
        for error in r["errors"][:3]:
            print(f"  {r['phase']}: runner error: {error}")
        for failure in r.get("failures", [])[:3]:
            print(f"  recording failed: {failure}")
    print(f"(each stream: Opus 50 packets/s + {args.video_bitrate} VP8-shaped video from `parley-conform latency`, "
          f"one player; recordings started in the {WARMUP_S} s warm-up, started_s = when the last one began; "
          "process_s = stop to every recording ready or failed)")
    recorded = rows[1]
    ok = not any(r["errors"] for r in rows) and recorded["recordings_started"] == args.streams
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
