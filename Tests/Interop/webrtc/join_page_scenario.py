"""Runs inside a loopback-only network namespace: starts parley-server and two headless Chromium instances with
fake camera and microphone. Each opens a join link from POST /api/v1/join (https, the server's own TLS) and meets
the other on Parley's meeting page; a lobby opened from POST /api/v1/meeting comes first. Drives the page's own
controls (chat, hand, the presenter's mute request and kick), reads what the other page shows, runs axe-core on the
lobby and the meeting, takes screenshots. Prints one JSON line with everything seen."""
import asyncio
import base64
import os
import struct
import sys
import tempfile
import time
import zlib

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import peers  # noqa: E402
from chromium import MEDIA_FLAGS, Chromium, DevToolsPage  # noqa: E402

API_KEY = "join-page-key"
CHROMIUM_FLAGS = MEDIA_FLAGS + (
    # The links are https:// on the server's generated self-signed certificate.
    "--ignore-certificate-errors",
    "--window-size=960,540", "--hide-scrollbars",
)


class Page(DevToolsPage):
    """A DevTools page with the join page's checks: screenshots and axe-core."""

    async def screenshot(self, path):
        shot = await self.call("Page.captureScreenshot", format="png")
        data = base64.b64decode(shot["data"])
        with open(path, "wb") as f:
            f.write(data)
        return png_spread(data)

    async def axe(self, axe_source):
        """axe-core on the page as it is; returns the serious and critical violations."""
        await self.call("Page.setBypassCSP", enabled=True)
        await self.evaluate(axe_source + ";0", timeout=60)
        return await self.evaluate("""axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))""",
                                   timeout=60)


