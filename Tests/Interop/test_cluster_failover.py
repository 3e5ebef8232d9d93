"""Cluster mode, failover (issue 21 Done when, third bullet): two parley-server nodes on loopback share one
throw-away PostgreSQL with a 2 s `cluster.lease_ttl`. A meeting runs on node A (a room, template and reservation
made over REST; one participant on A, one relayed through B) while reservations are being written to A; A is
killed with SIGKILL. Within lease_ttl + 5 s node B owns the room (its /healthz `cluster.owned_rooms`), restored with
its stored settings; both participants reconnect through B and meet again (presence and chat); every row A
acknowledged with a 2xx before it died is listed by B. A node stopped gracefully hands its rooms over at once."""
import asyncio
import datetime
import threading
import time

import jwt
import requests

from conftest import free_port, new_postgres_database, start_server, wait_for
from roomws.client import RoomClient

AUTH_SECRET = "failover-monibuca-auth-secret-0123456789abcdef"
CLUSTER_SECRET = "failover-cluster-secret-0123456789abcdef"
LEASE_TTL = 2.0
ROOM = "rehome"


def node_env(database_url, node_id, port):
    return {"PARLEY_AUTH_SECRET": AUTH_SECRET, "API_KEY_SECRET": "failover-api-key",
            "PARLEY_CLUSTER_DATABASE_URL": database_url, "PARLEY_CLUSTER_NODE_ID": node_id,
            "PARLEY_CLUSTER_ADVERTISE_URL": f"http://127.0.0.1:{port}", "PARLEY_CLUSTER_SECRET": CLUSTER_SECRET,
            "PARLEY_CLUSTER_LEASE_TTL": f"{int(LEASE_TTL)}s"}


def admin_headers():
    now = int(time.time())
    token = jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1, "exp": now + 3600}, AUTH_SECRET, algorithm="HS256")
    return {"Authorization": "Bearer " + token}


def data(response):
    assert response.status_code == 200, response.text
    return response.json()["data"]


def cluster(node):
    return requests.get(node.url + "/healthz", timeout=2).json()["cluster"]


def value_of(node, series):
    """One series' value on the node's /metrics (-1 when absent)."""
    for line in requests.get(node.url + "/metrics", timeout=5).text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return -1


def slot(minutes_from_tomorrow):
    start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, second=0) \
        + datetime.timedelta(days=1, minutes=minutes_from_tomorrow)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ"), (start + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


class ReservationBurst:
    """Writers booking distinct one-minute slots on a node until it dies; keeps the ids it acknowledged with 2xx."""

    def __init__(self, node, headers, writers=3):
        self.node, self.headers = node, headers
        self.acknowledged, self.refused = [], []
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(n,), daemon=True) for n in range(writers)]
        for thread in self.threads:
            thread.start()

    def write(self, worker):
        session = requests.Session()
        for minute in range(10_000):
            if self.stop.is_set():
                return
            start, end = slot(minute)
            body = {"room_id": f"burst-{worker}", "title": f"slot {minute}", "host": "ann", "participants": [],
                    "start_time": start, "end_time": end}
            try:
                r = session.post(self.node.url + "/meeting/api/reservations", json=body, headers=self.headers,
                                 timeout=5)
            except requests.RequestException:
                return  # the node is gone
            with self.lock:
                if 200 <= r.status_code < 300:
                    self.acknowledged.append(r.json()["data"]["id"])
                else:
                    self.refused.append((r.status_code, r.text[:200]))

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        with self.lock:
            return list(self.acknowledged), list(self.refused)


def two_nodes(postgres_server):
    """Nodes fo-a and fo-b on a new database, once each sees the other."""
    database_url = new_postgres_database(postgres_server)
    port_a, port_b = free_port(), free_port()
    a = start_server(env=node_env(database_url, "fo-a", port_a), port=port_a)
    b = start_server(env=node_env(database_url, "fo-b", port_b), port=port_b)
    wait_for(lambda: cluster(a)["nodes"] == 2 and cluster(b)["nodes"] == 2, "the nodes to see each other", 15)
    return a, b


def test_stopped_owner_hands_its_rest_room_over(postgres_server):
    """SIGTERM: the owner ends its leases as it leaves, and the survivor takes its REST room at its next round
    (lease_ttl / 3), so the room stays listed without anyone joining it."""
    a, b = two_nodes(postgres_server)
    try:
        headers = admin_headers()
        data(requests.post(a.url + "/meeting/api/rooms", headers=headers, timeout=10,
                           json={"room_id": "handed", "name": "Handed over", "password": "pw-1"}))
        wait_for(lambda: "handed" in cluster(a)["owned_rooms"], "node A to own the room")
        assert a.stop() == 0
        stopped = time.monotonic()
        wait_for(lambda: "handed" in cluster(b)["owned_rooms"], "node B to take the room over", LEASE_TTL + 10)
        took = time.monotonic() - stopped
        assert took <= LEASE_TTL + 1, f"handed over after {took:.1f} s"  # not after a lease period: at once
        rooms = data(requests.get(b.url + "/meeting/api/rooms", headers=headers, timeout=10))["rooms"]
        assert [(r["room_id"], r["name"], r["has_password"]) for r in rooms] == [("handed", "Handed over", True)]
    finally:
        b.stop()
        a.stop()


