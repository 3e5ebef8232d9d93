"""parley-conform's whip and whep profiles (RFC 9725, draft-ietf-wish-whep-02).

1. Through a fault-injecting proxy in front of parley-server (whipwhep_faults.py): each fault, a server with one or
   a few independent bugs a WHIP/WHEP server can have, turns the cases that check those rules red and no others;
   together the faults turn every whip and whep case red. (The clean run against Parley is part of test_conform_parley_profile.py's `--profile parley`.)
2. Against a third-party server on an independent stack, bench/pion-sfu (Pion from Debian's Go packages, built
   once into .build/pion-sfu/): its real conformance is printed as a verdict table; the runner causes no BROKEN."""
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import CONFORM_BIN, ROOT, free_port, run_conform, start_server, wait_for
from conform_faults import AUTH_SECRET, FaultProxy
from whipwhep_faults import FAULTS

SPEC_DIR = os.path.join(ROOT, "spec")
PUBLISH_KEY = "conform-whip-publish-key"
SUBSCRIBE_KEY = "conform-whep-subscribe-key"
ORIGIN = "https://conform.example"


def start_parley():
    return start_server(config=f"""auth:
  secret: {AUTH_SECRET}
stream_auth:
  enabled: true
  keys:
    global:
      publish: {PUBLISH_KEY}
      subscribe: {SUBSCRIBE_KEY}
http:
  cors_origins: ["{ORIGIN}"]
webrtc:
  ice_servers:
    - urls: stun:127.0.0.1:3478
""")


def conform(url, *extra, scale="1", timeout=300):
    return run_conform("--target", url, "--profile", "whip,whep", "--timeout-scale", scale, *extra, timeout=timeout)


CREDENTIALS = ("--auth-secret", AUTH_SECRET, "--stream-key", f"global:publish:{PUBLISH_KEY}", "--stream-key",
               f"global:subscribe:{SUBSCRIBE_KEY}", "--origin", ORIGIN)


@pytest.fixture(scope="module")
def parley():
    server = start_parley()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fault_runs(parley):
    """Every fault's run, all at once, each from its own loopback address. {fault: (process, report)}"""
    def run(item):
        index, fault = item
        spec = FAULTS[fault]
        proxy = FaultProxy(parley.port, spec, source=f"127.0.1.{index + 2}")
        proxy.start()
        try:
            # Short waits: a red case mostly waits for what the fault withholds (media, an ICE answer).
            started = time.monotonic()
            result = conform(proxy.url, *CREDENTIALS, *(f"--case={p}" for p in spec["cases"]), scale="0.4")
            print(f"{fault}: {time.monotonic() - started:.1f} s")
            return fault, result
        finally:
            proxy.stop()

    with ThreadPoolExecutor(len(FAULTS)) as pool:
        return dict(pool.map(run, list(enumerate(sorted(FAULTS)))))


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_turns_its_cases_red(fault_runs, fault):
    spec = FAULTS[fault]
    proc, report = fault_runs[fault]
    verdicts = {c["id"]: c["verdict"] for c in report["cases"]}
    red = {i for i, v in verdicts.items() if v in ("FAIL", "NON-STRICT")}
    missed = {i: verdicts.get(i) for i in spec["red"] if i not in red}
    assert not missed, (fault, missed, [(c["id"], c.get("observed"), c.get("reason")) for c in report["cases"]])
    extra = red - set(spec["red"]) - set(spec.get("also", ()))
    assert not extra, (fault, {c["id"]: c.get("observed") for c in report["cases"] if c["id"] in extra})
    assert not [i for i, v in verdicts.items() if v in ("BROKEN", "SKIP")], (fault, report["cases"])
    assert proc.returncode == (1 if "FAIL" in verdicts.values() else 0), proc.stdout[-2000:] + proc.stderr


def test_the_faults_together_turn_every_whip_and_whep_case_red():
    proc = subprocess.run([CONFORM_BIN, "list", "--profile", "whip,whep", "--spec-dir", SPEC_DIR],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    ids = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    assert len(ids) >= 40, ids
    turned = set().union(*(set(spec["red"]) for spec in FAULTS.values()))
    assert sorted(ids - turned) == []
    assert turned <= ids, sorted(turned - ids)


# MARK: the third-party target

def pion_binary():
    """bench/pion-sfu built offline from Debian's Go packages (GOPATH mode, as scripts/bench.sh does), cached in
    .build/pion-sfu/ under the hash of its source so later runs cost nothing."""
    go = shutil.which("go")
    if go is None or not os.path.isdir("/usr/share/gocode/src/github.com/pion/webrtc"):
        pytest.skip("needs golang-go and golang-github-pion-webrtc.v3-dev (scripts/install-deps.sh --test)")
    source = os.path.join(ROOT, "bench", "pion-sfu", "main.go")
    with open(source, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    cache = os.path.join(ROOT, ".build", "pion-sfu")
    binary = os.path.join(cache, f"pion-sfu-{digest}")
    if os.path.exists(binary):
        return binary
    gopath = tempfile.mkdtemp(prefix="parley-pion-gopath-")
    os.makedirs(os.path.join(gopath, "src"))
    os.symlink(os.path.join(ROOT, "bench", "pion-sfu"), os.path.join(gopath, "src", "pionsfu"))
    package = os.path.join(gopath, "src", "pionsfu")
    # PWD keeps the symlinked path: Go resolves the /v3 imports (minimal module compatibility) only for code it
    # sees inside a GOPATH, and without PWD it would see the symlink's target instead.
    env = dict(os.environ, GO111MODULE="off", GOPATH=f"{gopath}:/usr/share/gocode",
               GOCACHE=os.path.join(cache, "go-cache"), PWD=package)
    os.makedirs(cache, exist_ok=True)
    subprocess.run([go, "build", "-o", binary + ".tmp", "."], cwd=package, env=env, check=True, timeout=600)
    os.replace(binary + ".tmp", binary)
    return binary


def test_the_profiles_against_pion_give_verdicts_without_runner_breakage():
    binary = pion_binary()
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="pion-sfu-", suffix=".log", delete=False)
    proc = subprocess.Popen([binary, f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    def up():
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
        except requests.ConnectionError:
            return False

    try:
        wait_for(up, "pion-sfu listening", timeout=15)
        run, report = conform(f"http://127.0.0.1:{port}", scale="1.5")
    finally:
        proc.terminate()
        proc.wait(10)
    cases = report["cases"]
    print("\nparley-conform --profile whip,whep against bench/pion-sfu (Pion v3, Debian):")
    for c in cases:
        why = c.get("observed") or c.get("reason") or ""
        print(f"  {c['verdict']:<10} {c['id']:<52} {why[:90]}")
    print("  counts:", report["counts"])
    broken = [(c["id"], c.get("reason")) for c in cases if c["verdict"] == "BROKEN"]
    assert broken == []
    assert len(cases) >= 40 and run.returncode in (0, 1), run.stderr[-2000:]
    # Pion forwards media: the media cases are the ones a plain SFU must pass.
    verdicts = {c["id"]: c["verdict"] for c in cases}
    assert verdicts["whep/draft02-4.2/opus-arrives-decodable"] == "PASS", verdicts
