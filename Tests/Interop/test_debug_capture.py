"""Issue 18 part A: aiortc publishes an Opus tone over WHIP while a debug capture of its stream path runs (started and
stopped through POST/DELETE /api/capture); the pcap holds the decrypted RTP/RTCP both ways with the real 5-tuple
(read back here, and by tshark when installed), the Opus payloads decode to the tone, and the manifest names the
streams as the server negotiated them."""
import os
import shutil
import subprocess

import pytest

from conftest import can_unshare, run_scenario_in_netns

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "webrtc", "capture_scenario.py")


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_capture_of_an_aiortc_publish_is_decrypted_and_described(tmp_path):
    pytest.importorskip("aiortc")
    result, log, stderr = run_scenario_in_netns(
        SCENARIO, "--frequency", "660", "--seconds", "2.5", "--keep", str(tmp_path), timeout=120)
    assert "error" not in result, f"{result}\n{log}\n{stderr}"
    assert result["start_status"] == 200 and result["second_start_status"] == 409, result
    assert result["listed"] == ["live/capture"], result
    assert result["stop_status"] == 200 and result["second_stop_status"] == 404, result
    manifest = result["manifest"]
    assert manifest["format"] == "parley-capture" and manifest["version"] == 1 and manifest["complete"], manifest
    assert manifest["stream_path"] == "live/capture" and manifest["trigger"] == "api"
    assert manifest["server_address"] == "127.0.0.1:9000" and manifest["link_type"] == "RAW"
    assert result["manifest_on_disk_matches"]
    counters = manifest["counters"]
    assert counters["records"] == result["records"] > 100, result
    assert counters["dropped_overload"] == counters["dropped_max_bytes"] == counters["dropped_write_error"] == 0
    kinds = sorted(s["kind"] for s in manifest["sessions"])
    assert kinds == ["publisher", "subscriber"], manifest
    publisher = next(s for s in manifest["sessions"] if s["kind"] == "publisher")
    audio = publisher["streams"][0]
    assert audio["direction"] == "received" and audio["codec"] == "opus" and audio["clock_rate"] == 48000
    assert audio["channels"] == 2 and isinstance(audio["ssrc"], int) and audio["packets"] == result["opus_packets"]
    assert publisher["rtcp_received"] > 0 and publisher["rtcp_sent"] > 0, publisher
    player = next(s for s in manifest["sessions"] if s["kind"] == "subscriber")
    sent = player["streams"][0]
    assert sent["direction"] == "sent" and sent["codec"] == "opus" and sent["packets"] > 0, player
    # Four directions of two 5-tuples, all through the server's media address.
    server = manifest["server_address"]
    assert set(result["tuples"]) == {
        f"{publisher['remote_address']}>{server}", f"{server}>{publisher['remote_address']}",
        f"{player['remote_address']}>{server}", f"{server}>{player['remote_address']}"}, result["tuples"]
    assert result["ordered"]
    # Decrypted: the captured Opus decodes to the tone aiortc sent.
    assert abs(result["captured_tone_hz"] - 660) <= 10, result
    if shutil.which("tshark"):
        pcap = os.path.join(str(tmp_path), result["kept"][0])
        out = subprocess.run(
            ["tshark", "-r", pcap, "-d", "udp.port==9000,rtp", "-Y", f"rtp.ssrc == {audio['ssrc']}",
             "-T", "fields", "-e", "rtp.p_type"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        types = out.stdout.split()
        assert len(types) == audio["packets"] and set(types) == {str(audio["payload_type"])}, out.stdout[:500]
