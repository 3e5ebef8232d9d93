"""Runs inside a loopback-only network namespace (issue 20 "Done when", H264): headless Chromium with a fake camera
and microphone publishes H264 + Opus over WHIP (pages/whip_publish.html?codec=H264); the stream is recorded through
the Meeting API (Monibuca auth on: the calls carry an admin JWT); the download is described by ffprobe/ffmpeg, and a
second Chromium page plays the recording's play URL in a <video> element (pages/video_play.html) until it ends — with
no Authorization header, as a browser plays it. Prints one JSON line."""
import asyncio
import json
import os
import sys
import tempfile
import traceback

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import media_file  # noqa: E402
import peers  # noqa: E402
from chromium import MEDIA_FLAGS, Chromium, DevToolsPage  # noqa: E402
from recording_scenario import AUTH_SECRET, admin_token, call, keep_download, settled  # noqa: E402
from video_scenario import serve_pages  # noqa: E402

PATH = "live/h264-rec"


async def scenario(base, page_base, seconds, keep):
    result = {}
    admin = admin_token()
    browser = Chromium(extra_args=MEDIA_FLAGS)
    try:
        publish_url = f"{page_base}/whip_publish.html?codec=H264&whip={base}/webrtc/whip/{PATH}"
        async with DevToolsPage(browser, publish_url) as publisher:
            state = await publisher.poll("window.state", lambda s: s and s["phase"] != "starting", 30, strict=False)
            if state.get("phase") != "negotiated":
                result["error"] = f"publisher: {state}"
                return result
            result["publisher_sent"] = await publisher.poll(
                "sent()", lambda s: s["video"] > 0 and s["audio"] > 0, 30, what="the publisher's first packets")
            response, body = await call("GET", f"{base}/api/stream/{PATH}", admin)
            result["stream"] = body
            # The expected length is the audio Chromium sent between start and stop (20 ms Opus packets), not
            # wall-clock time: a loaded machine can hold a publisher back and let it catch up.
            sent_before = (await publisher.evaluate("sent()"))["audio"]
            response, body = await call("POST", f"{base}/meeting/api/recordings", admin, json={"stream_path": PATH})
            result["start"] = {"status": response.status_code, "body": body}
            recording = (body or {}).get("data") or {}
            await asyncio.sleep(seconds)
            result["expected_seconds"] = ((await publisher.evaluate("sent()"))["audio"] - sent_before) * 0.020
            response, body = await call("POST", f"{base}/meeting/api/recordings/{recording.get('id')}/stop", admin)
            result["stop"] = {"status": response.status_code, "body": body}

        row = await settled(base, recording.get("id"), admin)
        result["listed"] = row
        if not row or row.get("state") != "ready":
            return result
        status, content_type, size, path = await keep_download(
            base, row["download_url"], keep, "h264-recording.mp4", admin)
        result["download"] = {"status": status, "content_type": content_type, "size": size}
        # Chromium's fake microphone beeps: no steady tone to look for.
        result["file"] = media_file.describe(path, tone=False)
        response, body = await call("GET", f"{base}/meeting/api/recordings/{row['id']}/play", admin)
        result["play"] = {"status": response.status_code, "body": body}
        play_url = ((body or {}).get("data") or {}).get("url") or row["play_url"]
        if not play_url.startswith("http"):
            play_url = base + play_url
        async with DevToolsPage(browser, f"{page_base}/video_play.html?src={requests.utils.quote(play_url)}") as page:
            # To the end at normal speed: the recording's length plus generous slack for a loaded machine.
            result["playback"] = await page.poll(
                "window.playback && playback()", lambda p: p and (p["ended"] or p["error"]), seconds + 30, strict=False)
    finally:
        browser.close()
    return result


def main():
    parser = peers.scenario_arguments(port=18080, page_port=18090)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--keep", required=True, help="directory the download is written to")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="parley-recording-h264-")
    proc = peers.start_server(args.server, args.port, data_dir, env={"PARLEY_AUTH_SECRET": AUTH_SECRET})
    pages = serve_pages(args.page_port)
    try:
        result = asyncio.run(scenario(
            f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.page_port}", args.seconds, args.keep))
    except Exception as error:  # noqa: BLE001 - reported, not raised: the pytest side asserts on the JSON
        result = {"error": repr(error), "traceback": traceback.format_exc()[-2000:]}
    finally:
        pages.shutdown()
        peers.stop_server(proc)
    with open(os.path.join(data_dir, "server.log"), errors="replace") as f:
        result["server_log_tail"] = f.read()[-3000:]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
