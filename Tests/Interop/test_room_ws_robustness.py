"""Room WebSocket robustness against the real binary: malformed and unknown frames keep the connection; oversize
frames close with 1009; chat is rate limited; silent clients time out (4102); slow readers are dropped instead of
growing memory; trouble in one room never touches another."""
import asyncio
import time


from conftest import start_server
from roomws.client import RoomClient, eventually, raw_silent_socket
from test_room_ws import BASE_ENV, meeting_peers, run
from test_room_ws import frames_match_asyncapi, server  # noqa: F401  (fixtures)


def test_malformed_and_unknown_frames_keep_the_connection(server):
    async def scenario():
        a = await RoomClient.connect(server.url, "r-bad", "a")
        await a.ws.send("{not json")
        assert (await a.next_event("error"))["data"]["code"] == "malformed_message"
        await a.ws.send("[1,2]")
        assert (await a.next_event("error"))["data"]["code"] == "malformed_message"
        await a.ws.send(b"\x00\x01")
        assert (await a.next_event("error"))["data"]["code"] == "malformed_message"
        assert (await a.request("dance", 9))["data"] == {"code": "unknown_action", "reason": "Unknown action dance."}
        assert (await a.request("chat", 10, text="x", extra=1))["data"]["code"] == "invalid_message"
        assert (await a.request("hand", 11, raised="yes"))["data"]["code"] == "invalid_message"
        assert (await a.request("chat", 12, text="still here"))["event"] == "ack"
        await a.close()
    run(scenario())


def test_oversize_message_gets_error_and_close_1009(server):
    async def scenario():
        a = await RoomClient.connect(server.url, "r-big", "a")
        b = await RoomClient.connect(server.url, "r-big", "b")
        await a.send("chat", text="x" * (70 * 1024))
        assert (await a.next_event("error"))["data"]["code"] == "message_too_large"
        assert (await a.closed())[0] == 1009
        assert (await b.next_event("userleave"))["data"] == {"user_id": "a", "reason": "dropped", "by": None}
        await b.close()
    run(scenario())


def test_chat_rate_limit_refuses_bursts_but_keeps_the_connection(server):
    async def scenario():
        a = await RoomClient.connect(server.url, "r-rate", "a")
        for n in range(30):
            await a.send("chat", id=n, text=f"m{n}")
        answers = [await a.next_event(predicate=lambda m, n=n: m.get("reply_to") == n) for n in range(30)]
        limited = [x for x in answers if x["event"] == "error"]
        assert limited and all(x["data"]["code"] == "rate_limited" for x in limited)
        assert sum(1 for x in answers if x["event"] == "ack") >= 20
        await a.ws.send("ping")
        await eventually(lambda: "pong" in a.texts, "a pong")
        await a.close()
    run(scenario())


def test_heartbeat_timeout_drops_a_silent_client_and_pings_keep_one_alive():
    s = start_server(env={**BASE_ENV, "PARLEY_ROOM_WS_IDLE_TIMEOUT": "1.5"})
    try:
        async def scenario():
            silent = await RoomClient.connect(s.url, "r-idle", "silent")
            lively = await RoomClient.connect(s.url, "r-idle", "lively")
            started = time.monotonic()
            for _ in range(8):
                await lively.ws.send("ping")
                await asyncio.sleep(0.4)
            error = await silent.next_event("error")
            assert error["data"]["code"] == "heartbeat_timeout"
            assert (await silent.closed())[0] == 4102
            assert time.monotonic() - started < 6
            left = await lively.next_event("userleave")
            assert left["data"] == {"user_id": "silent", "reason": "dropped", "by": None}
            assert [p["name"] for p in meeting_peers(s, "r-idle")] == ["lively"]
            await lively.close()
        run(scenario())
    finally:
        s.stop()


def test_slow_reader_is_dropped_instead_of_growing_memory():
    s = start_server(env={**BASE_ENV, "PARLEY_ROOM_WS_OUTBOUND_LIMIT_BYTES": "65536",
                          "PARLEY_ROOM_WS_CHAT_BURST": "100000", "PARLEY_ROOM_WS_CHAT_PER_SECOND": "100000"})
    try:
        async def scenario():
            slow = raw_silent_socket(s.port, "/room/r-slow?type=meeting&user_id=slow")
            talker = await RoomClient.connect(s.url, "r-slow", "talker")
            text = "y" * 4000
            for n in range(6000):
                await talker.send("chat", text=text)
                if n % 8 == 7:  # keep the talker itself a fast reader: wait for its own copies
                    while sum(1 for e in talker.events if e["event"] == "msg") < n - 4:
                        await asyncio.sleep(0.002)
                if any(e["event"] == "userleave" for e in talker.events):
                    break
            left = await talker.next_event("userleave", timeout=20)
            assert left["data"]["user_id"] == "slow" and left["data"]["reason"] == "dropped"
            assert [p["name"] for p in meeting_peers(s, "r-slow")] == ["talker"]
            await talker.close()
            slow.close()
        run(scenario())
    finally:
        s.stop()


def test_trouble_in_one_room_never_touches_another(server):
    async def scenario():
        calm = await RoomClient.connect(server.url, "r-calm", "calm")
        noisy = await RoomClient.connect(server.url, "r-noisy", "noisy")
        await noisy.ws.send("{broken")
        await noisy.send("chat", text="z" * (80 * 1024))
        await noisy.closed()
        assert (await calm.request("chat", 1, text="fine"))["event"] == "ack"
        await calm.barrier()
        assert all(e["event"] in ("msg", "ack", "joined", "error") for e in calm.events)
        assert [e["data"]["code"] for e in calm.events if e["event"] == "error"] == ["unknown_action"]  # the barrier
        await calm.close()
    run(scenario())
