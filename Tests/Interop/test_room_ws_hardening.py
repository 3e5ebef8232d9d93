"""Issue 13 against the real binary: a room created over REST cannot be taken over by its first anonymous joiner,
and room sockets per client address are capped (rooms.max_connections_per_address)."""
import asyncio
import time

import jwt
import requests

from conftest import start_server
from roomws.client import RoomClient, refused

AUTH_SECRET = "hardening-monibuca-auth-secret-0123456789abcdef"
BASE_ENV = {"API_KEY_SECRET": "hardening-api-key", "PARLEY_AUTH_SECRET": AUTH_SECRET}


def admin(method, server, path, **kw):
    now = int(time.time())
    token = jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1, "exp": now + 600}, AUTH_SECRET, algorithm="HS256")
    return requests.request(method, server.url + path, headers={"Authorization": "Bearer " + token}, timeout=5, **kw)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_anonymous_first_joiner_of_a_rest_room_cannot_end_it_and_the_room_survives_a_restart():
    s = start_server(env=BASE_ENV)
    try:
        assert admin("POST", s, "/meeting/api/rooms", json={"room_id": "board", "name": "Board"}).status_code == 200

        async def scenario():
            intruder = await RoomClient.connect(s.url, "board", "anon")
            assert intruder.joined["data"]["role"] == "participant"
            for n, action in enumerate(("end", "lock"), start=1):
                assert (await intruder.request(action, n))["data"]["code"] == "not_permitted"
            await intruder.close()
        run(scenario())
        # Still there after its only participant left, and after a restart (the SQLite row is intact).
        assert admin("GET", s, "/meeting/api/rooms/board").status_code == 200
    finally:
        s.stop()
    again = start_server(data_dir=s.data_dir, env=BASE_ENV)
    try:
        r = admin("GET", again, "/meeting/api/rooms/board")
        assert r.status_code == 200 and r.json()["data"]["name"] == "Board", r.text
    finally:
        again.stop()


def test_room_sockets_per_address_are_capped():
    s = start_server(env={**BASE_ENV, "PARLEY_ROOMS_MAX_CONNECTIONS_PER_ADDRESS": "2"})
    try:
        async def scenario():
            first = await RoomClient.connect(s.url, "cap", "one")
            second = await RoomClient.connect(s.url, "cap", "two")
            error, code, _ = await refused(s.url, "cap", "three")
            assert (error["data"]["code"], code) == ("too_many_connections", 4029)
            await second.close()
            # A closed socket frees its place.
            for _ in range(50):
                try:
                    third = await RoomClient.connect(s.url, "cap", "three")
                    break
                except (asyncio.TimeoutError, AssertionError):
                    await asyncio.sleep(0.1)
            assert third.joined["data"]["user_id"] == "three"
            await third.close()
            await first.close()
        run(scenario())
    finally:
        s.stop()
