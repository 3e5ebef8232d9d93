"""Runs inside a loopback-only network namespace: starts parley-server, publishes a tone over WHIP with aiortc,
plays it over WHEP with another aiortc peer, and prints one JSON line with what was observed."""
import asyncio
import os
import sys
import tempfile

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402


def start_server(binary, port, data_dir):
    # /api/streams without a login: this scenario checks the listing, not Monibuca's auth.
    return peers.start_server(binary, port, data_dir, env={"PARLEY_AUTH_ENABLED": "false"})


async def until(condition, timeout, interval=0.05):
    """Polls the blocking `condition` (in a thread) until it holds; returns whether it did within `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(condition):
        if loop.time() > deadline:
            return False
        await asyncio.sleep(interval)
    return True


async def scenario(base, frequency, listen_seconds):
    result = {}
    path = "live/tone"
    publisher, pub_location, pub_answer = await peers.publish(base, path, frequency)
    result["publisher_connected"] = True
    player, play_location, samples, play_answer = await peers.play(base, path)
    result["player_connected"] = True
    # Listen until a second of audio (past the warm-up the analysis skips) has arrived, or `listen_seconds` pass.
    await until(lambda: len(samples) > 48000 + SKIP, listen_seconds)
    result["samples"] = len(samples)
    # Skip the first 0.5 s (decoder warm-up, jitter buffer fill); analyse 0.25 s.
    window = samples[SKIP:SKIP + 12000] if len(samples) >= SKIP + 12000 else samples[-12000:]
    result["strongest_hz"], result["analysed"] = peers.strongest_frequency(window)
    result["packets_while_live"] = peers.PacketCounter.count
    listing = await asyncio.to_thread(requests.get, base + "/api/streams", timeout=5)
    result["listed_while_live"] = listing.status_code == 200 and path in listing.text

    # DELETE the publisher: forwarding stops, the player's transport stays open and must see nothing more.
    r = await asyncio.to_thread(requests.delete, base + pub_location, timeout=5)
    result["delete_publisher_status"] = r.status_code
    # The positive event first: the stream is gone from the listing (its session closed, forwarding stopped);
    # only then does "nothing more arrives" mean something.
    result["unlisted_after_publisher_delete"] = await until(lambda: path not in requests.get(
        base + "/api/streams", timeout=5).text, 5.0)
    before = peers.PacketCounter.count
    await asyncio.sleep(2.0)
    result["packets_after_publisher_delete"] = peers.PacketCounter.count - before
    r = await asyncio.to_thread(requests.delete, base + play_location, timeout=5)
    result["delete_player_status"] = r.status_code
    before = peers.PacketCounter.count
    await asyncio.sleep(1.0)
    result["packets_after_player_delete"] = peers.PacketCounter.count - before
    r = await asyncio.to_thread(requests.delete, base + play_location, timeout=5)
    result["second_delete_status"] = r.status_code
    listing = await asyncio.to_thread(requests.get, base + "/api/streams", timeout=5)
    result["listed_after_delete"] = path in listing.text
    await publisher.close()
    await player.close()
    return result


SKIP = 24000


def run(binary, port, prefix, make_scenario):
    """Starts the server on `port` with a fresh data dir, awaits `make_scenario(base_url)` and prints its result as
    one JSON line, with an "error" instead when it raised and the tail of the server log either way."""
    peers.run_with_server(binary, port, tempfile.mkdtemp(prefix=prefix), {"PARLEY_AUTH_ENABLED": "false"},
                          make_scenario)


def main():
    parser = peers.scenario_arguments(port=18080)
    parser.add_argument("--frequency", type=int, default=440)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    run(args.server, args.port, "parley-webrtc-", lambda base: scenario(base, args.frequency, args.seconds))


if __name__ == "__main__":
    main()
