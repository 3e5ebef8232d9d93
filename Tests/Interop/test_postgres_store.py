"""cluster.database_url: parley-server keeps its durable rows in PostgreSQL (a throw-away server on loopback)."""
import os
import re
import signal
import subprocess
import threading

import requests

from conftest import PG_BIN, free_port, start_server, wait_for


def psql(url, sql):
    run = subprocess.run([os.path.join(PG_BIN, "psql"), "-At", url, "-c", sql], capture_output=True, text=True,
                         timeout=30, check=True)
    return run.stdout.strip()


def test_server_migrates_the_database_and_starts(fresh_postgres_url):
    server = start_server(env={"PARLEY_CLUSTER_DATABASE_URL": fresh_postgres_url})
    try:
        server.wait_for_log("database ready")
        assert "store_v1" in psql(fresh_postgres_url, "SELECT name FROM parley_migrations").splitlines()
        assert "meeting_rooms" in psql(fresh_postgres_url, "SELECT tablename FROM pg_tables")
    finally:
        assert server.stop() == 0


def test_unreachable_database_stops_start_up_with_exit_1():
    url = f"postgres://parley@127.0.0.1:{free_port()}/parley"
    server = start_server(env={"PARLEY_CLUSTER_DATABASE_URL": url}, wait=False)
    assert server.proc.wait(timeout=60) == 1
    assert "PostgreSQL" in server.log() and "127.0.0.1" in server.log()


def admin_password(server):
    found = wait_for(lambda: re.search(r"username admin password ([A-Za-z0-9_-]+)", server.log()),
                     "the generated admin password in the log")
    return found.group(1)


def api_key(server):
    found = wait_for(lambda: re.search(r"generated MiroTalk API key \(api.key_secret\): ([A-Za-z0-9_-]+)", server.log()),
                     "the generated API key in the log")
    return found.group(1)


def data(response):
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_two_nodes_share_rows_and_generated_secrets(fresh_postgres_url):
    env = {"PARLEY_CLUSTER_DATABASE_URL": fresh_postgres_url}
    a = start_server(env=env)
    b = None
    try:
        password, key = admin_password(a), api_key(a)
        token = requests.post(a.url + "/api/login", json={"username": "admin", "password": password},
                              timeout=10).json()["token"]
        auth = {"Authorization": "Bearer " + token}
        template = data(requests.post(a.url + "/meeting/api/templates", headers=auth, timeout=10,
                                      json={"name": "Board", "max_participants": 6}))
        data(requests.post(a.url + "/meeting/api/rooms", headers=auth, timeout=10,
                           json={"room_id": "shared-room", "template_id": template["id"]}))
        slot = {"room_id": "shared-room", "title": "Q3", "start_time": "2030-01-01T10:00:00Z",
                "end_time": "2030-01-01T11:00:00Z", "host": "ann", "participants": ["ann"]}
        data(requests.post(a.url + "/meeting/api/reservations", headers=auth, timeout=10, json=slot))

        b = start_server(env=env)
        # B generated nothing: the secrets and the admin user came from the database, so A's credentials work on B.
        assert "DEVELOPMENT SECRETS GENERATED" not in b.log() and "username admin password" not in b.log()
        assert requests.get(b.url + "/api/v1/stats", headers={"authorization": key}, timeout=10).status_code == 200
        b_login = requests.post(b.url + "/api/login", json={"username": "admin", "password": password}, timeout=10)
        assert b_login.status_code == 200, b_login.text
        rooms = data(requests.get(b.url + "/meeting/api/rooms", headers=auth, timeout=10))
        assert [r["room_id"] for r in rooms["rooms"]] == ["shared-room"]
        assert rooms["rooms"][0]["max_participants"] == 6
        templates = data(requests.get(b.url + "/meeting/api/templates", headers=auth, timeout=10))
        assert [t["id"] for t in templates["templates"]] == [template["id"]]
        # One slot, one booking, whichever node is asked.
        clash = requests.post(b.url + "/meeting/api/reservations", headers=auth, timeout=10, json=slot)
        assert clash.status_code == 409, clash.text
        assert psql(fresh_postgres_url, "SELECT count(*) FROM meeting_reservations") == "1"
    finally:
        assert a.stop() == 0
        if b:
            assert b.stop() == 0


def test_acknowledged_reservations_survive_sigkill(fresh_postgres_url):
    """Every 2xx is a committed row: a burst of bookings, SIGKILL mid-burst, then the database holds each
    acknowledged id (and nothing was acknowledged that is not there)."""
    server = start_server(env={"PARLEY_CLUSTER_DATABASE_URL": fresh_postgres_url})
    password = admin_password(server)
    token = requests.post(server.url + "/api/login", json={"username": "admin", "password": password},
                          timeout=10).json()["token"]
    auth = {"Authorization": "Bearer " + token}
    acknowledged = []
    stop = threading.Event()

    def book():
        hour = 0
        session = requests.Session()
        while not stop.is_set() and hour < 24 * 31:
            start = f"2031-01-{1 + hour // 24:02d}T{hour % 24:02d}:00:00Z"
            end = f"2031-01-{1 + hour // 24:02d}T{hour % 24:02d}:30:00Z"
            hour += 1
            try:
                r = session.post(server.url + "/meeting/api/reservations", headers=auth, timeout=5, json={
                    "room_id": "burst", "title": "t", "start_time": start, "end_time": end, "host": "h",
                    "participants": []})
            except requests.RequestException:
                return
            if r.status_code == 200:
                acknowledged.append(r.json()["data"]["id"])

    worker = threading.Thread(target=book)
    worker.start()
    wait_for(lambda: len(acknowledged) >= 20, "20 acknowledged reservations", timeout=30)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    stop.set()
    worker.join(timeout=10)
    stored = set(psql(fresh_postgres_url, "SELECT id FROM meeting_reservations").splitlines())
    assert acknowledged and set(acknowledged) <= stored
