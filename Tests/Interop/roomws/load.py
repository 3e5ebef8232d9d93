"""Many clients in one room exchanging chat: reusable by the interop test and by `make bench` (which adds latency
percentiles and server RSS around it)."""
import asyncio
import time

from .client import RoomClient


async def chat_load(http_url, room="load", clients=200, messages_per_client=2, connect_batch=50, timeout=120,
                    on_phase=None):
    """Joins `clients` participants, has each send `messages_per_client` chats, waits until every client received every
    message, then leaves. Returns a dict: per-receiver msg lists, delivery latencies (s), the sent texts.
    `on_phase` (optional) is called with "chat" just before the first chat is sent and "delivered" once every client
    has every message, so a caller can measure the server over exactly the fan-out."""
    phase = on_phase or (lambda name: None)
    members = []
    for start in range(0, clients, connect_batch):
        batch = [RoomClient.connect(http_url, room, f"u{n:03d}", name=f"User {n}")
                 for n in range(start, min(clients, start + connect_batch))]
        members += await asyncio.gather(*batch)
    sent_at = {}
    total = clients * messages_per_client

    async def talk(client, index):
        for k in range(messages_per_client):
            text = f"{client.user_id}:{k}"
            sent_at[text] = time.monotonic()
            await client.send("chat", text=text)
            await asyncio.sleep(0.01 * (index % 5))

    phase("chat")
    await asyncio.gather(*(talk(c, i) for i, c in enumerate(members)))
    latencies = []
    deadline = time.monotonic() + timeout
    received = {}
    for client in members:
        msgs = []
        while len(msgs) < total:
            remaining = deadline - time.monotonic()
            message = await client.next_event("msg", timeout=max(0.1, remaining))
            msgs.append(message["data"])
        received[client.user_id] = msgs
    phase("delivered")
    # Delivery latency: when a client's reader stored the frame minus when the sender sent it (one process, one clock).
    for client in members:
        for event, arrived in zip(client.events, client.arrived_at):
            if event["event"] == "msg":
                latencies.append(arrived - sent_at[event["data"]["text"]])
    # "Nothing more arrived": each client's barrier answer comes after anything still queued for it.
    # 200 barriers at once answer slowly on a loaded machine: the round's own deadline bounds them, not 5 s each.
    await asyncio.gather(*(c.barrier(timeout=max(5.0, deadline - time.monotonic())) for c in members))
    extra = {c.user_id: sum(1 for e in c.events if e["event"] == "msg") - total for c in members}
    await asyncio.gather(*(c.close() for c in members))
    return {"received": received, "sent": sorted(sent_at), "extra": extra, "latencies": latencies}
