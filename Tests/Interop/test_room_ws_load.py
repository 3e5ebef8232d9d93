"""200 concurrent room WebSocket clients in one room (the real binary): every chat message reaches all 200 exactly
once and in the same order, each sender's messages in the order sent, and the registry is empty afterwards."""
import asyncio
from collections import defaultdict

import requests

from roomws.client import RECEIVED
from roomws.load import chat_load
from roomws.schema import RoomSpec
from test_room_ws import API_KEY, run  # noqa: F401  (the module server fixture is reused below)
from test_room_ws import frames_match_asyncapi, server  # noqa: F401  (fixtures)


def test_200_clients_receive_every_chat_exactly_once_in_order(server):  # noqa: F811
    result = run_long(chat_load(server.url, room="load-200", clients=200, messages_per_client=2))
    sent = set(result["sent"])
    assert len(sent) == 400
    reference = None
    for user, msgs in result["received"].items():
        texts = [m["text"] for m in msgs]
        assert sorted(texts) == sorted(sent), user            # all of them, none twice
        assert len(texts) == len(set(texts)), user
        seqs = [m["seq"] for m in msgs]
        assert seqs == sorted(seqs), user                     # in the room's order
        per_sender = defaultdict(list)
        for m in msgs:
            per_sender[m["from"]].append(int(m["text"].split(":")[1]))
        assert all(v == sorted(v) for v in per_sender.values()), user
        reference = reference or texts
        assert texts == reference, user                       # the same order for everyone
    assert set(result["extra"].values()) == {0}               # and nothing more arrived later
    for _ in range(100):
        stats = requests.get(server.url + "/api/v1/stats", headers={"authorization": API_KEY}, timeout=30).json()
        if stats["totalRooms"] == 0 and stats["totalUsers"] == 0:
            break
        asyncio.run(asyncio.sleep(0.1))
    assert (stats["totalRooms"], stats["totalUsers"]) == (0, 0)
    spec = RoomSpec()
    for frame in RECEIVED:  # every frame of the run (this module's and any earlier one's) against the AsyncAPI schemas
        spec.check_server_frame(frame)


def run_long(coro):
    return asyncio.run(asyncio.wait_for(coro, 240))
