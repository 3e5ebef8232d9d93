"""Shared fixtures: start the real parley-server binary on a free loopback port with a fresh data dir."""
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARLEY_BIN = os.path.join(ROOT, os.environ.get("PARLEY_BIN", ".build/debug/parley-server"))
CONFORM_BIN = os.path.join(ROOT, os.environ.get("CONFORM_BIN", ".build/debug/parley-conform"))
# The committed captures of HTTP and room-WebSocket sessions (TCP): test_replay_http replays them; every other
# capture under captures/ holds RTP and test_replay_rtp replays it.
TCP_CAPTURES = ("http-api-session.pcap", "room-ws-session.pcap")


# --- Two pytest-xdist workers (`make test` runs `pytest -n 2 --dist loadgroup`) --------------------------------------
# Most interop tests wait on a server, a peer or a time bound rather than compute, so two at a time halve the wall time.
# Tests that push real media or hundreds of clients (aiortc, Chromium, the runner's media, timing-bounded decoding,
# recorded durations, cluster leases of 2 s) and test_conform_parley's fault sweep (four runner processes at once)
# share one xdist group: at most one of them runs at any moment, next to at most one light test, so their timing
# margins hold. A new test of that kind belongs in this list.
MEDIA_GROUP_MODULES = frozenset({
    "test_webrtc_aiortc", "test_webrtc_loss", "test_webrtc_video", "test_room_media", "test_recording",
    "test_debug_capture", "test_join_page", "test_conform_latency", "test_room_ws_load", "test_replay_rtp",
    "test_conform_parley", "test_cluster_failover", "test_cluster_media",
})


def _shares_a_module_fixture(item):
    """Whether the test uses a fixture that lives for its whole module (a server the module's tests share, whose
    later tests may check what earlier ones left): such modules run whole on one worker, in file order."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(d.scope == "module" for defs in info.name2fixturedefs.values() for d in defs)


def pytest_configure(config):
    # pytest-xdist registers this mark too; registering it here keeps a run without xdist free of warnings.
    config.addinivalue_line("markers", "xdist_group(name): tests of one group run one after another on one worker")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: xdist reads the xdist_group marks in its own hook of the same name.
    for item in items:
        module = item.module.__name__ if getattr(item, "module", None) else ""
        if module in MEDIA_GROUP_MODULES:
            item.add_marker(pytest.mark.xdist_group("media"))
        elif _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(module))


def wait_for(condition, what, timeout=10.0, interval=0.02):
    """Polls `condition` until it returns a truthy value, which is returned; fails naming `what` after `timeout`.
    Generous bounds cost nothing when things work: a passing wait returns as soon as the condition holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# Hummingbird's line once the listener is bound: everything the server logs while starting comes before it, so a
# check that start-up logged nothing (a secret, say) waits for it first.
LISTENING_LINE = "Server started and listening"


