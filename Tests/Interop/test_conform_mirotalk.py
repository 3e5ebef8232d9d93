"""parley-conform's mirotalk profile against the real parley-server, twice: every `api.allowed` switch on, then every
one off. Both runs end with 0 FAIL, every case runs (is not SKIP) in at least one of them, and the three report
formats agree: JUnit counts equal the JSON report's, and the HTML matrix renders in headless Chromium.
Also the run-level failures: a pattern matching nothing exits 2, an unreachable target is BROKEN + exit 2 with
reports still written."""
import json
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import pytest

from chromium import Chromium
from conftest import CONFORM_BIN, ROOT, free_port, start_server

API_KEY = "conform-interop-key"
JWT_SECRET = "conform-interop-jwt"
SWITCHES = ("stats", "meetings", "meeting", "meeting_end", "join", "token", "active_rooms")
VERDICTS = ("PASS", "FAIL", "NON-STRICT", "INFO", "SKIP", "BROKEN", "FLAKY")
SPEC_DIR = os.path.join(ROOT, "spec")


def conform(*args, timeout=300):
    """Runs parley-conform with the repository's spec/ directory; returns the finished process."""
    assert os.path.exists(CONFORM_BIN), f"{CONFORM_BIN} is missing (swift build --product parley-conform)"
    return subprocess.run([CONFORM_BIN, *args, "--spec-dir", SPEC_DIR], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def run_against(url, out_dir, name, *extra):
    """One mirotalk run with all three reports; returns (process, JSON report, report paths)."""
    paths = {kind: os.path.join(out_dir, f"{name}.{kind}") for kind in ("json", "junit", "html")}
    proc = conform("run", "--target", url, "--profile", "mirotalk", "--api-key", API_KEY, "--jwt-secret", JWT_SECRET,
                   "--room-ws", *(f"--report={kind}:{path}" for kind, path in paths.items()), *extra)
    with open(paths["json"], encoding="utf-8") as f:
        report = json.load(f)
    return proc, report, paths


def start_with_switches(enabled):
    d = tempfile.mkdtemp(prefix="parley-conform-")
    config = os.path.join(d, "parley.yaml")
    flag = "true" if enabled else "false"
    with open(config, "w") as f:
        f.write(f"api:\n  key_secret: {API_KEY}\n  allowed:\n")
        f.writelines(f"    {switch}: {flag}\n" for switch in SWITCHES)
        f.write(f"jwt:\n  secret: {JWT_SECRET}\n")
    return start_server(data_dir=d, args=["--config", config])


@pytest.fixture(scope="module")
def runs():
    """The two runs, by switch state: {"on": (proc, report, paths), "off": (...)}."""
    out = tempfile.mkdtemp(prefix="parley-conform-reports-")
    results = {}
    for state in ("on", "off"):
        server = start_with_switches(state == "on")
        try:
            results[state] = run_against(server.url, out, f"mirotalk-{state}")
        finally:
            server.stop()
    return results


def failing(report):
    return [f"{c['id']}: expected {c.get('expected')} / observed {c.get('observed')}"
            for c in report["cases"] if c["verdict"] in ("FAIL", "BROKEN")]


@pytest.mark.parametrize("state", ["on", "off"])
def test_run_has_no_fail_and_exits_0(runs, state):
    proc, report, _ = runs[state]
    assert report["schema_version"] == 1
    assert report["counts"]["FAIL"] == 0 and report["counts"]["BROKEN"] == 0, failing(report)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert report["exit_code"] == 0
    assert sum(report["counts"][v] for v in VERDICTS) == len(report["cases"]) > 0
    for case in report["cases"]:
        assert case["verdict"] in VERDICTS
        if case["verdict"] == "SKIP":
            assert case.get("reason"), f"{case['id']} skipped without a reason"


def test_every_case_runs_in_at_least_one_of_the_two_runs(runs):
    ids = {state: {c["id"] for c in runs[state][1]["cases"]} for state in runs}
    assert ids["on"] == ids["off"]
    skipped_in_both = {c["id"] for c in runs["on"][1]["cases"] if c["verdict"] == "SKIP"} & \
                      {c["id"] for c in runs["off"][1]["cases"] if c["verdict"] == "SKIP"}
    assert not skipped_in_both
    # The switches really matter: each run skips something the other runs.
    assert runs["on"][1]["counts"]["SKIP"] > 0 and runs["off"][1]["counts"]["SKIP"] > 0


@pytest.mark.parametrize("state", ["on", "off"])
def test_junit_counts_equal_the_json_report(runs, state):
    _, report, paths = runs[state]
    root = ET.parse(paths["junit"]).getroot()
    testcases = root.findall(".//testcase")
    assert len(testcases) == len(report["cases"])
    assert sum(1 for t in testcases if t.find("failure") is not None) == report["counts"]["FAIL"]
    assert sum(1 for t in testcases if t.find("skipped") is not None) == report["counts"]["SKIP"]
    assert sum(1 for t in testcases if t.find("error") is not None) == report["counts"]["BROKEN"]
    assert int(root.get("tests")) == len(report["cases"])
    assert int(root.get("failures")) == report["counts"]["FAIL"]
    assert int(root.get("skipped")) == report["counts"]["SKIP"]
    assert {t.get("name") for t in testcases} == {c["id"] for c in report["cases"]}


def test_html_report_renders_the_matrix_in_chromium(runs):
    _, report, paths = runs["on"]
    browser = Chromium()
    try:
        seen = browser.run("file://" + paths["html"], """(() => {
            const m = document.getElementById('matrix');
            if (!m) return null;
            const r = m.getBoundingClientRect(), s = getComputedStyle(m);
            const rows = [...m.querySelectorAll('tbody tr')].filter(tr => tr.getBoundingClientRect().height > 0);
            return {width: r.width, height: r.height, display: s.display, visibility: s.visibility,
                    rows: rows.length, first: rows.length ? rows[0].dataset.id : null,
                    verdicts: [...m.querySelectorAll('tbody td.PASS, tbody td.SKIP, tbody td.INFO')].length};
        })()""", ready="document.querySelector('#matrix tbody tr')")
    finally:
        browser.close()
    assert seen is not None, "no #matrix element"
    assert seen["display"] != "none" and seen["visibility"] == "visible"
    assert seen["width"] > 0 and seen["height"] > 0
    assert seen["rows"] == len(report["cases"])
    assert seen["first"] == sorted(c["id"] for c in report["cases"])[0]
    assert seen["verdicts"] == len(report["cases"])


def test_list_shows_mirotalk_cases_with_spec_references(runs):
    proc = conform("list", "--profile", "mirotalk")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == len(runs["on"][1]["cases"])
    for line in lines:
        case_id, severity, rest = line.split(None, 2)
        assert case_id.startswith("mirotalk/") and case_id == case_id.lower()
        assert severity in ("MUST", "SHOULD", "INFO")
        # Something a stranger can open: an upstream or RFC address, or a file of this repository.
        reference = rest.split()[0]
        assert reference.startswith(("https://", "spec/", "docs/")), line
    by_id = {line.split()[0]: line for line in lines}
    assert "/miroslavpejic85/mirotalksfu/blob/" in by_id["mirotalk/join/url-oracle"]
    assert "tests/test-ServerAPI.js#L" in by_id["mirotalk/join/url-oracle"]


def test_a_pattern_matching_nothing_exits_2():
    out = tempfile.mkdtemp(prefix="parley-conform-nomatch-")
    report_path = os.path.join(out, "r.json")
    proc = conform("run", "--target", "http://127.0.0.1:9", "--profile", "mirotalk", "--case", "mirotalk/no-such-area/*",
                   f"--report=json:{report_path}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "mirotalk/no-such-area/*" in proc.stderr
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    assert report["exit_code"] == 2 and report["run_error"]
    # A typo among good patterns is still an error, not a silently smaller run.
    proc = conform("run", "--target", "http://127.0.0.1:9", "--case", "mirotalk/stats/*", "--exclude", "mirotalk/statz")
    assert proc.returncode == 2 and "mirotalk/statz" in proc.stderr


def test_an_unreachable_target_is_broken_with_exit_2_and_reports_written():
    port = free_port()  # bound then released: nothing listens there
    out = tempfile.mkdtemp(prefix="parley-conform-unreachable-")
    proc, report, paths = run_against(f"http://127.0.0.1:{port}", out, "unreachable", "--case", "mirotalk/stats")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert report["exit_code"] == 2
    assert report["cases"] and all(c["verdict"] == "BROKEN" and c.get("reason") for c in report["cases"])
    assert report["counts"]["BROKEN"] == len(report["cases"])
    for path in paths.values():
        assert os.path.getsize(path) > 0
    root = ET.parse(paths["junit"]).getroot()
    assert len(root.findall(".//testcase/error")) == len(report["cases"])
    with open(paths["html"], encoding="utf-8") as f:
        assert 'id="matrix"' in f.read()
