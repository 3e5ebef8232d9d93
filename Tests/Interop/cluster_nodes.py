"""Two parley-server nodes on loopback as one clustered service (issue 21): both on one throw-away PostgreSQL
database (the postgres_server fixture), each advertising its own loopback URL, sharing the credentials' secrets and
a cluster secret. Used by the test_cluster_*.py modules."""
import os
import subprocess
import time

import jwt
import requests

from conftest import PG_BIN, free_port, new_postgres_database, start_server, wait_for

AUTH_SECRET = "cluster-monibuca-auth-secret-0123456789abcdef"
API_KEY = "cluster-api-key"
JWT_SECRET = "cluster-mirotalk-jwt-secret-0123456789abcdef"
CLUSTER_SECRET = "cluster-node-secret-0123456789abcdef"
# Short, so an idle lease or a dead node does not outlive a test; long enough that a loaded 2-core machine renews
# (a third of it) in time.
LEASE_TTL = "3s"


def node_env(database_url, node_id, port):
    """The environment of one node: the same credentials' secrets on every node (a token made on one is valid on
    all), its own id and advertised URL."""
    return {"PARLEY_AUTH_SECRET": AUTH_SECRET, "API_KEY_SECRET": API_KEY, "JWT_SECRET": JWT_SECRET,
            "API_ALLOW_MEETINGS": "true", "API_ALLOW_MEETING_END": "true",
            "PARLEY_CLUSTER_DATABASE_URL": database_url, "PARLEY_CLUSTER_NODE_ID": node_id,
            "PARLEY_CLUSTER_ADVERTISE_URL": f"http://127.0.0.1:{port}", "PARLEY_CLUSTER_SECRET": CLUSTER_SECRET,
            "PARLEY_CLUSTER_LEASE_TTL": LEASE_TTL}


def cluster_view(server):
    """`/healthz`'s cluster section of one node, or None while it does not answer."""
    try:
        return requests.get(server.url + "/healthz", timeout=2).json().get("cluster")
    except (requests.RequestException, ValueError):
        return None


class Pair:
    """Nodes `a` and `b` (conftest.Server) and the URL of the database they share."""

    def __init__(self, a, b, database_url):
        self.a, self.b, self.database_url = a, b, database_url

    def stop(self):
        self.b.stop()
        self.a.stop()

    def lease_owner(self, room_id):
        """The node holding room `room_id`'s live lease (None: nobody)."""
        return lease_owner(self.database_url, room_id)


def lease_owner(database_url, room_id):
    """The directory's own answer (table room_leases, key "room:<id>"), read with psql: no node's view of it."""
    sql = (f"SELECT node_id FROM room_leases WHERE room = 'room:{room_id}' AND node_id IS NOT NULL"
           " AND expires_at > now()")
    run = subprocess.run([os.path.join(PG_BIN, "psql"), "-Atq", database_url, "-c", sql], capture_output=True,
                         text=True, timeout=10)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip() or None


def start_pair(postgres_server):
    """Nodes "node-a" and "node-b" on a new database of the test PostgreSQL server, once each sees both."""
    database_url = new_postgres_database(postgres_server)
    port_a, port_b = free_port(), free_port()
    a = start_server(env=node_env(database_url, "node-a", port_a), port=port_a)
    try:
        b = start_server(env=node_env(database_url, "node-b", port_b), port=port_b)
    except Exception:
        a.stop()
        raise
    try:
        # Each learns the other at its next heartbeat (a third of the lease).
        wait_for(lambda: all((cluster_view(n) or {}).get("nodes") == 2 for n in (a, b)), "both nodes seeing two",
                 timeout=20, interval=0.1)
    except AssertionError:
        b.stop()
        a.stop()
        raise AssertionError(f"the nodes never saw each other\n--- a\n{a.log()[-3000:]}\n--- b\n{b.log()[-3000:]}")
    return Pair(a, b, database_url)


def admin_headers():
    """A Monibuca-style admin JWT, valid on every node (same PARLEY_AUTH_SECRET)."""
    now = int(time.time())
    token = jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1, "exp": now + 3600}, AUTH_SECRET, algorithm="HS256")
    return {"Authorization": "Bearer " + token}


def create_room(server, room_id, **fields):
    """POST /meeting/api/rooms on `server`; fails the test unless it answers 2xx."""
    r = requests.post(server.url + "/meeting/api/rooms", headers=admin_headers(), json={"room_id": room_id, **fields},
                      timeout=10)
    assert r.status_code < 300, (r.status_code, r.text)
    return r.json()


def internal_view(server):
    """GET /internal/cluster/view with the cluster secret: the node's own rooms and load."""
    r = requests.get(server.url + "/internal/cluster/view", headers={"X-Parley-Cluster-Secret": CLUSTER_SECRET},
                     timeout=5)
    assert r.status_code == 200, (r.status_code, r.text)
    return r.json()
