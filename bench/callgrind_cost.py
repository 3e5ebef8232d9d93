"""Instructions per request (`make bench`, section `cost`): each server runs under valgrind's callgrind, which
counts the instructions it executes (Ir), so the number holds on a busy or noisy machine where req/s and CPU time
do not. Per server: start with instrumentation off (`--instr-atstart=no`: startup and setup run uninstrumented,
several times faster), then switch counting on (`callgrind_control -i on`); per row, warm the route up, zero the
counters (`-z`), send exactly N requests on C keep-alive connections opened beforehand (the client runs outside
valgrind, so its cost is not counted) and dump (`-d`). Ir / N is the cost of one request, with the top functions
by their own Ir.

Work a server does on its own timers (Parley's 20 ms media tick, ~0.9 M Ir/s under valgrind) lands in whatever
window is being counted, in proportion to the window's wall time, which a loaded machine stretches; and each window
also counts what the server does while callgrind_control zeroes and dumps. Idle windows of two lengths
before and after the rows give both (a rate and a per-window cost), and each row subtracts them, function by
function, for its own duration.

  callgrind_cost.py WORK_DIR PARLEY_BIN [GO_BIN] --jwt TOKEN [--rooms N] [--scale F] [--top N]

API_KEY_SECRET and PARLEY_AUTH_SECRET come from the environment (scripts/bench.sh). Loopback only; every wait is
bounded. A server that dies or hangs under valgrind is reported on its row and the rest still run."""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_client  # noqa: E402
import profile_report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
IDLE_WINDOWS = (1, 5)  # seconds: two lengths, to tell the rate of timer work from the cost of a window
START_TIMEOUT = 300  # Parley's start under valgrind takes ~40 s on an idle 2-core machine


class ServerFailed(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strip_debug_info(binary, work):
    """A copy without DWARF: valgrind 3.19 cannot read the DWARF 5 that Swift 6 emits ("unhandled dwarf2 abbrev
    form code 0x25") and gives up on the binary; the symbol table that stays is enough for function names."""
    copy = os.path.join(work, os.path.basename(binary) + ".nodebug")
    subprocess.run(["objcopy", "--strip-debug", binary, copy], check=True)
    return copy


def build_sigsuspend_shim(work):
    """bench/valgrind_sigsuspend.c as a shared object, for LD_PRELOAD (why: that file's comment)."""
    shim = os.path.join(work, "valgrind_sigsuspend.so")
    compiler = shutil.which("cc") or shutil.which("clang")
    if not compiler:
        raise ServerFailed("no C compiler (cc or clang) for bench/valgrind_sigsuspend.c")
    subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", shim, os.path.join(HERE, "valgrind_sigsuspend.c")],
                   check=True)
    return shim


def dump_complete(path):
    if not os.path.exists(path):
        return False
    with open(path, errors="replace") as f:
        return "totals:" in f.read()


class CallgrindServer:
    """One server process under callgrind, counting only between `measure` calls."""

    def __init__(self, name, command, env, port, work):
        self.name, self.port = name, port
        self.out = os.path.join(work, f"callgrind-{name}.out")
        self.log_path = os.path.join(work, f"callgrind-{name}.log")
        self.dumps = 0
        # --dump-line=no: there is no line information to dump (no debug info), and the dumps stay small.
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-line=no",
                    f"--callgrind-out-file={self.out}"]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(valgrind + command, env=env, stdout=log, stderr=subprocess.STDOUT)

    def log_tail(self, lines=15):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def check_alive(self):
        if self.process.poll() is not None:
            raise ServerFailed(f"{self.name} exited under valgrind ({self.process.returncode}):\n{self.log_tail()}")

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=10).close()
                return
            except urllib.error.HTTPError:
                return  # any status: it answers
            except OSError:
                time.sleep(0.5)
        raise ServerFailed(f"{self.name} did not answer within {START_TIMEOUT} s under valgrind")

    def control(self, *args):
        self.check_alive()
        result = subprocess.run(["callgrind_control", *args, str(self.process.pid)], capture_output=True,
                                text=True, timeout=120)
        if result.returncode != 0 or "OK" not in result.stdout:
            raise ServerFailed(f"callgrind_control {' '.join(args)} on {self.name}: {result.stdout}{result.stderr}")

    def count_from_now_on(self):
        """Switches counting on for good. Switching it on flushes every translation, and re-translating the code
        a request runs makes its first requests take far longer in wall time (not in Ir); so the counters are
        zeroed for each window instead, once a warm-up has run the code translated."""
        self.control("-i", "on")

    def measure(self, action):
        """Runs `action` in a fresh counting window; returns the window's profile and how long `action` took."""
        self.control("-z")
        started = time.monotonic()
        action()
        seconds = time.monotonic() - started
        self.control("-d")
        self.dumps += 1
        path = f"{self.out}.{self.dumps}"
        deadline = time.monotonic() + 60
        while not dump_complete(path):
            if time.monotonic() > deadline:
                raise ServerFailed(f"no callgrind dump {path} from {self.name}")
            time.sleep(0.2)
        return profile_report.read_profile(path), seconds

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Row:
    def __init__(self, route, path, headers, server, requests, connections, warmup):
        self.route, self.server, self.path, self.headers = route, server, path, headers
        self.requests, self.connections, self.warmup = requests, connections, warmup
        self.raw = self.seconds = self.net = None
        self.failure = None

    @property
    def per_request(self):
        return self.net.total / self.requests if self.net else None


