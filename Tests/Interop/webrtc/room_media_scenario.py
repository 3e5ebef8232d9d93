"""Runs inside a loopback-only network namespace: three participants join one room over the room WebSocket; alice
(a tone and VP8 video) and bob (a tone) each publish over WHIP with their room session token and play the other's
over WHEP (bob takes alice's video too), carol plays alice's audio only.
Then alice is kicked over REST (`POST /meeting/api/control/kick`). Prints one JSON line with what was observed:
the decoded tones, the `publish`/`unpublish` events, MiroTalk's peer flags, and when each of alice's players stopped
getting packets and saw its track end, relative to the kick."""
import asyncio
import os
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import peers  # noqa: E402
from roomws import client as roomws  # noqa: E402

API_KEY = "room-media-api-key"
ROOM = "media"
TONES = {"alice": 440, "bob": 660}
SKIP = 24000  # decoder warm-up and jitter buffer fill: the first 0.5 s is not analysed


class Player:
    """A WHEP player whose receivers note when each packet arrived and when its tracks ended."""

    def __init__(self, name, video=False):
        self.name = name
        self.video = video
        self.last_packet = None
        self.packets = 0
        self.ended_at = None
        self.video_ended_at = None
        self.samples = []
        self.decoded = {"frames": 0}


def install_packet_clock(players_by_receiver):
    """Notes the arrival time of every RTP packet per receiver (before decoding)."""
    from aiortc.rtcrtpreceiver import RTCRtpReceiver
    original = RTCRtpReceiver._handle_rtp_packet

    async def noting(self, packet, arrival_time_ms):
        player = players_by_receiver.get(id(self))
        if player is not None:
            player.packets += 1
            player.last_packet = time.monotonic()
        return await original(self, packet, arrival_time_ms)

    RTCRtpReceiver._handle_rtp_packet = noting


async def play(base, path, token, player, players_by_receiver):
    from aiortc import RTCConfiguration, RTCPeerConnection
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    for kind in ("audio", "video") if player.video else ("audio",):
        players_by_receiver[id(pc.addTransceiver(kind, direction="recvonly").receiver)] = player

    def audio_ended():
        player.ended_at = time.monotonic()

    def video_ended():
        player.video_ended_at = time.monotonic()

    def on_track(track):
        if track.kind == "video":
            peers.count_video(track, player.decoded, on_end=video_ended)
        else:
            peers.decode_audio(track, player.samples, on_end=audio_ended)

    pc.on("track", on_track)
    location, _, _ = await peers.negotiate(pc, f"{base}/webrtc/whep/{path}",
                                           headers={"Authorization": f"Bearer {token}"})
    await peers.wait_connected(pc)
    return pc, location


async def publish(base, path, token, frequency, video=False):
    from aiortc import RTCConfiguration, RTCPeerConnection
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver(peers.ToneTrack(frequency), direction="sendonly")
    if video:
        pc.addTransceiver(peers.SmallVideoTrack(), direction="sendonly")
    location, _, _ = await peers.negotiate(pc, f"{base}/webrtc/whip/{path}",
                                           headers={"Authorization": f"Bearer {token}"})
    await peers.wait_connected(pc)
    return pc, location


async def until(condition, timeout, interval=0.02):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(interval)
    return True


def meeting_peers(base):
    r = requests.get(base + "/api/v1/meetings", headers={"authorization": API_KEY}, timeout=5)
    r.raise_for_status()
    for meeting in r.json()["meetings"]:
        if meeting["roomId"] == ROOM:
            return {peer["name"]: {k: peer[k] for k in ("audio", "video", "screen")} for peer in meeting["peers"]}
    return {}


