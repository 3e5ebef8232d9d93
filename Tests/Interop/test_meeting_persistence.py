"""Meeting REST (/meeting/api) against the real binary: API-made rooms, templates and reservations survive a
restart on the same data dir (rooms are re-created live and counted by MiroTalk's /api/v1/stats), recordings under
<data_dir>/recordings/ are catalogued and served with ranges, and a SIGKILL in the middle of a burst of reservation
writes loses none that were acknowledged with a 2xx."""
import datetime
import os
import signal
import tempfile
import threading
import time

import requests

from conftest import start_server

API_KEY = "meeting-interop-api-key"
ADMIN_PASSWORD = "meeting-interop-pw"
CONFIG = f"""
api:
  key_secret: {API_KEY}
auth:
  secret: meeting-interop-auth-secret
  users:
    - username: admin
      password: {ADMIN_PASSWORD}
"""


def configured(data_dir=None):
    data_dir = data_dir or tempfile.mkdtemp(prefix="parley-meeting-")
    path = os.path.join(data_dir, "parley.yaml")
    with open(path, "w") as f:
        f.write(CONFIG)
    return start_server(data_dir=data_dir, args=["--config", path])


def login(server):
    r = requests.post(server.url + "/api/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["data"]["token"]}


def rfc3339(hours_from_now):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours_from_now)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def data(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == 0 and body["message"] == "success"
    return body["data"]


def test_rooms_templates_reservations_and_recordings_survive_a_restart():
    server = configured()
    data_dir = server.data_dir
    try:
        auth = login(server)
        template = data(requests.post(server.url + "/meeting/api/templates", headers=auth, timeout=10,
                                      json={"name": "Board", "max_participants": 6}))
        room = data(requests.post(server.url + "/meeting/api/rooms", headers=auth, timeout=10,
                                  json={"room_id": "board-room", "template_id": template["id"]}))
        assert room["max_participants"] == 6
        reservation = data(requests.post(server.url + "/meeting/api/reservations", headers=auth, timeout=10, json={
            "room_id": "board-room", "title": "Q3", "start_time": rfc3339(24), "end_time": rfc3339(25),
            "host": "ann", "participants": ["ann", "bob"]}))
        os.makedirs(os.path.join(data_dir, "recordings", "board-room"))
        with open(os.path.join(data_dir, "recordings", "board-room", "q2.webm"), "wb") as f:
            f.write(bytes(range(256)) * 4)
        recordings = data(requests.get(server.url + "/meeting/api/recordings", headers=auth, timeout=10))
        assert recordings["total"] == 1
    finally:
        assert server.stop() == 0

    again = configured(data_dir)
    try:
        auth = login(again)
        rooms = data(requests.get(again.url + "/meeting/api/rooms", headers=auth, timeout=10))
        assert [r["room_id"] for r in rooms["rooms"]] == ["board-room"]
        assert rooms["rooms"][0]["created_at"] == room["created_at"]
        stats = requests.get(again.url + "/api/v1/stats", headers={"authorization": API_KEY}, timeout=10).json()
        assert stats["totalRooms"] == 1
        assert data(requests.get(again.url + "/meeting/api/templates", headers=auth, timeout=10))["templates"][0]["id"] \
            == template["id"]
        listed = data(requests.get(again.url + "/meeting/api/reservations?room_id=board-room", headers=auth, timeout=10))
        assert [r["id"] for r in listed["reservations"]] == [reservation["id"]]
        recording = data(requests.get(again.url + "/meeting/api/recordings", headers=auth, timeout=10))["recordings"][0]
        assert recording["id"] == recordings["recordings"][0]["id"]
        part = requests.get(again.url + recording["download_url"], headers=dict(auth, Range="bytes=256-511"), timeout=10)
        assert part.status_code == 206 and part.content == bytes(range(256))
        assert part.headers["Content-Range"] == "bytes 256-511/1024"
        assert part.headers["Content-Disposition"] == 'attachment; filename="q2.webm"'
        deleted = requests.delete(again.url + f"/meeting/api/recordings/{recording['id']}", headers=auth, timeout=10)
        assert deleted.status_code == 200
        assert not os.path.exists(os.path.join(data_dir, "recordings", "board-room", "q2.webm"))
    finally:
        again.stop()


def test_sigkill_during_a_burst_of_reservation_writes_loses_no_acknowledged_write():
    server = configured()
    data_dir = server.data_dir
    auth = login(server)
    acknowledged, refused, lock, stop = [], [], threading.Lock(), threading.Event()

    def writer(worker):
        # Each worker books consecutive one-minute slots in its own room: every write is valid and distinct.
        session = requests.Session()
        slot = 0
        while not stop.is_set():
            start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) \
                + datetime.timedelta(days=1, minutes=slot)
            body = {"room_id": f"burst-{worker}", "title": f"slot {slot}", "host": "ann", "participants": [],
                    "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "end_time": (start + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
            slot += 1
            try:
                r = session.post(server.url + "/meeting/api/reservations", json=body, headers=auth, timeout=5)
            except requests.RequestException:
                return  # the server is gone
            if 200 <= r.status_code < 300:
                with lock:
                    acknowledged.append(r.json()["data"]["id"])
            else:
                with lock:
                    refused.append((r.status_code, r.text))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while time.time() < deadline and len(acknowledged) < 200:
        time.sleep(0.01)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) >= 50, "the burst was too small to prove anything"
    assert not refused, refused[:3]  # every slot was valid and free

    again = configured(data_dir)
    try:
        auth = login(again)
        stored = data(requests.get(again.url + "/meeting/api/reservations", headers=auth, timeout=30))
        ids = {r["id"] for r in stored["reservations"]}
        missing = [i for i in acknowledged if i not in ids]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged reservations were lost"
        assert stored["total"] == len(ids) >= len(acknowledged)
    finally:
        again.stop()
