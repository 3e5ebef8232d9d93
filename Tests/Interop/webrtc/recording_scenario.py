"""Runs inside a loopback-only network namespace (issue 20 "Done when"): two aiortc publishers, an Opus tone + VP8 from
alice, the presenter of an ad-hoc room (room WebSocket, then WHIP with her session token), and an Opus tone + H264 on
a plain stream path. The room is recorded through the Meeting API (`POST /meeting/api/recordings` {room_id} with
alice's token, `.../{id}/stop`) while bob's room socket collects the `record` events; the stream path is recorded
through Monibuca V6's `POST /mp4/start|stop/...` and found again through v5's `/mp4/api/list/...` and
`/mp4/download/....mp4`. Both downloads are kept and described
by ffprobe/ffmpeg (media_file.py); the Meeting download is also fetched with byte ranges. Then a second recording of
a third path (by {stream_path}) is cut short by SIGKILL, the server restarts on the same data dir, and the catalogue's verdict on it
(ready and playable, or failed with a reason) is reported. Monibuca auth is on: the admin calls carry a JWT signed
with the server's auth.secret, the room's with alice's (presenter) or bob's session token. Prints one JSON line."""
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import traceback

import jwt
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import media_file  # noqa: E402
import peers  # noqa: E402
from roomws import client as roomws  # noqa: E402

from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender  # noqa: E402

ROOM = "recorded"
MEETING_PATH = f"room/{ROOM}/alice"  # a room participant's publication path (docs/interop.md)
MP4_PATH = "live/mp4-rec"
CRASH_PATH = "live/crash-rec"
TONES = {MEETING_PATH: 440, MP4_PATH: 660, CRASH_PATH: 440}
SETTLED = ("ready", "failed")
AUTH_SECRET = "recording-interop-auth-secret-0123456789"


def admin_token():
    """A Monibuca JWT for the admin APIs (signed with the server's auth.secret, as /api/login would issue)."""
    now = int(time.time())
    return jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1, "exp": now + 900}, AUTH_SECRET, algorithm="HS256")


async def publish(base, path, video_codec, token=None):
    """An aiortc WHIP publisher of the path's tone and small video frames in `video_codec` (VP8 or H264); returns
    the peer connection and its tone track (whose `pts` counts the audio it has produced)."""
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    tone = peers.ToneTrack(TONES[path])
    pc.addTransceiver(tone, direction="sendonly")
    video = pc.addTransceiver(peers.SmallVideoTrack(), direction="sendonly")
    video.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("video").codecs
                               if c.mimeType == f"video/{video_codec}"])
    headers = {"Authorization": f"Bearer {token}"} if token else None
    location, _, _ = await peers.negotiate(pc, f"{base}/webrtc/whip/{path}", headers=headers)
    await peers.wait_connected(pc)
    return pc, tone


def media_seconds(tone):
    """Seconds of audio the publisher has produced so far. A loaded machine can put a publisher behind real time and
    let it catch up later, so a recording's expected length is the media sent between start and stop, not the
    wall-clock time between them."""
    return tone.pts / peers.SAMPLE_RATE


async def call(method, url, token=None, **kwargs):
    """An HTTP request off the event loop, with `token` as Bearer when given; (response, JSON body or None)."""
    if token:
        kwargs["headers"] = {**kwargs.get("headers", {}), "Authorization": f"Bearer {token}"}
    response = await asyncio.to_thread(requests.request, method, url, timeout=30, **kwargs)
    try:
        body = response.json()
    except ValueError:
        body = None
    return response, body


