"""Builds plain RTP captures (classic pcap, Ethernet frames as tshark writes them for lo) with known timing, for
the replay tests and the replay bench: Opus-shaped audio with RTCP between and optionally VP8-shaped video."""
import random
import struct


def ip_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet_udp(payload, sport, dport):
    """An Ethernet II frame holding IPv4 (RFC 791) and UDP (RFC 768, checksum 0 = none)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    return b"\x00" * 12 + b"\x08\x00" + ip + udp


def rtp(pt, seq, ts, ssrc, payload, marker=False):
    """RFC 3550 §5.1 fixed header, no CSRC, no extension."""
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def write_pcap(path, packets):
    """packets: (time_us, frame) in time order; classic pcap, microseconds, DLT_EN10MB."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for time_us, frame in packets:
            f.write(struct.pack("<IIII", time_us // 1_000_000, time_us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def build_capture(path, seconds=3.0, video=False, dtls=False, seed=18, srtp_key=None):
    """Opus-shaped audio (PT 109, 20 ms, distinct payloads, sequence crossing 65535) with an RTCP SR a second, and
    optionally a VP8 stream (PT 100, 25 frames/s, key frame first, RFC 7741 descriptor) on another flow, or a DTLS
    record on the audio flow (which makes its RTP SRTP). With `srtp_key` (30 bytes) the RTP is SRTP-protected
    (AES_CM_128_HMAC_SHA1_80, RFC 3711) as a DTLS-SRTP capture would hold it. Returns the RTP packets per stream."""
    protect = None
    if srtp_key is not None:
        from pylibsrtp import Policy, Session
        policy = Policy(key=srtp_key, ssrc_type=Policy.SSRC_ANY_OUTBOUND,
                        srtp_profile=Policy.SRTP_PROFILE_AES128_CM_SHA1_80)
        protect = Session(policy=policy).protect
    rng = random.Random(seed)
    start = 1_750_000_000_000_000
    packets = []
    audio = int(seconds * 50)
    for i in range(audio):
        payload = bytes([0x78]) + rng.randbytes(60 + i % 20)
        packet = rtp(109, 65_500 + i, 123_456 + 960 * i, 0xA1A1A1A1, payload)
        packets.append((start + i * 20_000, ethernet_udp(protect(packet) if protect else packet, 40_000, 5_004)))
        if i % 50 == 25:
            sr = struct.pack("!BBHI", 0x80, 200, 6, 0xA1A1A1A1) + b"\x00" * 20
            packets.append((start + i * 20_000 + 5, ethernet_udp(sr, 40_000, 5_004)))
    frames = int(seconds * 25) if video else 0
    for i in range(frames):
        # S=1 PID=0; the frame tag's P bit (inverse key frame flag, RFC 6386 §9.1) clear on the first frame only.
        tag = 0x00 if i == 0 else 0x01
        payload = bytes([0x10, tag, 0x9D, 0x01, 0x2A]) + rng.randbytes(300 + i % 50)
        packets.append((start + i * 40_000 + 3_000,
                        ethernet_udp(rtp(100, 7 + i, 9_000 + 3_600 * i, 0xB2B2B2B2, payload, marker=True),
                                     40_002, 5_006)))
    if dtls:
        packets.append((start - 1_000, ethernet_udp(bytes([22, 0xFE, 0xFD]) + b"\x00" * 30, 40_000, 5_004)))
    packets.sort(key=lambda p: p[0])
    write_pcap(path, packets)
    return {"audio": audio, "video": frames}
