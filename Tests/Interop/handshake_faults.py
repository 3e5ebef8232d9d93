"""A fault-injecting WHIP/WHEP + UDP proxy in front of a real parley-server, for the handshake profile's self-test.
HTTP exchanges are relayed as they are, except that an SDP answer's candidates are rewritten to the proxy's UDP
socket; every client address gets its own upstream UDP socket to Parley, so Parley still sees one source per client.
Each fault is a media-port bug real servers have (RFC 8445/8489/7675/7983/6347/3711 rules broken):

  ok-integrity       answers a check whose MESSAGE-INTEGRITY fails with a success (signed with the right ice-pwd)
  ok-username        answers a check naming an unknown ufrag, if its MESSAGE-INTEGRITY verifies under a known pwd
  ok-no-fingerprint  answers an authenticated check that lacks FINGERPRINT with a success
  no-role-conflict   answers a check carrying ICE-CONTROLLED with a success instead of 487
  garbage-breaks     after a datagram outside the RFC 7983 ranges, drops everything further from that client
  redirect           sends a player's media to whatever address last sent a USE-CANDIDATE for its ufrag
  no-retransmit      passes each DTLS handshake message from Parley once only (no retransmitted flights)
  replay-forwarded   delivers every SRTP/SRTCP datagram from Parley twice
  stale-pin          trusts the first certificate fingerprint it ever saw from the runner instead of each offer's
                     (the proxy swaps it into later offers, so Parley checks the wrong pin)
  wrong-mapped       answers correct checks with a success whose XOR-MAPPED-ADDRESS is not the check's source (the
                     port one above it), as a server that reports the address of the wrong socket would

Only ever listens on and connects to 127.0.0.1."""
import asyncio
import hashlib
import hmac
import re
import struct
import threading
import zlib

FAULTS = ("ok-integrity", "ok-username", "ok-no-fingerprint", "no-role-conflict", "garbage-breaks", "redirect",
          "no-retransmit", "replay-forwarded", "stale-pin", "wrong-mapped")
COOKIE = 0x2112A442


# MARK: STUN (RFC 8489 §5, §14)

def stun_attributes(data):
    """[(type, offset, value)] of a STUN message, or None when it is not one."""
    if len(data) < 20 or data[0] > 3 or struct.unpack("!I", data[4:8])[0] != COOKIE:
        return None
    length = struct.unpack("!H", data[2:4])[0]
    if 20 + length != len(data):
        return None
    out, offset = [], 20
    while offset + 4 <= len(data):
        kind, size = struct.unpack("!HH", data[offset:offset + 4])
        out.append((kind, offset, data[offset + 4:offset + 4 + size]))
        offset += 4 + (size + 3) // 4 * 4
    return out


def integrity_ok(data, attributes, password):
    """MESSAGE-INTEGRITY (§14.5): HMAC-SHA1 over the message up to it, length counting up to its end."""
    for kind, offset, value in attributes:
        if kind == 0x0008:
            head = data[:2] + struct.pack("!H", offset - 20 + 24) + data[4:offset]
            return hmac.compare_digest(hmac.new(password.encode(), head, hashlib.sha1).digest(), value)
    return False


def success(request, client, password):
    """A Binding success to `request` mapping `client`, with MESSAGE-INTEGRITY and FINGERPRINT."""
    ip, port = client
    xored = struct.pack("!HH", 0x0001, port ^ (COOKIE >> 16)) + struct.pack(
        "!I", struct.unpack("!I", bytes(int(p) for p in ip.split(".")))[0] ^ COOKIE)
    body = struct.pack("!HH", 0x0020, len(xored)) + xored
    head = struct.pack("!HHI", 0x0101, len(body) + 24, COOKIE) + request[8:20]
    mac = hmac.new(password.encode(), head + body, hashlib.sha1).digest()
    body += struct.pack("!HH", 0x0008, 20) + mac
    head = struct.pack("!HHI", 0x0101, len(body) + 8, COOKIE) + request[8:20]
    crc = (zlib.crc32(head + body) ^ 0x5354554E) & 0xFFFFFFFF
    return head + body + struct.pack("!HHI", 0x8028, 4, crc)


# MARK: the proxy

class Upstream(asyncio.DatagramProtocol):
    def __init__(self, proxy, client):
        self.proxy, self.client = proxy, client

    def datagram_received(self, data, _addr):
        self.proxy.to_client(self.client, data)


class Front(asyncio.DatagramProtocol):
    def __init__(self, proxy):
        self.proxy = proxy

    def connection_made(self, transport):
        self.proxy.front = transport

    def datagram_received(self, data, addr):
        self.proxy.from_client(addr, data)


