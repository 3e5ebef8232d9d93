"""Room WebSocket (/room/{room_id}?type=meeting) against the real binary with python `websockets` clients: joins with
each credential kind, each refusal, chat, hands, agenda, transcript ordering, every moderation action from the socket
and from REST, heartbeat timeout, oversize and malformed frames, slow readers. Every frame received in this module is
validated against spec/room-ws.asyncapi.yaml at the end (test_every_received_frame_matches_the_asyncapi_document)."""
import asyncio
import json
import time

import jwt
import pytest
import requests

from conftest import start_server
from roomws.client import RECEIVED, VIOLATIONS, RoomClient, eventually, refused
from roomws.schema import RoomSpec

API_KEY = "roomws-api-key"
JWT_SECRET = "roomws-mirotalk-jwt-secret-0123456789abcdef"
AUTH_SECRET = "roomws-monibuca-auth-secret-0123456789abcdef"
CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Safari/537.36")
BASE_ENV = {"API_KEY_SECRET": API_KEY, "JWT_SECRET": JWT_SECRET, "PARLEY_AUTH_SECRET": AUTH_SECRET,
            "API_ALLOW_TOKEN": "true", "API_ALLOW_MEETINGS": "true", "API_ALLOW_MEETING_END": "true"}


@pytest.fixture(autouse=True)
def frames_match_asyncapi():
    """Every frame received during a test must validate against the AsyncAPI document (checked on receipt)."""
    VIOLATIONS.clear()
    yield
    assert VIOLATIONS == []


@pytest.fixture(scope="module")
def server():
    s = start_server(env=BASE_ENV)
    yield s
    s.stop()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def monibuca_jwt(exp_offset=3600, secret=AUTH_SECRET):
    now = int(time.time())
    return jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1 if exp_offset > 0 else now - 7200,
                       "exp": now + exp_offset}, secret, algorithm="HS256")


def mirotalk_token(server, presenter, expire="1h", username="miro"):
    r = requests.post(server.url + "/api/v1/token", headers={"authorization": API_KEY}, timeout=5,
                      json={"username": username, "password": "pw", "presenter": presenter, "expire": expire})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def admin(method, server, path, **kw):
    r = requests.request(method, server.url + path, headers={"Authorization": "Bearer " + monibuca_jwt()},
                         timeout=5, **kw)
    assert r.status_code < 300, (path, r.status_code, r.text)
    return r.json()


def stats(server):
    r = requests.get(server.url + "/api/v1/stats", headers={"authorization": API_KEY}, timeout=5)
    return r.json()


def meeting_peers(server, room):
    r = requests.get(server.url + "/api/v1/meetings", headers={"authorization": API_KEY}, timeout=5)
    for meeting in r.json()["meetings"]:
        if meeting["roomId"] == room:
            return meeting["peers"]
    return []


# MARK: joins and credentials

def test_join_without_credential_gets_token_participants_and_others_see_userjoin(server):
    async def scenario():
        alice = await RoomClient.connect(server.url, "r-join", "alice", name="Alice", user_agent=CHROME_UA)
        joined = alice.joined["data"]
        assert joined["user_id"] == "alice" and joined["session_token"].startswith("pst2.")
        assert joined["role"] == "presenter"  # first joiner of an ad-hoc room (rooms.first_is_presenter)
        assert [p["user_id"] for p in joined["participants"]] == ["alice"]
        assert joined["participants"][0]["browser"] == "Chrome 126.0.0.0"
        assert joined["participants"][0]["os"] == "Linux"
        bob = await RoomClient.connect(server.url, "r-join", "bob")
        assert bob.joined["data"]["role"] == "participant"
        assert [p["user_id"] for p in bob.joined["data"]["participants"]] == ["alice", "bob"]
        seen = await alice.next_event("userjoin")
        assert seen["data"]["user_id"] == "bob" and "reply_to" not in seen
        peers = meeting_peers(server, "r-join")
        assert [(p["name"], p["presenter"], p["browser"]) for p in peers] == [
            ("Alice", True, "Chrome 126.0.0.0"), ("bob", False, "")]
        users = admin("GET", server, "/meeting/api/rooms/r-join/users")
        assert "alice" in str(users) and "bob" in str(users)
        await bob.close()
        left = await alice.next_event("userleave")
        assert left["data"] == {"user_id": "bob", "reason": "left", "by": None}
        await alice.close()
        # The last one out removes the ad-hoc room.
        await eventually(lambda: meeting_peers(server, "r-join") == [], "the ad-hoc room to go")
    run(scenario())


