"""Issue 8 "Done when": in a loopback-only network namespace, aiortc publishes an Opus tone over WHIP, an aiortc
player receives it over WHEP, the decoded audio's strongest frequency is the tone's, and after DELETE no more
packets arrive; the stream is listed in /api/streams only while it is live."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PARLEY_BIN

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "tone_scenario.py")
TONE_HZ = int(os.environ.get("PARLEY_TONE_HZ", "440"))


def _can_unshare():
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_aiortc_tone_over_whip_reaches_whep_player():
    pytest.importorskip("aiortc")
    command = (f"ip link set lo up && exec {sys.executable} {SCENARIO} --server {PARLEY_BIN} "
               f"--frequency {TONE_HZ} --seconds 3")
    run = subprocess.run(["unshare", "-n", "sh", "-c", command], capture_output=True, text=True, timeout=120)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, f"scenario printed no result\nstdout:{run.stdout}\nstderr:{run.stderr}"
    result = json.loads(lines[-1])
    log = result.pop("server_log_tail", "")
    assert "error" not in result, f"{result}\n{log}\n{run.stderr[-3000:]}"
    assert result["publisher_connected"] and result["player_connected"]
    assert result["samples"] > 48000, result
    assert abs(result["strongest_hz"] - TONE_HZ) <= 10, result
    assert result["delete_publisher_status"] == 200
    assert result["unlisted_after_publisher_delete"], result
    assert result["packets_after_publisher_delete"] == 0, result
    assert result["delete_player_status"] == 200
    assert result["packets_after_player_delete"] == 0, result
    assert result["second_delete_status"] == 404
    assert result["listed_while_live"] and not result["listed_after_delete"], result
