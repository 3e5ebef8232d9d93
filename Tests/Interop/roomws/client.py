"""A room WebSocket client for tests: records every frame it receives (for schema validation) and waits for
events by name."""
import asyncio
import json
import urllib.parse

import websockets

# Every text frame any client received in this test run, for the AsyncAPI check.
RECEIVED = []


def ws_url(http_url, room, alias_user=None, **query):
    base = http_url.replace("http://", "ws://").replace("https://", "wss://")
    path = f"/room/{room}" + (f"/{alias_user}" if alias_user else "")
    query = {k: v for k, v in query.items() if v is not None}
    return base + path + ("?" + urllib.parse.urlencode(query) if query else "")


class RoomClient:
    def __init__(self, ws, user_id):
        self.ws, self.user_id = ws, user_id
        self.events = []          # parsed JSON frames, in arrival order
        self.texts = []           # non-JSON text frames ("pong")
        self._cursor = 0
        self.joined = None

    @classmethod
    async def connect(cls, http_url, room, user_id, *, expect_join=True, user_agent=None, alias=False, **query):
        headers = {"User-Agent": user_agent} if user_agent else None
        url = ws_url(http_url, room, alias_user=user_id if alias else None,
                     **({} if alias else {"type": "meeting", "user_id": user_id}), **query)
        ws = await websockets.connect(url, additional_headers=headers, max_size=2 ** 22, open_timeout=10,
                                      ping_interval=None)
        client = cls(ws, user_id)
        if expect_join:
            client.joined = await client.next_event("joined")
        return client

    async def _receive(self, timeout):
        frame = await asyncio.wait_for(self.ws.recv(), timeout)
        RECEIVED.append(frame)
        if frame == "pong":
            self.texts.append(frame)
            return None
        message = json.loads(frame)
        self.events.append(message)
        return message

    async def next_event(self, name=None, timeout=5.0, predicate=None):
        """The next not-yet-consumed event (with that name and matching predicate); earlier ones stay readable."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index in range(self._cursor, len(self.events)):
                message = self.events[index]
                if (name is None or message["event"] == name) and (predicate is None or predicate(message)):
                    self._cursor = index + 1
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise asyncio.TimeoutError(f"{self.user_id}: no {name} event; saw {[e['event'] for e in self.events]}")
            await self._receive(remaining)

    async def drain(self, seconds=0.3):
        """Reads whatever arrives for `seconds` (connection may close meanwhile)."""
        try:
            while True:
                await self._receive(seconds)
        except (asyncio.TimeoutError, websockets.ConnectionClosed):
            pass

    async def send(self, action, **fields):
        await self.ws.send(json.dumps({"action": action, **fields}))

    async def request(self, action, id, **fields):
        """Sends an action with an id; returns the ack or error that answers it."""
        await self.send(action, id=id, **fields)
        return await self.next_event(predicate=lambda m: m.get("reply_to") == id)

    async def closed(self, timeout=5.0):
        """Reads until the server closes; returns (close code, reason)."""
        try:
            while True:
                await self._receive(timeout)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None, closed.rcvd.reason if closed.rcvd else None

    async def close(self):
        await self.ws.close()


async def refused(http_url, room, user_id, **query):
    """Connects, expects an `error` event and a close; returns (error data, close code)."""
    client = await RoomClient.connect(http_url, room, user_id, expect_join=False, **query)
    error = await client.next_event()
    code, _ = await client.closed()
    return error, code, client
