"""Runs inside a loopback-only network namespace: starts parley-server, publishes Opus + VP8 over WHIP with aiortc
while the publisher's uplink drops a seeded 3% of its first video transmissions (retransmissions pass), plays the
path with several aiortc WHEP players, and prints one JSON line with what each player decoded and what /metrics
counted for the path."""
import asyncio
import fractions
import os
import random
import re
import sys
import time

import av
import requests
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.rtp import is_rtcp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
import tone_scenario  # noqa: E402

FPS = 20
CLOCK = 90000
TICKS_PER_FRAME = CLOCK // FPS
WIDTH, HEIGHT = 320, 240
# A frame decoded this much later than the earliest one (against media time) counts as lost. Repaired loss shows
# under 1 s of processing jitter with six players in one loaded Python process; an unrepaired loss holds aiortc's
# jitter buffer until 512 newer packets arrived, 4-7 s here.
LATE_SECONDS = 2.0


class PatternTrack(VideoStreamTrack):
    """A grey picture with a seeded noise square moving across it: every frame changes, so each one is a few
    packets, without the bitrate of a whole noisy picture. Paced at FPS in real time with timestamps exactly
    TICKS_PER_FRAME apart, so a player can count the frames it missed from the gaps."""

    SQUARE = 64

    def __init__(self, seed):
        super().__init__()
        self.rng = random.Random(seed)
        self.frames = 0
        self.origin = None

    async def recv(self):
        loop = asyncio.get_running_loop()
        if self.origin is None:
            self.origin = loop.time()
        delay = self.origin + self.frames / FPS - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        luma = bytearray([96]) * (WIDTH * HEIGHT)
        left = (self.frames * 4) % (WIDTH - self.SQUARE)
        top = (self.frames * 2) % (HEIGHT - self.SQUARE)
        for row in range(top, top + self.SQUARE):
            start = row * WIDTH + left
            luma[start:start + self.SQUARE] = self.rng.randbytes(self.SQUARE)
        frame.planes[0].update(bytes(luma))
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts = self.frames * TICKS_PER_FRAME
        frame.time_base = fractions.Fraction(1, CLOCK)
        self.frames += 1
        return frame


class UplinkLoss:
    """Drops a seeded fraction of the first transmissions of video RTP on one aiortc transport. It wraps
    RTCDtlsTransport._send_rtp, which sees plain RTP before SRTP protection. A packet sent again with a sequence
    number already seen (a plain retransmission) and RTX (another payload type) pass."""

    def __init__(self, transport, payload_type, rate, seed):
        self.payload_type = payload_type
        self.rate = rate
        self.rng = random.Random(seed)
        self.seen = set()
        self.sent = 0
        self.dropped = 0
        self.frames = 0
        original = transport._send_rtp

        async def lossy(data):
            if not is_rtcp(data) and len(data) >= 12 and data[1] & 0x7F == self.payload_type:
                sequence = int.from_bytes(data[2:4], "big")
                if sequence not in self.seen:
                    self.seen.add(sequence)
                    self.sent += 1
                    if data[1] & 0x80:
                        self.frames += 1
                    if self.rng.random() < self.rate:
                        self.dropped += 1
                        return
            await original(data)

        transport._send_rtp = lossy


def payload_type(sdp, codec):
    match = re.search(rf"a=rtpmap:(\d+) {codec}/", sdp, re.IGNORECASE)
    return int(match.group(1)) if match else None


async def post(url, pc):
    response = await asyncio.to_thread(
        requests.post, url, data=pc.localDescription.sdp, headers={"Content-Type": "application/sdp"}, timeout=10)
    if response.status_code != 201:
        raise RuntimeError(f"POST {url} -> {response.status_code}: {response.text}")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=response.text, type="answer"))
    return response.headers.get("Location"), response.text