class HandshakeFaultProxy:
    """Starts on its own thread; `url` is its HTTP address. `faults` are active on every session at once."""

    def __init__(self, parley_port, faults=FAULTS):
        self.parley_port, self.faults = parley_port, set(faults)
        self.passwords = {}      # Parley's ufrag -> ice-pwd, from the answers
        self.first_client = {}   # Parley's ufrag -> the client address that checked first
        self.redirects = {}      # client address -> where its media goes instead
        self.upstreams = {}      # client address -> transport to Parley's UDP port
        self.dead = set()
        self.seen_dtls = set()
        self.first_pin = None
        self.transactions = {}   # STUN transaction id -> ice-pwd, to re-sign what Parley answers
        self.media_port = None
        self.front = None
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("handshake fault proxy did not start")

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self.http, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.loop.run_until_complete(self.loop.create_datagram_endpoint(
            lambda: Front(self), local_addr=("127.0.0.1", 0)))
        self.udp_port = self.front.get_extra_info("sockname")[1]
        self.url = f"http://127.0.0.1:{self.port}"
        ready.set()
        self.loop.run_forever()

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)

    # HTTP: one exchange per connection (the runner sends Connection: close semantics per request).
    async def http(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1)) if re.search(
                rb"(?im)^content-length:", head) else 0
            body = await reader.readexactly(length)
            if b"a=fingerprint:" in body and "stale-pin" in self.faults:
                body = self.stale_pin(body)
                head = re.sub(rb"(?im)^content-length:\s*\d+", b"Content-Length: %d" % len(body), head)
            head = re.sub(rb"(?im)^connection:[^\r\n]*\r\n", b"", head)
            head = head[:-2] + b"Connection: close\r\n\r\n"
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.parley_port)
            up_writer.write(head + body)
            await up_writer.drain()
            response = await up_reader.read()
            up_writer.close()
            writer.write(self.rewrite(response))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def stale_pin(self, offer):
        pins = re.findall(rb"a=fingerprint:[^\r\n]*", offer)
        self.first_pin = self.first_pin or pins[0]
        return re.sub(rb"a=fingerprint:[^\r\n]*", lambda _: self.first_pin, offer)

    def rewrite(self, response):
        """Points an SDP answer's candidates at the proxy and learns its ice-ufrag/ice-pwd."""
        head, _, body = response.partition(b"\r\n\r\n")
        if b"a=ice-pwd:" not in body:
            return response
        text = body.decode()
        ufrag = re.search(r"a=ice-ufrag:(\S+)", text).group(1)
        self.passwords[ufrag] = re.search(r"a=ice-pwd:(\S+)", text).group(1)

        def candidate(match):
            fields = match.group(0).split(" ")
            self.media_port = int(fields[5])
            fields[4], fields[5] = "127.0.0.1", str(self.udp_port)
            return " ".join(fields)

        text = re.sub(r"a=candidate:[^\r\n]*", candidate, text)
        new_body = text.encode()
        head = re.sub(rb"(?im)^content-length:\s*\d+", b"Content-Length: %d" % len(new_body), head)
        return head + b"\r\n\r\n" + new_body

    # UDP
    def from_client(self, client, data):
        if client in self.dead or not data:
            return
        first = data[0]
        if first <= 3 and self.stun_fault(client, data):
            return
        if not (first <= 3 or 20 <= first <= 63 or 128 <= first <= 191) and "garbage-breaks" in self.faults:
            self.dead.add(client)
            return
        upstream = self.upstreams.get(client)
        if upstream is None:
            if self.media_port is None:
                return
            upstream = asyncio.ensure_future(self.loop.create_datagram_endpoint(
                lambda: Upstream(self, client), remote_addr=("127.0.0.1", self.media_port)))
            self.upstreams[client] = upstream
        if isinstance(upstream, asyncio.Future):
            upstream.add_done_callback(lambda f: f.result()[0].sendto(data))
            if upstream.done():
                self.upstreams[client] = upstream.result()[0]
        else:
            upstream.sendto(data)

    def stun_fault(self, client, data):
        """True when a fault answered the request itself."""
        attributes = stun_attributes(data)
        if attributes is None or data[0:2] != b"\x00\x01":
            return False
        kinds = {kind: value for kind, _, value in attributes}
        username = kinds.get(0x0006, b"").decode(errors="replace")
        ufrag = username.split(":")[0]
        password = self.passwords.get(ufrag)
        if password and ufrag not in self.first_client:
            self.first_client[ufrag] = client
        reply = None
        if "ok-integrity" in self.faults and password and not integrity_ok(data, attributes, password):
            reply = password
        elif "ok-username" in self.faults and password is None:
            reply = next((p for p in self.passwords.values() if integrity_ok(data, attributes, p)), None)
        elif "ok-no-fingerprint" in self.faults and password and 0x8028 not in kinds:
            reply = password
        elif "no-role-conflict" in self.faults and password and 0x8029 in kinds:
            reply = password
        if reply:
            self.front.sendto(success(data, client, reply), client)
            return True
        if password:
            self.transactions[data[8:20]] = password
        if "redirect" in self.faults and 0x0025 in kinds and password:
            owner = self.first_client[ufrag]
            if owner != client:
                self.redirects[owner] = client
        return False

    def to_client(self, client, data):
        first = data[0] if data else 0
        if data[0:2] == b"\x01\x01" and data[8:20] in self.transactions:
            # Like a NAT, the proxy is what Parley saw: map the runner's own address, signed again.
            mapped = (client[0], client[1] % 65535 + 1) if "wrong-mapped" in self.faults else client
            data = success(data, mapped, self.transactions.pop(data[8:20]))
        if first == 22 and "no-retransmit" in self.faults and len(data) >= 25 and data[3:5] == b"\x00\x00":
            # A retransmitted flight has new record numbers but the same handshake message_seq (RFC 6347 §4.2.2).
            key = (client, data[13], data[17:19], data[19:22])
            if key in self.seen_dtls:
                return
            self.seen_dtls.add(key)
        target = client
        if 128 <= first <= 191:
            target = self.redirects.get(client, client)
            if "replay-forwarded" in self.faults:
                self.front.sendto(data, target)
        self.front.sendto(data, target)
