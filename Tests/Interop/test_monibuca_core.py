"""Monibuca V6 core HTTP API against the real binary: login (PyJWT verifies the token), /api/secret (md5 by
hashlib), the envelope, 501 modules, CORS and the served OpenAPI document."""
import hashlib
import json
import os
import re
import tempfile
import time

import jwt
import requests
import yaml

from conftest import LISTENING_LINE, ROOT, start_server, wait_for

STREAM_KEYS = {"global": {"publish": "pub-key-1", "subscribe": "sub-key-1"}, "rtmp": {"publish": "rtmp-key"}}
LISTED = "https://app.example"


def write_config(text):
    d = tempfile.mkdtemp(prefix="parley-mb-")
    path = os.path.join(d, "parley.yaml")
    with open(path, "w") as f:
        f.write(text)
    return d, path


CONFIG = f"""
http:
  cors_origins: ["{LISTED}"]
stream_auth:
  enabled: true
  keys:
    global: {{publish: pub-key-1, subscribe: sub-key-1}}
    rtmp: {{publish: rtmp-key}}
"""


def start_configured():
    d, path = write_config(CONFIG)
    return start_server(data_dir=d, args=("--config", path))


def admin_password(server):
    found = wait_for(lambda: re.search(r"username admin password ([A-Za-z0-9_-]+)", server.log()),
                     "the generated admin password in the log")
    return found.group(1)


def auth_secret(server):
    with open(os.path.join(server.data_dir, "secrets.json")) as f:
        return json.load(f)["auth_secret"]


def login(server, password):
    r = requests.post(server.url + "/api/login", json={"username": "admin", "password": password}, timeout=5)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def test_generated_admin_logs_in_and_the_token_verifies_with_pyjwt():
    server = start_configured()
    try:
        password = admin_password(server)
        for path in ("/api/login", "/api/auth/login"):
            r = requests.post(server.url + path, json={"username": "admin", "password": password}, timeout=5)
            assert r.status_code == 200
            body = r.json()
            assert body["code"] == 0 and body["message"] == "success"
            assert body["token"] == body["data"]["token"]
            claims = jwt.decode(body["token"], auth_secret(server), algorithms=["HS256"])
            assert claims["sub"] == "admin" and claims["exp"] - claims["iat"] == 86400
            assert claims["nbf"] == claims["iat"]
            assert body["data"]["userInfo"] == {"username": "admin", "expiresAt": claims["exp"]}
        bad = requests.post(server.url + "/api/login", json={"username": "admin", "password": "nope"}, timeout=5)
        assert bad.status_code == 401 and bad.json()["code"] == 401
    finally:
        server.stop()


def test_generated_password_is_printed_once_and_survives_a_restart():
    d, path = write_config("auth: {expire: 3600}\n")
    first = start_server(data_dir=d, args=("--config", path))
    password = admin_password(first)
    assert first.stop() == 0
    second = start_server(data_dir=d, args=("--config", path))
    try:
        log = second.wait_for_log(LISTENING_LINE)  # start-up is over: whatever it announces is in the log
        assert password not in log
        assert "username admin password" not in log
        token = login(second, password)
        assert jwt.decode(token, auth_secret(second), algorithms=["HS256"])["exp"] - int(time.time()) <= 3600
    finally:
        second.stop()


def test_token_refusals_name_their_reason():
    server = start_configured()
    try:
        secret = auth_secret(server)
        now = int(time.time())
        claims = {"sub": "admin", "iat": now, "nbf": now, "exp": now + 600}
        cases = {
            None: "missing authorization header",
            "Bearer not-a-jwt": "malformed token",
            "Bearer " + jwt.encode(claims, None, algorithm="none"): "algorithm none is not accepted",
            "Bearer " + jwt.encode(claims, "wrong-secret", algorithm="HS256"): "invalid token signature",
            "Bearer " + jwt.encode({**claims, "exp": now - 5}, secret, algorithm="HS256"): "token expired",
        }
        for header, reason in cases.items():
            headers = {"Authorization": header} if header else {}
            r = requests.get(server.url + "/api/streams", headers=headers, timeout=5)
            assert r.status_code == 401, (header, r.text)
            assert r.json()["code"] == 401 and reason in r.json()["message"], r.text
        # A PyJWT-made HS256 token with 10 minutes left passes and earns a New-Token.
        r = requests.get(server.url + "/api/streams",
                         headers={"Authorization": "Bearer " + jwt.encode(claims, secret, algorithm="HS256")}, timeout=5)
        assert r.status_code == 200 and r.json() == {"code": 0, "message": "success", "data": {"total": 0, "streams": []}}
        fresh = jwt.decode(r.headers["New-Token"], secret, algorithms=["HS256"])
        assert fresh["sub"] == "admin" and fresh["exp"] >= now + 86400 - 5
    finally:
        server.stop()


