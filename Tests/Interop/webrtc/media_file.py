"""What ffprobe and ffmpeg say about a media file (a downloaded recording): its container and streams, each
stream's span from its packets' timestamps, any decode error, and the strongest frequency of its audio."""
import array
import json
import subprocess

import peers


def probe(path):
    """{"format", "duration", "streams": [{"type", "codec", "start", "end", "packets"}]}; each stream's start/end come
    from its packets (first pts; last pts + duration), because WebM gives no per-stream duration."""
    run = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_entries",
         "format=format_name,duration:stream=index,codec_type,codec_name:packet=stream_index,pts_time,duration_time",
         path], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        return {"error": run.stderr.strip()[-500:]}
    info = json.loads(run.stdout)
    streams = {s["index"]: {"type": s.get("codec_type"), "codec": s.get("codec_name"), "start": None, "end": None,
                            "packets": 0} for s in info.get("streams", [])}
    for packet in info.get("packets", []):
        stream = streams.get(packet.get("stream_index"))
        if stream is None or packet.get("pts_time") in (None, "N/A"):
            continue
        pts = float(packet["pts_time"])
        end = pts + float(packet.get("duration_time") or 0)
        stream["packets"] += 1
        stream["start"] = pts if stream["start"] is None else min(stream["start"], pts)
        stream["end"] = end if stream["end"] is None else max(stream["end"], end)
    fmt = info.get("format", {})
    duration = fmt.get("duration")
    return {"format": fmt.get("format_name"), "duration": float(duration) if duration not in (None, "N/A") else None,
            "streams": [streams[i] for i in sorted(streams)]}


def decode_errors(path):
    """What `ffmpeg -v error` prints while decoding every stream of the file (empty = no decode error). The null
    output keeps the input's time base (`-enc_time_base -1`): in its default 1/frame-rate one, frames half a frame
    off the grid round onto the same tick and ffmpeg complains about its own output, not about the file."""
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-enc_time_base", "-1", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=120)
    return (run.stdout + run.stderr).strip() + ("" if run.returncode == 0 else f" (exit {run.returncode})")


def audio_tone(path, skip_s=0.5, window_s=0.25):
    """Strongest frequency (Hz) of `window_s` of the first audio stream, `skip_s` in (past the decoder's warm-up),
    decoded to 48 kHz mono s16 by ffmpeg; and how many samples the stream decoded to."""
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a:0", "-f", "s16le", "-ac", "1",
                          "-ar", str(peers.SAMPLE_RATE), "-"], capture_output=True, timeout=120)
    samples = array.array("h")
    samples.frombytes(run.stdout[: len(run.stdout) // 2 * 2])
    start = int(skip_s * peers.SAMPLE_RATE)
    window = samples[start:start + int(window_s * peers.SAMPLE_RATE)]
    if not window:
        return None, len(samples)
    return peers.strongest_frequency(window)[0], len(samples)


def describe(path, tone=True):
    """probe + decode errors (+ the tone), one dict for a scenario's JSON result."""
    described = probe(path)
    described["decode_errors"] = decode_errors(path)
    if tone and any(s["type"] == "audio" for s in described.get("streams", [])):
        described["tone_hz"], described["audio_samples"] = audio_tone(path)
    return described
