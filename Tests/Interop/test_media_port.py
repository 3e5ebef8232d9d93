"""The UDP media port is the server's alone (issue 13): a taken port fails start-up, and nobody can bind it after."""
import errno
import socket

import pytest

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
