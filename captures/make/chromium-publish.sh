#!/bin/sh
# Headless Chromium (fake camera + microphone) publishes audio + VP8 over WHIP, an aiortc player plays it, and
# parley-server's debug capture records the path by configuration (capture.paths live/*), in a loopback-only
# network namespace. Writes chromium-publish.{pcap,json}. Usage: captures/make/chromium-publish.sh [OUT_DIR]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$(mkdir -p "${1:-$HERE/..}" && cd "${1:-$HERE/..}" && pwd)
. "$HERE/lib.sh"
in_netns "$0" "$@"
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
BIN=$(cd "$ROOT" && realpath "${PARLEY_BIN:-.build/debug/parley-server}")
"$PYTHON" "$HERE/chromium_publish.py" --server "$BIN" --out "$OUT" --seconds 3
chmod 644 "$OUT/chromium-publish.pcap" "$OUT/chromium-publish.json"
echo "wrote $OUT/chromium-publish.pcap and .json"