async def scenario(base, listen_seconds):
    result = {}
    players_by_receiver = {}
    install_packet_clock(players_by_receiver)
    sockets = {}
    for user in ("alice", "bob", "carol"):
        sockets[user] = await roomws.RoomClient.connect(base, ROOM, user, name=user)
    tokens = {user: client.joined["data"]["session_token"] for user, client in sockets.items()}

    publishers = {}
    for user in ("alice", "bob"):
        publishers[user] = await publish(base, f"room/{ROOM}/{user}", tokens[user], TONES[user], video=user == "alice")
    # Every socket hears both publications, with what they send.
    announced = {}
    for user, client in sockets.items():
        for _ in range(2):
            event = await client.next_event("publish", timeout=10)
            announced.setdefault(user, {})[event["data"]["user_id"]] = event["data"]["kinds"]
    result["announced"] = announced
    result["peers_while_publishing"] = await asyncio.to_thread(meeting_peers, base)

    players = {"bob<-alice": Player("bob<-alice", video=True), "carol<-alice": Player("carol<-alice"),
               "alice<-bob": Player("alice<-bob")}
    sessions = {}
    for key, (user, source) in {"bob<-alice": ("bob", "alice"), "carol<-alice": ("carol", "alice"),
                                "alice<-bob": ("alice", "bob")}.items():
        sessions[key] = await play(base, f"room/{ROOM}/{source}", tokens[user], players[key], players_by_receiver)
    # Listen until each player has a second of audio past the warm-up, or `listen_seconds` pass.
    await until(lambda: all(len(p.samples) > 48000 + SKIP for p in players.values())
                and players["bob<-alice"].decoded["frames"] >= 30, listen_seconds)
    # Analysed after the kick: the analysis blocks the loop, and the streams must be flowing when the kick comes.
    windows = {key: list(player.samples[SKIP:SKIP + 12000]) if len(player.samples) >= SKIP + 12000
               else list(player.samples[-12000:]) for key, player in players.items()}
    counts = {key: len(player.samples) for key, player in players.items()}
    result["video_frames_decoded"] = {key: player.decoded["frames"] for key, player in players.items()}

    # The kick, over REST, while every player is receiving.
    kicked_at = time.monotonic()
    result["last_packet_before_kick_s"] = {
        key: None if p.last_packet is None else round(p.last_packet - kicked_at, 3) for key, p in players.items()}
    r = await asyncio.to_thread(requests.post, base + "/meeting/api/control/kick",
                                json={"room_id": ROOM, "user_id": "alice"}, timeout=5)
    result["kick_status"] = r.status_code
    alice_players = [players["bob<-alice"], players["carol<-alice"], players["alice<-bob"]]
    await until(lambda: all(p.ended_at is not None and (not p.video or p.video_ended_at is not None)
                            for p in alice_players), 5.0)
    # Packets still in flight at the kick may land a moment later; nothing may arrive after the track ended.
    await asyncio.sleep(1.0)
    result["after_kick"] = {
        p.name: {"ended_s": None if p.ended_at is None else round(p.ended_at - kicked_at, 3),
                 "video_ended_s": None if p.video_ended_at is None else round(p.video_ended_at - kicked_at, 3),
                 "last_packet_s": None if p.last_packet is None else round(p.last_packet - kicked_at, 3)}
        for p in alice_players}
    result["session_status_after_kick"] = {}
    for key, location in (("alice-publisher", publishers["alice"][1]), ("bob<-alice", sessions["bob<-alice"][1]),
                          ("alice<-bob", sessions["alice<-bob"][1]), ("bob-publisher", publishers["bob"][1])):
        r = await asyncio.to_thread(requests.get, base + location, timeout=5)
        result["session_status_after_kick"][key] = r.status_code
    unpublish = await sockets["bob"].next_event("unpublish", timeout=5)
    result["unpublish_to_bob"] = unpublish["data"]
    result["peers_after_kick"] = await asyncio.to_thread(meeting_peers, base)
    r = await asyncio.to_thread(
        requests.post, f"{base}/webrtc/whip/room/{ROOM}/alice", data="v=0\r\n",
        headers={"Content-Type": "application/sdp", "Authorization": f"Bearer {tokens['alice']}"}, timeout=5)
    result["kicked_token_status"] = r.status_code
    # bob's own publication goes on: its other player (carol's, opened now) still gets audio.
    carol_bob = Player("carol<-bob")
    await play(base, f"room/{ROOM}/bob", tokens["carol"], carol_bob, players_by_receiver)
    result["carol_hears_bob_after_kick"] = await until(lambda: carol_bob.packets > 10, 5.0)
    result["schema_violations"] = roomws.VIOLATIONS[:5]
    result["heard"] = {}
    for key, window in windows.items():
        hz, _ = peers.strongest_frequency(window)
        result["heard"][key] = {"samples": counts[key], "strongest_hz": hz}
    for pc, _ in list(publishers.values()) + list(sessions.values()):
        await pc.close()
    for client in sockets.values():
        if not client.done.is_set():
            await client.close()
    return result


def main():
    parser = peers.scenario_arguments(port=18081)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="parley-room-media-")
    # The Meeting API's kick without a login: this scenario checks media teardown, not Monibuca's auth.
    env = {"API_KEY_SECRET": API_KEY, "API_ALLOW_MEETINGS": "true", "PARLEY_AUTH_ENABLED": "false"}
    peers.run_with_server(args.server, args.port, data_dir, env, lambda base: scenario(base, args.seconds))

if __name__ == "__main__":
    main()
