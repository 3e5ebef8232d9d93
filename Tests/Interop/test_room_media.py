"""Issue 15 "Done when" (rooms): in a loopback-only network namespace, room participants publish over WHIP and play
each other over WHEP with their room session tokens (aiortc: Opus from both, VP8 from one); the room socket
announces each publication with its kinds and MiroTalk's `/api/v1/meetings` shows `audio: true` (and `video: true`
for the VP8 sender) while it lasts; kicking one over REST ends its stream for every player within one second (the
player's tracks end, no packet after them, the session resource 404s) and clears its flags, while the other
participant's stream goes on."""
import os

import pytest

from conftest import can_unshare, run_scenario_in_netns

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "room_media_scenario.py")


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_room_participants_play_each_other_and_a_kick_stops_the_stream():
    pytest.importorskip("aiortc")
    result, log, stderr = run_scenario_in_netns(SCENARIO, "--seconds", "8")
    assert "error" not in result, f"{result}\n{log}\n{stderr}"

    for user in ("alice", "bob", "carol"):
        assert result["announced"][user] == {"alice": ["audio", "video"], "bob": ["audio"]}, result["announced"]
    assert result["peers_while_publishing"] == {
        "alice": {"audio": True, "video": True, "screen": False},
        "bob": {"audio": True, "video": False, "screen": False},
        "carol": {"audio": False, "video": False, "screen": False}}, result["peers_while_publishing"]
    # bob's player takes alice's VP8 too and decodes it; the audio-only players get none.
    assert result["video_frames_decoded"]["bob<-alice"] >= 30, result["video_frames_decoded"]
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
        if name == "bob<-alice":
            assert seen["video_ended_s"] is not None and seen["video_ended_s"] < 1.0, (name, result["after_kick"])
        assert seen["last_packet_s"] is None or seen["last_packet_s"] <= seen["ended_s"], (name, result["after_kick"])
    status = result["session_status_after_kick"]
    assert status == {"alice-publisher": 404, "bob<-alice": 404, "alice<-bob": 404, "bob-publisher": 204}, status
    assert result["unpublish_to_bob"] == {"path": "room/media/alice", "user_id": "alice", "kinds": ["audio", "video"]}
    assert "alice" not in result["peers_after_kick"] and result["peers_after_kick"]["bob"]["audio"], result
    assert result["kicked_token_status"] == 401
    assert result["carol_hears_bob_after_kick"]
    assert result["schema_violations"] == [], result["schema_violations"]
