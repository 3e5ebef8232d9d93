"""`parley-conform run --profile parley` against one parley-server configured so that every case can run (every
MiroTalk switch on, the API key and JWT secret, an admin user, a known auth.secret, stream signatures with known keys,
one allowed CORS origin, a recording on disk) and given every credential: 0 FAIL, 0 SKIP, 0 BROKEN, exit 0.
The per-profile files (test_conform_mirotalk.py, test_conform_monibuca.py, test_conform_parley.py) hold the
faulty-target runs; this one checks that the profiles also hold together, in one run, on one server."""
import os
import tempfile

from conftest import run_conform, start_server

API_KEY = "conform-profile-key"
JWT_SECRET = "conform-profile-jwt-0123456789abcdef"
AUTH_SECRET = "conform-profile-auth-0123456789abcdef"
USERNAME = "conform-admin"
PASSWORD = "conform-pass-51c2"
PUBLISH_KEY = "conform-publish-key"
SUBSCRIBE_KEY = "conform-subscribe-key"
ORIGIN = "https://conform.example"
SWITCHES = ("stats", "meetings", "meeting", "meeting_end", "join", "token", "active_rooms")


def start_parley():
    d = tempfile.mkdtemp(prefix="parley-conform-profile-")
    # One file in the recordings catalogue, so the range cases have something to download.
    os.makedirs(os.path.join(d, "recordings", "conform-recorded"))
    with open(os.path.join(d, "recordings", "conform-recorded", "talk.webm"), "wb") as f:
        f.write(bytes(range(256)) * 4)
    config = os.path.join(d, "parley.yaml")
    switches = "".join(f"    {s}: true\n" for s in SWITCHES)
    with open(config, "w") as f:
        f.write(f"""api:
  key_secret: {API_KEY}
  allowed:
{switches}jwt:
  secret: {JWT_SECRET}
auth:
  secret: {AUTH_SECRET}
  users:
    - username: {USERNAME}
      password: {PASSWORD}
stream_auth:
  enabled: true
  keys:
    global:
      publish: {PUBLISH_KEY}
      subscribe: {SUBSCRIBE_KEY}
http:
  cors_origins: ["{ORIGIN}"]
webrtc:
  ice_servers:
    - urls: stun:127.0.0.1:3478
""")
    return start_server(data_dir=d, args=["--config", config])


def test_the_parley_profile_passes_whole_against_parley():
    server = start_parley()
    try:
        proc, report = run_conform(
            "--target", server.url, "--profile", "parley", "--api-key", API_KEY, "--jwt-secret", JWT_SECRET,
            "--auth-secret", AUTH_SECRET, "--username", USERNAME, "--password", PASSWORD, "--stream-key",
            f"global:publish:{PUBLISH_KEY}", "--stream-key", f"global:subscribe:{SUBSCRIBE_KEY}", "--origin", ORIGIN,
            "--room-ws", "--timeout-scale", "2", timeout=600)
    finally:
        server.stop()
    cases = report["cases"]
    bad = [f"{c['id']} {c['verdict']}: expected {c.get('expected')} / observed {c.get('observed')} "
           f"/ reason {c.get('reason')}" for c in cases if c["verdict"] not in ("PASS", "INFO")]
    assert bad == [], "\n".join(bad)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    profiles = {c["id"].split("/")[0] for c in cases}
    assert profiles == {"mirotalk", "monibuca-v6", "http", "meeting", "room-ws", "whip", "whep", "handshake"}, profiles
    assert len(cases) > 250, len(cases)
