"""Issue 19 "Done when": in a loopback-only network namespace, two headless Chromium instances with fake media open
join links from POST /api/v1/join (https on the server's own port) and meet on Parley's meeting page: each decodes
the other's video and audio (getStats over the DevTools protocol), /api/v1/meetings lists both with video; chat,
a raised hand, the presenter's mute request and kick are each seen on the other page, a page whose
connection dropped joins again by itself, a late joiner of
the locked room is told so, and ending the meeting says so; axe-core finds nothing
serious or critical in the lobby or the meeting; the lobby and meeting screenshots are not blank."""
import os
import sys

import pytest

from conftest import can_unshare, run_scenario_in_netns

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "join_page_scenario.py")
# scripts/install-deps.sh --test puts axe-core here (from PyPI; see the script).
AXE = os.path.join(sys.prefix, "axe", "axe.min.js")


def remote_decoding(rows):
    """Some player of the page decodes video frames and receives audio samples."""
    return any(r["framesDecoded"] > 10 and r["frameWidth"] > 0 and r["audioPackets"] > 20 and r["audioSamples"] > 0
               for r in rows.values())


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_two_browsers_meet_on_the_join_page(tmp_path):
    from chromium import chromium_binary
    try:
        chromium_binary()
    except RuntimeError as error:
        pytest.skip(str(error))
    assert os.path.isfile(AXE), f"{AXE} missing: run scripts/install-deps.sh --test"
    shots = os.environ.get("JOIN_PAGE_SHOTS") or str(tmp_path)
    os.makedirs(shots, exist_ok=True)
    result, log, stderr = run_scenario_in_netns(SCENARIO, "--shots", shots, "--axe", AXE, timeout=150)
    assert "error" not in result, f"{result}\n{log}\n{stderr}"

    # The links are MiroTalk's, on the server's own TLS.
    assert result["links"]["bob"].startswith("https://127.0.0.1:") and "/join?room=standup&" in result["links"]["bob"]
    assert "/join/" in result["links"]["lobby"]
    assert result["lobby"]["nameFocused"] and result["lobby"]["cameras"] >= 1 and result["lobby"]["microphones"] >= 1
    # Presenter rights come from Alice's token; Bob, without one, is a participant with no presenter controls.
    assert result["roles"] == {"alice": "presenter", "bob": "participant"}, result["roles"]
    assert result["presenter_controls"]["alice"] >= 1 and result["presenter_controls"]["bob"] is False, result

    signed, bare, random = result["params"]
    assert {k: signed.get(k) for k in ("room", "password", "askPassword", "name", "audio", "video", "screen", "chat",
                                       "hide", "notify", "durationSeconds", "avatar", "token")} == {
        "room": "r1", "password": "secret", "askPassword": False, "name": "Ann B", "audio": True, "video": False,
        "screen": True, "chat": True, "hide": False, "notify": True, "durationSeconds": 90, "avatar": None,
        "token": "T"}, signed
    assert bare["room"] == "r2" and bare.get("name") is None and bare["audio"] and bare["video"], bare
    assert bare.get("durationSeconds") is None and bare.get("password") is None, bare
    assert len(random["room"]) == 12 and random["askPassword"] and random["name"].startswith("User-"), random

    for name in ("alice", "bob"):
        rows = result[f"{name}_receives"]
        assert remote_decoding(rows), (name, rows)
    peers_by_name = {p["name"]: p for m in result["meetings"]["meetings"] if m["roomId"] == "standup"
                     for p in m["peers"]}
    assert set(peers_by_name) == {"Alice", "Bob"}, result["meetings"]
    for name in ("Alice", "Bob"):
        assert peers_by_name[name]["video"] is True and peers_by_name[name]["audio"] is True, peers_by_name
    assert peers_by_name["Alice"]["presenter"] is True and peers_by_name["Bob"]["presenter"] is False

    assert result["speaker_seen"] in result["ids"].values(), result["speaker_seen"]
    assert "Hello from Alice" in result["bob_chat"]
    assert result["alice_sees_hand"] is True
    muted = result["bob_muted"]
    assert muted["pressed"] == "true" and muted["trackEnabled"] is False, muted
    assert result["alice_sees_bob_mic"] == "Mic off"
    # After a dropped connection Bob's page resumed the same participation by itself; media flows again.
    assert result["bob_rejoined"]["userId"] == result["ids"]["bob"], result["bob_rejoined"]
    assert remote_decoding(result["alice_receives_after_drop"]), result["alice_receives_after_drop"]
    kicked = result["bob_kicked"]
    assert kicked["title"] == "You were removed from the meeting" and "removed you" in kicked["text"], kicked
    assert kicked["publishing"] is False, kicked
    assert result["ids"]["bob"] not in result["alice_tiles_after_kick"]
    assert result["late_joiner"]["title"] == "This room is locked", result["late_joiner"]
    assert result["alice_after_end"]["title"] == "The meeting has ended", result["alice_after_end"]

    for page, violations in result["axe"].items():
        assert violations == [], (page, violations)
    for shot, spread in result["shots"].items():
        # A blank or one-colour picture has no spread; the pages show video, text and controls.
        assert spread["luma_stddev"] > 10 and spread["colours"] > 20, (shot, spread)
