"""Issue 21 "Done when", signalling: PostgreSQL and two nodes A and B on loopback as one service. A room created over
REST on A is listed on B (`/meeting/api/rooms`, `/api/v1/meetings`); room-WebSocket clients on A and on B join the
same room and each receives the other's presence and chat, in the same order; a kick sent over REST to B removes the
participant connected to A (and one sent to A removes B's, through the relay). B relays its participant's socket to
A, the room's owner, over /internal/cluster/room/{id}, which refuses a caller without the cluster secret
(docs/architecture.md §Cluster relay)."""
import asyncio

import pytest
import requests

from cluster_nodes import API_KEY, CLUSTER_SECRET, admin_headers, create_room, internal_view, node_env, start_pair
from conftest import free_port, start_server
from roomws.client import VIOLATIONS, RoomClient

KICKED = 4100  # docs/contracts.md: the kicked participant's close code, relayed unchanged


@pytest.fixture(scope="module")
def pair(postgres_server):
    nodes = start_pair(postgres_server)
    yield nodes
    nodes.stop()


@pytest.fixture(autouse=True)
def frames_match_asyncapi():
    """A relayed socket carries the owner's frames unchanged: they still validate against the AsyncAPI document."""
    VIOLATIONS.clear()
    yield
    assert VIOLATIONS == []


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def metric(server, name):
    """The sum of a counter's samples on /metrics (0 when absent)."""
    text = requests.get(server.url + "/metrics", timeout=5).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name + " ") or line.startswith(name + "{"))


def test_internal_endpoint_needs_the_cluster_secret(pair):
    for node in (pair.a, pair.b):
        assert requests.get(node.url + "/internal/cluster/view", timeout=5).status_code == 401
        wrong = requests.get(node.url + "/internal/cluster/view", headers={"X-Parley-Cluster-Secret": "nope"},
                             timeout=5)
        assert wrong.status_code == 401
    ok = requests.get(pair.a.url + "/internal/cluster/view", headers={"X-Parley-Cluster-Secret": CLUSTER_SECRET},
                      timeout=5)
    assert ok.status_code == 200 and ok.json()["node_id"] == "node-a", ok.text
    # A forwarded-request hop header without the secret is refused, not served as a hop.
    hop = requests.get(pair.b.url + "/meeting/api/rooms", headers={**admin_headers(), "X-Parley-Cluster-Hop": "node-a"},
                       timeout=5)
    assert hop.status_code == 401, hop.text


def test_room_created_over_rest_on_a_is_listed_on_b(pair):
    create_room(pair.a, "listed", name="Listed")
    # A holds the room's lease before it acknowledges the creation.
    assert pair.lease_owner("listed") == "node-a"

    rooms = requests.get(pair.b.url + "/meeting/api/rooms", headers=admin_headers(), timeout=10)
    assert rooms.status_code == 200, rooms.text
    assert [room["room_id"] for room in rooms.json()["data"]["rooms"]].count("listed") == 1, rooms.text
    meetings = requests.get(pair.b.url + "/api/v1/meetings", headers={"authorization": API_KEY}, timeout=10)
    assert meetings.status_code == 200, meetings.text
    assert [m["roomId"] for m in meetings.json()["meetings"]].count("listed") == 1, meetings.text
    # B lists it from A's view: the room exists on A alone.
    assert "listed" in [room["id"] for room in internal_view(pair.a)["rooms"]]
    assert "listed" not in [room["id"] for room in internal_view(pair.b)["rooms"]]


def test_an_id_created_on_a_is_not_created_again_on_b(pair):
    create_room(pair.a, "once")
    again = requests.post(pair.b.url + "/meeting/api/rooms", headers=admin_headers(), json={"room_id": "once"},
                          timeout=10)
    assert again.status_code == 409, again.text  # A's answer, as one node gives it
    assert "once" not in [room["id"] for room in internal_view(pair.b)["rooms"]]
    # A room nobody has yet, created through B, is B's.
    create_room(pair.b, "made-on-b")
    assert pair.lease_owner("made-on-b") == "node-b"
    assert "made-on-b" in [room["id"] for room in internal_view(pair.b)["rooms"]]


def test_presence_chat_in_order_and_kick_across_nodes(pair):
    create_room(pair.a, "across")  # and at once join it through B: A owns it from the 2xx on
    relayed_before = metric(pair.b, "parley_cluster_relayed_sockets_total")
    forwarded_before = metric(pair.b, "parley_cluster_forwarded_requests_total")

    async def scenario():
        alice = await RoomClient.connect(pair.a.url, "across", "alice", name="Alice")
        bob = await RoomClient.connect(pair.b.url, "across", "bob", name="Bob")
        # Presence both ways: bob's join answer lists alice (A's room), alice hears bob join.
        assert {p["user_id"] for p in bob.joined["data"]["participants"]} == {"alice", "bob"}, bob.joined
        await alice.next_event("userjoin", predicate=lambda m: m["data"]["user_id"] == "bob", timeout=10)
        assert pair.lease_owner("across") == "node-a"  # bob's join did not place the room anew

        for i in range(5):
            await alice.send("chat", text=f"a{i}")
            await bob.send("chat", text=f"b{i}")
        seen = {}
        for client in (alice, bob):
            seen[client.user_id] = [(await client.next_event("msg", timeout=10))["data"]["text"] for _ in range(10)]
        # One room, one order: the owner's, on both nodes; each sender's own messages in the order sent.
        assert seen["alice"] == seen["bob"], seen
        assert [t for t in seen["bob"] if t.startswith("a")] == [f"a{i}" for i in range(5)], seen
        assert [t for t in seen["alice"] if t.startswith("b")] == [f"b{i}" for i in range(5)], seen

        # The kick goes to B, which does not run the room; it reaches A, whose participant is removed.
        r = await asyncio.to_thread(requests.post, pair.b.url + "/meeting/api/control/kick", headers=admin_headers(),
                                    json={"room_id": "across", "user_id": "alice"}, timeout=10)
        assert r.status_code == 200, r.text
        assert (await alice.closed(timeout=10))[0] == KICKED
        await bob.next_event("userleave", predicate=lambda m: m["data"]["user_id"] == "alice", timeout=10)

        # The other way: a kick sent to A closes B's relayed participant with the owner's code.
        r = await asyncio.to_thread(requests.post, pair.a.url + "/meeting/api/control/kick", headers=admin_headers(),
                                    json={"room_id": "across", "user_id": "bob"}, timeout=10)
        assert r.status_code == 200, r.text
        assert (await bob.closed(timeout=10))[0] == KICKED

    run(scenario())
    assert metric(pair.b, "parley_cluster_relayed_sockets_total") == relayed_before + 1
    assert metric(pair.b, "parley_cluster_forwarded_requests_total") >= forwarded_before + 1


def test_a_node_started_later_leaves_stored_rooms_with_their_owner(pair):
    """A node that starts after A created a room over REST does not restore its own copy of it at start-up: the room
    stays live on A alone, and the late node lists it once (from A's view)."""
    create_room(pair.a, "before-c", name="Before C")
    port = free_port()
    late = start_server(env=node_env(pair.database_url, "node-c", port), port=port)
    try:
        assert "before-c" not in [room["id"] for room in internal_view(late)["rooms"]]
        assert "before-c" in [room["id"] for room in internal_view(pair.a)["rooms"]]
        assert pair.lease_owner("before-c") == "node-a"
        listed = requests.get(late.url + "/meeting/api/rooms", headers=admin_headers(), timeout=10).json()
        assert [room["room_id"] for room in listed["data"]["rooms"]].count("before-c") == 1, listed
    finally:
        late.stop()