def can_unshare():
    """Whether this process may make a loopback-only network namespace (`unshare -n`, root or user namespaces)."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def run_scenario_in_netns(script, *args, timeout=180):
    """Runs a scenario script (Tests/Interop/webrtc/*_scenario.py) with this Python inside a loopback-only network
    namespace; returns (its JSON result without the log, the server log tail, the script's stderr)."""
    command = "ip link set lo up && exec " + shlex.join([sys.executable, script, "--server", PARLEY_BIN, *args])
    run = subprocess.run(["unshare", "-n", "sh", "-c", command], capture_output=True, text=True, timeout=timeout)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, f"scenario printed no result\nstdout:{run.stdout}\nstderr:{run.stderr[-3000:]}"
    result = json.loads(lines[-1])
    return result, result.pop("server_log_tail", ""), run.stderr[-3000:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running parley-server. `url` is plain HTTP; `tls_url` the same port over TLS."""

    def __init__(self, data_dir, port, proc, log_path):
        self.data_dir, self.port, self.proc, self.log_path = data_dir, port, proc, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.tls_url = f"https://127.0.0.1:{port}"

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for_log(self, text, timeout=10.0):
        """The log once it contains `text` (fails after `timeout`)."""
        return wait_for(lambda: text in self.log() and self.log(), f"{text!r} in the server log", timeout)

    def stop(self, sig=signal.SIGTERM, timeout=5):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_server(data_dir=None, args=(), env=None, port=None, wait=True, config=None):
    """A parley-server on 127.0.0.1 (a free port unless `port`), its data under `data_dir` (a new temporary one by
    default); `config`, YAML text, is written to `<data_dir>/parley.yaml` and passed with --config."""
    data_dir = data_dir or tempfile.mkdtemp(prefix="parley-test-")
    if config is not None:
        config_path = os.path.join(data_dir, "parley.yaml")
        with open(config_path, "w", encoding="utf-8") as f:
            f.write(config)
        args = ["--config", config_path, *args]
    port = port or free_port()
    log_path = os.path.join(data_dir, f"server-{port}.log")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "API_", "JWT_"))}
    # Every server gets its own media port so servers that overlap in a test run do not collide on 9000.
    full_env["PARLEY_WEBRTC_UDP_PORT"] = str(free_udp_port())
    full_env.update(env or {})
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [PARLEY_BIN, "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir, *args],
        stdout=log, stderr=subprocess.STDOUT, env=full_env, cwd=data_dir)
    server = Server(data_dir, port, proc, log_path)
    if wait:
        deadline = time.time() + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{server.log()}")
            try:
                if requests.get(server.url + "/healthz", timeout=1).status_code == 200:
                    return server
            except requests.RequestException:
                time.sleep(0.1)
        server.stop(signal.SIGKILL)
        raise RuntimeError("server did not become healthy:\n" + server.log())
    return server


def run_conform(*args, timeout=300):
    """`parley-conform run ARGS --spec-dir spec --report=json:...`; returns the process and the JSON report."""
    report = os.path.join(tempfile.mkdtemp(prefix="parley-conform-report-"), "report.json")
    proc = subprocess.run([CONFORM_BIN, "run", *args, "--spec-dir", os.path.join(ROOT, "spec"),
                           f"--report=json:{report}"], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if not os.path.exists(report):
        raise AssertionError(f"parley-conform wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    with open(report, encoding="utf-8") as f:
        return proc, json.load(f)


@pytest.fixture
def server():
    s = start_server()
    yield s
    s.stop()


# --- PostgreSQL (cluster mode) --------------------------------------------------------------------------------------
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
PG_SCRIPT = os.path.join(ROOT, "scripts", "pg-test-cluster.sh")


def _psql(url, sql):
    subprocess.run([os.path.join(PG_BIN, "psql"), "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                   check=True, capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a throw-away PostgreSQL server's `parley` database: the one `make test` started
    (PARLEY_TEST_DATABASE_URL), else one started here for the session (scripts/pg-test-cluster.sh, ~3 s) and
    deleted after it. Skips only when the PostgreSQL binaries are missing on a developer's machine; CI installs them."""
    url = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if url:
        yield url
        return
    if not os.access(os.path.join(PG_BIN, "initdb"), os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"no PostgreSQL binaries in {PG_BIN}: scripts/install-deps.sh --test installs them")
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN} (apt-get install postgresql)")
    directory = tempfile.mkdtemp(prefix="parley-pg-")
    run = subprocess.run([PG_SCRIPT, "start", directory, str(free_port())], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, f"pg-test-cluster.sh start failed:\n{run.stderr}"
    try:
        yield run.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([PG_SCRIPT, "stop", directory], capture_output=True, timeout=60)
        shutil.rmtree(directory, ignore_errors=True)


def new_postgres_database(server_url):
    """A new, empty database on the test server; returns its URL (tests that need a clean slate use one each)."""
    name = f"parley_t{os.getpid()}_{time.monotonic_ns()}"
    _psql(server_url, f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_url(postgres_server):
    """`postgres://…` of an empty database made for this pytest session on the throw-away server."""
    return new_postgres_database(postgres_server)


@pytest.fixture
def fresh_postgres_url(postgres_server):
    """`postgres://…` of an empty database made for this one test."""
    return new_postgres_database(postgres_server)
