"""Runs inside a loopback-only network namespace: starts parley-server, starts a debug capture of a stream path
through the API (POST /api/capture/{path}), publishes an Opus tone over WHIP with aiortc (and optionally VP8 video),
plays it over WHEP with another aiortc peer, stops the capture (DELETE) and prints one JSON line with the manifest
the API answered, the pcap's records as read back, and the tone found in the captured (decrypted) Opus payloads.
`--keep DIR` copies the pcap and manifest there (captures/make/aiortc-publish.sh)."""
import asyncio
import json
import os
import shutil
import struct
import sys
import tempfile

import av
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

PATH = "live/capture"


def read_pcap(path):
    """Classic pcap (magic a1b2c3d4, DLT_RAW) → [(ts_us, src, sport, dst, dport, payload)] for IPv4/UDP records."""
    records = []
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and linktype == 101, (hex(magic), linktype)
    offset = 24
    while offset + 16 <= len(data):
        seconds, micros, caplen, _ = struct.unpack("<IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        header = (frame[0] & 0x0F) * 4
        assert frame[0] >> 4 == 4 and frame[9] == 17, "not IPv4/UDP"
        src, dst = ".".join(map(str, frame[12:16])), ".".join(map(str, frame[16:20]))
        sport, dport, length = struct.unpack("!HHH", frame[header:header + 6])
        records.append((seconds * 1_000_000 + micros, src, sport, dst, dport, frame[header + 8:header + length]))
    return records


def rtp_payload(packet):
    """RFC 3550 §5.1/§5.3.1: past the CSRCs and any header extension; padding removed."""
    offset = 12 + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10:
        offset += 4 + 4 * struct.unpack("!H", packet[offset + 2:offset + 4])[0]
    end = len(packet) - (packet[-1] if packet[0] & 0x20 else 0)
    return packet[offset:end]


def tone_in_opus(payloads):
    """Decodes Opus RTP payloads (in order) and returns the strongest frequency of 0.25 s past the first 0.5 s."""
    codec = av.CodecContext.create("opus", "r")
    codec.sample_rate = peers.SAMPLE_RATE
    resampler = av.AudioResampler(format="s16", layout="mono", rate=peers.SAMPLE_RATE)
    samples = []
    for payload in payloads:
        for frame in codec.decode(av.Packet(payload)):
            for out in resampler.resample(frame):
                data = bytes(out.planes[0])[: out.samples * 2]
                samples.extend(int.from_bytes(data[i:i + 2], "little", signed=True) for i in range(0, len(data), 2))
    window = samples[24000:36000] if len(samples) >= 36000 else samples[-12000:]
    return peers.strongest_frequency(window)[0], len(samples)


async def scenario(base, frequency, seconds, video, keep):
    result = {}
    r = await asyncio.to_thread(requests.post, f"{base}/api/capture/{PATH}", timeout=10)
    result["start_status"] = r.status_code
    started = r.json().get("data") or {}
    result["started"] = started
    r = await asyncio.to_thread(requests.post, f"{base}/api/capture/{PATH}", timeout=10)
    result["second_start_status"] = r.status_code

    pc = peers.RTCPeerConnection(peers.RTCConfiguration(iceServers=[]))
    pc.addTransceiver(peers.ToneTrack(frequency), direction="sendonly")
    if video:
        pc.addTransceiver(peers.SmallVideoTrack(), direction="sendonly")
    publish_location, _, _ = await peers.negotiate(pc, f"{base}/webrtc/whip/{PATH}")
    await peers.wait_connected(pc)
    player, play_location, samples, _ = await peers.play(base, PATH)
    await asyncio.sleep(seconds)
    r = await asyncio.to_thread(requests.get, f"{base}/api/capture", timeout=10)
    result["listed"] = [c["stream_path"] for c in r.json().get("data", [])]

    r = await asyncio.to_thread(requests.delete, f"{base}/api/capture/{PATH}", timeout=10)
    result["stop_status"] = r.status_code
    manifest = r.json().get("data") or {}
    result["manifest"] = manifest
    r = await asyncio.to_thread(requests.delete, f"{base}/api/capture/{PATH}", timeout=10)
    result["second_stop_status"] = r.status_code
    await asyncio.to_thread(requests.delete, base + play_location, timeout=5)
    await asyncio.to_thread(requests.delete, base + publish_location, timeout=5)
    await pc.close()
    await player.close()

    pcap = started.get("pcap")
    on_disk = started.get("manifest")
    with open(on_disk) as f:
        result["manifest_on_disk_matches"] = json.load(f) == manifest
    records = read_pcap(pcap)
    result["records"] = len(records)
    result["tuples"] = sorted({f"{s}:{sp}>{d}:{dp}" for _, s, sp, d, dp, _ in records})
    result["ordered"] = all(a[0] <= b[0] for a, b in zip(records, records[1:]))
    publisher = next(s for s in manifest["sessions"] if s["kind"] == "publisher")
    audio = next(s for s in publisher["streams"] if s["media"] == "audio")
    remote = publisher["remote_address"]
    opus = [p for _, s, sp, _, _, p in records
            if f"{s}:{sp}" == remote and len(p) >= 12 and p[1] & 0x7F == audio["payload_type"]
            and struct.unpack("!I", p[8:12])[0] == audio["ssrc"]]
    result["opus_packets"] = len(opus)
    # Capture order is arrival order (loopback: no reordering).
    result["captured_tone_hz"], result["captured_samples"] = tone_in_opus([rtp_payload(p) for p in opus])
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(pcap, os.path.join(keep, os.path.basename(pcap)))
        shutil.copy(on_disk, os.path.join(keep, os.path.basename(on_disk)))
        result["kept"] = [os.path.basename(pcap), os.path.basename(on_disk)]
    return result


def main():
    parser = peers.scenario_arguments(port=18080)
    parser.add_argument("--frequency", type=int, default=440)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--video", action="store_true")
    parser.add_argument("--keep", default="")
    args = parser.parse_args()
    peers.run_with_server(
        args.server, args.port, tempfile.mkdtemp(prefix="parley-capture-"), {"PARLEY_AUTH_ENABLED": "false"},
        lambda base: scenario(base, args.frequency, args.seconds, args.video, args.keep))


if __name__ == "__main__":
    main()