def test_killed_owner_room_rehomed_clients_rejoin_and_rows_kept(postgres_server):
    a, b = two_nodes(postgres_server)
    try:
        headers = admin_headers()
        template = data(requests.post(a.url + "/meeting/api/templates", headers=headers, timeout=10,
                                      json={"name": "Failover", "max_participants": 8}))
        room = data(requests.post(a.url + "/meeting/api/rooms", headers=headers, timeout=10,
                                  json={"room_id": ROOM, "name": "Re-homed", "template_id": template["id"]}))
        start, end = slot(-30)
        reservation = data(requests.post(a.url + "/meeting/api/reservations", headers=headers, timeout=10, json={
            "room_id": ROOM, "title": "standup", "start_time": start, "end_time": end, "host": "ann",
            "participants": ["alice", "bob"]}))
        # A claims the room it created (asynchronously, milliseconds).
        wait_for(lambda: ROOM in cluster(a).get("owned_rooms", []), "node A to own the room")
        assert ROOM not in cluster(b)["owned_rooms"]

        async def scenario():
            alice = await RoomClient.connect(a.url, ROOM, "alice", name="Alice")
            bob = await RoomClient.connect(b.url, ROOM, "bob", name="Bob")  # relayed to A
            await alice.next_event("userjoin", predicate=lambda m: m["data"]["user_id"] == "bob")
            await bob.send("chat", text="before")
            assert (await alice.next_event("msg", timeout=10))["data"]["text"] == "before"

            burst = ReservationBurst(a, headers)
            await asyncio.to_thread(wait_for, lambda: len(burst.acknowledged) >= 20, "20 acknowledged writes", 15)
            a.proc.kill()  # SIGKILL: no leave, no lease given back
            killed = time.monotonic()
            a.proc.wait(timeout=10)
            acknowledged, refused = burst.finish()

            # A's sockets end with the process; B tells its relayed participant the owner is unreachable.
            await asyncio.wait_for(alice.done.wait(), 10)
            error = await bob.next_event("error", timeout=10)
            assert error["data"]["code"] == "room_unavailable", error
            assert (await bob.closed(timeout=10))[0] == 4105

            owned = await asyncio.to_thread(
                wait_for, lambda: ROOM in cluster(b)["owned_rooms"], "node B to own the room", LEASE_TTL + 10)
            took = time.monotonic() - killed
            assert owned and took <= LEASE_TTL + 5, f"re-homed after {took:.1f} s"
            assert cluster(b)["nodes"] == 1

            alice2 = await RoomClient.connect(b.url, ROOM, "alice", name="Alice")
            bob2 = await RoomClient.connect(b.url, ROOM, "bob", name="Bob")
            assert {p["user_id"] for p in bob2.joined["data"]["participants"]} == {"alice", "bob"}
            await alice2.next_event("userjoin", predicate=lambda m: m["data"]["user_id"] == "bob")
            await bob2.send("chat", text="after")
            await alice2.send("chat", text="again")
            for client in (alice2, bob2):
                texts = [(await client.next_event("msg", timeout=10))["data"]["text"] for _ in range(2)]
                assert sorted(texts) == ["after", "again"], texts
            await alice2.close()
            await bob2.close()
            return acknowledged, refused, took

        acknowledged, refused, took = asyncio.run(asyncio.wait_for(scenario(), 60))
        assert not refused, refused[:3]

        # The room was restored from the shared rows, not re-made ad hoc: its stored name and template's limit.
        detail = data(requests.get(b.url + f"/meeting/api/rooms/{ROOM}", headers=headers, timeout=10))
        assert (detail["name"], detail["origin"], detail["max_participants"]) == ("Re-homed", "rest", 8), detail
        assert detail["created_at"] == room["created_at"]
        rooms = data(requests.get(b.url + "/meeting/api/rooms", headers=headers, timeout=10))["rooms"]
        assert [r["room_id"] for r in rooms].count(ROOM) == 1
        templates = data(requests.get(b.url + "/meeting/api/templates", headers=headers, timeout=10))["templates"]
        assert template["id"] in [t["id"] for t in templates]
        stored = data(requests.get(b.url + "/meeting/api/reservations", headers=headers, timeout=30))["reservations"]
        ids = {r["id"] for r in stored}
        assert reservation["id"] in ids
        missing = [i for i in acknowledged if i not in ids]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged reservations were lost"

        # B's /metrics: the takeover, its own rooms, and the relayed socket that ended when the owner died.
        assert value_of(b, "parley_cluster_takeovers_total") >= 1
        assert value_of(b, 'parley_cluster_relayed_sockets_total{outcome="relayed"}') >= 1
        assert value_of(b, 'parley_cluster_relayed_sockets_total{outcome="unavailable"}') >= 1
        wait_for(lambda: value_of(b, 'parley_cluster_node_rooms{node="fo-b"}') >= 1, "B's room count on /metrics")
        print(f"re-homed {took:.2f} s after SIGKILL (lease_ttl {LEASE_TTL} s); {len(acknowledged)} writes kept")
    finally:
        b.stop()
        a.stop()
