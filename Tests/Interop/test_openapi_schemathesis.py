"""schemathesis (pinned, seeded, time-bounded) with every check (`--checks all`) against each OpenAPI document the
running server serves: no server errors; responses, status codes, content types and headers as documented; invalid
input refused and valid input accepted; 405 with `Allow` for an undocumented method on a known path."""
import os
import subprocess
import tempfile
import time

import pytest
import requests
import yaml

from conftest import ROOT, start_server

# Status codes the checks accept beyond their defaults (see the file's comments).
CONFIG_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")

API_KEY = "schemathesis-api-key"
ADMIN_PASSWORD = "schemathesis-admin-pw"
CONFIG = f"""
api:
  key_secret: {API_KEY}
  allowed: {{stats: true, meetings: true, meeting: true, meeting_end: true, join: true, token: true, active_rooms: true}}
jwt:
  secret: schemathesis-jwt-secret
auth:
  secret: schemathesis-auth-secret
  users:
    - username: admin
      password: {ADMIN_PASSWORD}
"""


@pytest.fixture(scope="module")
def configured_server():
    d = tempfile.mkdtemp(prefix="parley-st-")
    path = os.path.join(d, "parley.yaml")
    with open(path, "w") as f:
        f.write(CONFIG)
    s = start_server(data_dir=d, args=["--config", path])
    # Log in before any fuzzing: schemathesis's failed logins trip the per-address login throttle (429).
    r = requests.post(s.url + "/api/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    s.bearer = r.json()["data"]["token"]
    yield s
    s.stop()


def bearer(server):
    return server.bearer


# Every check schemathesis has (`--checks all`); a document may skip only checks its own description names as
# contradicted by the upstream behaviour it reproduces.
SEED = "20261123"
# Each document's run is bounded so the three stay inside the CI budget (≤ 45 s each, start-up included).
MAX_SECONDS = 35
BUDGET_SECONDS = 45
# The MiroTalk face answers as MiroTalk SFU does, which three checks hold against it (spec/mirotalk-v1.yaml says why):
MIROTALK_CONTRADICTED = ("missing_required_header", "negative_data_rejection", "unsupported_method")


def spec_description(name):
    with open(os.path.join(ROOT, "spec", name), encoding="utf-8") as f:
        return yaml.safe_load(f)["info"]["description"]


def run_schemathesis(server, spec_path, headers, extra=(), excluded_checks=()):
    schema_url = server.url + spec_path
    r = requests.get(schema_url, timeout=10)
    assert r.status_code == 200, f"{spec_path} is not served: {r.status_code}"
    cmd = [os.path.join(ROOT, ".venv/bin/schemathesis"), "--config-file", CONFIG_FILE, "run", schema_url,
           "--url", server.url, "--checks", "all",
           "--max-examples", "20", "--seed", SEED, "--workers", "1", "--max-time", str(MAX_SECONDS),
           "--phases", "examples,coverage,fuzzing", "--request-timeout", "10",
           "--suppress-health-check", "all", *extra]
    if excluded_checks:
        cmd += ["--exclude-checks", ",".join(excluded_checks)]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    started = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - started
    assert out.returncode == 0, out.stdout[-8000:] + out.stderr[-2000:]
    assert server.proc.poll() is None, "the server died under schemathesis:\n" + server.log()[-4000:]
    assert elapsed <= BUDGET_SECONDS, f"{spec_path}: schemathesis took {elapsed:.0f} s (budget {BUDGET_SECONDS} s)"


def test_mirotalk_exclusions_are_named_in_the_spec():
    description = spec_description("mirotalk-v1.yaml")
    for check in MIROTALK_CONTRADICTED:
        assert f"`{check}`" in description, f"spec/mirotalk-v1.yaml does not say why `{check}` is skipped"


def test_mirotalk_v1_openapi(configured_server):
    run_schemathesis(configured_server, "/api/v1/openapi.yaml", {"authorization": API_KEY},
                     excluded_checks=MIROTALK_CONTRADICTED)


def test_monibuca_core_openapi(configured_server):
    # The seed's plugin prefixes Parley does not build answer 501 by design (tagged `not-implemented`). Monibuca v5's
    # /mp4/api/start|stop answer a plain Go error as gRPC code 2 = HTTP 500 (`not found`, `record exists`; documented
    # in the spec), which the server-error check cannot tell from a crash: Tests/HTTPTests/MonibucaMP4Tests and
    # test_recording.py cover them.
    run_schemathesis(configured_server, "/api/openapi.yaml", {"Authorization": "Bearer " + bearer(configured_server)},
                     extra=["--exclude-tag", "not-implemented", "--exclude-path-regex", "^/mp4/api/(start|stop)/"])


def test_meeting_openapi(configured_server):
    run_schemathesis(configured_server, "/meeting/api/openapi.yaml",
                     {"Authorization": "Bearer " + bearer(configured_server)})
