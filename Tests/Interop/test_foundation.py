"""Foundation: the real binary on one port for HTTP and TLS, metrics, config errors, shutdown, secrets."""
import os
import re
import signal
import stat
import subprocess
import tempfile
import time

import requests

from conftest import PARLEY_BIN, start_server, wait_for


def test_healthz_answers_json_over_plain_http_and_tls_on_the_same_port(server):
    plain = requests.get(server.url + "/healthz", timeout=5)
    tls = requests.get(server.tls_url + "/healthz", timeout=5, verify=False)
    for r in (plain, tls):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/json")
        body = r.json()
        assert body["status"] == "ok" and isinstance(body["version"], str)
        assert isinstance(body["uptime_s"], (int, float)) and body["uptime_s"] >= 0


def test_curl_reaches_healthz_over_http_and_https(server):
    for url, extra in ((server.url, []), (server.tls_url, ["-k"])):
        out = subprocess.run(["curl", "-sS", *extra, url + "/healthz"], capture_output=True, text=True, timeout=10)
        assert out.returncode == 0, out.stderr
        assert '"status":"ok"' in out.stdout.replace(" ", "")


def healthz_count(server):
    text = requests.get(server.url + "/metrics", timeout=5).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("hb_requests") and 'http_route="/healthz"' in line and 'status_code="200"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total, text


def test_metrics_counter_rises_by_exactly_n_after_n_requests(server):
    before, text = healthz_count(server)
    assert "# TYPE" in text
    n = 7
    with requests.Session() as s:
        for _ in range(n):
            assert s.get(server.url + "/healthz", timeout=5).status_code == 200
    # The counter may be bumped just after the response is written: wait until it shows all n, then check not more.
    after, text = wait_for(lambda: (c := healthz_count(server))[0] - before >= n and c, f"{n} counted requests")
    assert after - before == n
    assert "http_server_request_duration" in text and "_bucket" in text  # latency histogram per route


def run_with_config(yaml_text):
    d = tempfile.mkdtemp(prefix="parley-cfg-")
    path = os.path.join(d, "parley.yaml")
    with open(path, "w") as f:
        f.write(yaml_text)
    return subprocess.run([PARLEY_BIN, "--config", path, "--data-dir", d, "--listen", "127.0.0.1:0"],
                          capture_output=True, text=True, timeout=30)


def test_unknown_config_key_exits_2_naming_key_and_line():
    out = run_with_config("http:\n  listen: \":0\"\n  lissten: 1\n")
    assert out.returncode == 2, out
    assert "http.lissten" in out.stderr and ":3" in out.stderr


def test_wrong_config_type_exits_2_naming_key():
    out = run_with_config("http:\n  max_body_bytes: lots\n")
    assert out.returncode == 2, out
    assert "http.max_body_bytes" in out.stderr


def test_print_config_masks_secrets():
    d = tempfile.mkdtemp()
    out = subprocess.run([PARLEY_BIN, "--print-config", "--data-dir", d], capture_output=True, text=True, timeout=30,
                         env={**os.environ, "API_KEY_SECRET": "very-secret-key-value"})
    assert out.returncode == 0, out.stderr
    assert "very-secret-key-value" not in out.stdout
    assert "key_secret" in out.stdout and "listen" in out.stdout


def test_sigterm_exits_0_within_2_seconds_with_an_idle_connection_open():
    s = start_server()
    idle = requests.Session()
    idle.get(s.url + "/healthz", timeout=5)  # keep-alive connection stays open
    t0 = time.time()
    s.proc.send_signal(signal.SIGTERM)
    code = s.proc.wait(timeout=5)
    assert code == 0, s.log()
    assert time.time() - t0 < 2.0
    assert "storage flushed and closed" in s.log()


def test_generated_secrets_are_0600_and_announced_only_once():
    s = start_server()
    s.stop()
    first = s.log()
    assert "DEVELOPMENT SECRETS GENERATED" in first
    mode = stat.S_IMODE(os.stat(os.path.join(s.data_dir, "secrets.json")).st_mode)
    assert mode == 0o600
    assert os.path.exists(os.path.join(s.data_dir, "parley.sqlite"))
    again = start_server(data_dir=s.data_dir)
    again.stop()
    second = again.log()
    assert "DEVELOPMENT SECRETS GENERATED" not in second


def test_silent_and_half_closed_connections_do_not_disturb_the_server(server):
    import socket
    for _ in range(20):
        c = socket.create_connection(("127.0.0.1", server.port))
        c.close()
    c = socket.create_connection(("127.0.0.1", server.port))
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"[:1])
    for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"[1:]:
        c.sendall(bytes([b]))
    data = c.recv(4096)
    c.close()
    assert data.startswith(b"HTTP/1.1 200")
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200


def test_default_listen_address_serves_every_interface():
    """The built-in default `http.listen: ":8080"` (empty host) must bind, not fail to resolve."""
    from conftest import free_port, free_udp_port
    d = tempfile.mkdtemp(prefix="parley-default-")
    port = free_port()
    path = os.path.join(d, "parley.yaml")
    with open(path, "w") as f:
        f.write(f'http:\n  listen: ":{port}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "API_", "JWT_"))}
    env["PARLEY_WEBRTC_UDP_PORT"] = str(free_udp_port())
    proc = subprocess.Popen([PARLEY_BIN, "--config", path, "--data-dir", d], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            assert proc.poll() is None, "server exited"
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise AssertionError("no answer on the default (empty-host) listen address")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
