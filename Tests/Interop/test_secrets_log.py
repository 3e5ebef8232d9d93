"""Issue 13: the start-up log of a fresh server holds no signing secret (jwt.secret, auth.secret); only the MiroTalk
API key and the generated admin password are shown once, with where they are stored."""
import json
import os

import requests

from conftest import start_server


def test_startup_log_holds_no_signing_secret():
    # trace: every log line the server can write at start and on a first login is in the file.
    s = start_server(args=("--log-level", "trace"))
    try:
        secrets_path = os.path.join(s.data_dir, "secrets.json")
        with open(secrets_path, encoding="utf-8") as f:
            secrets = json.load(f)
        log = s.log()
        # A login makes the server sign a JWT with auth.secret; that must not log the key either.
        password = next(line.split("password ", 1)[1].split()[0]
                        for line in log.splitlines() if "generated Monibuca admin login" in line)
        r = requests.post(s.url + "/api/login", json={"username": "admin", "password": password}, timeout=5)
        assert r.status_code == 200, r.text
    finally:
        s.stop()
    log = s.log()
    for key in ("jwt_secret", "auth_secret"):
        assert secrets[key] and secrets[key] not in log, f"{key} is in the log"
    # What an operator needs is still said once: the API key, the admin password, and where they live.
    assert secrets["api_key_secret"] in log
    assert secrets_path in log
    assert "jwt.secret" in log and "auth.secret" in log
