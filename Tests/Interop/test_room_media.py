"""Issue 15 "Done when" (rooms): in a loopback-only network namespace, room participants publish over WHIP and play
each other over WHEP with their room session tokens (aiortc, Opus); the room socket announces each publication with
its kinds and MiroTalk's `/api/v1/meetings` shows `audio: true` while it lasts; kicking one over REST ends its
stream for every player within one second (the player's track ends, no packet after it, the session resource 404s)
and clears its flags, while the other participant's stream goes on."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PARLEY_BIN

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "room_media_scenario.py")


def _can_unshare():
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_room_participants_play_each_other_and_a_kick_stops_the_stream():
    pytest.importorskip("aiortc")
    command = f"ip link set lo up && exec {sys.executable} {SCENARIO} --server {PARLEY_BIN} --seconds 8"
    run = subprocess.run(["unshare", "-n", "sh", "-c", command], capture_output=True, text=True, timeout=180)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, f"scenario printed no result\nstdout:{run.stdout}\nstderr:{run.stderr[-3000:]}"
    result = json.loads(lines[-1])
    log = result.pop("server_log_tail", "")
    assert "error" not in result, f"{result}\n{log}\n{run.stderr[-3000:]}"

    for user in ("alice", "bob", "carol"):
        assert result["announced"][user] == {"alice": ["audio"], "bob": ["audio"]}, result["announced"]
    peers = result["peers_while_publishing"]
    assert peers["alice"]["audio"] and peers["bob"]["audio"] and not peers["carol"]["audio"], peers
    heard = result["heard"]
    for key, tone in (("bob<-alice", 440), ("carol<-alice", 440), ("alice<-bob", 660)):
        assert heard[key]["samples"] > 48000, heard
        assert abs(heard[key]["strongest_hz"] - tone) <= 10, heard

    assert result["kick_status"] == 200
    for name, seen in result["last_packet_before_kick_s"].items():
        # The streams were live when the kick came, so "nothing after" below means the kick stopped them.
        assert seen is not None and seen > -0.5, (name, result["last_packet_before_kick_s"])
    for name, seen in result["after_kick"].items():
        # The track ends within a second of the kick, and no packet arrives after it ended.
        assert seen["ended_s"] is not None and seen["ended_s"] < 1.0, (name, result["after_kick"], log)
        assert seen["last_packet_s"] is None or seen["last_packet_s"] <= seen["ended_s"], (name, result["after_kick"])
    status = result["session_status_after_kick"]
    assert status == {"alice-publisher": 404, "bob<-alice": 404, "alice<-bob": 404, "bob-publisher": 204}, status
    assert result["unpublish_to_bob"] == {"path": "room/media/alice", "user_id": "alice", "kinds": ["audio"]}
    assert "alice" not in result["peers_after_kick"] and result["peers_after_kick"]["bob"]["audio"], result
    assert result["kicked_token_status"] == 401
    assert result["carol_hears_bob_after_kick"]
    assert result["schema_violations"] == [], result["schema_violations"]
