"""`make bench`: 200 WebSocket clients in one room exchanging chat against a release parley-server.

Prints delivery latency p50/p99/max and the server's RSS before the clients join, while they chat, and after they
leave. Loopback only; bounded (one burst, 120 s timeout)."""
import asyncio
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Interop"))
from roomws.load import chat_load  # noqa: E402


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    url, pid = sys.argv[1], int(sys.argv[2])
    clients = int(os.environ.get("BENCH_WS_CLIENTS", "200"))
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib(pid))
            time.sleep(0.05)

    before = rss_mib(pid)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    result = asyncio.run(chat_load(url, room="bench", clients=clients, messages_per_client=2))
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    time.sleep(0.5)
    after = rss_mib(pid)
    lat = sorted(result["latencies"])
    q = statistics.quantiles(lat, n=100)
    delivered = len(lat)
    print(f"clients={clients} messages={len(result['sent'])} deliveries={delivered} in {elapsed:.1f}s")
    print(f"latency ms: p50={q[49]*1000:.1f} p99={q[98]*1000:.1f} max={lat[-1]*1000:.1f}")
    print(f"server RSS MiB: before={before:.1f} during(peak)={peak[0]:.1f} after={after:.1f}")


if __name__ == "__main__":
    main()
