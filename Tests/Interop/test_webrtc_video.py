"""Issue 15 "Done when" (video): in a loopback-only network namespace, headless Chromium with a fake camera and
microphone publishes audio+video over WHIP from a small test page (webrtc/pages/whip_publish.html); a second
Chromium page plays over WHEP and reports decoded video frames and audio packets through getStats over the
DevTools protocol; an aiortc player of the same path decodes both (VP8, then H264 packetization-mode 1); the publisher received keyframe requests (PLI
on each new video player); /api/streams shows the tracks."""
import json
import os
import subprocess
import sys

import pytest

from conftest import PARLEY_BIN, can_unshare

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "video_scenario.py")


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
@pytest.mark.parametrize("codec", ["VP8", "H264"])
def test_chromium_publishes_audio_and_video_to_chromium_and_aiortc_players(codec):
    pytest.importorskip("aiortc")
    from chromium import chromium_binary
    try:
        chromium_binary()
    except RuntimeError as error:
        pytest.skip(str(error))
    command = (f"ip link set lo up && exec {sys.executable} {SCENARIO} --server {os.path.abspath(PARLEY_BIN)} "
               f"--seconds 40 --codec {codec}")
    run = subprocess.run(["unshare", "-n", "sh", "-c", command], capture_output=True, text=True, timeout=180)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, f"scenario printed no result\nstdout:{run.stdout}\nstderr:{run.stderr[-3000:]}"
    result = json.loads(lines[-1])
    log = result.pop("server_log_tail", "")
    assert "error" not in result, f"{result}\n{log}\n{run.stderr[-3000:]}"

    chromium = result["chromium_player"]
    assert chromium["connection"] == "connected", result
    assert chromium["framesDecoded"] > 10, result
    assert chromium["audioPackets"] > 10, result
    aiortc = result["aiortc_player"]
    assert aiortc.get("video", 0) > 10 and aiortc.get("audio", 0) > 10, result
    assert aiortc.get("width") == 320, result
    # Each new video player asked the publisher for a keyframe.
    assert result["publisher_pli_received"] >= 1, result

    streams = result["streams"]["data"]["streams"]
    assert [s["path"] for s in streams] == ["live/camera"], result
    stream = streams[0]
    assert stream["video_codec"] == codec and stream["audio_codec"] == "opus", stream
    assert stream["subscribers"] == 2, stream
    assert stream["players"] == {"total": 2, "connected": 2}, stream
    tracks = {t["kind"]: t for t in stream["tracks"]}
    assert tracks["video"]["codec"] == codec and tracks["audio"]["codec"] == "opus", stream
    # H264: the profile Chromium sends (its first packetization-mode=1 entry) reached both players unchanged.
    assert (tracks["video"]["profile"] is not None) == (codec == "H264"), stream
    assert tracks["video"]["clock_rate"] == 90000 and tracks["audio"]["clock_rate"] == 48000, stream
    assert tracks["video"]["packets"] > 0 and tracks["video"]["bitrate"] > 0, stream
    assert stream["video_bitrate"] == tracks["video"]["bitrate"], stream
    assert tracks["video"]["keyframe_requests"] >= 1, stream
