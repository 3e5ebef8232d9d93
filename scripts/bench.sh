#!/usr/bin/env bash
# Benchmarks (`make bench`). Each compares Parley with a baseline run in the same invocation and prints the ratio.
# Loopback only; every load run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
for p in wrk node-express; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -fs -o /dev/null -H "authorization: bench-key" "$1" && return 0; sleep 0.1; done; return 1; }

# wrk prints latency percentiles with --latency; pull req/s and p99 (in ms).
run_wrk() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "authorization: bench-key" "$1" > "$work/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/wrk.txt")
  echo "$rps $p99"
}

echo "== REST: GET /api/v1/stats, wrk -t2 -c$CONNECTIONS -d$DURATION (release build vs node-express) =="
pport=$(free_port); eport=$(free_port)
API_KEY_SECRET=bench-key PARLEY_WEBRTC_UDP_PORT=$(free_udp_port) .build/release/parley-server --listen "127.0.0.1:$pport" --data-dir "$work/data" --log-level error &
NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs API_KEY_SECRET=bench-key node bench/express-stats.js "$eport" > /dev/null &
wait_http "http://127.0.0.1:$pport/api/v1/stats"; wait_http "http://127.0.0.1:$eport/api/v1/stats"
read -r prps pp99 < <(run_wrk "http://127.0.0.1:$pport/api/v1/stats")
read -r erps ep99 < <(run_wrk "http://127.0.0.1:$eport/api/v1/stats")
printf "%-10s %12s %10s\n" target "req/s" "p99(ms)"
printf "%-10s %12s %10s\n" parley "$prps" "$pp99" express "$erps" "$ep99"
awk -v a="$prps" -v b="$erps" 'BEGIN { printf "ratio parley/express: %.2fx (goal >= 3x)\n", a/b }'

echo
echo "== Room WebSocket: ${BENCH_WS_CLIENTS:-200} clients in one room exchanging chat (release build) =="
wport=$(free_port)
PARLEY_WEBRTC_UDP_PORT=$(free_udp_port) .build/release/parley-server --listen "127.0.0.1:$wport" --data-dir "$work/data-ws" --log-level error &
wpid=$!
wait_http "http://127.0.0.1:$wport/healthz"
.venv/bin/python bench/room_ws_chat.py "http://127.0.0.1:$wport" "$wpid"
