"""Issue 21 "Done when", media: PostgreSQL and two nodes A and B on loopback; room R is created over REST on A, so A
owns it. alice (on A) and bob (on B, relayed) join R over the room WebSocket. alice's WHIP offer sent to B gets
`307 Temporary Redirect` to A's advertised URL with the same path and query (RFC 9725 §4.5); her aiortc repeats the
POST there, Bearer token included, and publishes a tone; bob's WHEP player sent to B is redirected the same way and
decodes the tone. aiortc runs in this process with loopback-only host candidates and no STUN/TURN server
(webrtc/peers.py, docs/interop.md §6), against nodes listening on 127.0.0.1: nothing leaves the machine."""
import asyncio
import os
import sys

import pytest
import requests

pytest.importorskip("aiortc")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "webrtc"))
import peers  # noqa: E402  (its import pins aioice's host candidates to 127.0.0.1)
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402

from cluster_nodes import create_room, start_pair  # noqa: E402
from roomws.client import RoomClient, eventually  # noqa: E402

ROOM = "R"
TONE_HZ = 440
SKIP = 24000  # the first 0.5 s of decoded audio (decoder warm-up, jitter buffer) is not analysed
ANALYSED = 12000  # 0.25 s: 4 Hz Goertzel resolution, cheap in pure Python
MAX_REDIRECTS = 3


@pytest.fixture(scope="module")
def pair(postgres_server):
    nodes = start_pair(postgres_server)
    yield nodes
    nodes.stop()


def redirects(server):
    """parley_cluster_redirects_total by face on `server`'s /metrics."""
    counts = {}
    for line in requests.get(server.url + "/metrics", timeout=5).text.splitlines():
        if line.startswith("parley_cluster_redirects_total{"):
            labels, value = line.rsplit(" ", 1)
            counts[labels.split('face="', 1)[1].split('"', 1)[0]] = float(value)
    return counts


async def negotiate_following_redirects(pc, url, token):
    """A WHIP/WHEP client's POST (RFC 9725 §4.5): on 307 the same offer is POSTed to the Location, with the Bearer
    token sent again (an HTTP library drops it on a redirect to another origin). Returns the chain of
    (url, status, Location) and the final session's Location."""
    offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    headers = {"Content-Type": "application/sdp", "Authorization": f"Bearer {token}"}
    chain = []
    for _ in range(MAX_REDIRECTS + 1):
        response = await asyncio.to_thread(requests.post, url, data=pc.localDescription.sdp, headers=headers,
                                           timeout=10, allow_redirects=False)
        chain.append((url, response.status_code, response.headers.get("Location")))
        if response.status_code != 307:
            break
        url = response.headers["Location"]
    assert chain[-1][1] == 201, (chain, response.text)
    # Loopback only: the owner (listening on 127.0.0.1) offers no other address to connect to.
    addresses = [line.split()[4] for line in response.text.splitlines() if line.startswith("a=candidate:")]
    assert addresses and all(address.startswith("127.") for address in addresses), addresses
    await pc.setRemoteDescription(RTCSessionDescription(sdp=response.text, type="answer"))
    await peers.wait_connected(pc, timeout=20)
    return chain, response.headers.get("Location")


def test_whip_and_whep_sent_to_b_are_redirected_to_the_owner_a(pair):
    a, b = pair.a, pair.b
    create_room(a, ROOM)
    assert pair.lease_owner(ROOM) == "node-a"  # held before the creation's 2xx
    before = redirects(b)

    async def scenario():
        alice = await RoomClient.connect(a.url, ROOM, "alice", name="alice")
        bob = await RoomClient.connect(b.url, ROOM, "bob", name="bob")
        publisher = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        player = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        try:
            publisher.addTransceiver(peers.ToneTrack(TONE_HZ), direction="sendonly")
            whip_path = f"/webrtc/whip/room/{ROOM}/alice?trace=1"
            whip_chain, whip_session = await negotiate_following_redirects(
                publisher, b.url + whip_path, alice.joined["data"]["session_token"])
            # Exactly one hop, to the owner's advertise_url with the same path and query; served there.
            assert whip_chain == [(b.url + whip_path, 307, a.url + whip_path), (a.url + whip_path, 201, whip_session)]

            player.addTransceiver("audio", direction="recvonly")
            samples = []
            player.on("track", lambda track: peers.decode_audio(track, samples))
            whep_path = f"/webrtc/whep/room/{ROOM}/alice"
            whep_chain, whep_session = await negotiate_following_redirects(
                player, b.url + whep_path, bob.joined["data"]["session_token"])
            assert whep_chain == [(b.url + whep_path, 307, a.url + whep_path), (a.url + whep_path, 201, whep_session)]

            await eventually(lambda: len(samples) >= SKIP + ANALYSED, "decoded audio from the redirected player", 20)
            strongest, _ = peers.strongest_frequency(samples[SKIP:SKIP + ANALYSED], low=200, high=1200)
            assert abs(strongest - TONE_HZ) <= 10, strongest
            # The room stayed A's throughout: B redirected, it did not start serving R itself.
            assert pair.lease_owner(ROOM) == "node-a"
        finally:
            await publisher.close()
            await player.close()
            await alice.close()
            await bob.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))
    after = redirects(b)
    assert after.get("whip", 0) - before.get("whip", 0) == 1, (before, after)
    assert after.get("whep", 0) - before.get("whep", 0) == 1, (before, after)
