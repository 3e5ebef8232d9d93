#!/bin/sh
# An aiortc WHIP publish (Opus tone 440 Hz + VP8) and an aiortc WHEP player, through parley-server's debug capture
# (POST/DELETE /api/capture/live/capture), in a loopback-only network namespace. Writes the capture's .pcap and
# .json manifest (docs/capture-format.md) as aiortc-publish.{pcap,json}.
# Usage: captures/make/aiortc-publish.sh [OUT_DIR]   (PARLEY_BIN defaults to .build/debug/parley-server)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$(mkdir -p "${1:-$HERE/..}" && cd "${1:-$HERE/..}" && pwd)
. "$HERE/lib.sh"
in_netns "$0" "$@"
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
BIN=$(cd "$ROOT" && realpath "${PARLEY_BIN:-.build/debug/parley-server}")
KEEP=$(mktemp -d)
"$PYTHON" "$ROOT/Tests/Interop/webrtc/capture_scenario.py" --server "$BIN" --seconds 3 --video --keep "$KEEP" \
    | tail -n 1 > "$KEEP/result.json"
grep -q '"kept"' "$KEEP/result.json" || { cat "$KEEP/result.json" >&2; exit 1; }
mv "$KEEP"/*.pcap "$OUT/aiortc-publish.pcap"
# The manifest names its pcap: point it at the new name.
sed 's/"pcap_file" : "[^"]*"/"pcap_file" : "aiortc-publish.pcap"/' "$KEEP"/live_capture-*.json > "$OUT/aiortc-publish.json"
chmod 644 "$OUT/aiortc-publish.pcap" "$OUT/aiortc-publish.json"
rm -rf "$KEEP"
echo "wrote $OUT/aiortc-publish.pcap and .json"