async def settled(base, recording_id, token=None, timeout=60.0):
    """The catalogue's row for `recording_id` once its state is ready or failed (or the last row seen)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    row = None
    while recording_id is not None and loop.time() < deadline:
        response, body = await call("GET", f"{base}/meeting/api/recordings", token)
        rows = ((body or {}).get("data") or {}).get("recordings") or []
        row = next((r for r in rows if r.get("id") == recording_id), None)
        if row and row.get("state") in SETTLED:
            return row
        await asyncio.sleep(0.25)
    return row


async def keep_download(base, url, keep, name, token=None):
    """GETs `url` into keep/name; returns (status, content type, bytes, file path)."""
    response, _ = await call("GET", url if url.startswith("http") else base + url, token)
    path = os.path.join(keep, name)
    with open(path, "wb") as f:
        f.write(response.content)
    return response.status_code, response.headers.get("Content-Type"), len(response.content), path


async def byte_ranges(base, url, whole, token):
    """RFC 9110 §14: the first 100 bytes (206, Content-Range, the same bytes) and a range past the end (416)."""
    first, _ = await call("GET", base + url, token, headers={"Range": "bytes=0-99"})
    past, _ = await call("GET", base + url, token, headers={"Range": f"bytes={len(whole)}-{len(whole) + 100}"})
    return {
        "first_status": first.status_code, "first_content_range": first.headers.get("Content-Range"),
        "first_length": len(first.content), "first_matches": first.content == whole[:100],
        "past_status": past.status_code, "past_content_range": past.headers.get("Content-Range"),
    }


async def record_events(client, count, timeout):
    """The data of the next `count` `record` events on a room socket (fewer when they do not come in time)."""
    events = []
    try:
        for _ in range(count):
            events.append((await client.next_event("record", timeout=timeout))["data"])
    except (asyncio.TimeoutError, TimeoutError, AssertionError):
        pass
    return events


async def meeting_and_mp4(base, seconds, keep, result):
    admin = admin_token()
    alice = await roomws.RoomClient.connect(base, ROOM, "alice", name="alice")
    bob = await roomws.RoomClient.connect(base, ROOM, "bob", name="bob")
    token = alice.joined["data"]["session_token"]
    meeting_pc, meeting_tone = await publish(base, MEETING_PATH, "VP8", token=token)
    mp4_pc, mp4_tone = await publish(base, MP4_PATH, "H264")
    # Both publishers' media flows before the recordings start, so every recorded stream spans start→stop.
    await asyncio.sleep(1.0)

    sent_at, meeting_from = time.monotonic(), media_seconds(meeting_tone)
    response, body = await call("POST", f"{base}/meeting/api/recordings", token, json={"room_id": ROOM})
    result["meeting_start"] = {"status": response.status_code, "body": body}
    recording = (body or {}).get("data") or {}
    mp4_from = media_seconds(mp4_tone)
    response, body = await call("POST", f"{base}/mp4/start/{MP4_PATH}", admin)
    result["mp4_start"] = {"status": response.status_code, "body": body}
    response, body = await call("POST", f"{base}/mp4/start/{MP4_PATH}", admin)
    result["mp4_start_again"] = {"status": response.status_code, "body": body}

    await asyncio.sleep(seconds)
    # Only a presenter (or an admin) stops it: bob's token is refused, and nothing stops.
    response, body = await call("POST", f"{base}/meeting/api/recordings/{recording.get('id')}/stop",
                                bob.joined["data"]["session_token"])
    result["bob_stop"] = {"status": response.status_code, "body": body}
    stop_sent_at, meeting_to = time.monotonic(), media_seconds(meeting_tone)
    response, body = await call("POST", f"{base}/meeting/api/recordings/{recording.get('id')}/stop", token)
    result["wall_seconds"] = stop_sent_at - sent_at
    result["expected_seconds"] = meeting_to - meeting_from
    result["meeting_stop"] = {"status": response.status_code, "body": body}
    result["record_events_to_bob"] = await record_events(bob, 3, timeout=10)
    result["schema_violations"] = roomws.VIOLATIONS[:5]
    result["mp4_expected_seconds"] = media_seconds(mp4_tone) - mp4_from
    response, body = await call("POST", f"{base}/mp4/stop/{MP4_PATH}", admin)
    result["mp4_stop"] = {"status": response.status_code, "body": body}
    await meeting_pc.close()
    await mp4_pc.close()
    for client in (alice, bob):
        if not client.done.is_set():
            await client.close()

    response, _ = await call("GET", f"{base}/meeting/api/recordings")
    result["list_without_token_status"] = response.status_code
    row = await settled(base, recording.get("id"), admin)
    result["meeting_listed"] = row
    if row and row.get("state") == "ready":
        status, content_type, size, path = await keep_download(
            base, row["download_url"], keep, "meeting-recording", admin)
        result["meeting_download"] = {"status": status, "content_type": content_type, "size": size}
        result["meeting_file"] = media_file.describe(path)
        with open(path, "rb") as f:
            result["ranges"] = await byte_ranges(base, row["download_url"], f.read(), admin)
        response, body = await call("GET", f"{base}/meeting/api/recordings/{row['id']}/play", admin)
        result["play"] = {"status": response.status_code, "body": body}

    # v5 lists finished files only (monibuca-plugins.md §1c), so poll until the stopped one shows.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        response, body = await call("GET", f"{base}/mp4/api/list/{MP4_PATH}", admin)
        result["mp4_list"] = {"status": response.status_code, "body": body}
        if response.status_code != 200 or (body or {}).get("data") or loop.time() > deadline:
            break
        await asyncio.sleep(0.25)
    status, content_type, size, path = await keep_download(
        base, f"/mp4/download/{MP4_PATH}.mp4", keep, "mp4-route.mp4", admin)
    result["mp4_download"] = {"status": status, "content_type": content_type, "size": size}
    if status == 200:
        result["mp4_file"] = media_file.describe(path)
    return result


async def start_for_crash(base, seconds, result):
    """Publishes and records CRASH_PATH for `seconds`; returns the publisher (the server is killed under it)."""
    pc, _ = await publish(base, CRASH_PATH, "VP8")
    await asyncio.sleep(0.5)
    response, body = await call("POST", f"{base}/meeting/api/recordings", admin_token(),
                                json={"stream_path": CRASH_PATH})
    result["crash_start"] = {"status": response.status_code, "body": body}
    await asyncio.sleep(seconds)
    return pc


async def after_restart(base, recording_id, first_id, keep, result):
    admin = admin_token()
    row = await settled(base, recording_id, admin)
    result["crash_listed"] = row
    if row and row.get("state") == "ready":
        status, _, size, path = await keep_download(base, row["download_url"], keep, "crash-recording", admin)
        result["crash_download"] = {"status": status, "size": size}
        result["crash_file"] = media_file.describe(path)
    response, body = await call("GET", f"{base}/meeting/api/recordings", admin)
    rows = ((body or {}).get("data") or {}).get("recordings") or []
    result["first_after_restart"] = next((r for r in rows if r.get("id") == first_id), None)
    return result


def main():
    parser = peers.scenario_arguments(port=18080)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--crash-seconds", type=float, default=2.5)
    parser.add_argument("--keep", required=True, help="directory the downloads are written to")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="parley-recording-")
    env = {"PARLEY_AUTH_SECRET": AUTH_SECRET}
    base = f"http://127.0.0.1:{args.port}"
    result = {}
    proc = peers.start_server(args.server, args.port, data_dir, env=env)
    try:
        asyncio.run(meeting_and_mp4(base, args.seconds, args.keep, result))
        first_id = ((result.get("meeting_start", {}).get("body") or {}).get("data") or {}).get("id")

        async def crash():
            pc = await start_for_crash(base, args.crash_seconds, result)
            proc.kill()  # SIGKILL: no shutdown path runs
            proc.wait()
            await pc.close()
        asyncio.run(crash())
        result["killed_by"] = -proc.returncode
        # The first run's log is kept beside the second's (start_server truncates server.log).
        shutil.move(os.path.join(data_dir, "server.log"), os.path.join(data_dir, "server-before-kill.log"))
        proc = peers.start_server(args.server, args.port, data_dir, env=env)
        crash_id = ((result.get("crash_start", {}).get("body") or {}).get("data") or {}).get("id")
        asyncio.run(after_restart(base, crash_id, first_id, args.keep, result))
    except Exception as error:  # noqa: BLE001 - reported, not raised: the pytest side asserts on the JSON
        result["error"] = repr(error)
        result["traceback"] = traceback.format_exc()[-2000:]
    finally:
        peers.stop_server(proc)
    logs = ""
    for name in ("server-before-kill.log", "server.log"):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                logs += f"--- {name}\n" + f.read()[-3000:]
    result["server_log_tail"] = logs
    print(json.dumps(result))


if __name__ == "__main__":
    main()
