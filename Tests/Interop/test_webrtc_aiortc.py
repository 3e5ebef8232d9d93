"""Issue 8 "Done when": in a loopback-only network namespace, aiortc publishes an Opus tone over WHIP, an aiortc
player receives it over WHEP, the decoded audio's strongest frequency is the tone's, and after DELETE no more
packets arrive; the stream is listed in /api/streams only while it is live."""
import os

import pytest

from conftest import can_unshare, run_scenario_in_netns

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "tone_scenario.py")
TONE_HZ = int(os.environ.get("PARLEY_TONE_HZ", "440"))


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_aiortc_tone_over_whip_reaches_whep_player():
    pytest.importorskip("aiortc")
    result, log, stderr = run_scenario_in_netns(SCENARIO, "--frequency", str(TONE_HZ), "--seconds", "3",
                                                timeout=120)
    assert "error" not in result, f"{result}\n{log}\n{stderr}"
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