def test_v5_alias_path_and_text_ping_pong(server):
    async def scenario():
        carol = await RoomClient.connect(server.url, "r-alias", "carol", alias=True)
        assert carol.joined["data"]["user_id"] == "carol"
        await carol.ws.send("ping")
        await eventually(lambda: carol.texts, "a pong")
        await carol.barrier()
        assert carol.texts == ["pong"]
        await carol.close()
    run(scenario())


def test_monibuca_jwt_joins_as_host_past_lock_and_password(server):
    async def scenario():
        admin("POST", server, "/meeting/api/rooms", json={"room_id": "r-host", "password": "s3cret"})
        admin("POST", server, "/meeting/api/rooms/r-host/lock")
        host = await RoomClient.connect(server.url, "r-host", "boss", token=monibuca_jwt())
        assert host.joined["data"]["role"] == "host"
        assert host.joined["data"]["room"]["locked"] is True
        await host.close()
        admin("DELETE", server, "/meeting/api/rooms/r-host")
    run(scenario())


def test_room_password_admits_and_wrong_password_is_refused_without_counting(server):
    async def scenario():
        admin("POST", server, "/meeting/api/rooms", json={"room_id": "r-pw", "password": "open-sesame"})
        error, code, _ = await refused(server.url, "r-pw", "eve", password="wrong")
        assert (error["event"], error["data"]["code"], code) == ("error", "wrong_password", 4003)
        error, code, _ = await refused(server.url, "r-pw", "eve")
        assert (error["data"]["code"], code) == ("wrong_password", 4003)
        assert meeting_peers(server, "r-pw") == []
        ok = await RoomClient.connect(server.url, "r-pw", "dave", password="open-sesame")
        assert ok.joined["data"]["user_id"] == "dave"
        await ok.close()
        admin("DELETE", server, "/meeting/api/rooms/r-pw")
    run(scenario())


def test_mirotalk_token_presenter_flag_is_honoured(server):
    async def scenario():
        plain = await RoomClient.connect(server.url, "r-miro", "first")  # takes first-joiner presenter
        guest = await RoomClient.connect(server.url, "r-miro", "guest", token=mirotalk_token(server, "false"))
        assert guest.joined["data"]["role"] == "participant"
        pres = await RoomClient.connect(server.url, "r-miro", "pres", token=mirotalk_token(server, "true"))
        assert pres.joined["data"]["role"] == "presenter"
        named = await RoomClient.connect(server.url, "r-miro", "named", token=mirotalk_token(server, "false", username="Miro User"))
        assert named.joined["data"]["participants"][-1]["name"] == "Miro User"
        for c in (plain, guest, pres, named):
            await c.close()
    run(scenario())


