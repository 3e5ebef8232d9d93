"""parley-conform's handshake profile through handshake_faults.py in front of the real parley-server, with every
fault on at once (one run keeps the sweep short): each fault turns its case red and every other case still passes,
so every online handshake case is shown to catch its bug. That the profile passes whole against Parley itself is
test_conform_parley_profile.py's job (it is part of --profile parley); the offline tier is checked in
Tests/ConformanceTests/HandshakeOfflineTests.swift."""
import pytest

from conftest import run_conform, start_server
from handshake_faults import FAULTS, HandshakeFaultProxy


# Fault -> the case it must turn red (FAIL, or NON-STRICT for the SHOULD case).
RED = {
    "ok-integrity": "handshake/rfc8489-9.1.3/wrong-integrity",
    "ok-username": "handshake/rfc8489-9.1.3/wrong-username",
    "ok-no-fingerprint": "handshake/rfc8445-7.2.2/missing-fingerprint",
    "no-role-conflict": "handshake/rfc8445-7.3.1.1/role-conflict",
    "garbage-breaks": "handshake/rfc7983-7/garbage-ignored",
    "redirect": "handshake/rfc7675-5.1/no-redirect-without-consent",
    "no-retransmit": "handshake/rfc6347-4.2.4/retransmission",
    "replay-forwarded": "handshake/rfc3711-3.3/tampered-and-replayed-not-forwarded",
    "stale-pin": "handshake/rfc8122-5/certificate-mismatch",
    "wrong-mapped": "handshake/rfc8445-7.3/valid-check",
}


def conform(*args, timeout=300):
    proc, report = run_conform("--profile", "handshake", *args, timeout=timeout)
    return proc, {c["id"]: c for c in report["cases"]}


@pytest.fixture(scope="module")
def parley():
    server = start_server()
    yield server
    server.stop()


def test_each_fault_turns_its_case_red_and_nothing_else(parley):
    assert sorted(RED) == sorted(FAULTS)
    proxy = HandshakeFaultProxy(parley.port)
    try:
        proc, cases = conform("--target", proxy.url)
    finally:
        proxy.stop()
    verdicts = {i: c["verdict"] for i, c in cases.items()}
    expected_red = set(RED.values())
    red = {i for i, v in verdicts.items() if v in ("FAIL", "NON-STRICT")}
    assert red == expected_red, {i: (verdicts[i], cases[i].get("observed") or cases[i].get("reason"))
                                 for i in red ^ expected_red}
    assert verdicts["handshake/rfc8445-7.2.2/missing-fingerprint"] == "NON-STRICT"  # a SHOULD
    others = {i: v for i, v in verdicts.items() if i not in expected_red}
    assert set(others.values()) == {"PASS"}, others
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr
