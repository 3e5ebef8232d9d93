#!/bin/sh
# One HTTP/1.1 API session against parley-server on plain HTTP (tshark on loopback, tcp port 18080): the project's
# MiroTalk client scripts (Tests/Interop/mirotalk/client.py and client.sh: stats, meetings, meeting, join, token),
# then a Monibuca login, /api/streams, a Meeting room created, read and deleted with the JWT, and one 404.
# Writes http-api-session.pcap. Usage: captures/make/http-api-session.sh [OUT_DIR]
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
PORT=18080
BASE="http://127.0.0.1:$PORT"
start_server
start_tshark "$OUT/http-api-session.pcap" "tcp port $PORT"
export API_KEY_SECRET=capture-api-key MIROTALK_URL="$BASE"
"$PYTHON" "$ROOT/Tests/Interop/mirotalk/client.py" >/dev/null
bash "$ROOT/Tests/Interop/mirotalk/client.sh" >/dev/null
TOKEN=$(curl -s -H 'Content-Type: application/json' -d '{"username":"admin","password":"capture-admin-pw"}' \
    "$BASE/api/login" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/api/streams"
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"room_id":"capture-room","name":"Capture room","max_participants":10}' "$BASE/meeting/api/rooms"
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/meeting/api/rooms/capture-room"
curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "$BASE/meeting/api/rooms/capture-room"
curl -s -o /dev/null "$BASE/api/stream/live/missing"
stop_tshark
stop_server
chmod 644 "$OUT/http-api-session.pcap"
echo "wrote $OUT/http-api-session.pcap ($(count_packets "$OUT/http-api-session.pcap") packets)"