class Background:
    """What a server counts without requests, from idle windows of two lengths: a rate per second of wall time
    (its timers) and a cost per window (the time callgrind_control itself takes to switch counting on and off,
    which no client clock sees). A row's requests took `seconds`; its window also held both of these."""

    def __init__(self):
        self.windows = {seconds: [] for seconds in IDLE_WINDOWS}

    def add(self, seconds, profile, measured):
        self.windows[seconds].append((profile, measured))

    def estimate(self):
        (short, long) = (self.windows[seconds] for seconds in IDLE_WINDOWS)
        if not short or not long:
            return None
        short_seconds = sum(measured for _, measured in short)
        long_seconds = sum(measured for _, measured in long)
        short_sum = profile_report.Profile.combine([(1, profile) for profile, _ in short])
        long_sum = profile_report.Profile.combine([(1, profile) for profile, _ in long])
        # Same number of windows of each length, so the per-window part cancels in the difference.
        span = long_seconds - short_seconds
        self.rate = profile_report.Profile.combine([(1 / span, long_sum), (-1 / span, short_sum)])
        self.per_window = profile_report.Profile.combine([(1 / len(short), short_sum),
                                                         (-short_seconds / len(short), self.rate)])
        return self

    def subtract(self, profile, seconds):
        return profile_report.Profile.combine([(1, profile), (-1, self.per_window), (-seconds, self.rate)]).clamped()


def run_server(server, rows, prepare=None):
    """Waits for `server`, runs `prepare`, then warms up and measures each row between idle windows; fills the
    rows in and returns the Background estimate (None when it could not be made). A failure marks the rows not yet
    measured and stops this server only."""
    background = Background()

    def idle_windows():
        for seconds in IDLE_WINDOWS:
            background.add(seconds, *server.measure(lambda: time.sleep(seconds)))

    try:
        server.wait_ready()
        if prepare:
            prepare()
        server.count_from_now_on()
        idle_windows()
        for row in rows:
            clients = bench_client.KeepAliveClients(server.port, row.connections)
            try:
                clients.run(row.path, row.headers, row.warmup)
                row.raw, row.seconds = server.measure(lambda: clients.run(row.path, row.headers, row.requests))
            finally:
                clients.close()
        idle_windows()
    except (ServerFailed, bench_client.RequestFailed, OSError, SystemExit) as failure:  # SystemExit: rooms()
        for row in rows:
            if row.raw is None:
                row.failure = str(failure).splitlines()[0]
        print(f"{server.name} under callgrind: {failure}", file=sys.stderr, flush=True)
    finally:
        server.stop()
    estimate = background.estimate()
    for row in rows:
        if row.raw is not None:
            row.net = estimate.subtract(row.raw, row.seconds) if estimate else row.raw
    return estimate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work")
    parser.add_argument("parley")
    parser.add_argument("go", nargs="?")
    parser.add_argument("--jwt", required=True)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every row's request count")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--swift", default="swift", help="for `swift demangle`")
    args = parser.parse_args()
    key, auth_secret = os.environ["API_KEY_SECRET"], os.environ["PARLEY_AUTH_SECRET"]

    def count(n):
        return max(1, round(n * args.scale))

    stats = ("/api/v1/stats", "/api/v1/stats", {"authorization": key})
    streams = ("/api/streams", "/api/streams", {"Authorization": f"Bearer {args.jwt}"})
    rooms = (f"/meeting/api/rooms({args.rooms})", "/meeting/api/rooms", {"Authorization": f"Bearer {args.jwt}"})
    # Counts for 5-30 s per row on a quiet machine (the time grows with the load, the count does not): under
    # callgrind with one connection Parley answers a small route in 5-20 ms and the 1000-room list in 0.2-0.6 s,
    # Go in 1-3 ms and 0.05-0.15 s. The stats row runs twice to show
    # how repeatable the count is.
    parley_rows = [Row(*stats, "parley", count(1000), 1, 200), Row(*stats, "parley", count(1000), 1, 200),
                   Row(*stats, "parley", count(1000), 8, 200),
                   Row(*streams, "parley", count(1000), 1, 200),
                   Row(*rooms, "parley", count(40), 1, 10)]
    go_rows = [Row(*stats, "go-net/http", count(3000), 1, 500), Row(*stats, "go-net/http", count(3000), 8, 500),
               Row(*streams, "go-net/http", count(3000), 1, 500),
               Row(*rooms, "go-net/http", count(120), 1, 20)]
    rows = parley_rows + (go_rows if args.go else [])

    work = args.work
    os.makedirs(work, exist_ok=True)
    # The servers get only the bench's settings: a PARLEY_* variable from the caller's shell would change what is
    # measured.
    base_env = {name: value for name, value in os.environ.items() if not name.startswith("PARLEY_")}
    started = time.monotonic()

    port = free_port()
    # A fixed hash seed: Swift seeds Set and Dictionary hashing per process, and the probe sequences it gives change
    # the count from one run to the next.
    parley_env = dict(base_env, API_KEY_SECRET=key, PARLEY_AUTH_SECRET=auth_secret, PARLEY_WEBRTC_UDP_PORT="0",
                      SWIFT_DETERMINISTIC_HASHING="1", LD_PRELOAD=build_sigsuspend_shim(work))
    parley = CallgrindServer("parley", [strip_debug_info(args.parley, work), "--listen", f"127.0.0.1:{port}",
                                        "--data-dir", os.path.join(work, "data-callgrind"), "--log-level", "error"],
                             parley_env, port, work)
    parley_background = run_server(parley, parley_rows,
                             lambda: bench_client.rooms(f"http://127.0.0.1:{port}", args.jwt, args.rooms))
    go_background = None
    if args.go:
        port = free_port()
        # Go's asynchronous preemption signals trip a callgrind 3.19 assertion (threads.c, post_signal) within
        # seconds; with it off the scheduler preempts at function calls only, which these handlers reach anyway.
        # One P: valgrind runs one thread at a time, so a second P only spins in its scheduler and runtime locks
        # while the first holds valgrind's lock, which made Go's count swing by up to a third between runs.
        go_env = dict(base_env, API_KEY_SECRET=key, PARLEY_AUTH_SECRET=auth_secret, BENCH_ROOMS=str(args.rooms),
                      GODEBUG="asyncpreemptoff=1", GOMAXPROCS="1")
        go = CallgrindServer("go", [strip_debug_info(args.go, work), str(port)], go_env, port, work)
        go_background = run_server(go, go_rows)

    print_table(rows, parley_background, go_background, bool(args.go), args, time.monotonic() - started)


