"""A room WebSocket client for tests: records every frame it receives (for schema validation) and waits for
events by name."""
import asyncio
import json
import time
import urllib.parse

import base64
import os
import socket
import ssl

import websockets
# The legacy client hands out every frame received before a close (13.x's new client drops them).
from websockets.legacy.client import connect as ws_connect

from .schema import RoomSpec

# Every text frame any client received in this test run, and those that failed the AsyncAPI check on receipt.
RECEIVED = []
VIOLATIONS = []
_SPEC = []


def check_on_receipt(frame):
    if not _SPEC:
        _SPEC.append(RoomSpec())
    try:
        _SPEC[0].check_server_frame(frame)
    except Exception as error:  # noqa: BLE001  (any failure is a violation to report)
        VIOLATIONS.append((frame[:300], str(error)[:300]))


def ws_url(http_url, room, alias_user=None, **query):
    base = http_url.replace("http://", "ws://").replace("https://", "wss://")
    path = f"/room/{room}" + (f"/{alias_user}" if alias_user else "")
    query = {k: v for k, v in query.items() if v is not None}
    return base + path + ("?" + urllib.parse.urlencode(query) if query else "")


class RoomClient:
    """Reads continuously in a background task (websockets 13 drops frames still buffered when a close arrives, so a
    client must never stop reading), keeping every event for later `next_event` calls."""

    def __init__(self, ws, user_id):
        self.ws, self.user_id = ws, user_id
        self.events = []          # parsed JSON frames, in arrival order
        self.arrived_at = []      # time.monotonic() of each event's arrival
        self.texts = []           # non-JSON text frames ("pong")
        self.close_code = None
        self.close_reason = None
        self.done = asyncio.Event()
        self._consumed = set()
        self._arrived = asyncio.Event()
        self.joined = None
        self._reader = asyncio.get_running_loop().create_task(self._read_all())

    @classmethod
    async def connect(cls, http_url, room, user_id, *, expect_join=True, user_agent=None, alias=False, **query):
        headers = {"User-Agent": user_agent} if user_agent else None
        if not alias:
            query = {"type": "meeting", "user_id": user_id, **query}
        url = ws_url(http_url, room, alias_user=user_id if alias else None, **query)
        # wss: the server's certificate is its own self-signed one (loopback only), so it is not verified.
        tls = None
        if url.startswith("wss://"):
            tls = ssl.create_default_context()
            tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
        ws = await ws_connect(url, extra_headers=headers, max_size=2 ** 22, open_timeout=10,
                              ping_interval=None, max_queue=None, ssl=tls)
        client = cls(ws, user_id)
        if expect_join:
            client.joined = await client.next_event("joined")
        return client

    async def _read_all(self):
        try:
            async for frame in self.ws:
                RECEIVED.append(frame)
                if isinstance(frame, bytes):
                    VIOLATIONS.append((repr(frame[:100]), "binary frame"))
                    continue
                check_on_receipt(frame)
                if frame == "pong":
                    self.texts.append(frame)
                else:
                    self.events.append(json.loads(frame))
                    self.arrived_at.append(time.monotonic())
                self._arrived.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            rcvd = self.ws.close_rcvd
            self.close_code = rcvd.code if rcvd else None
            self.close_reason = rcvd.reason if rcvd else None
            self.done.set()
            self._arrived.set()

    async def next_event(self, name=None, timeout=5.0, predicate=None):
        """The oldest event not yet returned that has this name and matches the predicate (others stay readable)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index, message in enumerate(self.events):
                if index in self._consumed:
                    continue
                if (name is None or message["event"] == name) and (predicate is None or predicate(message)):
                    self._consumed.add(index)
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0 or (self.done.is_set() and not self._arrived.is_set()):
                raise asyncio.TimeoutError(f"{self.user_id}: no {name} event; saw {[e['event'] for e in self.events]}"
                                           f", closed {self.close_code}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def barrier(self, timeout=5.0):
        """Round-trips an action the server refuses without side effects and waits for its answer: frames the server
        queued for this client before it read the barrier have arrived by then (one ordered stream per socket).
        A check that something did NOT arrive waits for this positive event first instead of sleeping."""
        self._barriers = getattr(self, "_barriers", 0) + 1
        answer = await self.request("barrier", f"barrier-{self._barriers}", timeout=timeout)
        assert answer["data"]["code"] == "unknown_action", answer

    async def send(self, action, **fields):
        await self.ws.send(json.dumps({"action": action, **fields}))

    async def request(self, action, id, timeout=5.0, **fields):
        """Sends an action with an id; returns the ack or error that answers it."""
        await self.send(action, id=id, **fields)
        return await self.next_event(predicate=lambda m: m.get("reply_to") == id, timeout=timeout)

    async def closed(self, timeout=5.0):
        """Waits until the server closes; returns (close code, reason)."""
        await asyncio.wait_for(self.done.wait(), timeout)
        return self.close_code, self.close_reason

    async def close(self):
        await self.ws.close()
        await self.done.wait()


async def refused(http_url, room, user_id, **query):
    """Connects, expects an `error` event and a close; returns (error data, close code)."""
    client = await RoomClient.connect(http_url, room, user_id, expect_join=False, **query)
    error = await client.next_event()
    code, _ = await client.closed()
    return error, code, client


def raw_silent_socket(port, path):
    """A TCP client that completes the WebSocket handshake (RFC 6455 §4.1) and then never reads nor answers pings:
    a dead or stalled peer. Its receive buffer is made small so the server's writes back up quickly."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("closed during handshake")
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


async def eventually(condition, what, timeout=10.0, interval=0.02):
    """Polls `condition` (a plain callable) until it returns a truthy value, which is returned; fails naming `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(interval)
