"""parley-conform's monibuca-v6 and http profiles against the real parley-server, configured so every case can
run: an admin user, a known auth.secret, stream signatures on with known keys, and one allowed CORS origin.
The run ends with 0 FAIL, 0 SKIP and 0 BROKEN. Without credentials the same profiles skip (with the option named)
instead of failing."""
from conftest import run_conform, start_server

USERNAME = "conform-admin"
PASSWORD = "conform-pass-7f3a"
AUTH_SECRET = "conform-interop-auth-secret"
PUBLISH_KEY = "conform-publish-key"
SUBSCRIBE_KEY = "conform-subscribe-key"
ORIGIN = "https://conform.example"
PROFILES = "monibuca-v6,http"


def start_configured():
    return start_server(config=f"""auth:
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
""")


def run(url, *extra):
    return run_conform("--target", url, "--profile", PROFILES, *extra)


CREDENTIALS = ("--username", USERNAME, "--password", PASSWORD, "--auth-secret", AUTH_SECRET,
               "--stream-key", f"global:publish:{PUBLISH_KEY}", "--stream-key", f"global:subscribe:{SUBSCRIBE_KEY}",
               "--origin", ORIGIN)


def test_monibuca_and_http_profiles_pass_with_every_credential():
    server = start_configured()
    try:
        proc, report = run(server.url, *CREDENTIALS)
    finally:
        server.stop()
    bad = [f"{c['id']} {c['verdict']}: {c.get('expected')} / {c.get('observed') or c.get('reason')}"
           for c in report["cases"] if c["verdict"] not in ("PASS", "INFO")]
    assert not bad, bad
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert len(report["cases"]) >= 100
    assert not [c for c in report["cases"] if c["verdict"] == "SKIP"]


def test_without_credentials_cases_skip_and_name_the_option():
    server = start_configured()
    try:
        proc, report = run(server.url)
    finally:
        server.stop()
    assert report["counts"]["FAIL"] == 0 and report["counts"]["BROKEN"] == 0, proc.stdout[-3000:]
    skipped = [c for c in report["cases"] if c["verdict"] == "SKIP"]
    assert skipped and all("--" in (c.get("reason") or "") for c in skipped)
    assert proc.returncode == 0
