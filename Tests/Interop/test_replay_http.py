"""`parley-conform replay` of HTTP and room-WebSocket traffic (docs/replay.md): a real loopback capture made with
tshark while a Parley serves a short API session and a room WebSocket session, replayed against a second Parley
that differs in one config value (`api.allowed.stats` off). Exactly the stats exchange must come out as a diff;
everything else, the WebSocket session included, must replay as recorded under the default mask. The committed
captures/http-api-session.pcap and captures/room-ws-session.pcap (two overlapping room members) must replay against a
Parley configured as captures/make/serve.sh configures the one that recorded them."""
import asyncio
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import CONFORM_BIN, ROOT, TCP_CAPTURES, start_server, wait_for
from roomws.client import RoomClient

API_KEY = "replay-http-api-key"
ENV = {"API_KEY_SECRET": API_KEY, "API_ALLOW_MEETINGS": "true"}

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed (install-deps.sh --test)")


def record_session(port, path):
    """Captures loopback TCP to `port` with tshark while a client session runs against it; returns the capture.
    `-i any -y LINUX_SLL2` records Linux cooked v2 frames, so a real SLL2 capture is read end to end."""
    tshark = subprocess.Popen(
        ["tshark", "-i", "any", "-y", "LINUX_SLL2", "-f", f"tcp port {port}", "-w", path, "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # tshark says "Capturing on" once the filter is installed; packets before that would be lost.
        started = []

        def capturing():
            line = tshark.stderr.readline()
            started.append(line)
            return "Capturing on" in line or tshark.poll() is not None
        wait_for(capturing, "tshark to start capturing", timeout=30, interval=0)
        assert tshark.poll() is None, "tshark exited: " + "".join(started) + tshark.stderr.read()
        url = f"http://127.0.0.1:{port}"
        # "Capturing on" can come before the filter sees packets: probe until the file grows (dumpcap writes
        # each packet as it comes), so the session below is captured whole.
        empty = os.path.getsize(path) if os.path.exists(path) else 0

        def probe_captured():
            requests.get(url + "/healthz", timeout=5)
            time.sleep(0.2)
            return os.path.exists(path) and os.path.getsize(path) > empty + 200
        wait_for(probe_captured, "tshark to capture a probe request", timeout=30, interval=0)
        auth = {"authorization": API_KEY}
        with requests.Session() as session:  # keep-alive: several exchanges on one connection
            assert session.get(url + "/healthz", timeout=5).status_code == 200
            assert session.get(url + "/api/v1/stats", headers=auth, timeout=5).status_code == 200
            assert session.post(url + "/api/v1/meeting", headers=auth, timeout=5).status_code == 200
            assert session.post(url + "/api/v1/join", headers=auth, json={"room": "replay-room", "name": "ann"},
                                timeout=5).status_code == 200
        assert requests.get(url + "/api/v1/meetings", headers=auth, timeout=5).status_code == 200
        assert requests.get(url + "/no/such/page", timeout=5).status_code == 404

        async def socket_session():
            client = await RoomClient.connect(url, "replay-ws", "wsuser")
            await client.ws.send("ping")
            deadline = time.monotonic() + 10
            while not client.texts and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            assert client.texts == ["pong"]
            await client.close()
        asyncio.run(socket_session())
        time.sleep(0.5)  # let tshark write the last segments
    finally:
        tshark.send_signal(signal.SIGINT)
        try:
            tshark.wait(timeout=15)
        except subprocess.TimeoutExpired:
            tshark.kill()
            tshark.wait()
    assert os.path.getsize(path) > 0
    return path


@pytest.fixture(scope="module")
def capture():
    recorded = start_server(env=ENV)
    directory = tempfile.mkdtemp(prefix="parley-replay-http-")
    try:
        yield record_session(recorded.port, os.path.join(directory, "api-session.pcapng"))
    finally:
        recorded.stop()


def replay(capture_path, target, tmp_path):
    report = tmp_path / "report.json"
    run = subprocess.run(
        [CONFORM_BIN, "replay", capture_path, "--target", target, "--report", f"json:{report}"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PARLEY_SPEC_DIR": os.path.join(ROOT, "spec")})
    assert report.exists(), run.stdout + run.stderr
    return run, json.loads(report.read_text())


def test_replay_against_a_differently_configured_parley_shows_exactly_that_exchange(capture, tmp_path):
    different = start_server(env={**ENV, "API_ALLOW_STATS": "false"})
    try:
        run, report = replay(capture, different.url, tmp_path)
    finally:
        different.stop()
    cases = {c["id"]: c for c in report["cases"]}
    http = {k: v for k, v in cases.items() if k.startswith("replay/http/") or k.startswith("replay/ws/")}
    failing = sorted(k for k, v in http.items() if v["verdict"] != "PASS")
    slugs = sorted({k.split("/")[1] + "/" + k.split("-", 1)[1] for k in http})
    assert slugs == ["http/get-api-v1-meetings", "http/get-api-v1-stats", "http/get-healthz", "http/get-no-such-page",
                     "http/post-api-v1-join", "http/post-api-v1-meeting", "ws/room-replay-ws"], run.stdout + run.stderr
    assert [k.split("-", 1)[1] for k in failing] == ["get-api-v1-stats"], json.dumps(
        [cases[k] for k in failing], indent=1)[:4000]
    assert "status: recorded 200" in cases[failing[0]]["observed"]
    assert "link type LINUX_SLL2" in run.stdout
    assert run.returncode == 1


def test_replay_against_the_same_configuration_passes_every_exchange(capture, tmp_path):
    same = start_server(env=ENV)
    try:
        run, report = replay(capture, same.url, tmp_path)
    finally:
        same.stop()
    verdicts = {c["id"]: c["verdict"] for c in report["cases"] if c["id"].startswith(("replay/http/", "replay/ws/"))}
    assert verdicts and set(verdicts.values()) == {"PASS"}, json.dumps(report["cases"], indent=1)[:4000]
    assert run.returncode == 0, run.stdout + run.stderr


# The configuration captures/make/serve.sh records the committed HTTP and room WebSocket captures with.
CAPTURES_CONFIG = """api:
  key_secret: capture-api-key
  allowed: {stats: true, meetings: true, meeting: true, meeting_end: true, join: true, token: true, active_rooms: true}
jwt:
  secret: capture-jwt-secret
auth:
  secret: capture-auth-secret
  users:
    - username: admin
      password: capture-admin-pw
"""


@pytest.mark.parametrize("name", TCP_CAPTURES)
def test_committed_capture_replays_as_recorded(name, tmp_path):
    path = os.path.join(ROOT, "captures", name)
    if not os.path.exists(path):
        pytest.skip(f"captures/{name} is not in this tree")
    config = tmp_path / "parley.yaml"
    config.write_text(CAPTURES_CONFIG)
    server = start_server(args=["--config", str(config)])
    try:
        run, report = replay(path, server.url, tmp_path)
    finally:
        server.stop()
    cases = [c for c in report["cases"] if c["id"].startswith(("replay/http/", "replay/ws/"))]
    assert len(cases) >= 2, run.stdout + run.stderr
    assert [c["id"] for c in cases if c["verdict"] != "PASS"] == [], json.dumps(cases, indent=1)[:4000]
    assert run.returncode == 0, run.stdout + run.stderr
