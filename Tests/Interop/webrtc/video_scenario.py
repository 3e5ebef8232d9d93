"""Runs inside a loopback-only network namespace: starts parley-server; headless Chromium (fake camera and
microphone) publishes audio+video over WHIP from a small test page; a second Chromium page plays over WHEP and an
aiortc player plays the same path. Prints one JSON line with what each saw (getStats over the DevTools protocol,
frames decoded by aiortc, /api/streams)."""
import asyncio
import functools
import http.server
import json
import os
import sys
import tempfile
import threading

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import peers  # noqa: E402
from chromium import MEDIA_FLAGS, Chromium, DevToolsPage  # noqa: E402
from tone_scenario import start_server, until  # noqa: E402

from aiortc import RTCConfiguration, RTCPeerConnection  # noqa: E402

def serve_pages(port):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=os.path.join(HERE, "pages"))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


async def aiortc_player(base, path, counts):
    """An aiortc WHEP player of audio and video; `counts` fills with decoded frames per kind."""
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("audio", direction="recvonly")
    pc.addTransceiver("video", direction="recvonly")

    @pc.on("track")
    def on_track(track):
        async def pull():
            while True:
                try:
                    frame = await track.recv()
                except Exception:
                    return
                counts[track.kind] = counts.get(track.kind, 0) + 1
                if track.kind == "video":
                    counts["width"] = frame.width

        asyncio.ensure_future(pull())

    location, _, answer = await peers.negotiate(pc, f"{base}/webrtc/whep/{path}")
    await peers.wait_connected(pc, timeout=20)
    return pc, answer


async def scenario(base, page_base, seconds, codec):
    result = {}
    path = "live/camera"
    browser = Chromium(extra_args=MEDIA_FLAGS)
    try:
        publish_url = f"{page_base}/whip_publish.html?codec={codec}&whip={base}/webrtc/whip/{path}"
        async with DevToolsPage(browser, publish_url) as publisher:
            state = await publisher.poll("window.state", lambda s: s and s["phase"] != "starting", 30, strict=False)
            result["publisher_phase"] = state.get("phase")
            if state.get("phase") != "negotiated":
                result["error"] = f"publisher: {state}"
                return result
            sent = await publisher.poll("sent()", lambda s: s["video"] > 0 and s["audio"] > 0, 30, strict=False)
            result["publisher_sent"] = sent

            play_url = f"{page_base}/whep_play.html?whep={base}/webrtc/whep/{path}"
            async with DevToolsPage(browser, play_url) as player:
                state = await player.poll("window.state", lambda s: s and s["phase"] != "starting", 30, strict=False)
                result["player_phase"] = state.get("phase")
                if state.get("phase") != "negotiated":
                    result["error"] = f"player: {state}"
                    return result
                got = await player.poll(
                    "received()", lambda s: s["framesDecoded"] > 10 and s["audioPackets"] > 10, seconds, strict=False)
                result["chromium_player"] = got

                counts = {}
                pc, answer = await aiortc_player(base, path, counts)
                await until(lambda: counts.get("video", 0) > 10 and counts.get("audio", 0) > 10, seconds)
                result["aiortc_player"] = dict(counts)

                listing = await asyncio.to_thread(requests.get, base + "/api/streams", timeout=5)
                result["streams"] = listing.json()
                result["publisher_pli_received"] = (await publisher.evaluate("sent()")).get("pli", 0)
                await pc.close()
    finally:
        browser.close()
    return result


def main():
    parser = peers.scenario_arguments(port=18080, page_port=18090)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--codec", default="VP8", choices=["VP8", "H264"])
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="parley-video-")
    proc = start_server(args.server, args.port, data_dir)
    pages = serve_pages(args.page_port)
    try:
        result = asyncio.run(scenario(
            f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.page_port}", args.seconds, args.codec))
    except Exception as error:  # reported, not raised: the caller asserts on the JSON
        result = {"error": repr(error)}
    finally:
        pages.shutdown()
        peers.stop_server(proc, timeout=5)
    with open(os.path.join(data_dir, "server.log")) as f:
        result["server_log_tail"] = f.read()[-3000:]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
