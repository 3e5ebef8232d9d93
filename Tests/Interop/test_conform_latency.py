"""parley-conform latency against the real parley-server: the runner's own WebRTC client (ICE, DTLS, SRTP) publishes
Opus over WHIP and plays it over WHEP, and every frame it sent in the window arrives at each player, matched by its
payload fingerprint. Stream signatures: without the key WHIP is refused (exit 2, the reason printed), with
`--stream-key` it passes."""
import json
import os
import subprocess
import tempfile

from conftest import CONFORM_BIN, ROOT, start_server


def latency(url, *extra, timeout=120):
    """Runs `parley-conform latency` with a JSON report; returns (process, report or None)."""
    assert os.path.exists(CONFORM_BIN), f"{CONFORM_BIN} is missing (swift build --product parley-conform)"
    out = os.path.join(tempfile.mkdtemp(prefix="latency-"), "latency.json")
    proc = subprocess.run([CONFORM_BIN, "latency", "--target", url, "--report", f"json:{out}", *extra],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    report = None
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
    return proc, report


def test_latency_publishes_and_plays_through_parley(server):
    proc, report = latency(server.url, "--subscribers", "3", "--duration", "2s", "--timeout-scale", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["connected"] == 3 and report.get("error") is None
    sent = report["sentInWindow"]
    assert sent >= 50, report  # 2 s at 50 frames/s, with slack for a loaded machine
    for player in report["players"]:
        assert player.get("error") is None, player
        # Loopback: every frame arrives, once.
        assert player["latency"]["samples"] >= 0.95 * sent, player
        assert player["duplicates"] == 0 and player["srtpFailures"] == 0, player
        assert 0 < player["latency"]["p50Ms"] <= player["latency"]["maxMs"] < 1000, player
        assert player.get("firstPacketMs") is not None
    assert "p99" in proc.stdout and "overall" in proc.stdout


def test_latency_signs_whip_and_whep_with_stream_keys():
    data = tempfile.mkdtemp(prefix="parley-latency-auth-")
    config = os.path.join(data, "parley.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write("stream_auth:\n  enabled: true\n  keys:\n    webrtc:\n      publish: pub-key-1\n"
                "      subscribe: sub-key-2\n")
    s = start_server(data_dir=data, args=("--config", config))
    try:
        proc, report = latency(s.url, "--duration", "1s", "--timeout-scale", "3")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "401" in report.get("error", ""), report
        proc, report = latency(s.url, "--duration", "1s", "--timeout-scale", "3",
                               "--stream-key", "webrtc:publish:pub-key-1", "--stream-key", "webrtc:subscribe:sub-key-2")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert report["players"][0]["latency"]["samples"] >= 25, report
    finally:
        s.stop()