def test_api_secret_matches_hashlib_for_plain_and_encoded_paths():
    server = start_configured()
    try:
        token = login(server, admin_password(server))
        headers = {"Authorization": "Bearer " + token}
        for raw in ("live/test", "live%2Ftest"):
            r = requests.get(f"{server.url}/api/secret/publish/{raw}?expire=6610f4a0", headers=headers, timeout=5)
            assert r.status_code == 200, r.text
            data = r.json()["data"]
            assert data == {"type": "publish", "plugin": "global", "streamPath": "live/test", "expire": "6610f4a0",
                            "secret": hashlib.md5(b"pub-key-1live/test6610f4a0").hexdigest()}
        r = requests.get(f"{server.url}/api/secret/publish/cam/a.b?plugin=rtmp", headers=headers, timeout=5)
        data = r.json()["data"]
        assert abs(int(data["expire"], 16) - (int(time.time()) + 1800)) <= 5
        assert data["secret"] == hashlib.md5(("rtmp-key" + "cam/a.b" + data["expire"]).encode()).hexdigest()
        for query in ("/api/secret/play/live/test", "/api/secret/publish/live/test?expire=xyz",
                      "/api/secret/publish/live/test?plugin=nosuch"):
            r = requests.get(server.url + query, headers=headers, timeout=5)
            assert r.status_code == 400 and r.json()["code"] == 400, (query, r.text)
        r = requests.get(server.url + "/api/secret/subscribe/live/test?plugin=rtmp", headers=headers, timeout=5)
        assert r.status_code == 404 and "no subscribe key" in r.json()["message"]
        assert requests.get(server.url + "/api/secret/publish/live/test", timeout=5).status_code == 401
    finally:
        server.stop()


def test_envelope_404_and_501_modules_and_foreign_routes_untouched():
    server = start_configured()
    try:
        headers = {"Authorization": "Bearer " + login(server, admin_password(server))}
        r = requests.get(server.url + "/api/no/such/route", headers=headers, timeout=5)
        assert r.status_code == 404 and r.json()["code"] == 404
        for prefix in ("rtmp", "rtsp", "srt", "webtransport", "gb28181", "mp4", "snap", "transcode/api", "cluster",
                       "live", "room_report", "flv", "hls"):
            r = requests.post(f"{server.url}/{prefix}/api/x", headers=headers, timeout=5)
            assert r.status_code == 501 and r.json()["code"] == 501 and f"/{prefix}/" in r.json()["message"]
        assert requests.get(server.url + "/flv/live/a.flv", timeout=5).status_code == 501  # auth.exclude
        assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
        r = requests.get(server.url + "/api/v1/stats", timeout=5)  # MiroTalk: its own key, its own errors
        assert r.status_code != 401 and "code" not in r.json()
        cfg = requests.get(server.url + "/config", headers=headers, timeout=5).json()["data"]["content"]
        assert "pub-key-1" not in cfg and "rtmp-key" not in cfg and "********" in cfg
    finally:
        server.stop()


def test_cors_listed_unlisted_and_preflight_on_the_real_server():
    server = start_configured()
    try:
        r = requests.get(server.url + "/api/streams", headers={"Origin": LISTED}, timeout=5)
        assert r.status_code == 401  # errors carry CORS too
        assert r.headers["Access-Control-Allow-Origin"] == LISTED
        assert r.headers["Access-Control-Allow-Credentials"] == "true"
        assert "Origin" in r.headers["Vary"]
        r = requests.get(server.url + "/healthz", headers={"Origin": "https://evil.example"}, timeout=5)
        assert "Access-Control-Allow-Origin" not in r.headers
        r = requests.options(server.url + "/api/streams", timeout=5, headers={
            "Origin": LISTED, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
        assert r.status_code == 200 and r.content == b""
        assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
        assert "GET" in r.headers["Access-Control-Allow-Methods"] and int(r.headers["Access-Control-Max-Age"]) > 0
    finally:
        server.stop()


def test_openapi_document_is_served_and_matches_the_repository_copy(server):
    r = requests.get(server.url + "/api/openapi.yaml", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/yaml")
    with open(os.path.join(ROOT, "spec", "monibuca-core.yaml"), "rb") as f:
        assert r.content == f.read()
    doc = yaml.safe_load(r.text)
    assert doc["openapi"] == "3.1.0" and "/api/login" in doc["paths"]