def test_refusals_send_error_then_documented_close_and_count_nobody(server):
    async def scenario():
        # invalid identifiers
        error, code, _ = await refused(server.url, "r-ref", "bad%20id")
        assert (error["data"]["code"], code) == ("invalid_identifier", 4000)
        error, code, _ = await refused(server.url, "r-ref", "x", type="live")
        assert (error["data"]["code"], code) == ("invalid_request", 4000)
        # bad and expired tokens
        error, code, _ = await refused(server.url, "r-ref", "x", token="not.a.token")
        assert (error["data"]["code"], code) == ("invalid_token", 4001)
        error, code, _ = await refused(server.url, "r-ref", "x", token=monibuca_jwt(secret="another-secret-0123456789abcdef0123"))
        assert (error["data"]["code"], code) == ("invalid_token", 4001)
        error, code, _ = await refused(server.url, "r-ref", "x", token=monibuca_jwt(exp_offset=-60))
        assert (error["data"]["code"], code) == ("token_expired", 4001)
        short = mirotalk_token(server, "true", expire="1s")
        await asyncio.sleep(2.1)
        error, code, _ = await refused(server.url, "r-ref", "x", token=short)
        assert (error["data"]["code"], code) == ("token_expired", 4001)
        # duplicate user id
        holder = await RoomClient.connect(server.url, "r-ref", "same")
        error, code, _ = await refused(server.url, "r-ref", "same")
        assert (error["data"]["code"], code) == ("duplicate_user", 4009)
        # locked room
        assert (await holder.request("lock", "L1"))["event"] == "ack"
        error, code, _ = await refused(server.url, "r-ref", "late")
        assert (error["data"]["code"], code) == ("room_locked", 4023)
        assert [p["name"] for p in meeting_peers(server, "r-ref")] == ["same"]
        await holder.close()
        # room full by template
        template = admin("POST", server, "/meeting/api/templates", json={"name": "tiny", "max_participants": 1})
        admin("POST", server, "/meeting/api/rooms", json={"room_id": "r-full", "template_id": template["data"]["id"]})
        one = await RoomClient.connect(server.url, "r-full", "one")
        error, code, _ = await refused(server.url, "r-full", "two")
        assert (error["data"]["code"], code) == ("room_full", 4013)
        assert [p["name"] for p in meeting_peers(server, "r-full")] == ["one"]
        await one.close()
        admin("DELETE", server, "/meeting/api/rooms/r-full")
    run(scenario())


def test_require_token_refuses_anonymous_joins():
    s = start_server(env={**BASE_ENV, "PARLEY_ROOMS_REQUIRE_TOKEN": "true"})
    try:
        async def scenario():
            error, code, _ = await refused(s.url, "r-req", "anon")
            assert (error["data"]["code"], code) == ("token_required", 4001)
            ok = await RoomClient.connect(s.url, "r-req", "tok", token=mirotalk_token(s, "false"))
            await ok.close()
        run(scenario())
    finally:
        s.stop()


# MARK: chat, hands, agenda, transcript

def test_chat_to_all_private_and_replies(server):
    async def scenario():
        a = await RoomClient.connect(server.url, "r-chat", "a")
        b = await RoomClient.connect(server.url, "r-chat", "b")
        c = await RoomClient.connect(server.url, "r-chat", "c")
        ack = await a.request("chat", 7, text="hello all")
        assert ack == {"event": "ack", "data": {"action": "chat"}, "reply_to": 7}
        for client in (a, b, c):
            msg = await client.next_event("msg")
            assert msg["data"]["text"] == "hello all" and msg["data"]["from"] == "a" and msg["data"]["to"] is None
        await b.send("chat", text="psst", to="c")
        got = await c.next_event("msg")
        assert (got["data"]["text"], got["data"]["to"]) == ("psst", "c")
        assert (await b.next_event("msg"))["data"]["text"] == "psst"  # the sender's copy
        await a.barrier()
        assert [e["data"]["text"] for e in a.events if e["event"] == "msg"] == ["hello all"]
        error = await a.request("chat", "x1", text="hi", to="nobody")
        assert error["data"]["code"] == "participant_not_found"
        for client in (a, b, c):
            await client.close()
    run(scenario())


def test_room_socket_over_tls_carries_events_and_chat(server):
    """The fan-out writes encoded frames below the WebSocket layer: over TLS they must still arrive encrypted and
    whole, with 7-bit and 16-bit payload lengths (RFC 6455 §5.2; a chat text is at most 4096 characters)."""
    async def scenario():
        a = await RoomClient.connect(server.tls_url, "r-tls", "a")
        b = await RoomClient.connect(server.tls_url, "r-tls", "b")
        assert (await a.next_event("userjoin"))["data"]["user_id"] == "b"
        texts = ["short", "m" * 300, "l" * 4096]
        for text in texts:
            await a.send("chat", text=text)
        for client in (a, b):
            got = [(await client.next_event("msg"))["data"]["text"] for _ in texts]
            assert got == texts
        await b.close()
        assert (await a.next_event("userleave"))["data"]["user_id"] == "b"
        await a.close()
    run(scenario())


