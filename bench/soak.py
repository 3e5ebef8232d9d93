"""`make bench` soak: a release parley-server under 500 room-WebSocket clients and 100 WHEP players for SOAK_SECONDS
(default 600), bounded and loopback only. Prints whether the server survived, its RSS growth after warm-up (must stay
under 5%) and its open file descriptors before, during and after the load (after must not exceed before).

The WebSocket clients live in this process (lean: frames are counted, not kept): spread over rooms and over source
addresses 127.0.0.2–127.0.0.x (per-address connection caps), each pings and chats now and then, and one reconnects
every second (churn). Publishers and players run in `bench/soak_media.py` processes; players churn too.

Usage: python bench/soak.py PARLEY_SERVER_BINARY   Environment: SOAK_SECONDS, SOAK_WS_CLIENTS, SOAK_WHEP_PLAYERS,
SOAK_PUBLISHERS, SOAK_PLAYER_PROCESSES, SOAK_MAX_RSS_GROWTH (percent, default 5), SOAK_LOG_LEVEL (server log level)."""
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from websockets.exceptions import ConnectionClosed
from websockets.legacy.client import connect as ws_connect

HERE = os.path.dirname(os.path.abspath(__file__))
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
WS_CLIENTS = int(os.environ.get("SOAK_WS_CLIENTS", "500"))
PLAYERS = int(os.environ.get("SOAK_WHEP_PLAYERS", "100"))
PUBLISHERS = int(os.environ.get("SOAK_PUBLISHERS", "5"))
PLAYER_PROCESSES = int(os.environ.get("SOAK_PLAYER_PROCESSES", "4"))
MAX_GROWTH = float(os.environ.get("SOAK_MAX_RSS_GROWTH", "5"))
ROOM_SIZE = 50
CLIENTS_PER_ADDRESS = 20
RAMP_TIMEOUT = 180.0


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Sampler(threading.Thread):
    """RSS of the server every second, with the time it was taken."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.samples.append((time.monotonic(), rss_mib(self.pid)))
            except (OSError, RuntimeError):
                return
            self.stop.wait(1.0)

    def mean_between(self, start, end):
        values = [rss for at, rss in self.samples if start <= at <= end]
        return statistics.fmean(values) if values else float("nan")


def start_server(binary, work):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update({"PARLEY_WEBRTC_UDP_PORT": str(free_port(socket.SOCK_DGRAM)), "PARLEY_WEBRTC_ANNOUNCE": "127.0.0.1"})
    log = open(os.path.join(work, "server.log"), "w")
    # SOAK_LOG_LEVEL=info logs why each WebRTC session closed (the log is kept when anything failed or dropped).
    level = os.environ.get("SOAK_LOG_LEVEL", "error")
    proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--data-dir", os.path.join(work, "data"),
                             "--log-level", level], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited at start with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc, base
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not become healthy")


class WebSocketLoad:
    """WS_CLIENTS lean room clients; counts frames, pings, chats, reconnects and failures."""

    def __init__(self, base):
        self.base = base.replace("http://", "ws://")
        self.frames = self.chats = self.reconnects = self.failures = self.connected = 0
        self.errors = []
        self.stopping = False

    def url(self, index, generation):
        room = f"soak-{index // ROOM_SIZE}"
        return f"{self.base}/room/{room}?type=meeting&user_id=u{index}g{generation}&name=Soak%20{index}"

    def source(self, index):
        return (f"127.0.0.{2 + index // CLIENTS_PER_ADDRESS}", 0)

    async def connect(self, index, generation):
        ws = await ws_connect(self.url(index, generation), local_addr=self.source(index), open_timeout=20,
                              ping_interval=None, max_size=2 ** 22, max_queue=None)
        first = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if first.get("event") != "joined":
            await ws.close()
            raise RuntimeError(f"client {index}: first event {first.get('event')}: {str(first)[:200]}")
        return ws

    def fail(self, error):
        self.failures += 1
        if len(self.errors) < 5:
            self.errors.append(repr(error)[:300])

    async def client(self, index, ramp_gate, ready):
        generation = 0
        ws = None
        async with ramp_gate:
            while ws is None and not self.stopping:
                try:
                    ws = await self.connect(index, generation)
                except Exception as error:  # noqa: BLE001  (counted; retried)
                    self.fail(error)
                    await asyncio.sleep(1)
        self.connected += 1
        ready.release()
        self.sockets[index] = ws
        next_ping = time.monotonic() + random.uniform(5, 20)
        next_chat = time.monotonic() + random.uniform(10, 40)
        while not self.stopping:
            try:
                frame = await asyncio.wait_for(ws.recv(), 1.0)
                self.frames += 1
                del frame
            except asyncio.TimeoutError:
                pass
            except ConnectionClosed as closed:
                if self.stopping:
                    break
                if self.reconnect_requested.pop(index, False) is False:
                    self.fail(closed)
                generation += 1
                try:
                    ws = await self.connect(index, generation)
                    self.sockets[index] = ws
                    self.reconnects += 1
                except Exception as error:  # noqa: BLE001
                    self.fail(error)
                    await asyncio.sleep(1)
                continue
            now = time.monotonic()
            try:
                if now >= next_ping:
                    await ws.send("ping")
                    next_ping = now + 20
                if now >= next_chat:
                    await ws.send(json.dumps({"action": "chat", "text": f"soak {index} {generation} {now:.0f}"}))
                    self.chats += 1
                    next_chat = now + random.uniform(20, 40)
            except ConnectionClosed:
                pass
        await ws.close()

    async def churn(self):
        """One client leaves and comes back every second."""
        while not self.stopping:
            await asyncio.sleep(1.0)
            index = random.randrange(WS_CLIENTS)
            ws = self.sockets.get(index)
            if ws is not None and ws.open:
                self.reconnect_requested[index] = True
                await ws.close()

    async def run(self, ramped, stop):
        self.sockets, self.reconnect_requested = {}, {}
        ramp_gate, ready = asyncio.Semaphore(25), asyncio.Semaphore(0)
        tasks = [asyncio.create_task(self.client(i, ramp_gate, ready)) for i in range(WS_CLIENTS)]
        for _ in range(WS_CLIENTS):
            await ready.acquire()
        ramped.set()
        churn = asyncio.create_task(self.churn())
        await asyncio.to_thread(stop.wait)
        self.stopping = True
        churn.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def start_media(base, role, paths, count, until, churn_every, procs, work):
    """Media processes; they stop when their stdin closes (`collect`), `until` bounds them in any case."""
    args = [sys.executable, os.path.join(HERE, "soak_media.py"), "--base", base, "--role", role,
            "--paths", ",".join(paths), "--until", str(until), "--ramp-timeout", str(RAMP_TIMEOUT)]
    share, extra = divmod(count, procs)
    children = []
    for n in range(procs):
        size = share + (1 if n < extra else 0)
        if size:
            log = open(os.path.join(work, f"{role}-{n}.log"), "w")
            children.append(subprocess.Popen(args + ["--count", str(size), "--churn-every", str(churn_every)],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True))
    return children


def wait_connected(children, timeout):
    total = 0
    for child in children:
        line = child.stdout.readline() if child.poll() is None else ""
        deadline = time.monotonic() + timeout
        while line and not line.startswith('{"connected"') and time.monotonic() < deadline:
            line = child.stdout.readline()
        total += json.loads(line)["connected"] if line.startswith('{"connected"') else 0
    return total


def collect(children):
    finals = []
    for child in children:
        child.stdin.close()
    for child in children:
        out = child.stdout.read()
        child.wait(timeout=120)
        for line in out.splitlines():
            if line.startswith('{"final"'):
                finals.append(json.loads(line)["final"])
        if child.returncode != 0:
            finals.append({"failures": 1, "errors": [f"media process exited {child.returncode}"], "churned": 0,
                           "rtp_packets": 0, "connected_at_end": 0, "refusals": 0})
    return finals


async def prelude(base):
    """One client joins and leaves, so what the server creates once on first use (a timer fd) counts as idle."""
    ws = await ws_connect(base.replace("http://", "ws://") + "/room/soak-prelude?type=meeting&user_id=p&name=P",
                          open_timeout=20, ping_interval=None)
    await asyncio.wait_for(ws.recv(), 20)
    await ws.close()


def main():
    binary = sys.argv[1]
    # 500 sockets here and as many in the server (which inherits this limit): lift the soft limit to the hard one.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    work = tempfile.mkdtemp(prefix="parley-soak-")
    print(f"== Soak: {WS_CLIENTS} room-WebSocket clients, {PLAYERS} WHEP players from {PUBLISHERS} publishers, "
          f"{SECONDS:.0f} s after ramp-up ({binary}, loopback) ==", flush=True)
    proc, base = start_server(binary, work)
    problems = []
    try:
        asyncio.run(prelude(base))
        time.sleep(2)
        fds_before, rss_idle = open_fds(proc.pid), rss_mib(proc.pid)
        sampler = Sampler(proc.pid)
        sampler.start()
        ramp_started = time.monotonic()
        paths = [f"live/soak{n}" for n in range(PUBLISHERS)]
        # The media processes stop on the wall clock: ramp budget + soak + warm-up margin.
        until = time.time() + 2 * RAMP_TIMEOUT + SECONDS
        publishers = start_media(base, "publish", paths, PUBLISHERS, until, 0, 1, work)
        published = wait_connected(publishers, RAMP_TIMEOUT)
        players = start_media(base, "play", paths, PLAYERS, until, 15, PLAYER_PROCESSES, work)
        played = wait_connected(players, RAMP_TIMEOUT)
        ws = WebSocketLoad(base)
        ramped, stop = threading.Event(), threading.Event()
        ws_thread = threading.Thread(target=lambda: asyncio.run(ws.run(ramped, stop)), daemon=True)
        ws_thread.start()
        ramped.wait(RAMP_TIMEOUT)
        ramp_done = time.monotonic()
        print(f"ramp-up: {ramp_done - ramp_started:.0f} s; publishers {published}/{PUBLISHERS}, players "
              f"{played}/{PLAYERS}, ws clients {ws.connected}/{WS_CLIENTS}", flush=True)
        warmup = min(60.0, max(20.0, SECONDS / 4))
        window = min(30.0, (SECONDS - warmup) / 4)
        end = ramp_done + SECONDS
        fds_load = None
        while time.monotonic() < end:
            if proc.poll() is not None:
                break
            if fds_load is None and time.monotonic() > ramp_done + warmup:
                fds_load = open_fds(proc.pid)
            time.sleep(1)
        alive = proc.poll() is None
        rss_base = sampler.mean_between(ramp_done + warmup, ramp_done + warmup + window)
        rss_end = sampler.mean_between(end - window, end)
        peak = max((rss for _, rss in sampler.samples), default=float("nan"))
        stop.set()
        ws_thread.join(60)
        # Players first: a player churning while its publisher leaves would get a (correct) 404.
        finals = collect(players) + collect(publishers)
        time.sleep(5)  # sessions and sockets of departed peers are released asynchronously
        fds_after = open_fds(proc.pid) if alive and proc.poll() is None else None
        rss_after = rss_mib(proc.pid) if fds_after is not None else float("nan")
        sampler.stop.set()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    exit_code = proc.returncode

    player_finals = [f for f in finals if f.get("role") == "play"]
    publisher_finals = [f for f in finals if f.get("role") == "publish"]
    growth = (rss_end - rss_base) / rss_base * 100
    print(f"server: {'alive at the end' if alive else 'DIED during the soak'}; exit {exit_code} on SIGTERM")
    print(f"ws clients: {ws.connected} connected, {ws.reconnects} reconnects (churn), {ws.chats} chats sent, "
          f"{ws.frames} frames received, {ws.failures} failures")
    print(f"whep players: {sum(f['connected_at_end'] for f in player_finals)}/{PLAYERS} connected at the end, "
          f"{sum(f['churned'] for f in player_finals)} churned, {sum(f['rtp_packets'] for f in player_finals)} RTP "
          f"packets, {sum(f['failures'] for f in finals)} failures, {sum(f['refusals'] for f in finals)} cap refusals")
    print(f"whip publishers: {sum(f['connected_at_end'] for f in publisher_finals)}/{PUBLISHERS} connected at the end; "
          f"peers that dropped on their own: {sum(f.get('dropped', 0) for f in finals)}")
    print(f"server RSS MiB: idle={rss_idle:.1f} after-warm-up={rss_base:.1f} end={rss_end:.1f} peak={peak:.1f} "
          f"after-load={rss_after:.1f}; growth after warm-up ({warmup:.0f} s) {growth:+.2f}% (limit {MAX_GROWTH:g}%)")
    print(f"server open fds: before={fds_before} under-load={fds_load} after={fds_after}")
    for error in (ws.errors + [e for f in finals for e in f.get("errors", [])])[:5]:
        print(f"  error: {error}")
    if not alive or exit_code != 0:
        problems.append("server crashed or did not exit cleanly")
    if not growth < MAX_GROWTH:
        problems.append(f"RSS grew {growth:.2f}% after warm-up")
    if fds_after is None or fds_after > fds_before:
        problems.append("open file descriptors grew")
    if ws.connected < WS_CLIENTS or played < PLAYERS or published < PUBLISHERS:
        problems.append("not every client connected")
    if problems:
        with open(os.path.join(work, "server.log")) as f:
            print("server log tail:\n" + f.read()[-2000:])
    print("soak: " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
    if problems or any(f.get("dropped") or f.get("failures") for f in finals) or ws.failures:
        print(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
