"""Headless Chromium (fake camera and microphone) publishes audio + VP8 over WHIP to live/camera while an aiortc
player plays it; parley-server captures the path by configuration (capture.enabled, capture.paths live/*), from
the first session to the last. Copies the capture's .pcap and .json to OUT as chromium-publish.{pcap,json}.
Run inside a loopback-only network namespace (captures/make/chromium-publish.sh does)."""
import argparse
import asyncio
import glob
import json
import os
import shutil
import sys
import tempfile

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEBRTC = os.path.join(ROOT, "Tests", "Interop", "webrtc")
sys.path.insert(0, WEBRTC)
sys.path.insert(0, os.path.dirname(WEBRTC))
import peers  # noqa: E402
from chromium import Chromium  # noqa: E402
from tone_scenario import until  # noqa: E402
from video_scenario import CHROMIUM_MEDIA_FLAGS, DevToolsPage, aiortc_player, serve_pages  # noqa: E402

PATH = "live/camera"


async def scenario(base, page_base, seconds):
    browser = Chromium(extra_args=CHROMIUM_MEDIA_FLAGS)
    try:
        url = f"{page_base}/whip_publish.html?codec=VP8&whip={base}/webrtc/whip/{PATH}"
        async with DevToolsPage(browser, url) as publisher:
            state = await publisher.poll("window.state", lambda s: s and s["phase"] != "starting", 30)
            if state.get("phase") != "negotiated":
                raise RuntimeError(f"publisher: {state}")
            await publisher.poll("sent()", lambda s: s["video"] > 0 and s["audio"] > 0, 30)
            counts = {}
            pc, _ = await aiortc_player(base, PATH, counts)
            await until(lambda: counts.get("video", 0) > 10 and counts.get("audio", 0) > 10, 30)
            await asyncio.sleep(seconds)
            await pc.close()
    finally:
        browser.close()
    # The last session's end ends the capture; wait for its manifest to say so.
    await until(lambda: not requests.get(base + "/api/capture", timeout=5).json()["data"], 20)
    return dict(counts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="parley-chromium-capture-")
    proc = peers.start_server(args.server, 18080, data_dir, env={
        "PARLEY_AUTH_ENABLED": "false", "PARLEY_CAPTURE_ENABLED": "true", "PARLEY_CAPTURE_PATHS": "live/*"})
    pages = serve_pages(18090)
    try:
        counts = asyncio.run(scenario("http://127.0.0.1:18080", "http://127.0.0.1:18090", args.seconds))
    finally:
        pages.shutdown()
        peers.stop_server(proc)
    manifests = [m for m in glob.glob(os.path.join(data_dir, "captures", "*.json"))]
    assert len(manifests) == 1, manifests
    with open(manifests[0]) as f:
        manifest = json.load(f)
    assert manifest["complete"], manifest
    shutil.copy(manifests[0][:-5] + ".pcap", os.path.join(args.out, "chromium-publish.pcap"))
    manifest["pcap_file"] = "chromium-publish.pcap"
    with open(os.path.join(args.out, "chromium-publish.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
    print(json.dumps({"player": counts, "records": manifest["counters"]["records"]}))


if __name__ == "__main__":
    main()