def png_spread(data):
    """Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) and returns the standard deviation of its
    luma and the number of distinct colours in a coarse grid: a blank or single-colour image has ~0 and 1."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    lumas, colours = [], set()
    for y in range(height):
        row_start = y * (stride + 1)
        kind = raw[row_start]
        row = bytearray(raw[row_start + 1:row_start + 1 + stride])
        # PNG §9.2 filter types, undone in place.
        if kind == 1:
            for i in range(channels, stride):
                row[i] = (row[i] + row[i - channels]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                row[i] = (row[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = row[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        previous = row
        if y % 8 == 0:
            for x in range(0, width, 8):
                r, g, b = row[x * channels:x * channels + 3]
                lumas.append(0.299 * r + 0.587 * g + 0.114 * b)
                colours.add((r >> 4, g >> 4, b >> 4))
    mean = sum(lumas) / len(lumas)
    deviation = (sum((v - mean) ** 2 for v in lumas) / len(lumas)) ** 0.5
    return {"width": width, "height": height, "luma_stddev": round(deviation, 2), "colours": len(colours)}


def api(base, method, path, body=None):
    response = requests.request(method, base + path, json=body, timeout=10,
                                headers={"authorization": API_KEY})
    response.raise_for_status()
    return response.json()


def remote_ok(stats):
    """Some remote player decodes video and audio."""
    return any(row["framesDecoded"] > 10 and row["audioPackets"] > 20 and row["audioSamples"] > 0
               for row in (stats or {}).values())


async def scenario(base, shots, axe_source):
    result = {"axe": {}, "shots": {}}
    alice_link = api(base, "POST", "/api/v1/join", {
        "room": "standup", "name": "Alice", "audio": True, "video": True,
        "token": {"username": "alice", "password": "pw", "presenter": True, "expire": "1h"}})["join"]
    bob_link = api(base, "POST", "/api/v1/join", {"room": "standup", "name": "Bob", "audio": True, "video": True})["join"]
    lobby_link = api(base, "POST", "/api/v1/meeting")["meeting"]
    result["links"] = {"alice": alice_link.split("&token=")[0], "bob": bob_link, "lobby": lobby_link}
    a_browser = Chromium(extra_args=CHROMIUM_FLAGS)
    b_browser = Chromium(extra_args=CHROMIUM_FLAGS)
    try:
        # The lobby: no name in the link, so the page asks for one over a live camera preview.
        async with Page(b_browser, lobby_link) as lobby:
            await lobby.poll("window.parley?.state.phase === 'lobby-ready' && "
                             "document.getElementById('preview').currentTime > 1", timeout=30, what="lobby preview")
            result["lobby"] = await lobby.evaluate("""({
                nameFocused: document.activeElement?.id === 'name-input',
                cameras: document.getElementById('camera-select').options.length,
                microphones: document.getElementById('mic-select').options.length})""")
            # MiroTalk's link parameters as the page reads them.
            result["params"] = await lobby.evaluate("""import('/assets/join-params.js').then(m => [
                'https://h/join?room=r1&roomPassword=secret&name=Ann%20B&audio=1&video=false&screen=true&chat=true'
                  + '&hide=0&notify=true&duration=00:01:30&avatar=false&token=T',
                'https://h/join/r2',
                'https://h/join?room=random&roomPassword=true&name=random&duration=unlimited',
              ].map(link => m.readJoinParams(new URL(link))))""")
            result["shots"]["lobby"] = await lobby.screenshot(os.path.join(shots, "join-page-lobby.png"))
            result["axe"]["lobby"] = await lobby.axe(axe_source)

        joined = """({phase: window.parley?.state.phase, publishing: !!window.parley?.state.publisher,
            status: document.getElementById('status')?.textContent, toasts: window.parley?.toasts})"""
        # Alice first: the first to join an ad-hoc room presents too (rooms.first_is_presenter), so Bob joining
        # second shows that presenter rights came from Alice's token alone.
        async with Page(a_browser, alice_link) as alice:
            await alice.poll(joined, lambda s: s.get("phase") == "joined" and s.get("publishing"), timeout=30,
                             what="alice joined")
            async with Page(b_browser, bob_link) as bob:
                await bob.poll(joined, lambda s: s.get("phase") == "joined" and s.get("publishing"), timeout=30,
                               what="bob joined")
                await meet(base, alice, bob, shots, axe_source, result)
    finally:
        a_browser.close()
        b_browser.close()
    return result


async def meet(base, alice, bob, shots, axe_source, result):
    """Both pages are in the room: media both ways, then chat, hand, mute request, pictures, audits, kick."""
    ids = {}
    for name, page in (("alice", alice), ("bob", bob)):
        ids[name] = await page.evaluate("window.parley.state.userId")
    result["roles"] = {"alice": await alice.evaluate("window.parley.state.role"),
                       "bob": await bob.evaluate("window.parley.state.role")}
    # Each decodes the other's camera and microphone.
    for name, page in (("alice", alice), ("bob", bob)):
        result[f"{name}_receives"] = await page.poll("window.parley.remoteStats()", remote_ok, timeout=40,
                                                     what=f"{name} decodes the other")

    def both_video(listing):
        peers_by_name = {p["name"]: p for m in listing["meetings"] if m["roomId"] == "standup"
                         for p in m["peers"]}
        return all(peers_by_name.get(n, {}).get("video") for n in ("Alice", "Bob"))
    deadline = time.monotonic() + 10
    listing = api(base, "GET", "/api/v1/meetings")
    while not both_video(listing) and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        listing = api(base, "GET", "/api/v1/meetings")
    result["meetings"] = listing

    # Active speaker: the fake microphone beeps, so some tile lights up on Alice's page.
    result["speaker_seen"] = await alice.poll(
        "document.querySelector('.tile.speaking')?.dataset.user || null", timeout=15,
        what="active speaker highlight")

    # Chat from Alice's chat panel, read on Bob's page.
    await alice.evaluate("""document.getElementById('chat-button').click();
        document.getElementById('chat-input').value = 'Hello from Alice';
        document.getElementById('chat-form').requestSubmit(); true""")
    result["bob_chat"] = await bob.poll(
        "[...document.querySelectorAll('#chat-log li p')].map(p => p.textContent)",
        lambda texts: "Hello from Alice" in (texts or []), timeout=10, what="chat on bob's page")

    # Bob raises his hand; Alice's page shows it on his tile.
    bob_tile = f"document.querySelector('.tile[data-user=\"{ids['bob']}\"]')"
    await bob.evaluate("document.getElementById('hand-button').click(); true")
    result["alice_sees_hand"] = await alice.poll(
        f"!{bob_tile}.querySelector('.tile-hand').hidden", timeout=10, what="hand on alice's page")

    # Alice, presenter, asks Bob to mute from his tile; Bob's page mutes and says so, Alice sees his mic off.
    await alice.evaluate(f"{bob_tile}.querySelector('button[data-action=mute]').click(); true")
    result["bob_muted"] = await bob.poll("""({audioOn: window.parley.state.audioOn,
        pressed: document.getElementById('mic-button').getAttribute('aria-pressed'),
        trackEnabled: window.parley.state.local.getAudioTracks()[0]?.enabled,
        toast: document.getElementById('toast')?.textContent})""",
        lambda s: s["audioOn"] is False and "asked you to mute" in s["toast"], timeout=10,
        what="mute request on bob's page")
    result["alice_sees_bob_mic"] = await alice.poll(
        f"{bob_tile}.querySelector('.tile-mic').textContent",
        lambda label: label == "Mic off", timeout=10, what="bob's mic indicator")
    # A dropped connection: Bob's page joins again by itself (resuming with its session token), and his media
    # reaches Alice again.
    await bob.evaluate("window.parley.dropConnection(); true")
    result["bob_rejoined"] = await bob.poll(
        """({joins: window.parley.state.joins, phase: window.parley.state.phase,
            publishing: !!window.parley.state.publisher, userId: window.parley.state.userId})""",
        lambda s: s.get("joins") == 2 and s.get("phase") == "joined" and s.get("publishing"), timeout=30,
        what="bob rejoined after a drop")
    result["alice_receives_after_drop"] = await alice.poll("window.parley.remoteStats()", remote_ok, timeout=30,
                                                           what="alice decodes bob after his reconnect")
    result["presenter_controls"] = {
        name: await page.evaluate("!document.getElementById('end-button').hidden && "
                                  "document.querySelectorAll('.tile button[data-action=kick]').length")
        for name, page in (("alice", alice), ("bob", bob))}

    await asyncio.sleep(0.5)  # a few more decoded frames in both tiles before the picture
    result["shots"]["meeting"] = await alice.screenshot(os.path.join(shots, "join-page-meeting.png"))
    result["axe"]["meeting_presenter"] = await alice.axe(axe_source)
    result["axe"]["meeting_participant"] = await bob.axe(axe_source)

    # Alice removes Bob: Bob's page says he was removed, his tile leaves Alice's page.
    await alice.evaluate(f"{bob_tile}.querySelector('button[data-action=kick]').click(); true")
    result["bob_kicked"] = await bob.poll("""({visible: !document.getElementById('notice').hidden,
        title: document.getElementById('notice-title').textContent,
        text: document.getElementById('notice-text').textContent,
        publishing: window.parley.state.publisher !== null})""",
        lambda s: s["visible"], timeout=10, what="kick notice on bob's page")
    result["alice_tiles_after_kick"] = await alice.poll(
        "[...document.querySelectorAll('.tile')].map(t => t.dataset.user)",
        lambda users: ids["bob"] not in users, timeout=10, what="bob's tile gone")
    result["ids"] = ids

    # Alice locks the room: a late joiner's page says so. Then she ends the meeting (two presses): her page says so.
    notice = """({visible: document.getElementById('notice')?.hidden === false,
        title: document.getElementById('notice-title')?.textContent})"""
    await alice.evaluate("document.getElementById('lock-button').click(); true")
    await alice.poll("document.getElementById('lock-button').textContent", lambda t: t == "Unlock room",
                     timeout=10, what="lock button after locking")
    async with Page(bob.browser, result["links"]["bob"]) as late:
        result["late_joiner"] = await late.poll(notice, lambda s: s.get("visible"), timeout=20,
                                                what="locked notice for a late joiner")
    await alice.evaluate("document.getElementById('end-button').click(); "
                         "document.getElementById('end-button').click(); true")
    result["alice_after_end"] = await alice.poll(notice, lambda s: s.get("visible"), timeout=10,
                                                 what="ended notice on alice's page")


def main():
    parser = peers.scenario_arguments(port=18443)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--axe", required=True)
    args = parser.parse_args()
    with open(args.axe) as f:
        axe_source = f.read()
    data_dir = tempfile.mkdtemp(prefix="parley-join-page-")
    env = {"API_KEY_SECRET": API_KEY, "API_ALLOW_MEETINGS": "true"}
    peers.run_with_server(args.server, args.port, data_dir, env,
                          lambda base: scenario(base, args.shots, axe_source))


if __name__ == "__main__":
    main()
