"""Headless Chromium as a real browser client: the docs page renders with no network beyond loopback, and CORS
lets a listed origin call the Monibuca API with a Bearer token while an unlisted one is blocked."""
import http.server
import os
import tempfile
import threading

import pytest
import requests

from chromium import Chromium
from conftest import free_port, start_server

LISTED_PORT = free_port()
UNLISTED_PORT = free_port()
LISTED_ORIGIN = f"http://127.0.0.1:{LISTED_PORT}"


@pytest.fixture(scope="module")
def browser():
    b = Chromium()
    yield b
    b.close()


@pytest.fixture(scope="module")
def cors_server():
    d = tempfile.mkdtemp(prefix="parley-cors-")
    path = os.path.join(d, "parley.yaml")
    with open(path, "w") as f:
        f.write(f"""
http:
  cors_origins: ["{LISTED_ORIGIN}"]
auth:
  secret: browser-auth-secret
  users: [{{username: admin, password: browser-pw}}]
""")
    s = start_server(data_dir=d, args=["--config", path])
    yield s
    s.stop()


class OriginSite:
    """A plain page served from another origin (another loopback port)."""

    def __init__(self, port):
        page_dir = tempfile.mkdtemp(prefix="parley-origin-")
        with open(os.path.join(page_dir, "index.html"), "w") as f:
            f.write("<!doctype html><title>other origin</title><p>caller</p>")
        handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=page_dir, **kw)
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{port}/index.html"

    def close(self):
        self.httpd.shutdown()


def fetch_streams_js(api_url, token):
    return f"""
      fetch({api_url!r} + '/api/streams', {{headers: {{'Authorization': 'Bearer {token}'}}}})
        .then(r => r.json().then(body => ({{ok: true, status: r.status, code: body.code}})))
        .catch(e => ({{ok: false, error: String(e)}}))
    """


def test_cors_allows_a_listed_origin_and_blocks_an_unlisted_one(browser, cors_server):
    login = requests.post(cors_server.url + "/api/login", json={"username": "admin", "password": "browser-pw"}, timeout=10)
    assert login.status_code == 200, login.text
    token = login.json()["data"]["token"]
    listed, unlisted = OriginSite(LISTED_PORT), OriginSite(UNLISTED_PORT)
    try:
        ok = browser.run(listed.url, fetch_streams_js(cors_server.url, token))
        assert ok == {"ok": True, "status": 200, "code": 0}, ok
        blocked = browser.run(unlisted.url, fetch_streams_js(cors_server.url, token))
        assert blocked["ok"] is False and "Failed to fetch" in blocked["error"], blocked
    finally:
        listed.close()
        unlisted.close()


def test_mirotalk_docs_page_renders_without_network(browser, server):
    dom = browser.run(server.url + "/api/v1/docs", """
      (() => {
        const external = performance.getEntriesByType('resource').filter(e => !e.name.startsWith(location.origin));
        return {
          title: document.title,
          operations: document.querySelectorAll('[data-method][data-path]').length,
          text: document.body.innerText,
          external: external.map(e => e.name),
        };
      })()
    """)
    assert dom["external"] == []
    assert "MiroTalk" in dom["title"] or "MiroTalk" in dom["text"]
    for path in ("/api/v1/stats", "/api/v1/meetings", "/api/v1/meeting", "/api/v1/join", "/api/v1/token"):
        assert path in dom["text"], path
    assert dom["operations"] >= 7
