"""MiroTalk REST API v1 against the real binary: the four client styles of MiroTalk's docs (JavaScript fetch, PHP
curl, Python requests, Bash curl), token interop with PyJWT and `openssl enc`, and the edge answers over real HTTP."""
import json
import os
import re
import shutil
import subprocess

import jwt
import pytest
import requests

from conftest import start_server

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mirotalk")
API_KEY = "interop-api-key"
JWT_SECRET = "interop-jwt-secret"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
CLIENTS = {
    "javascript-fetch": ["node", os.path.join(HERE, "client.mjs")],
    "php-curl": ["php", os.path.join(HERE, "client.php")],
    "python-requests": ["python3", os.path.join(HERE, "client.py")],
    "bash-curl": ["bash", os.path.join(HERE, "client.sh")],
}


@pytest.fixture(scope="module")
def mirotalk():
    s = start_server(env={
        "API_KEY_SECRET": API_KEY, "JWT_SECRET": JWT_SECRET,
        "API_ALLOW_MEETINGS": "true", "API_ALLOW_TOKEN": "true", "API_ALLOW_MEETING_END": "true",
    })
    yield s
    s.stop()


def verify_token(token):
    """PyJWT checks signature and expiry with HS256 pinned; returns the claims and the decrypted credentials."""
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    assert list(claims) == ["data", "iat", "exp"]
    assert claims["data"].startswith("U2FsdGVkX1")
    out = subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-md", "md5", "-a", "-A",
                          "-pass", f"pass:{JWT_SECRET}"], input=claims["data"] + "\n",
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    return claims, out.stdout


@pytest.mark.parametrize("style", sorted(CLIENTS))
def test_client_style_calls_all_five_endpoints(mirotalk, style):
    command = CLIENTS[style]
    assert shutil.which(command[0]), f"{command[0]} is needed for the {style} client (scripts/install-deps.sh --test)"
    env = dict(os.environ, MIROTALK_URL=mirotalk.tls_url, API_KEY_SECRET=API_KEY, NODE_TLS_REJECT_UNAUTHORIZED="0",
               NODE_NO_WARNINGS="1")
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)
    for name in ("stats", "meetings", "meeting", "join", "token"):
        assert lines.get(f"{name} status", "200") == "200", out.stdout
    for name in ("meeting", "join", "token"):  # the Bash style prints the raw body, the others the field
        if lines[name].startswith("{"):
            body = json.loads(lines[name])
            assert list(body) == [name], lines[name]
            lines[name] = body[name]

    stats = json.loads(lines["stats"])
    assert list(stats) == ["success", "timestamp", "totalRooms", "totalUsers"], lines["stats"]
    assert stats["success"] is True and stats["totalRooms"] == 0 and stats["totalUsers"] == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stats["timestamp"])
    assert json.loads(lines["meetings"]) == {"meetings": []}

    host = f"127.0.0.1:{mirotalk.port}"
    assert re.fullmatch(rf"https://{re.escape(host)}/join/{UUID}", lines["meeting"]), lines["meeting"]
    prefix = (f"https://{host}/join?room=test&roomPassword=false&name=mirotalksfu&avatar=false&audio=true"
              "&video=true&screen=false&chat=false&hide=false&notify=true&duration=unlimited&token=")
    assert lines["join"].startswith(prefix), lines["join"]
    for token in (lines["join"][len(prefix):], lines["token"]):
        claims, plain = verify_token(token)
        assert claims["exp"] - claims["iat"] == 3600
        assert plain == '{"username":"username","password":"password","presenter":"true"}'


def test_token_verifies_with_pyjwt_and_decrypts_with_openssl(mirotalk):
    r = requests.post(mirotalk.url + "/api/v1/token", headers={"authorization": API_KEY},
                      json={"username": "alice", "password": "s3cr3t", "presenter": False, "expire": "2h"}, timeout=5)
    assert r.status_code == 200 and list(r.json()) == ["token"]
    claims, plain = verify_token(r.json()["token"])
    assert plain == '{"username":"alice","password":"s3cr3t","presenter":"false"}'
    assert claims["exp"] - claims["iat"] == 7200
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(r.json()["token"], "some-other-secret", algorithms=["HS256"])


def test_edge_answers_over_real_http(mirotalk):
    url = mirotalk.url + "/api/v1"
    r = requests.get(url + "/stats", headers={"authorization": "Bearer " + API_KEY}, timeout=5)
    assert (r.status_code, r.text) == (403, '{"error":"Unauthorized!"}')
    r = requests.post(url + "/meeting", headers={"authorization": API_KEY, "Host": "evil.example/path"}, timeout=5)
    assert r.status_code == 400 and r.json() == {"status": 400, "message": "Invalid Host header"}
    r = requests.post(url + "/meeting", headers={"authorization": API_KEY, "Host": "meet.example:3010"}, timeout=5)
    assert re.fullmatch(rf"https://meet\.example:3010/join/{UUID}", r.json()["meeting"])
    r = requests.post(url + "/join", headers={"authorization": API_KEY, "Content-Type": "application/json"},
                      data='{"room":', timeout=5)
    assert r.status_code == 400
    assert r.text == '{"status":404,"message":"Unexpected end of JSON input"}'
    r = requests.post(url + "/join", headers={"authorization": API_KEY}, timeout=5)
    assert r.status_code == 400 and r.json()["status"] == 400
    r = requests.post(url + "/join", headers={"authorization": API_KEY, "Content-Type": "application/json"},
                      data='{"name":"' + "x" * (2 * 1024 * 1024) + '"}', timeout=10)
    assert r.status_code == 413
    r = requests.delete(url + "/meeting/no-such-room", headers={"authorization": API_KEY}, timeout=5)
    assert (r.status_code, r.text) == (404, '{"success":false,"error":"Room not found"}')
    r = requests.get(url + "/stats", headers={"authorization": API_KEY}, timeout=5)
    assert r.status_code == 200, "the server survived every refusal above"


def test_openapi_document_and_docs_page_are_served(mirotalk):
    r = requests.get(mirotalk.url + "/api/v1/openapi.yaml", timeout=5)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/yaml")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "spec", "mirotalk-v1.yaml"), encoding="utf-8") as f:
        assert r.text == f.read()
    r = requests.get(mirotalk.url + "/api/v1/docs", timeout=5)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for operation in ("getStats", "getMeetings", "createMeeting", "endMeeting", "getJoinURL", "getToken"):
        assert f'id="op-{operation}"' in r.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text), "the page must not load anything remote"
