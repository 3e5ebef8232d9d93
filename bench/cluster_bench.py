"""`make bench` section `cluster`: what relaying a room WebSocket through another node adds to a chat.

Two release nodes A and B share one throw-away PostgreSQL (bench.sh starts them). Two rooms are created over REST
on A, so A owns both (its /healthz `cluster.owned_rooms` says so before anything is measured). One client joins
room `local` on A (same node); another joins room `relayed` through B, which relays its socket to A. Each sends
chats one at a time and times its own copy coming back (client -> owner -> client: the echo every member gets),
the two alternating in chunks so both see the same machine load. Prints p50/p99/max per mode, the relay's extra
latency, and the CPU both nodes spent per message in each mode (every thread's schedstat). Loopback only;
bounded: `--messages` per mode, each waited for at most 10 s."""
import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Interop"))
from roomws.client import RoomClient  # noqa: E402

CHUNK = 50


def loopback(url):
    host = urllib.request.urlparse(url).hostname
    assert host in ("127.0.0.1", "::1", "localhost"), "bench traffic stays on loopback"
    return url


def request(url, method="GET", token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method),
                                timeout=10) as response:
        return json.loads(response.read())


def cpu_seconds(pid):
    """CPU time of every thread of the process, in ns resolution (/proc/PID/task/TID/schedstat: time on the CPU
    first; proc(5)); /proc/PID/stat counts clock ticks, too coarse for a few ms per chunk."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended between the listing and the read
    return total / 1e9


def wait_until(condition, what, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"cluster bench: timed out waiting for {what}")
        time.sleep(0.05)


async def echo(client, text):
    """Seconds from sending `text` to its own copy arriving (the reader's arrival stamp, not this task's wake-up)."""
    sent = time.monotonic()
    await client.send("chat", text=text)
    message = await client.next_event("msg", timeout=10, predicate=lambda m: m["data"]["text"] == text)
    index = next(i for i in range(len(client.events) - 1, -1, -1) if client.events[i] is message)
    return client.arrived_at[index] - sent


async def measure(node_a, node_b, pids, messages, warmup):
    local = await RoomClient.connect(node_a, "local", "bench-local", name="Local")
    relayed = await RoomClient.connect(node_b, "relayed", "bench-relayed", name="Relayed")
    for n in range(warmup):
        await echo(local, f"warm-l{n}")
        await echo(relayed, f"warm-r{n}")
    latencies = {"same-node": [], "relayed": []}
    cpu = {"same-node": 0.0, "relayed": 0.0}
    for chunk in range(0, messages, CHUNK):
        for mode, client in (("same-node", local), ("relayed", relayed)):
            before = sum(cpu_seconds(pid) for pid in pids)
            for n in range(chunk, min(messages, chunk + CHUNK)):
                latencies[mode].append(await echo(client, f"{mode}-{n}"))
            cpu[mode] += sum(cpu_seconds(pid) for pid in pids) - before
    await local.close()
    await relayed.close()
    return latencies, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("node_a")
    parser.add_argument("pid_a", type=int)
    parser.add_argument("node_b")
    parser.add_argument("pid_b", type=int)
    parser.add_argument("token", help="Monibuca admin JWT (bench_client.py jwt)")
    parser.add_argument("--messages", type=int, default=1000, help="chats per mode")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    node_a, node_b = loopback(args.node_a), loopback(args.node_b)

    wait_until(lambda: request(node_a + "/healthz")["cluster"]["nodes"] == 2
               and request(node_b + "/healthz")["cluster"]["nodes"] == 2, "both nodes to see each other", 30)
    for room in ("local", "relayed"):
        request(node_a + "/meeting/api/rooms", "POST", args.token, {"room_id": room, "name": room})
    wait_until(lambda: {"local", "relayed"} <= set(request(node_a + "/healthz")["cluster"].get("owned_rooms", [])),
               "node A to own both rooms", 10)

    latencies, cpu = asyncio.run(measure(node_a, node_b, (args.pid_a, args.pid_b), args.messages, args.warmup))
    print(f"chat echo (client -> room owner A -> client), {args.messages} per mode, alternating chunks of {CHUNK}; "
          f"CPU = both nodes, all threads")
    print(f"{'mode':<10} {'p50ms':>8} {'p99ms':>8} {'maxms':>8} {'cpu_us/msg':>11}")
    summary = {}
    for mode in ("same-node", "relayed"):
        values = sorted(latencies[mode])
        q = statistics.quantiles(values, n=100)
        summary[mode] = (q[49] * 1000, q[98] * 1000, values[-1] * 1000, cpu[mode] / len(values) * 1e6)
        print(f"{mode:<10} {summary[mode][0]:8.2f} {summary[mode][1]:8.2f} {summary[mode][2]:8.2f} "
              f"{summary[mode][3]:11.0f}")
    same, relay = summary["same-node"], summary["relayed"]
    print(f"relay adds: p50 {relay[0] - same[0]:+.2f} ms, p99 {relay[1] - same[1]:+.2f} ms, "
          f"CPU {relay[3] - same[3]:+.0f} us/msg")


if __name__ == "__main__":
    main()
