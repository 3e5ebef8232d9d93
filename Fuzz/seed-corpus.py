#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/corpus/<target>/ from the vectors the Swift tests already hold.

STUN (RFC 5769), RTP and RTCP seeds are the `hexBytes(...)` literals of Tests/WireTests; SDP seeds are the offers
and trickle fragment of Tests/WireTests/SDPSamples.swift; JSON seeds are the raw-string JSON bodies of
Tests/HTTPTests (valid and broken ones), and those that are room-socket actions seed `roomframe`; pcap seeds are
small capture files in each link type the decoder knows (pcap and pcapng), built here. Files are named by their SHA-1 as libFuzzer names corpus entries, so
re-running is idempotent. Run from the repository root: python3 Fuzz/seed-corpus.py
"""
import hashlib
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "Tests", "WireTests")


def write(target, data):
    directory = os.path.join(ROOT, "Fuzz", "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def hex_literals(filename):
    """Every hexBytes(\"\"\"...\"\"\") and hexBytes("...") argument in a test file, as bytes."""
    with open(os.path.join(TESTS, filename)) as f:
        text = f.read()
    pattern = re.compile(r'hexBytes\(\s*(?:"""(.*?)"""|"([^"]*)")', re.S)
    for block, line in pattern.findall(text):
        digits = re.sub(r"[^0-9A-Fa-f]", "", block or line)
        if digits and len(digits) % 2 == 0:
            yield bytes.fromhex(digits)


def sdp_samples():
    """The string arrays of SDPSamples.swift, joined with CRLF as the Swift code joins them."""
    with open(os.path.join(TESTS, "SDPSamples.swift")) as f:
        text = f.read()
    for body in re.findall(r"static let \w+ =\s*\[(.*?)\]\.joined", text, re.S):
        lines = re.findall(r'^\s*"((?:[^"\\]|\\.)*)",?\s*$', body, re.M)
        yield ("\r\n".join(lines) + "\r\n").encode()


def json_bodies():
    """Raw string literals (#"..."#) of the HTTP tests that start like a JSON document."""
    directory = os.path.join(ROOT, "Tests", "HTTPTests")
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name)) as f:
            for body in re.findall(r'#"(.*?)"#', f.read()):
                if body.lstrip()[:1] in ("{", "["):
                    yield body.encode()


def udp_ipv4(payload, sport=5004, dport=40000):
    """RFC 791 + RFC 768, 127.0.0.1 to 127.0.0.1, checksums zero (as offloaded loopback captures have them)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                       bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp


def udp_ipv6(payload, sport=5004, dport=40000):
    """RFC 8200 §3 with one destination-options header before UDP, ::1 to ::1."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    options = bytes([17, 0]) + bytes(6)  # next header UDP, length 0 (8 bytes), PadN-free padding
    loopback = bytes(15) + b"\x01"
    return struct.pack("!IHBB", 0x60000000, len(options) + len(udp), 60, 64) + loopback + loopback + options + udp


def classic_pcap(link_type, frames):
    """libpcap file format: global header (microsecond magic) and one record per frame."""
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, link_type)
    for index, frame in enumerate(frames):
        out += struct.pack("<IIII", 1_700_000_000 + index, index * 1000, len(frame), len(frame)) + frame
    return out


def pcapng(link_type, frames):
    """pcapng: section header, one interface description, one enhanced packet block per frame."""
    def block(kind, body):
        body += bytes((4 - len(body) % 4) % 4)
        length = 12 + len(body)
        return struct.pack("<II", kind, length) + body + struct.pack("<I", length)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", link_type, 0, 65535))
    for index, frame in enumerate(frames):
        out += block(6, struct.pack("<IIIII", 0, 0, index, len(frame), len(frame)) + frame)
    return out


def rtp_seeds():
    """RFC 3550 §5.1 packets the hexBytes vectors lack: plain Opus, and CSRCs with padding."""
    yield struct.pack("!BBHII", 0x80, 111, 1, 960, 0x11223344) + bytes(range(40))
    csrcs = struct.pack("!II", 7, 8)
    yield struct.pack("!BBHII", 0xA2, 0x80 | 96, 65535, 1, 2) + csrcs + b"payload" + bytes([0, 0, 3])


def pcap_seeds(rtp, stun):
    v4, v6 = udp_ipv4(rtp), udp_ipv6(stun)
    ethernet = lambda ip, ethertype: bytes([0xAA] * 12) + struct.pack("!H", ethertype) + ip
    vlan = bytes([0xAA] * 12) + struct.pack("!HHH", 0x8100, 7, 0x0800) + v4
    sll = struct.pack("!HHH8sH", 0, 772, 6, bytes(8), 0x0800) + v4
    yield classic_pcap(101, [v4, v6])                                   # DLT_RAW
    yield classic_pcap(1, [ethernet(v4, 0x0800), ethernet(v6, 0x86DD), vlan])  # DLT_EN10MB
    yield classic_pcap(113, [sll])                                      # DLT_LINUX_SLL
    yield classic_pcap(0, [struct.pack("<I", 2) + v4, struct.pack("<I", 30) + v6])  # DLT_NULL
    yield pcapng(1, [ethernet(v4, 0x0800), ethernet(v6, 0x86DD)])


def http1_streams():
    """Request streams as a client sends them on one connection: pipelined, with bodies, and some the framer
    gives up on (chunked, upgrade, HTTP/1.0)."""
    stats = b"GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: key\r\n\r\n"
    post = b"POST /api/v1/meeting HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    yield stats
    yield stats + post + stats
    yield stats + b"GET /api/streams?x=1 HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n\r\n"
    yield b"POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + stats
    yield b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    yield b"GET / HTTP/1.0\r\nHost: a\r\n\r\n" + stats


def main():
    stun = list(hex_literals("STUNVectorTests.swift"))
    rtp = list(hex_literals("RTPTests.swift")) + list(rtp_seeds())
    rtcp = list(hex_literals("RTCPTests.swift"))
    for target, seeds in (("stun", stun), ("rtp", rtp), ("rtcp", rtcp), ("sdp", list(sdp_samples())),
                          ("json", list(json_bodies())),
                          ("roomframe", [b for b in json_bodies() if b'"action"' in b] + [b"ping"])):
        if not seeds:
            raise SystemExit(f"no {target} seeds found: did the test vectors move?")
        for seed in seeds:
            write(target, seed)
    for seed in pcap_seeds(rtp[0], stun[0]):
        write("pcap", seed)
    for seed in http1_streams():
        write("http1", seed)


if __name__ == "__main__":
    main()
