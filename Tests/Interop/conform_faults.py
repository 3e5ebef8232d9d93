"""A fault-injecting proxy in front of a real parley-server, for parley-conform's self-test: each fault is one bug
real servers have (an acknowledged kick that removes nobody, chat delivered out of order, a 409 answered 200, a
Range header ignored, ...). It speaks HTTP/1.1 (one exchange per connection, as the runner sends) and, after a
WebSocket upgrade, relays frames (RFC 6455 §5.2) both ways, parsing and rewriting the JSON ones.
Only ever listens on and connects to 127.0.0.1."""
import asyncio
import json
import os
import socket
import struct
import threading
import time
from urllib.parse import parse_qs, urlsplit

import jwt

AUTH_SECRET = "conform-parley-auth-0123456789abcdef"
JWT_SECRET = "conform-parley-jwt-0123456789abcdef"
API_KEY = "conform-parley-key"


# MARK: WebSocket frames

async def read_frame(reader):
    """(opcode, payload) of one frame, unmasked; fragments are not used by Parley or the runner."""
    b0, b1 = await reader.readexactly(2)
    length = b1 & 0x7F
    if length == 126:
        length = struct.unpack("!H", await reader.readexactly(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", await reader.readexactly(8))[0]
    mask = await reader.readexactly(4) if b1 & 0x80 else None
    data = await reader.readexactly(length)
    if mask:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return b0 & 0x0F, data


def frame(opcode, data, masked):
    """One FIN frame; client-to-server frames are masked (RFC 6455 §5.3)."""
    head = bytes([0x80 | opcode])
    bit = 0x80 if masked else 0
    n = len(data)
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if masked:
        key = os.urandom(4)
        return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(data))
    return head + data


def text(value):
    return json.dumps(value, separators=(",", ":")).encode()


def reset(writer):
    """Ends a connection with RST (SO_LINGER 0), as a network failure does, rather than an orderly FIN."""
    raw = writer.get_extra_info("socket")
    if raw is not None:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# MARK: faults on the room socket

class Socket:
    """One relayed socket: the user it joined as and per-connection fault state."""

    def __init__(self, query):
        self.user = (query.get("user_id") or [""])[0]
        self.held = None


def ack(action, reply_to):
    return {"event": "ack", "data": {"action": action}, "reply_to": reply_to}


def swallow_action(name):
    """The action is acknowledged but never reaches the room."""
    def hook(sock, msg):
        if msg.get("action") == name:
            return False, [ack(name, msg["id"])] if "id" in msg else []
        return True, []
    return hook


def drop_events(*names, where=lambda data: True):
    def hook(sock, event):
        if event.get("event") in names and where(event.get("data") or {}):
            return []
        return [event]
    return hook


def rewrite_event(name, change):
    def hook(sock, event):
        if event.get("event") == name:
            change(event)
        return [event]
    return hook


def swap_pairs(name):
    """Holds one `name` event back and delivers it after the next one (or after 0.5 s)."""
    def hook(sock, event):
        if event.get("event") != name:
            return [event]
        if sock.held is None:
            sock.held = event
            return []
        first, sock.held = sock.held, None
        return [event, first]
    return hook


def set_role(old, new):
    def change(event):
        if event["data"]["role"] == old:
            event["data"]["role"] = new
        for p in event["data"]["participants"]:
            if p["role"] == old:
                p["role"], p["presenter"] = new, new != "participant"
    return change


def close_after_error(sock, event):
    """A bad frame's error is sent, then the connection is dropped (the socket does not survive bad input)."""
    if event.get("event") == "error" and event["data"]["code"] in (
            "malformed_message", "unknown_action", "invalid_message"):
        return [event, "CLOSE"]
    return [event]


def leave_becomes_drop(sock, msg):
    """`leave` is acknowledged and closed 1000 to the client, but the server only sees the connection vanish."""
    if msg.get("action") == "leave":
        return "DROP", [ack("leave", msg.get("id"))] if "id" in msg else []
    return True, []


# MARK: faults on HTTP

def bearer():
    now = int(time.time())
    return jwt.encode({"sub": "admin", "iat": now, "nbf": now - 1, "exp": now + 600}, AUTH_SECRET, algorithm="HS256")


def status_map(mapping, path_prefix="/meeting/api"):
    def hook(req, resp):
        if req["path"].startswith(path_prefix) and resp["status"] in mapping:
            resp["status"] = mapping[resp["status"]]
            if resp["json"] is not None and "code" in resp["json"]:
                resp["json"]["code"] = resp["status"] if resp["status"] >= 400 else 0
    return hook


def fake_ok(method, suffix, data=lambda req: {}):
    """Answers `method …suffix` with a success envelope without forwarding it (acknowledged, not done)."""
    def hook(req):
        if req["method"] == method and req["path"].split("?")[0].endswith(suffix):
            return {"status": 200, "headers": [("Content-Type", "application/json")],
                    "json": {"code": 0, "message": "success", "data": data(req)}}
        return None
    return hook


def rewrite_request(change):
    def hook(req):
        change(req)
        return None
    return hook


def add_admin_token(req):
    """Auth bypass: a request without a valid token reaches the Meeting API as if it had one."""
    if req["path"].startswith("/meeting/api"):
        req["headers"] = [(k, v) for k, v in req["headers"] if k.lower() != "authorization"]
        req["headers"].append(("Authorization", "Bearer " + bearer()))


def strip_header(name):
    def change(req):
        req["headers"] = [(k, v) for k, v in req["headers"] if k.lower() != name]
    return change


def strip_body_field(path_end, field):
    def change(req):
        if req["method"] in ("POST", "PUT") and req["path"].split("?")[0].endswith(path_end) and req["body"]:
            body = json.loads(req["body"])
            if isinstance(body, dict):
                body.pop(field, None)
                req["body"] = text(body)
    return change


def put_becomes_get(req):
    """A PUT that changes nothing: the stored template comes back unchanged."""
    if req["method"] == "PUT":
        req["method"], req["body"] = "GET", b""


def drop_query(req):
    req["path"] = req["path"].split("?")[0]


def resign_token(req, resp):
    """/token's lifetime ignored: every token lives one hour whatever `expire` said."""
    if req["path"] == "/api/v1/token" and resp["status"] == 200:
        claims = jwt.decode(resp["json"]["token"], JWT_SECRET, algorithms=["HS256"], options={"verify_exp": False})
        claims["exp"] = claims["iat"] + 3600
        resp["json"]["token"] = jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def prefix_key_accepted(req):
    """A key compared by prefix: anything that starts with the key is let in."""
    if req["path"].startswith("/api/v1"):
        for i, (k, v) in enumerate(req["headers"]):
            if k.lower() == "authorization" and v != API_KEY and v.startswith(API_KEY[:-1]):
                req["headers"][i] = (k, API_KEY)


def rewrite_json(path, change):
    def hook(req, resp):
        if req["path"].split("?")[0] == path and resp["status"] == 200 and resp["json"] is not None:
            change(resp["json"])
    return hook


def preflight_needs_key(req):
    if req["method"] == "OPTIONS" and req["path"].startswith("/api/v1"):
        return {"status": 403, "headers": [("Content-Type", "application/json")], "json": {"error": "Unauthorized!"}}
    return None


def no_rate_limit(req, resp):
    if req["path"] == "/api/v1/activeRooms" and resp["status"] == 429:
        resp["status"], resp["json"] = 200, {"activeRooms": []}
        resp["headers"] = [(k, v) for k, v in resp["headers"] if not k.lower().startswith("ratelimit")]


# Each fault: the hooks, the cases run against it (`cases`, globs), the cases that must turn FAIL (`red`) and the
# cases that may (`also`: they use the broken behaviour on their way to their own rule).
FAULTS = {
    # Stateful: acknowledged, but nothing happened.
    "kick-acknowledged-not-done": dict(
        to_server=swallow_action("kick"),
        cases=["room-ws/moderation/kick", "room-ws/moderation/kicked-token-refused",
               "room-ws/moderation/participant-cannot-kick", "room-ws/chat/fan-out"],
        red=["room-ws/moderation/kick", "room-ws/moderation/kicked-token-refused",
             "room-ws/moderation/participant-cannot-kick"]),
    "chat-out-of-order": dict(
        to_client=swap_pairs("msg"),
        cases=["room-ws/chat/order", "room-ws/chat/fan-out"], red=["room-ws/chat/order"]),
    "transcript-out-of-order": dict(
        to_client=swap_pairs("transcript"),
        cases=["room-ws/transcript", "room-ws/chat/fan-out"], red=["room-ws/transcript/ordered"]),
    "no-userjoin": dict(
        to_client=drop_events("userjoin"),
        cases=["room-ws/join", "room-ws/presence/media-state-broadcast"],
        red=["room-ws/join/userjoin-to-others"], also=["room-ws/presence/media-state-broadcast"]),
    "every-leave-is-left": dict(
        to_client=rewrite_event("userleave", lambda e: e["data"].update(reason="left")),
        cases=["room-ws/presence", "room-ws/credentials/session-token-resumes", "room-ws/moderation/kick",
               "meeting/control/kick-observed"],
        red=["room-ws/presence/drop-seen-as-dropped", "room-ws/credentials/session-token-resumes",
             "room-ws/moderation/kick", "meeting/control/kick-observed"]),
    "refusal-closes-1000": dict(
        close_code=lambda code: 1000 if code and code >= 4000 else code,
        cases=["room-ws/join", "room-ws/credentials", "room-ws/moderation/lock-unlock", "room-ws/moderation/end"],
        red=["room-ws/join/invalid-user-id-4000", "room-ws/join/invalid-room-id-4000",
             "room-ws/join/invalid-type-4000", "room-ws/join/duplicate-user-4009", "room-ws/join/refused-not-counted",
             "room-ws/credentials/wrong-password-4003", "room-ws/credentials/missing-password-4003",
             "room-ws/credentials/garbage-token-4001", "room-ws/credentials/wrong-secret-jwt-4001",
             "room-ws/credentials/expired-jwt-4001", "room-ws/credentials/session-token-after-leave-4001",
             "room-ws/moderation/lock-unlock", "room-ws/moderation/end"]),
    "refusal-without-error": dict(
        to_client=drop_events("error", where=lambda d: d.get("code") in (
            "invalid_identifier", "invalid_request", "duplicate_user", "room_locked", "wrong_password",
            "invalid_token", "token_expired", "room_full")),
        cases=["room-ws/join", "room-ws/credentials", "meeting/control/lock-observed-on-socket"],
        red=["room-ws/join/invalid-user-id-4000", "room-ws/join/invalid-room-id-4000",
             "room-ws/join/invalid-type-4000", "room-ws/join/duplicate-user-4009", "room-ws/join/refused-not-counted",
             "room-ws/credentials/wrong-password-4003", "room-ws/credentials/missing-password-4003",
             "room-ws/credentials/garbage-token-4001", "room-ws/credentials/wrong-secret-jwt-4001",
             "room-ws/credentials/expired-jwt-4001", "room-ws/credentials/session-token-after-leave-4001",
             "meeting/control/lock-observed-on-socket"]),
    "integer-id-stringified": dict(
        to_client=lambda s, e: [dict(e, reply_to=str(e["reply_to"])) if isinstance(e.get("reply_to"), int) else e],
        cases=["room-ws/chat"], red=["room-ws/chat/integer-id-echoed"]),
    "broadcast-carries-reply-to": dict(
        to_client=rewrite_event("userjoin", lambda e: e.update(reply_to="x")),
        cases=["room-ws/join/userjoin-to-others", "room-ws/join/second-is-participant"],
        red=["room-ws/join/userjoin-to-others"]),
    "no-pong": dict(
        drop_pong=True,
        cases=["room-ws/heartbeat", "room-ws/join/duplicate-user-4009", "room-ws/chat/empty-text-refused",
               "room-ws/transcript/too-large", "room-ws/moderation/participant-cannot-kick",
               "room-ws/robustness/action-flood-rate-limited", "meeting/rights", "room-ws/chat/fan-out"],
        red=["room-ws/heartbeat/text-ping-pong", "room-ws/join/duplicate-user-4009",
             "room-ws/chat/empty-text-refused", "room-ws/transcript/too-large",
             "room-ws/moderation/participant-cannot-kick", "room-ws/robustness/action-flood-rate-limited",
             "meeting/rights/anonymous-joiner-no-rights"]),
    "hand-event-extra-field": dict(
        to_client=rewrite_event("hand", lambda e: e["data"].update(since_ms=1)),
        cases=["room-ws/hand", "room-ws/chat/fan-out"], red=["room-ws/hand/raise-and-lower"]),
    "private-chat-no-copy": dict(
        to_client=lambda s, e: [] if e.get("event") == "msg" and e["data"].get("to") and e["data"]["from"] == s.user
        else [e],
        cases=["room-ws/chat"], red=["room-ws/chat/private"]),
    "mute-acknowledged-not-done": dict(
        to_server=swallow_action("mute_chat"),
        cases=["room-ws/moderation/mute-chat", "room-ws/moderation/mute-media"],
        red=["room-ws/moderation/mute-chat"]),
    "mute-media-not-delivered": dict(
        to_client=drop_events("control", where=lambda d: d.get("action") == "mute_media"),
        cases=["room-ws/moderation"], red=["room-ws/moderation/mute-media"]),
    "agenda-not-broadcast": dict(
        to_client=drop_events("agenda"),
        cases=["room-ws/agenda"], red=["room-ws/agenda/set-broadcast", "room-ws/agenda/start-next-pause"]),
    "agenda-open-to-all": dict(
        to_client=lambda s, e: [ack("agenda.set", e["reply_to"])] if e.get("event") == "error"
        and e["data"]["code"] == "not_permitted" else [e],
        cases=["room-ws/agenda", "room-ws/moderation/participant-cannot-end"],
        red=["room-ws/agenda/participant-refused", "room-ws/moderation/participant-cannot-end"]),
    "participant-event-dropped": dict(
        to_client=drop_events("participant"),
        cases=["room-ws/presence"], red=["room-ws/presence/media-state-broadcast"]),
    "oversize-ignored": dict(
        max_client_frame=65536,
        cases=["room-ws/robustness/oversize-1009", "room-ws/chat/fan-out"], red=["room-ws/robustness/oversize-1009"]),
    "rate-limit-silent": dict(
        to_client=drop_events("error", where=lambda d: d.get("code") == "rate_limited"),
        cases=["room-ws/robustness"],
        red=["room-ws/robustness/chat-flood-rate-limited", "room-ws/robustness/action-flood-rate-limited"]),
    "bad-input-kills-socket": dict(
        to_client=close_after_error,
        cases=["room-ws/robustness", "room-ws/chat/empty-text-refused"],
        red=["room-ws/robustness/malformed-json", "room-ws/robustness/unknown-action",
             "room-ws/robustness/unknown-field", "room-ws/robustness/wrong-type", "room-ws/robustness/json-array",
             "room-ws/chat/empty-text-refused"]),
    "first-joiner-not-presenter": dict(
        to_client=rewrite_event("joined", set_role("presenter", "participant")),
        cases=["room-ws/join", "room-ws/credentials/mirotalk-presenter-string"],
        red=["room-ws/join/first-is-presenter", "room-ws/credentials/mirotalk-presenter-string"]),
    "everyone-presenter": dict(
        to_client=rewrite_event("joined", set_role("participant", "presenter")),
        cases=["room-ws/join", "room-ws/credentials/mirotalk-participant-string", "meeting/rights"],
        red=["room-ws/join/second-is-participant", "room-ws/credentials/mirotalk-participant-string",
             "meeting/rights/anonymous-joiner-no-rights"]),
    "leave-is-a-drop": dict(
        to_server=leave_becomes_drop,
        cases=["room-ws/presence/leave-action-1000", "room-ws/credentials/session-token-after-leave-4001"],
        red=["room-ws/presence/leave-action-1000", "room-ws/credentials/session-token-after-leave-4001"]),
    "no-ended-event": dict(
        to_client=drop_events("ended"),
        cases=["room-ws/moderation/end", "meeting/rooms/delete-ends-sockets", "mirotalk/live/meeting-end-ends-sockets"],
        red=["room-ws/moderation/end", "meeting/rooms/delete-ends-sockets", "mirotalk/live/meeting-end-ends-sockets"]),
    "chat-ack-without-reply-to": dict(
        to_client=lambda s, e: [{k: v for k, v in e.items() if k != "reply_to"}]
        if e.get("event") == "ack" and e["data"]["action"] == "chat" else [e],
        cases=["room-ws/chat"], red=["room-ws/chat/ack-with-reply-to"]),
    "chat-not-echoed-to-sender": dict(
        to_client=lambda s, e: [] if e.get("event") == "msg" and e["data"]["to"] is None
        and e["data"]["from"] == s.user else [e],
        cases=["room-ws/chat"], red=["room-ws/chat/fan-out", "room-ws/chat/order"]),
    "password-join-refused": dict(
        upgrade=lambda target: "&".join(p for p in target.split("&") if not p.startswith("password=")),
        cases=["room-ws/credentials/password-admits", "room-ws/credentials/wrong-password-4003"],
        red=["room-ws/credentials/password-admits"]),
    "joined-without-session-token": dict(
        to_client=rewrite_event("joined", lambda e: e["data"].update(session_token="")),
        cases=["room-ws/join/anonymous-joined", "room-ws/join/v5-alias-path"], red=["room-ws/join/anonymous-joined"]),
    "no-v5-alias": dict(
        upgrade=lambda target: "/room/" + target.split("/")[2] + "?type=meeting"
        if target.split("?")[0].count("/") == 3 else target,
        cases=["room-ws/join/v5-alias-path", "room-ws/join/anonymous-joined"], red=["room-ws/join/v5-alias-path"]),
    "plain-get-answered": dict(
        request=lambda req: {"status": 200, "headers": [("Content-Type", "text/plain")], "raw": b"room"}
        if req["path"].startswith("/room/") else None,
        cases=["room-ws/join/plain-get-426", "room-ws/join/anonymous-joined"], red=["room-ws/join/plain-get-426"]),
    "close-frame-seen-as-drop": dict(
        close_as_reset=True,
        cases=["room-ws/presence"], red=["room-ws/presence/close-frame-seen-as-left"]),
    # HTTP: the Meeting REST API.
    "meeting-auth-bypass": dict(
        request=rewrite_request(add_admin_token),
        cases=["meeting/auth"], red=["meeting/auth/no-token-401", "meeting/auth/foreign-jwt-401"]),
    "conflict-answered-200": dict(
        response=status_map({409: 200}),
        cases=["meeting/rooms/duplicate-409", "meeting/templates/duplicate-name-409",
               "meeting/reservations/create-and-list"],
        red=["meeting/rooms/duplicate-409", "meeting/templates/duplicate-name-409",
             "meeting/reservations/create-and-list"]),
    "not-found-as-500": dict(
        response=status_map({404: 500}),
        cases=["meeting/rooms", "meeting/templates", "meeting/recordings/play-unknown-404", "meeting/control"],
        red=["meeting/rooms/unknown-404", "meeting/rooms/round-trip", "meeting/rooms/delete-ends-sockets",
             "meeting/rooms/create-unknown-template-404", "meeting/templates/unknown-404",
             "meeting/templates/round-trip", "meeting/recordings/play-unknown-404",
             "meeting/control/unknown-user-404", "meeting/control/unknown-room-404"]),
    "validation-as-500": dict(
        response=status_map({400: 500}),
        cases=["meeting/rooms/create-*", "meeting/templates/name-required", "meeting/reservations",
               "meeting/control/missing-user-id-400"],
        red=["meeting/rooms/create-missing-room-id", "meeting/rooms/create-bad-room-id",
             "meeting/rooms/create-unknown-field", "meeting/rooms/create-string-for-integer",
             "meeting/rooms/create-integer-for-boolean", "meeting/rooms/create-max-participants-zero",
             "meeting/rooms/create-max-participants-over", "meeting/rooms/create-blank-name",
             "meeting/rooms/create-not-an-object", "meeting/rooms/create-malformed-json",
             "meeting/templates/name-required", "meeting/reservations/bad-time-400",
             "meeting/reservations/duplicate-participant-400", "meeting/reservations/missing-host-400",
             "meeting/control/missing-user-id-400"]),
    "unprocessable-as-400": dict(
        response=status_map({422: 400}),
        cases=["meeting/reservations"],
        red=["meeting/reservations/end-before-start-422", "meeting/reservations/start-in-past-422"]),
    "wrong-media-type-as-400": dict(
        response=status_map({415: 400}),
        cases=["meeting/rooms/create-*"], red=["meeting/rooms/create-wrong-content-type"]),
    "method-not-allowed-as-404": dict(
        response=status_map({405: 404}),
        cases=["meeting/rooms/method-not-allowed", "meeting/rooms/legacy-alias"],
        red=["meeting/rooms/method-not-allowed"]),
    "legacy-alias-missing": dict(
        request=rewrite_request(lambda r: r.update(path=r["path"].replace("/meeting/api/room/", "/meeting/api/nope/"))),
        cases=["meeting/rooms/legacy-alias", "meeting/rooms/method-not-allowed"],
        red=["meeting/rooms/legacy-alias"]),
    "lock-acknowledged-not-done": dict(
        request=fake_ok("POST", "/lock"),
        cases=["meeting/rooms/lock-observed", "meeting/control/lock-observed-on-socket",
               "room-ws/credentials/monibuca-jwt-host"],
        red=["meeting/rooms/lock-observed", "meeting/control/lock-observed-on-socket",
             "room-ws/credentials/monibuca-jwt-host"]),
    "rest-kick-acknowledged-not-done": dict(
        request=fake_ok("POST", "/control/kick", lambda r: {"action": "kick"}),
        cases=["meeting/control"], red=["meeting/control/kick-observed", "meeting/control/unknown-user-404"]),
    "rest-mute-acknowledged-not-done": dict(
        request=fake_ok("POST", "/control/mute", lambda r: {"action": "mute"}),
        cases=["meeting/control"],
        red=["meeting/control/mute-observed", "meeting/control/missing-user-id-400",
             "meeting/control/unknown-room-404"]),
    "template-put-ignored": dict(
        request=rewrite_request(put_becomes_get),
        cases=["meeting/templates"], red=["meeting/templates/round-trip"]),
    "template-not-applied": dict(
        request=rewrite_request(strip_body_field("/meeting/api/rooms", "template_id")),
        cases=["meeting/rooms/template-settings-applied", "meeting/rooms/create-unknown-template-404",
               "room-ws/credentials/password-admits"],
        red=["meeting/rooms/template-settings-applied", "meeting/rooms/create-unknown-template-404"]),
    "password-not-stored": dict(
        request=rewrite_request(strip_body_field("/meeting/api/rooms", "password")),
        cases=["room-ws/credentials/wrong-password-4003", "room-ws/credentials/missing-password-4003",
               "meeting/rooms/round-trip", "room-ws/credentials/password-admits"],
        red=["room-ws/credentials/wrong-password-4003", "room-ws/credentials/missing-password-4003",
             "meeting/rooms/round-trip"]),
    "stats-frozen": dict(
        response=rewrite_json("/meeting/api/stats", lambda j: j["data"].update(rooms=0, stored_rooms=0)),
        cases=["meeting/stats"], red=["meeting/stats/counts-rest-room"]),
    "stats-extra-field": dict(
        response=rewrite_json("/meeting/api/stats", lambda j: j["data"].update(cpu=1)),
        cases=["meeting/stats/schema"], red=["meeting/stats/schema"]),
    "reservation-filter-ignored": dict(
        request=rewrite_request(lambda r: drop_query(r) if r["path"].startswith("/meeting/api/reservations") else None),
        cases=["meeting/reservations/create-and-list"], red=["meeting/reservations/create-and-list"]),
    "range-ignored": dict(
        request=rewrite_request(strip_header("range")),
        cases=["meeting/recordings"],
        red=["meeting/recordings/download-range", "meeting/recordings/download-suffix-range",
             "meeting/recordings/download-unsatisfiable-416"]),
    "recording-schema-drift": dict(
        response=rewrite_json("/meeting/api/recordings", lambda j: [r.update(size=r["size_bytes"])
                                                                    for r in j["data"]["recordings"]]),
        cases=["meeting/recordings/list-schema"], red=["meeting/recordings/list-schema"]),
    "recording-total-wrong": dict(
        response=rewrite_json("/meeting/api/recordings", lambda j: j["data"].update(total=j["data"]["total"] + 1)),
        cases=["meeting/recordings/list-schema"], red=["meeting/recordings/list-schema"]),
    "play-url-empty": dict(
        response=lambda req, resp: resp["json"]["data"].update(url="") if req["path"].endswith("/play")
        and resp["status"] == 200 else None,
        cases=["meeting/recordings"], red=["meeting/recordings/play-url"]),
    "download-inline-by-default": dict(
        response=lambda req, resp: resp.update(headers=[(k, v.replace("attachment", "inline")) for k, v in
                                                        resp["headers"]]) if req["path"].endswith("/download") else None,
        cases=["meeting/recordings"], red=["meeting/recordings/download-whole"]),
    "openapi-needs-token": dict(
        request=lambda req: {"status": 401, "headers": [("Content-Type", "application/json")],
                             "json": {"code": 401, "message": "missing token"}}
        if req["path"] == "/meeting/api/openapi.yaml" else None,
        cases=["meeting/auth"], red=["meeting/auth/openapi-open"]),
    # HTTP: MiroTalk on live rooms.
    "meetings-empty": dict(
        response=rewrite_json("/api/v1/meetings", lambda j: j.update(meetings=[])),
        cases=["mirotalk/live"], red=["mirotalk/live/meetings-lists-peers", "mirotalk/live/presenter-token-in-meetings"]),
    "stats-not-live": dict(
        response=rewrite_json("/api/v1/stats", lambda j: j.update(totalRooms=0, totalUsers=0)),
        cases=["mirotalk/live"], red=["mirotalk/live/stats-counts-live"]),
    "active-rooms-no-peers": dict(
        response=rewrite_json("/api/v1/activeRooms", lambda j: [r.update(peers=0) for r in j["activeRooms"]]),
        cases=["mirotalk/live/active-rooms-live"], red=["mirotalk/live/active-rooms-live"]),
    "meeting-end-acknowledged-not-done": dict(
        request=lambda req: {"status": 200, "headers": [("Content-Type", "application/json")],
                             "json": {"success": True}}
        if req["method"] == "DELETE" and req["path"].startswith("/api/v1/meeting/") else None,
        cases=["mirotalk/live/meeting-end-ends-sockets"], red=["mirotalk/live/meeting-end-ends-sockets"]),
    "token-expire-ignored": dict(
        response=resign_token,
        cases=["mirotalk/token/expire-*"],
        red=["mirotalk/token/expire-1d", "mirotalk/token/expire-7-days", "mirotalk/token/expire-90m",
             "mirotalk/token/expire-30s", "mirotalk/token/expire-honoured"],
        also=["mirotalk/token/expire-number-and-digit-string"]),
    "key-prefix-accepted": dict(
        request=rewrite_request(prefix_key_accepted),
        cases=["mirotalk/auth"], red=["mirotalk/auth/near-miss-keys"]),
    "preflight-needs-key": dict(
        request=preflight_needs_key,
        cases=["mirotalk/cors/preflight-every-route"], red=["mirotalk/cors/preflight-every-route"]),
    "no-active-rooms-rate-limit": dict(
        response=no_rate_limit,
        cases=["mirotalk/rate-limit"], red=["mirotalk/rate-limit/active-rooms-429"]),
}


# MARK: the proxy

class FaultProxy:
    """Listens on 127.0.0.1:<free port> in a thread of its own and relays to 127.0.0.1:`upstream_port` from
    `source` (another loopback address per fault, so Parley's per-address limits start afresh for each)."""

    def __init__(self, upstream_port, fault, source="127.0.0.1"):
        self.upstream_port = upstream_port
        self.source = source
        # A fault's name in FAULTS, or the fault itself (other profiles keep their faults in files of their own).
        self.fault = fault if isinstance(fault, dict) else FAULTS[fault]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = None
        self.url = None

    def start(self):
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self.handle, "127.0.0.1", 0), self.loop).result(10)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    def stop(self):
        async def shutdown():
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def handle(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
            if any(k.lower() == "upgrade" and v.lower() == "websocket" for k, v in headers):
                await self.relay_socket(head, target, reader, writer)
                return
            length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
            body = await reader.readexactly(length) if length else b""
            await self.exchange({"method": method, "path": target, "headers": headers, "body": body}, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def exchange(self, req, writer):
        answer = self.fault["request"](req) if "request" in self.fault else None
        if answer is None:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port, local_addr=(self.source, 0))
            headers = [(k, v) for k, v in req["headers"] if k.lower() not in ("content-length", "connection")]
            out = f"{req['method']} {req['path']} HTTP/1.1\r\n"
            out += "".join(f"{k}: {v}\r\n" for k, v in headers)
            out += f"Content-Length: {len(req['body'])}\r\nConnection: close\r\n\r\n"
            up_writer.write(out.encode("latin-1") + req["body"])
            await up_writer.drain()
            raw = await up_reader.read()
            up_writer.close()
            head, _, body = raw.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            resp_headers = [tuple(p.strip() for p in line.split(":", 1)) for line in lines[1:] if ":" in line]
            if any(k.lower() == "transfer-encoding" for k, _ in resp_headers):
                body = dechunk(body)
                resp_headers = [(k, v) for k, v in resp_headers if k.lower() != "transfer-encoding"]
            try:
                parsed = json.loads(body) if body[:1] in (b"{", b"[") else None
            except ValueError:
                parsed = None
            answer = {"status": status, "headers": resp_headers, "json": parsed, "raw": body}
            if "response" in self.fault:
                self.fault["response"](req, answer)
        body = text(answer["json"]) if answer.get("json") is not None else answer.get("raw", b"")
        headers = [(k, v) for k, v in answer["headers"] if k.lower() not in ("content-length", "connection")]
        out = f"HTTP/1.1 {answer['status']} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
        out += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        writer.write(out.encode("latin-1") + body)
        await writer.drain()

    async def relay_socket(self, head, target, reader, writer):
        if "upgrade" in self.fault:
            first, rest = head.split(b"\r\n", 1)
            method, old, version = first.decode("latin-1").split(" ")
            target = self.fault["upgrade"](old)
            head = f"{method} {target} {version}".encode("latin-1") + b"\r\n" + rest
        sock = Socket(parse_qs(urlsplit(target).query))
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port, local_addr=(self.source, 0))
        up_writer.write(head)
        await up_writer.drain()
        writer.write(await up_reader.readuntil(b"\r\n\r\n"))
        await writer.drain()
        done = asyncio.Event()

        async def client_to_server():
            try:
                await client_frames()
            except (asyncio.IncompleteReadError, ConnectionError):
                reset(up_writer)  # the client vanished: so does the proxy's leg, the same way

        async def server_to_client():
            try:
                await server_frames()
            except (asyncio.IncompleteReadError, ConnectionError):
                reset(writer)

        async def client_frames():
            while True:
                opcode, data = await read_frame(reader)
                if opcode == 0x8 and self.fault.get("close_as_reset"):
                    writer.write(frame(0x8, struct.pack("!H", 1000), masked=False))
                    await writer.drain()
                    reset(up_writer)
                    return
                if opcode == 0x1 and len(data) > self.fault.get("max_client_frame", 1 << 30):
                    continue
                forward, replies = True, []
                if opcode == 0x1 and "to_server" in self.fault:
                    try:
                        msg = json.loads(data)
                    except ValueError:
                        msg = None
                    if isinstance(msg, dict):
                        forward, replies = self.fault["to_server"](sock, msg)
                for reply in replies:
                    writer.write(frame(0x1, text(reply), masked=False))
                if forward == "DROP":
                    writer.write(frame(0x8, struct.pack("!H", 1000), masked=False))
                    await writer.drain()
                    reset(up_writer)
                    return
                if forward:
                    up_writer.write(frame(opcode, data, masked=True))
                    await up_writer.drain()
                await writer.drain()
                if opcode == 0x8:
                    return

        async def server_frames():
            while True:
                opcode, data = await read_frame(up_reader)
                if opcode == 0x1 and data == b"pong" and self.fault.get("drop_pong"):
                    continue
                if opcode == 0x8 and "close_code" in self.fault and len(data) >= 2:
                    code = self.fault["close_code"](struct.unpack("!H", data[:2])[0])
                    data = struct.pack("!H", code) + data[2:]
                outgoing = [data]
                if opcode == 0x1 and data[:1] == b"{" and "to_client" in self.fault:
                    outgoing = self.fault["to_client"](sock, json.loads(data))
                for item in outgoing:
                    if item == "CLOSE":
                        writer.transport.abort()
                        up_writer.transport.abort()
                        return
                    writer.write(frame(opcode, item if isinstance(item, bytes) else text(item), masked=False))
                await writer.drain()
                if opcode == 0x8:
                    return

        async def release_held():
            # A held event (swap_pairs) is delivered late rather than never.
            while not done.is_set():
                await asyncio.sleep(0.5)
                if sock.held is not None:
                    held, sock.held = sock.held, None
                    writer.write(frame(0x1, text(held), masked=False))
                    await writer.drain()

        tasks = [asyncio.ensure_future(t()) for t in (client_to_server, server_to_client, release_held)]
        try:
            await asyncio.wait(tasks[:2], return_when=asyncio.FIRST_COMPLETED)
            await asyncio.sleep(0.2)
        finally:
            done.set()
            for t in tasks:
                t.cancel()
            up_writer.close()


def dechunk(body):
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out
