"""parley-conform replay (RTP half) against the real parley-server: captures built here (Ethernet pcap, no
manifest, so the streams are found by heuristics) and every RTP capture under captures/ are replayed into a WHIP
session and played back over WHEP; on loopback every packet comes back once, in order (docs/replay.md)."""
import base64
import glob
import json
import os
import subprocess
import tempfile

import pytest

from conftest import CONFORM_BIN, ROOT, TCP_CAPTURES
from rtp_capture import build_capture

CAPTURES = sorted(path for path in glob.glob(os.path.join(ROOT, "captures", "*.pcap")) +
                  glob.glob(os.path.join(ROOT, "captures", "*.pcapng")) if os.path.basename(path) not in TCP_CAPTURES)


def replay(capture, *extra, target=None, timeout=120):
    """Runs `parley-conform replay`; returns (process, run report, RTP report)."""
    assert os.path.exists(CONFORM_BIN), f"{CONFORM_BIN} is missing (swift build --product parley-conform)"
    out = tempfile.mkdtemp(prefix="replay-")
    args = [CONFORM_BIN, "replay", capture, "--report", f"json:{out}/run.json", "--report", f"rtp-json:{out}/rtp.json",
            "--report", f"junit:{out}/junit.xml", *extra]
    if target:
        args += ["--target", target, "--timeout-scale", "3"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    loaded = []
    for name in ("run.json", "rtp.json"):
        path = os.path.join(out, name)
        loaded.append(json.load(open(path, encoding="utf-8")) if os.path.exists(path) else None)
    return proc, loaded[0], loaded[1]


def assert_forwarded_whole(proc, run, rtp_report, streams):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(rtp_report["streams"]) == streams, rtp_report
    for stream in rtp_report["streams"]:
        assert stream.get("error") is None and stream.get("skipped") is None, stream
        assert stream["sent"] == stream["captured"] > 0, stream
        # Loopback: no loss, no duplicate, order kept.
        assert stream["forwarded"] == stream["sent"], stream
        assert stream["gaps"] == 0 and stream["duplicates"] == 0 and stream["reordered"] == 0, stream
    verdicts = {c["id"]: c["verdict"] for c in run["cases"]}
    assert sum(1 for k, v in verdicts.items() if k.startswith("replay/rtp/") and v == "PASS") == streams, verdicts
    assert verdicts["replay/rtp/timing"] == "INFO" and verdicts["replay/rtp/discovery"] == "INFO"
    assert "replay:" in proc.stderr  # the progress line


def test_heuristics_find_a_plain_opus_capture_and_parley_forwards_it_whole(server, tmp_path):
    path = str(tmp_path / "opus.pcap")
    build_capture(path)
    proc, run, report = replay(path)  # no target: the discovery report only
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "stream 1: SSRC a1a1a1a1" in proc.stdout and "opus at 48000 Hz (guessed from timing)" in proc.stdout
    assert "3 RTCP packets excluded" in proc.stdout, proc.stdout
    proc, run, report = replay(path, "--stream-path", "replay/opus", target=server.url)
    assert_forwarded_whole(proc, run, report, streams=1)
    assert report["streams"][0]["captured"] == 150
    assert report["drift"]["samples"] == 150 and report["drift"]["p50_ms"] < 50, report["drift"]


def test_audio_and_video_replay_in_one_session_at_double_speed(server, tmp_path):
    path = str(tmp_path / "av.pcap")
    build_capture(path, seconds=2.0, video=True)
    proc, run, report = replay(path, "--speed", "2", target=server.url)
    assert_forwarded_whole(proc, run, report, streams=2)
    kinds = sorted((s["kind"], s["clock_rate"]) for s in report["streams"])
    assert kinds == [("audio", 48000), ("video", 90000)], kinds
    assert 0.9 <= report["duration_s"], report  # 2 s of capture at speed 2, plus set-up


def test_an_encrypted_capture_without_keys_says_why(server, tmp_path):
    path = str(tmp_path / "srtp.pcap")
    build_capture(path, seconds=1.0, dtls=True)
    proc, run, report = replay(path, target=server.url)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    case = next(c for c in run["cases"] if c["id"].startswith("replay/rtp/1-"))
    assert case["verdict"] == "SKIP" and "cannot: encrypted, no keys" in case["reason"], case


def test_an_srtp_capture_replays_with_its_key(server, tmp_path):
    key = bytes(range(3, 33))
    path = str(tmp_path / "srtp-keyed.pcap")
    build_capture(path, seconds=1.0, dtls=True, srtp_key=key)
    proc, run, report = replay(path, "--srtp-key", "inline:" + base64.b64encode(key).decode(), target=server.url)
    assert_forwarded_whole(proc, run, report, streams=1)
    assert "decrypted with --srtp-key #1, 50 packets" in proc.stdout, proc.stdout
    assert base64.b64encode(key).decode() not in proc.stdout + proc.stderr  # keys are never printed


def test_a_damaged_or_foreign_file_is_a_clear_error(tmp_path):
    path = str(tmp_path / "junk.pcap")
    with open(path, "wb") as f:
        f.write(b"this is not a capture")
    proc, run, report = replay(path)
    assert proc.returncode == 2 and "unreadable capture" in proc.stderr, proc.stdout + proc.stderr


@pytest.mark.parametrize("capture", CAPTURES, ids=[os.path.basename(c) for c in CAPTURES])
def test_every_rtp_capture_in_captures_replays_whole(server, capture):
    proc, run, report = replay(capture)
    found = [line for line in proc.stdout.splitlines() if line.startswith("discovery: stream ")]
    assert found, f"{os.path.basename(capture)} holds no RTP stream; if it is a TCP capture, list it in TCP_CAPTURES"
    proc, run, report = replay(capture, target=server.url, timeout=180)
    assert_forwarded_whole(proc, run, report, streams=len(found))
