"""Small helpers for `make bench` (standard library only, loopback only).

  bench_client.py jwt SECRET               an HS256 Monibuca admin token (sub, iat, nbf, exp = now + 1 day)
  bench_client.py rooms URL TOKEN N        creates rooms bench-0..bench-N-1 with POST /meeting/api/rooms

KeepAliveClients sends exactly N GETs over C keep-alive connections (bench/callgrind_cost.py, kernel_cost.py)."""
import base64
import hashlib
import hmac
import http.client
import json
import sys
import threading
import time
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret):
    now = int(time.time())
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": "admin", "iat": now, "nbf": now, "exp": now + 86400}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


def connect(url):
    parsed = urllib.parse.urlsplit(url)
    assert parsed.hostname in ("127.0.0.1", "::1", "localhost"), "bench traffic stays on loopback"
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120), parsed


class RequestFailed(Exception):
    pass


class KeepAliveClients:
    """C keep-alive connections to one server, each sending its share of the requests back to back."""

    def __init__(self, port, connections):
        self.connections = [connect(f"http://127.0.0.1:{port}/")[0] for _ in range(connections)]

    def run(self, path, headers, requests):
        errors = []

        def send(conn, count):
            try:
                for _ in range(count):
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    if response.status != 200:
                        raise RequestFailed(f"GET {path}: HTTP {response.status} {body[:200]!r}")
            except Exception as error:  # reported on the row; the other threads finish their share
                errors.append(error)

        share, extra = divmod(requests, len(self.connections))
        threads = [threading.Thread(target=send, args=(conn, share + (index < extra)))
                   for index, conn in enumerate(self.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RequestFailed(str(errors[0]))

    def close(self):
        for conn in self.connections:
            conn.close()


def rooms(url, token, count):
    conn, _ = connect(url)
    for index in range(count):
        body = json.dumps({"room_id": f"bench-{index}", "name": f"bench-{index}"})
        conn.request("POST", "/meeting/api/rooms", body=body,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            sys.exit(f"creating room {index}: HTTP {response.status} {text[:200]!r}")


def main():
    command = sys.argv[1]
    if command == "jwt":
        print(jwt(sys.argv[2]))
    elif command == "rooms":
        rooms(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
