"""Media side of the soak (`bench/soak.py` starts several of these): aiortc WHIP publishers or WHEP players against
parley-server, kept up until a wall-clock deadline, with player churn (one player leaves and a new one joins every
`--churn-every` seconds). Players count RTP packets and drop them: the server is soaked, not the decoder.

Prints JSON lines on stdout: {"connected": N} once every peer is up, then a final {"final": {...}} after stdin
closes (or `--until`, a wall-clock bound, passes).
Loopback only: host candidates are 127.0.0.1 (as in Tests/Interop/webrtc)."""
import argparse
import asyncio
import fractions
import json
import math
import os
import random
import sys
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Interop", "webrtc"))
import peers  # noqa: E402  (pins host candidates to 127.0.0.1)
import av  # noqa: E402
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.rtcrtpreceiver import RTCRtpReceiver  # noqa: E402

PACKETS = [0]


def count_and_drop_rtp():
    """Players keep the packet count and skip jitter buffer and Opus decoding (client CPU goes to receiving)."""
    async def counting(self, packet, arrival_time_ms):
        PACKETS[0] += 1
    RTCRtpReceiver._handle_rtp_packet = counting


class CheapToneTrack(MediaStreamTrack):
    """One precomputed 20 ms tone frame, repeated in real time (the tone itself does not matter here)."""

    kind = "audio"

    def __init__(self, frequency=440):
        super().__init__()
        samples = bytearray()
        for n in range(peers.FRAME_SAMPLES):
            value = int(16000 * math.sin(2 * math.pi * frequency * n / peers.SAMPLE_RATE))
            samples += value.to_bytes(2, "little", signed=True)
        self.samples = bytes(samples)
        self.pts = 0
        self.start = None

    async def recv(self):
        loop = asyncio.get_running_loop()
        if self.start is None:
            self.start = loop.time()
        delay = self.start + self.pts / peers.SAMPLE_RATE - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.AudioFrame(format="s16", layout="mono", samples=peers.FRAME_SAMPLES)
        frame.planes[0].update(self.samples)
        frame.sample_rate = peers.SAMPLE_RATE
        frame.pts = self.pts
        frame.time_base = fractions.Fraction(1, peers.SAMPLE_RATE)
        self.pts += peers.FRAME_SAMPLES
        return frame


class Stats:
    def __init__(self):
        self.connected = 0
        self.failures = 0
        self.refusals = 0   # 503/429 answers (caps), retried after Retry-After
        self.churned = 0
        self.dropped = 0
        self.errors = []

    def fail(self, error):
        self.failures += 1
        if len(self.errors) < 5:
            self.errors.append(repr(error)[:300])


async def negotiate(pc, url, stats, deadline):
    """WHIP/WHEP POST; a capped server's 503/429 is honoured (Retry-After) until the deadline."""
    offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    while True:
        response = await asyncio.to_thread(requests.post, url, data=pc.localDescription.sdp,
                                           headers={"Content-Type": "application/sdp"}, timeout=10)
        if response.status_code == 201:
            break
        if response.status_code in (429, 503) and time.time() < deadline:
            stats.refusals += 1
            await asyncio.sleep(min(5.0, float(response.headers.get("Retry-After", "1") or 1)))
            continue
        raise RuntimeError(f"POST {url} -> {response.status_code}: {response.text[:200]}")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=response.text, type="answer"))
    return response.headers.get("Location")


async def open_peer(base, role, path, stats, deadline):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    opened_at = time.monotonic()

    @pc.on("connectionstatechange")
    def on_state():
        # A peer that fails or closes on its own (not through close_peer) is a drop; the log says when.
        if pc.connectionState in ("failed", "closed") and not getattr(pc, "closing", False):
            stats.dropped += 1
            print(f"{time.strftime('%H:%M:%S')} {role} {path} {pc.connectionState} after "
                  f"{time.monotonic() - opened_at:.0f} s", file=sys.stderr, flush=True)
    try:
        if role == "publish":
            pc.addTransceiver(CheapToneTrack(), direction="sendonly")
            location = await negotiate(pc, f"{base}/webrtc/whip/{path}", stats, deadline)
        else:
            pc.addTransceiver("audio", direction="recvonly")
            location = await negotiate(pc, f"{base}/webrtc/whep/{path}", stats, deadline)
        await peers.wait_connected(pc, timeout=30)
        return pc, location
    except Exception:
        await pc.close()
        raise


async def close_peer(base, peer, stats):
    pc, location = peer
    pc.closing = True
    try:
        if location:
            await asyncio.to_thread(requests.delete, base + location, timeout=10)
    except Exception as error:  # noqa: BLE001  (a slow DELETE is counted, the soak goes on)
        stats.fail(error)
    finally:
        await pc.close()


async def run(args):
    stats = Stats()
    paths = args.paths.split(",")
    ramp_deadline = time.time() + args.ramp_timeout
    # A few at a time: unconnected sessions are capped per source address.
    gate = asyncio.Semaphore(args.parallel)

    async def opened(index):
        async with gate:
            while True:
                try:
                    return await open_peer(args.base, args.role, paths[index % len(paths)], stats, ramp_deadline)
                except Exception as error:  # noqa: BLE001  (counted and retried while the ramp lasts)
                    stats.fail(error)
                    if time.time() > ramp_deadline:
                        return None
                    await asyncio.sleep(1)

    live = [p for p in await asyncio.gather(*(opened(i) for i in range(args.count))) if p is not None]
    stats.connected = len(live)
    print(json.dumps({"connected": len(live)}), flush=True)

    # The soak ends when the parent closes our stdin.
    stop = asyncio.ensure_future(asyncio.to_thread(sys.stdin.readline))
    next_churn = time.time() + args.churn_every if args.churn_every > 0 else float("inf")
    index = args.count
    while time.time() < args.until and not stop.done():
        await asyncio.wait([stop], timeout=min(1.0, max(0.0, args.until - time.time())))
        if time.time() >= next_churn and live:
            next_churn += args.churn_every
            leaving = live.pop(random.randrange(len(live)))
            await close_peer(args.base, leaving, stats)
            try:
                live.append(await open_peer(args.base, args.role, paths[index % len(paths)], stats, time.time() + 30))
                stats.churned += 1
            except Exception as error:  # noqa: BLE001
                stats.fail(error)
            index += 1
    still_connected = sum(1 for pc, _ in live if pc.connectionState == "connected")
    await asyncio.gather(*(close_peer(args.base, peer, stats) for peer in live), return_exceptions=True)
    print(json.dumps({"final": {"role": args.role, "connected_at_start": stats.connected,
                                "connected_at_end": still_connected, "churned": stats.churned,
                                "failures": stats.failures, "refusals": stats.refusals, "dropped": stats.dropped,
                                "rtp_packets": PACKETS[0], "errors": stats.errors}}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--role", choices=["publish", "play"], required=True)
    parser.add_argument("--paths", required=True, help="comma list of stream paths, used round-robin")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--until", type=float, required=True, help="wall-clock end (time.time())")
    parser.add_argument("--churn-every", type=float, default=0.0)
    parser.add_argument("--parallel", type=int, default=5)
    parser.add_argument("--ramp-timeout", type=float, default=120.0)
    args = parser.parse_args()
    if args.role == "play":
        count_and_drop_rtp()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