def test_hands_up_and_down_reach_everyone_and_the_registry(server):
    async def scenario():
        a = await RoomClient.connect(server.url, "r-hand", "a")
        b = await RoomClient.connect(server.url, "r-hand", "b")
        await b.send("hand", raised=True)
        for client in (a, b):
            assert (await client.next_event("hand"))["data"] == {"user_id": "b", "raised": True}
        assert [p["hand"] for p in meeting_peers(server, "r-hand")] == [False, True]
        await b.send("hand", raised=False)
        assert (await a.next_event("hand"))["data"] == {"user_id": "b", "raised": False}
        await b.send("media", audio=True, video=True)
        changed = await a.next_event("participant")
        assert (changed["data"]["user_id"], changed["data"]["audio"], changed["data"]["video"]) == ("b", True, True)
        await a.close()
        await b.close()
    run(scenario())


def test_agenda_set_advance_timer_by_moderator_only(server):
    async def scenario():
        host = await RoomClient.connect(server.url, "r-agenda", "host")
        guest = await RoomClient.connect(server.url, "r-agenda", "guest")
        refusal = await guest.request("agenda.set", 1, items=[{"title": "x"}])
        assert refusal["data"]["code"] == "not_permitted"
        items = [{"title": "Intro", "duration_s": 60}, {"title": "Q&A", "duration_s": None}]
        await host.request("agenda.set", 2, items=items)
        state = (await guest.next_event("agenda"))["data"]
        assert (state["items"], state["current"], state["running"]) == (items, -1, False)
        await host.send("agenda.start")
        state = (await guest.next_event("agenda"))["data"]
        assert (state["current"], state["running"]) == (0, True)
        await asyncio.sleep(0.2)
        await host.send("agenda.pause")
        state = (await guest.next_event("agenda"))["data"]
        assert state["running"] is False and state["elapsed_ms"] >= 150
        await host.send("agenda.next")
        state = (await guest.next_event("agenda"))["data"]
        assert (state["current"], state["elapsed_ms"]) == (1, 0)
        assert (await host.request("agenda.next", 3))["data"]["code"] == "agenda_unavailable"
        late = await RoomClient.connect(server.url, "r-agenda", "late")
        assert late.joined["data"]["agenda"]["current"] == 1
        for c in (host, guest, late):
            await c.close()
    run(scenario())


def test_transcript_segments_reach_everyone_in_order(server):
    async def scenario():
        clients = [await RoomClient.connect(server.url, "r-tx", f"t{i}") for i in range(3)]
        for n in range(30):
            sender = clients[n % 2]
            await sender.send("transcript", text=f"segment {n}", start_ms=n * 1000, end_ms=n * 1000 + 900,
                              speaker=f"Speaker {n % 2}")
        for client in clients:
            got = [await client.next_event("transcript") for _ in range(30)]
            seqs = [g["data"]["seq"] for g in got]
            assert seqs == sorted(seqs) and len(set(seqs)) == 30
            # each sender's segments stay in its own order
            for parity in (0, 1):
                mine = [int(g["data"]["text"].split()[1]) for g in got if g["data"]["user_id"] == f"t{parity}"]
                assert mine == list(range(parity, 30, 2))
        bad = await clients[0].request("transcript", "bad", text="x", start_ms=5, end_ms=1)
        assert bad["data"]["code"] == "invalid_message"
        for c in clients:
            await c.close()
    run(scenario())


# MARK: moderation from the socket