def print_table(rows, parley_background, go_background, with_go, args, elapsed):
    go_by_shape = {(row.route, row.connections): row.per_request for row in rows
                   if row.server == "go-net/http" and row.net}
    print(f"{'route':<26} {'server':<12} {'conns':>5} {'requests':>8} {'Ir/request':>12} {'seconds':>8} "
          f"{'parley/go':>10}")
    for row in rows:
        if row.net is None:
            print(f"{row.route:<26} {row.server:<12} {row.connections:>5} {row.requests:>8}  FAILED: {row.failure}")
            continue
        ratio = go_by_shape.get((row.route, row.connections))
        shown_ratio = f"{row.per_request / ratio:9.2f}x" if row.server == "parley" and ratio else ""
        print(f"{row.route:<26} {row.server:<12} {row.connections:>5} {row.requests:>8} {row.per_request:>12,.0f} "
              f"{row.seconds:>8.1f} {shown_ratio:>10}")
    repeated = [row for row in rows if row.server == "parley" and row.route == "/api/v1/stats"
                and row.connections == 1 and row.net]
    if len(repeated) == 2:
        first, second = (row.per_request for row in repeated)
        print(f"repeatability: /api/v1/stats measured twice, {first:,.0f} and {second:,.0f} Ir/request, "
              f"{100 * abs(first - second) / ((first + second) / 2):.2f}% apart")
    for name, background in (("parley", parley_background), ("go", go_background)):
        if background:
            print(f"subtracted from {name}'s rows, counted in idle windows: {background.rate.total / 1e6:.2f} M Ir per "
                  f"second of wall time, {background.per_window.total / 1e6:.2f} M Ir per window")
    if with_go:
        print("go runs with GODEBUG=asyncpreemptoff=1 (callgrind 3.19 asserts on its preemption signals) and "
              "GOMAXPROCS=1 (a second P only spins under valgrind's one-thread-at-a-time scheduling)")
    print(f"({elapsed:.0f} s in all)")
    shown = set()
    for row in rows:
        shape = (row.route, row.server, row.connections)
        if row.net is None or shape in shown:
            continue
        shown.add(shape)
        print(f"\n  top {args.top} functions, {row.route} {row.server} {row.connections} connection(s): "
              f"own Ir per request, share")
        for line in profile_report.top_functions(row.net, row.requests, args.top, args.swift):
            print(line)


if __name__ == "__main__":
    main()