async def publish(base, path, loss_rate, seed):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver(peers.ToneTrack(440), direction="sendonly")
    video = pc.addTransceiver(PatternTrack(seed), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    location, answer = await post(f"{base}/webrtc/whip/{path}", pc)
    vp8 = payload_type(answer, "VP8")
    if vp8 is None:
        raise RuntimeError(f"the WHIP answer has no VP8:\n{answer}")
    loss = UplinkLoss(video.sender.transport, vp8, loss_rate, seed)
    await peers.wait_connected(pc)
    return pc, location, answer, loss


class Player:
    def __init__(self):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.timestamps = set()
        # (RTP timestamp, when decoded) of each frame, for how late each one came.
        self.decoded = []
        self.last_decoded_at = None
        self.audio_frames = 0

    async def start(self, base, path):
        self.pc.addTransceiver("audio", direction="recvonly")
        self.pc.addTransceiver("video", direction="recvonly")

        @self.pc.on("track")
        def on_track(track):
            async def pull():
                while True:
                    try:
                        frame = await track.recv()
                    except Exception:
                        return
                    if track.kind == "video":
                        self.last_decoded_at = time.monotonic()
                        if frame.pts not in self.timestamps:
                            self.timestamps.add(frame.pts)
                            self.decoded.append((frame.pts, self.last_decoded_at))
                    else:
                        self.audio_frames += 1

            asyncio.ensure_future(pull())

        await self.pc.setLocalDescription(await self.pc.createOffer())
        self.location, self.answer = await post(f"{base}/webrtc/whep/{path}", self.pc)
        await peers.wait_connected(self.pc)

    def report(self, now):
        """Frames decoded, and decoded in time: a frame held back behind a missing packet until the jitter buffer
        gives up still decodes, seconds late, so each frame's delay is measured against the earliest one (wall
        clock minus media time) and a frame over LATE_SECONDS behind counts as lost, as it would on a screen."""
        if not self.decoded:
            return {"decoded": 0, "expected": None, "ratio": 0.0, "audio_frames": self.audio_frames}
        first = self.decoded[0][0]
        # Timestamps are unwrapped relative to the first (a run of seconds never wraps 2^32).
        media = [((pts - first) % (1 << 32) / CLOCK, at) for pts, at in self.decoded]
        expected = round(max(m for m, _ in media) * FPS) + 1
        base = min(at - m for m, at in media)
        delays = [at - m - base for m, at in media]
        on_time = sum(1 for delay in delays if delay <= LATE_SECONDS)
        return {
            "decoded": len(media), "on_time": on_time, "expected": expected, "ratio": on_time / expected,
            "max_delay": round(max(delays), 2), "seconds_since_last_frame": round(now - self.last_decoded_at, 2),
            "audio_frames": self.audio_frames,
        }


def path_metrics(text, path):
    """parley_webrtc_path_*{path="<path>"} values from the Prometheus text."""
    values = {}
    for line in text.splitlines():
        match = re.match(r'parley_webrtc_path_(\w+?)(?:_total)?\{path="([^"]*)"\} (\S+)$', line)
        if match and match.group(2) == path:
            values[match.group(1)] = float(match.group(3))
    return values


async def scenario(base, players_count, seconds, loss_rate, seed):
    result = {}
    path = "live/loss"
    publisher, pub_location, pub_answer, loss = await publish(base, path, loss_rate, seed)
    result["publisher_rtx"] = "rtx/90000" in pub_answer.lower()
    players = []
    for _ in range(players_count):
        player = Player()
        await player.start(base, path)
        players.append(player)
    result["player_rtx"] = ["rtx/90000" in p.answer.lower() for p in players]
    # Measure from the moment every player decodes (its first keyframe), so a slow start on a loaded machine
    # shortens nothing: each player then has `seconds` of video to lose frames in.
    deadline = time.monotonic() + 30
    while not all(p.timestamps for p in players) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(seconds)
    now = time.monotonic()
    result["players"] = [p.report(now) for p in players]
    result["uplink"] = {"sent": loss.sent, "dropped": loss.dropped, "frames": loss.frames}
    metrics = await asyncio.to_thread(requests.get, base + "/metrics", timeout=5)
    result["metrics"] = path_metrics(metrics.text, path)
    for player in players:
        await player.pc.close()
    await publisher.close()
    return result


def main():
    parser = peers.scenario_arguments(port=18080)
    parser.add_argument("--players", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--loss", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    tone_scenario.run(
        args.server, args.port, "parley-loss-",
        lambda base: scenario(base, args.players, args.seconds, args.loss, args.seed))


if __name__ == "__main__":
    main()