def test_socket_moderation_mute_chat_mute_media_kick_lock_unlock_end(server):
    async def scenario():
        mod = await RoomClient.connect(server.url, "r-mod", "mod")
        user = await RoomClient.connect(server.url, "r-mod", "user")
        other = await RoomClient.connect(server.url, "r-mod", "other")
        # a participant may not moderate
        assert (await user.request("kick", 1, user_id="other"))["data"]["code"] == "not_permitted"
        assert (await user.request("lock", 2))["data"]["code"] == "not_permitted"
        # mute_chat, then chat is refused, then unmute
        await mod.request("mute_chat", 3, user_id="user")
        notice = await user.next_event("control")
        assert notice["data"] == {"action": "mute_chat", "user_id": "user", "muted": True, "by": "user:mod"}
        assert (await user.request("chat", 4, text="let me talk"))["data"]["code"] == "chat_muted"
        await mod.send("mute_chat", user_id="user", muted=False)
        await user.next_event("control", predicate=lambda m: m["data"]["muted"] is False)
        assert (await user.request("chat", 5, text="thanks"))["event"] == "ack"
        # mute_media is a request to the page
        await mod.send("mute_media", user_id="user", kind="audio")
        request = await user.next_event("control", predicate=lambda m: m["data"]["action"] == "mute_media")
        assert request["data"] == {"action": "mute_media", "user_id": "user", "kind": "audio", "by": "user:mod"}
        # lock / unlock
        await mod.send("lock")
        assert (await other.next_event("locked"))["data"] == {"by": "user:mod"}
        await mod.send("unlock")
        assert (await other.next_event("unlocked"))["data"] == {"by": "user:mod"}
        # kick: the target hears why, then close 4100; the others see userleave
        await mod.send("kick", user_id="user")
        kicked = await user.next_event("control", predicate=lambda m: m["data"]["action"] == "kick")
        assert kicked["data"] == {"action": "kick", "user_id": "user", "by": "user:mod"}
        assert (await user.closed())[0] == 4100
        left = await other.next_event("userleave")
        assert left["data"] == {"user_id": "user", "reason": "kicked", "by": "user:mod"}
        # end: everyone gets `ended`, then 4101; the room is gone
        await mod.send("end")
        for client in (mod, other):
            assert (await client.next_event("ended"))["data"] == {"by": "user:mod"}
            assert (await client.closed())[0] == 4101
        assert meeting_peers(server, "r-mod") == []
    run(scenario())


# MARK: moderation from REST reaches sockets as events before the close

def test_rest_moderation_appears_on_sockets_before_the_close(server):
    async def scenario():
        admin("POST", server, "/meeting/api/rooms", json={"room_id": "r-rest"})
        a = await RoomClient.connect(server.url, "r-rest", "a")
        b = await RoomClient.connect(server.url, "r-rest", "b")
        admin("POST", server, "/meeting/api/control/mute", json={"room_id": "r-rest", "user_id": "b"})
        notice = await b.next_event("control")
        assert notice["data"] == {"action": "mute_chat", "user_id": "b", "muted": True, "by": notice["data"]["by"]}
        assert notice["data"]["by"].startswith("api:")
        assert (await b.request("chat", 1, text="hi"))["data"]["code"] == "chat_muted"
        admin("POST", server, "/meeting/api/rooms/r-rest/lock")
        assert (await a.next_event("locked"))["data"]["by"].startswith("api:")
        admin("POST", server, "/meeting/api/rooms/r-rest/unlock")
        await a.next_event("unlocked")
        admin("POST", server, "/meeting/api/control/kick", json={"room_id": "r-rest", "user_id": "b"})
        assert (await b.next_event("control", predicate=lambda m: m["data"]["action"] == "kick"))["data"]["user_id"] == "b"
        assert (await b.closed())[0] == 4100
        assert (await a.next_event("userleave"))["data"]["reason"] == "kicked"
        # MiroTalk DELETE /api/v1/meeting/{room} ends it: `ended` then 4101
        r = requests.delete(server.url + "/api/v1/meeting/r-rest", headers={"authorization": API_KEY}, timeout=5)
        assert r.status_code == 200, r.text
        assert (await a.next_event("ended"))["data"]["by"].startswith("api:")
        assert (await a.closed())[0] == 4101
    run(scenario())


# MARK: the AsyncAPI document

def test_every_received_frame_matches_the_asyncapi_document(server):
    """Runs last in this module: every frame any client received so far is valid against its message schema, and the
    run covered every kind of event."""
    spec = RoomSpec()
    assert len(RECEIVED) > 100
    events = set()
    for frame in RECEIVED:
        spec.check_server_frame(frame)
        if frame != "pong":
            events.add(json.loads(frame)["event"])
    assert {"joined", "userjoin", "userleave", "msg", "hand", "participant", "agenda", "transcript", "control",
            "locked", "unlocked", "ended", "ack", "error"} <= events
