"""Media hardening against the real binary (issue 13): the UDP media port is the server's alone, oversized offers
and too many unconnected WebRTC sessions are refused cheaply."""
import errno
import socket
import time

import pytest
import requests

from conftest import free_udp_port, start_server


def test_taken_media_port_fails_start_up_with_exit_1_and_a_clear_message():
    port = free_udp_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", port))
        server = start_server(env={"PARLEY_WEBRTC_UDP_PORT": str(port)}, wait=False)
        try:
            code = server.proc.wait(timeout=30)
        finally:
            server.stop()
        log = server.log()
        assert code == 1, log
        assert "webrtc.udp_port" in log and f"127.0.0.1:{port}" in log and "already in use" in log, log


@pytest.mark.parametrize("reuse", [False, True])
def test_running_servers_media_port_cannot_be_bound_again(reuse):
    port = free_udp_port()
    server = start_server(env={"PARLEY_WEBRTC_UDP_PORT": str(port)})
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as intruder:
            if reuse:
                intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            with pytest.raises(OSError) as refused:
                intruder.bind(("127.0.0.1", port))
            assert refused.value.errno == errno.EADDRINUSE
    finally:
        server.stop()


def offer(formats="111", extra=()):
    lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
             f"m=audio 9 UDP/TLS/RTP/SAVPF {formats}", "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendonly", "a=rtcp-mux",
             "a=rtpmap:111 opus/48000/2", "a=ice-ufrag:cli1", "a=ice-pwd:clientpasswordclientpassword",
             "a=fingerprint:sha-256 " + ":".join(["AB"] * 32), "a=setup:actpass", *extra]
    return "\r\n".join(lines) + "\r\n"


def post(server, path, body):
    return requests.post(f"{server.url}/webrtc/whip/{path}", data=body.encode(),
                         headers={"content-type": "application/sdp"}, timeout=10)


def test_21st_unconnected_offer_from_one_address_gets_503_with_retry_after(server):
    for index in range(20):
        assert post(server, f"live/cap{index}", offer()).status_code == 201
    refused = post(server, "live/cap20", offer())
    assert refused.status_code == 503, refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 20
    assert "127.0.0.1" in refused.text


def test_sdp_bomb_is_refused_with_413_quickly(server):
    formats = [str(112 + i % 16) for i in range(2000)]
    bomb = offer(" ".join(formats + ["111"]),
                 [f"a=rtpmap:{f} L16/8000" for f in formats] + ["a=rtcp-fb:* nack"] * 500)
    start = time.monotonic()
    refused = post(server, "live/bomb", bomb)
    elapsed = time.monotonic() - start
    assert refused.status_code == 413, refused.text
    assert elapsed < 1.0, elapsed
