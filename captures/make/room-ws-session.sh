#!/bin/sh
# One room WebSocket session (tshark on loopback, tcp port 18081): two clients (Tests/Interop/roomws/client.py) join
# room "capture-ws", chat with acks, raise a hand, ping, and leave. Writes room-ws-session.pcap.
# Usage: captures/make/room-ws-session.sh [OUT_DIR]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$(mkdir -p "${1:-$HERE/..}" && cd "${1:-$HERE/..}" && pwd)
. "$HERE/lib.sh"
need_tools tshark
in_netns "$0" "$@"
. "$HERE/serve.sh"
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
BIN=$(cd "$ROOT" && realpath "${PARLEY_BIN:-.build/debug/parley-server}")
PORT=18081
start_server
start_tshark "$OUT/room-ws-session.pcap" "tcp port $PORT"
cd "$ROOT/Tests/Interop" && "$PYTHON" - "http://127.0.0.1:$PORT" <<'PY'
import asyncio, sys
from roomws.client import RoomClient

async def main(url):
    alice = await RoomClient.connect(url, "capture-ws", "alice", name="Alice")
    bob = await RoomClient.connect(url, "capture-ws", "bob", name="Bob")
    await alice.next_event("userjoin")
    ack = await alice.request("chat", 1, text="hello from the capture")
    assert ack["event"] == "ack", ack
    await bob.next_event("msg")
    await bob.send("hand", raised=True)
    await alice.next_event("hand")
    await bob.ws.send("ping")
    await asyncio.sleep(0.3)
    await bob.close()
    await alice.close()

asyncio.run(main(sys.argv[1]))
PY
stop_tshark
stop_server
chmod 644 "$OUT/room-ws-session.pcap"
echo "wrote $OUT/room-ws-session.pcap ($(count_packets "$OUT/room-ws-session.pcap") packets)"
