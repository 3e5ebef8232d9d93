"""aiortc WHIP publisher and WHEP player used by the WebRTC interop test (see docs/interop.md §6 for the recipe)."""
import argparse
import asyncio
import fractions
import json
import math
import os
import subprocess
import time
import traceback

import aioice.ice
import av
import requests
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcrtpreceiver import RTCRtpReceiver

# Loopback-only host candidates; no public STUN server (docs/interop.md §6).
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

SAMPLE_RATE = 48000
VIDEO_CLOCK = 90000
VIDEO_FPS = 30
FRAME_SAMPLES = 960  # 20 ms


class ToneTrack(MediaStreamTrack):
    """A sine tone as 20 ms s16 mono frames, paced in real time."""

    kind = "audio"

    def __init__(self, frequency, amplitude=0.5):
        super().__init__()
        self.frequency = frequency
        self.amplitude = amplitude
        self.pts = 0
        self.start = None

    async def recv(self):
        loop = asyncio.get_running_loop()
        if self.start is None:
            self.start = loop.time()
        due = self.start + self.pts / SAMPLE_RATE
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
        samples = bytearray()
        for n in range(FRAME_SAMPLES):
            t = (self.pts + n) / SAMPLE_RATE
            value = int(32767 * self.amplitude * math.sin(2 * math.pi * self.frequency * t))
            samples += value.to_bytes(2, "little", signed=True)
        frame.planes[0].update(bytes(samples))
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.pts
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.pts += FRAME_SAMPLES
        return frame


class SmallVideoTrack(MediaStreamTrack):
    """160x120 grey frames at 30 fps (aiortc paces them and encodes VP8): cheap to encode on a loaded machine."""

    kind = "video"

    def __init__(self):
        super().__init__()
        self.start = None
        self.frames = 0

    async def recv(self):
        loop = asyncio.get_running_loop()
        if self.start is None:
            self.start = loop.time()
        due = self.start + self.frames / VIDEO_FPS
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.VideoFrame(width=160, height=120, format="yuv420p")
        for plane in frame.planes:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts = self.frames * (VIDEO_CLOCK // VIDEO_FPS)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.frames += 1
        return frame


class PacketCounter:
    """Counts RTP packets every RTCRtpReceiver in this process gets (before decoding)."""

    count = 0
    installed = False

    @classmethod
    def install(cls):
        if cls.installed:
            return
        original = RTCRtpReceiver._handle_rtp_packet

        async def counting(self, packet, arrival_time_ms):
            cls.count += 1
            return await original(self, packet, arrival_time_ms)

        RTCRtpReceiver._handle_rtp_packet = counting
        cls.installed = True


async def wait_connected(pc, timeout=10.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pc.connectionState != "connected":
        if pc.connectionState in ("failed", "closed") or loop.time() > deadline:
            raise RuntimeError(f"peer connection state {pc.connectionState}")
        await asyncio.sleep(0.05)


async def negotiate(pc, url, headers=None):
    """WHIP/WHEP POST: returns (status, location, etag, answer text)."""
    offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    response = await asyncio.to_thread(
        requests.post, url, data=pc.localDescription.sdp,
        headers={"Content-Type": "application/sdp", **(headers or {})}, timeout=10)
    if response.status_code != 201:
        raise RuntimeError(f"POST {url} -> {response.status_code}: {response.text}")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=response.text, type="answer"))
    return response.headers.get("Location"), response.headers.get("ETag"), response.text


async def publish(base, path, frequency):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver(ToneTrack(frequency), direction="sendonly")
    location, etag, answer = await negotiate(pc, f"{base}/webrtc/whip/{path}")
    await wait_connected(pc)
    return pc, location, answer


def decode_audio(track, samples, on_end=None):
    """Decodes `track` into `samples` (s16 mono at SAMPLE_RATE) in the background; calls `on_end` when it ends."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

    async def pull():
        while True:
            try:
                frame = await track.recv()
            except Exception:
                if on_end:
                    on_end()
                return
            for out in resampler.resample(frame):
                data = bytes(out.planes[0])[: out.samples * 2]
                samples.extend(int.from_bytes(data[i:i + 2], "little", signed=True)
                               for i in range(0, len(data), 2))

    asyncio.ensure_future(pull())


def count_video(track, counter, on_end=None):
    """Decodes `track` in the background, adding each decoded frame to counter["frames"]; calls `on_end` at its end."""

    async def pull():
        while True:
            try:
                await track.recv()
            except Exception:
                if on_end:
                    on_end()
                return
            counter["frames"] = counter.get("frames", 0) + 1

    asyncio.ensure_future(pull())


async def play(base, path):
    """Returns the player pc, its session location and a list that fills with received s16 mono samples."""
    PacketCounter.install()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("audio", direction="recvonly")
    samples = []
    pc.on("track", lambda track: decode_audio(track, samples))
    location, etag, answer = await negotiate(pc, f"{base}/webrtc/whep/{path}")
    await wait_connected(pc)
    return pc, location, samples, answer


def scenario_arguments(port=18080, page_port=None):
    """The command line every scenario script shares: the server binary, its HTTP port and, for the Chromium
    scenarios, the port of the test pages. A script adds its own options to the parser it gets."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--port", type=int, default=port)
    if page_port is not None:
        parser.add_argument("--page-port", type=int, default=page_port)
    return parser


def start_server(binary, port, data_dir, env=None):
    """parley-server on 127.0.0.1:`port` (media on UDP 9000 inside the namespace), logging to data_dir/server.log;
    returns the process once /healthz answers."""
    log = open(os.path.join(data_dir, "server.log"), "w")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "API_", "JWT_"))}
    full_env["PARLEY_WEBRTC_UDP_PORT"] = "9000"
    full_env.update(env or {})
    proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir],
                            stdout=log, stderr=subprocess.STDOUT, env=full_env, cwd=data_dir)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not become healthy")


def stop_server(proc, timeout=10):
    """SIGTERM (graceful shutdown, which finalises recordings), then SIGKILL after `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def strongest_frequency(samples, low=100, high=4000, step=10):
    """Goertzel magnitude at each candidate frequency; returns the strongest one (Hz)."""
    best, best_power = None, -1.0
    n = len(samples)
    for freq in range(low, high + 1, step):
        coeff = 2 * math.cos(2 * math.pi * freq / SAMPLE_RATE)
        s_prev = s_prev2 = 0.0
        for x in samples:
            s = x + coeff * s_prev - s_prev2
            s_prev2, s_prev = s_prev, s
        power = s_prev2 * s_prev2 + s_prev * s_prev - coeff * s_prev * s_prev2
        if power > best_power:
            best, best_power = freq, power
    return best, n


def run_with_server(binary, port, data_dir, env, scenario):
    """Starts the server, runs `scenario(base_url)` (a coroutine function), stops the server and prints one JSON line:
    the scenario's result, or its error, with the tail of the server log. Errors are reported, not raised: the
    pytest side asserts on the JSON."""
    proc = start_server(binary, port, data_dir, env=env)
    try:
        result = asyncio.run(scenario(f"http://127.0.0.1:{port}"))
    except Exception as error:  # noqa: BLE001
        result = {"error": repr(error), "traceback": traceback.format_exc()[-2000:]}
    finally:
        stop_server(proc, timeout=5)
    with open(os.path.join(data_dir, "server.log")) as f:
        result["server_log_tail"] = f.read()[-3000:]
    print(json.dumps(result))
