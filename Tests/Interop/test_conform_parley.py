"""parley-conform's meeting, room-ws and (live) mirotalk profiles against the real parley-server with every credential
given: 0 FAIL, 0 BROKEN and 0 SKIP (the MiroTalk disabled-switch cases run in test_conform_mirotalk.py's second run),
and nothing the run created is left behind (reservations excepted: the API has no route to delete one).
Then the same profiles through a fault-injecting proxy (conform_faults.py): each fault, a bug real servers have,
turns the cases that check its rule FAIL and no others, and together the faults turn every new case red."""
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
import requests

from conftest import CONFORM_BIN, ROOT, run_conform, start_server
from conform_faults import FAULTS, FaultProxy

API_KEY = "conform-parley-key"
JWT_SECRET = "conform-parley-jwt-0123456789abcdef"
AUTH_SECRET = "conform-parley-auth-0123456789abcdef"
SPEC_DIR = os.path.join(ROOT, "spec")
PROFILES = "meeting,room-ws,mirotalk"
# Needs a switch turned off, so it runs in test_conform_mirotalk.py's all-off run instead.
EXCLUDE = ("mirotalk/*/disabled-body",)


def start_parley():
    d = tempfile.mkdtemp(prefix="parley-conform-all-")
    # One file in the recordings catalogue, so the range cases have something to download.
    os.makedirs(os.path.join(d, "recordings", "conform-recorded"))
    with open(os.path.join(d, "recordings", "conform-recorded", "talk.webm"), "wb") as f:
        f.write(bytes(range(256)) * 4)
    config = os.path.join(d, "parley.yaml")
    with open(config, "w") as f:
        f.write(f"api:\n  key_secret: {API_KEY}\n  allowed:\n")
        for switch in ("stats", "meetings", "meeting", "meeting_end", "join", "token", "active_rooms"):
            f.write(f"    {switch}: true\n")
        f.write(f"jwt:\n  secret: {JWT_SECRET}\nauth:\n  secret: {AUTH_SECRET}\n")
    return start_server(data_dir=d, args=["--config", config])


def conform(url, *extra, timeout=600, scale="2"):
    return run_conform(
        "--target", url, "--profile", PROFILES, "--api-key", API_KEY, "--jwt-secret", JWT_SECRET, "--auth-secret",
        AUTH_SECRET, "--room-ws", "--timeout-scale", scale, *(f"--exclude={p}" for p in EXCLUDE), *extra,
        timeout=timeout)


@pytest.fixture(scope="module")
def parley():
    server = start_parley()
    yield server
    server.stop()


def test_every_case_passes_against_parley(parley):
    proc, report = conform(parley.url)
    bad = [f"{c['id']}: {c['verdict']} expected {c.get('expected')} / observed {c.get('observed')} "
           f"/ reason {c.get('reason')}" for c in report["cases"] if c["verdict"] not in ("PASS", "INFO")]
    assert bad == [], "\n".join(bad)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    ids = {c["id"] for c in report["cases"]}
    assert sum(i.startswith("meeting/") for i in ids) >= 40
    assert sum(i.startswith("room-ws/") for i in ids) >= 40
    assert any(i.startswith("mirotalk/live/") for i in ids)


def test_the_run_leaves_no_room_or_template_behind(parley):
    live = requests.get(parley.url + "/api/v1/meetings", headers={"authorization": API_KEY}, timeout=5).json()
    assert [m["roomId"] for m in live["meetings"]] == []
    now = int(time.time())
    token = jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1, "exp": now + 600}, AUTH_SECRET, algorithm="HS256")
    for path, key in (("/meeting/api/rooms", "rooms"), ("/meeting/api/templates", "templates")):
        r = requests.get(parley.url + path, headers={"Authorization": "Bearer " + token}, timeout=5)
        assert r.status_code == 200 and r.json()["data"][key] == [], r.text


def needs_a_quiet_server(spec):
    """Faults whose selection holds a case that counts the whole server (stats deltas) run alone."""
    return any(p.startswith(("meeting/stats", "mirotalk/live")) for p in spec["cases"])


@pytest.fixture(scope="module")
def fault_runs(parley):
    """Every fault's run: four at a time (each from its own loopback address, in rooms of its own), then the ones
    that need a quiet server one by one. {fault: (process, report)}"""
    def run(item):
        index, fault = item
        spec = FAULTS[fault]
        proxy = FaultProxy(parley.port, fault, source=f"127.0.0.{index + 2}")
        proxy.start()
        try:
            # Shorter waits: a red case mostly waits for something the fault withholds.
            return fault, conform(proxy.url, *(f"--case={p}" for p in spec["cases"]), scale="0.8")
        finally:
            proxy.stop()

    items = list(enumerate(sorted(FAULTS)))
    with ThreadPoolExecutor(4) as pool:
        results = dict(pool.map(run, [i for i in items if not needs_a_quiet_server(FAULTS[i[1]])]))
    results.update(run(i) for i in items if needs_a_quiet_server(FAULTS[i[1]]))
    return results


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_turns_its_cases_red(fault_runs, fault):
    spec = FAULTS[fault]
    proc, report = fault_runs[fault]
    verdicts = {c["id"]: c["verdict"] for c in report["cases"]}
    # A violated MUST is FAIL, a violated SHOULD NON-STRICT (docs/contracts.md §parley-conform).
    red = {i for i, v in verdicts.items() if v in ("FAIL", "NON-STRICT")}
    missed = {i: verdicts.get(i) for i in spec["red"] if i not in red}
    assert not missed, (fault, missed)
    # Only the cases of the broken rule turn red: the others selected alongside still pass.
    extra = red - set(spec["red"]) - set(spec.get("also", ()))
    assert not extra, (fault, {i: next(c.get("observed") for c in report["cases"] if c["id"] == i) for i in extra})
    assert not [i for i, v in verdicts.items() if v == "BROKEN"], (fault, verdicts)
    assert proc.returncode == (1 if "FAIL" in verdicts.values() else 0), proc.stdout[-2000:] + proc.stderr


def test_the_faults_together_turn_every_new_case_red():
    """Every meeting, room-ws and live MiroTalk case is in some fault's red list (the other MiroTalk cases are
    turned by Tests/ConformanceTests/FaultyTargetTests.swift)."""
    proc = subprocess.run([CONFORM_BIN, "list", "--profile", "meeting,room-ws,mirotalk", "--spec-dir", SPEC_DIR],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    ids = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    judged = {i for i in ids if i.startswith(("meeting/", "room-ws/", "mirotalk/live/"))}
    turned = set().union(*(set(spec["red"]) for spec in FAULTS.values()))
    assert sorted(judged - turned) == []
    assert turned <= ids, sorted(turned - ids)
