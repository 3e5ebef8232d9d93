"""The arithmetic of `make bench`'s cost section (bench/profile_report.py, bench/callgrind_cost.py) on synthetic
callgrind dumps: which cost is a function's own, and what is subtracted as the server's background work. No valgrind
needed; runs in well under a second."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "bench"))
import callgrind_cost  # noqa: E402
import profile_report  # noqa: E402
from profile_report import Profile  # noqa: E402

# Two objects, names compressed as `(id) name` then `(id)`, a call whose inclusive cost follows `calls=`, and a
# recursion level ('2) of the same function.
DUMP = """# callgrind format
version: 1
creator: callgrind-3.19.0
positions: line
events: Ir
summary: 0

ob=(1) /opt/swift/usr/lib/swift/linux/libswiftCore.so
fl=(1) ???
fn=(1) swift_retain
0 40

ob=(2) /tmp/work/parley-server.nodebug
fl=(1)
fn=(2) $s4main7handleyyF
0 100
cob=(1)
cfi=(1)
cfn=(1)
calls=2 0
0 40
+1 7
fn=(3) $s4main7handleyyF'2
0 3

ob=(1)
fn=(1)
0 5
totals: 155
"""


def test_read_profile_counts_own_cost_only(tmp_path):
    path = tmp_path / "callgrind.out.1"
    path.write_text(DUMP)
    profile = profile_report.read_profile(str(path))
    assert profile.total == 155
    assert profile.functions == {
        ("libswiftCore.so", "swift_retain"): 45,
        # 100 + 7 after the call, + 3 of its recursion level; the 40 inclusive of the call is swift_retain's.
        ("parley-server.nodebug", "$s4main7handleyyF"): 110,
    }


def test_top_functions_per_request(tmp_path):
    profile = Profile(200, {("a.so", "f"): 150, ("a.so", "g"): 50})
    lines = profile_report.top_functions(profile, requests=10, top=1, swift="/nonexistent/swift")
    assert len(lines) == 1
    assert "15" in lines[0] and "75.0%" in lines[0] and "f" in lines[0] and "[a.so]" in lines[0]


def idle_window(rate, per_window, seconds):
    return Profile.combine([(1, per_window), (seconds, rate)])


def test_background_recovers_rate_and_window_cost():
    rate = Profile(1000, {("p", "tick"): 800, ("p", "loop"): 200})
    per_window = Profile(300, {("p", "loop"): 300})
    background = callgrind_cost.Background()
    for _ in range(2):  # before and after the rows
        for seconds in callgrind_cost.IDLE_WINDOWS:
            measured = seconds + 0.25  # the action's own clock, as measure() returns it
            background.add(seconds, idle_window(rate, per_window, measured), measured)
    assert background.estimate() is background
    assert background.rate.total == pytest.approx(1000)
    assert background.rate.functions[("p", "tick")] == pytest.approx(800)
    assert background.per_window.total == pytest.approx(300)

    requests = Profile(50_000, {("p", "handle"): 40_000, ("p", "loop"): 10_000})
    row = Profile.combine([(1, requests), (1, idle_window(rate, per_window, 3.0))])
    net = background.subtract(row, 3.0)
    assert net.total == pytest.approx(50_000)
    assert net.functions[("p", "handle")] == pytest.approx(40_000)
    assert net.functions[("p", "loop")] == pytest.approx(10_000)
    assert net.functions[("p", "tick")] == pytest.approx(0, abs=1e-6)


def test_background_needs_both_window_lengths():
    background = callgrind_cost.Background()
    background.add(callgrind_cost.IDLE_WINDOWS[0], Profile(10, {}), 1.0)
    assert background.estimate() is None


def test_clamped_never_below_zero():
    clamped = Profile(-5, {("p", "f"): -1, ("p", "g"): 2}).clamped()
    assert clamped.total == 0 and clamped.functions == {("p", "f"): 0, ("p", "g"): 2}
