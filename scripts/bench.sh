#!/usr/bin/env bash
# Benchmarks (`make bench`), in one invocation so every ratio compares servers under the same machine load:
#  1. REST throughput: wrk (same shape for every server) on Parley and, with the same handler, a bare Hummingbird 2
#     router, Go net/http (bench/baseline-go, standard library only) and Node/Express (bench/express-stats.js);
#     table of req/s, p50/p99 and Parley's ratio to each.
#  1b. Store (`store`): REST reads/s of store-backed routes (/meeting/api/rooms, /meeting/api/templates/{id}) with the
#     rows in PostgreSQL (cluster.database_url; a throw-away server, scripts/pg-test-cluster.sh) against SQLite, in one
#     run; BENCH_STORE_ROOMS (100) rooms each.
#  1c. Cluster (`cluster`, bench/cluster_bench.py): two nodes on one throw-away PostgreSQL; a room-WebSocket chat
#     echo through a node that relays it to the room's owner against one on the owner itself, alternating, in one
#     run: p50/p99 and CPU µs per message of both nodes, and what the relay adds. BENCH_CLUSTER_MESSAGES (1000) per
#     mode. Under a minute.
#  2. Cost per request (`cost`, bench/callgrind_cost.py): instructions per request (callgrind Ir over a fixed
#     request count, so repeatable on a loaded machine) for Parley and Go net/http on the three REST routes, the
#     Parley/Go ratio, the /api/v1/stats row twice (its spread), and the top functions of each row; then, on the
#     native servers (bench/kernel_cost.py), system calls and context switches per request, which callgrind does
#     not see, and CPU µs per request. 2-5 minutes.
#  3. Room WebSocket fan-out (bench/room_ws_chat.py): BENCH_WS_CLIENTS (200) clients in one room, each sending
#     BENCH_WS_MESSAGES (2) chats per round, against Parley and a Go room server on gorilla/websocket
#     (bench/room-ws-go, Debian's package, the same JSON), BENCH_WS_ROUNDS (2) alternating rounds each: delivery
#     latency p50/p99/max, delivered/s, server CPU µs and write system calls per delivered message, RSS per
#     client, Parley/Go ratios. About 45 s.
#  4. Forwarding (bench/forward_bench.py): one Opus publisher (50 packets/s) to N players (10, 100, 500) through
#     Parley and through Pion's broadcast SFU (bench/pion-sfu, Debian's Go packages), both driven by
#     `parley-conform latency` (a real ICE/DTLS/SRTP client); packets out per second per core of server CPU, loss,
#     RSS per player, CPU µs per forwarded packet, latency, and the Parley/Pion ratio; then Opus + 1 Mbit/s of
#     VP8-shaped video to BENCH_FORWARD_VIDEO_PLAYERS (50). About 4 minutes. Then "recording N streams"
#     (bench/recording_bench.py): BENCH_RECORD_STREAMS (20; 0 skips) publishers with one player each, their loss
#     without and with all of them recorded, on one server in one run. About 1 minute.
#  4b. Replay timing (bench/replay_bench.py): `parley-conform replay` drift p50/p99 for one 10 s Opus capture, and
#     how many copies replay at once before p99 drift passes 1 ms (doubling, BENCH_REPLAY_MAX 64, BENCH_REPLAY_BUDGET
#     100 s). Under 2 minutes.
#  5. Latency (bench/latency_bench.py): `parley-conform latency --subscribers 200` against Parley (release) and
#     against Pion in one run: both tables, p50/p95/p99 and the runner's CPU share, written to
#     bench/results/latest.md with the runner's HTML reports (histogram, timeline). About 1 minute.
#  6. Soak (bench/soak.py): 500 room-WebSocket clients and 100 WHEP players for SOAK_SECONDS (600; 0 skips): no
#     crash, RSS growth after warm-up < 5%, no more open fds after than before; fails the run otherwise.
# Loopback only; every load run is bounded in time. Knobs: BENCH_DURATION (8s), BENCH_CONNECTIONS (64),
# BENCH_ROOMS (1000), BENCH_COST_SCALE (1: multiplies the cost rows' request counts), BENCH_COST_TOP (12),
# BENCH_WS_CLIENTS (200), BENCH_WS_MESSAGES (2), BENCH_WS_ROUNDS (2), BENCH_SECTIONS ("rest store cluster cost ws forward replay latency soak":
# any subset, e.g. BENCH_SECTIONS=cost while working on the hot path), BENCH_FORWARD_SIZES (10,100,500),
# BENCH_FORWARD_SECONDS (8), BENCH_FORWARD_VIDEO_PLAYERS (50; 0 skips), BENCH_RECORD_STREAMS (20; 0 skips), BENCH_LATENCY_PLAYERS (200),
# BENCH_LATENCY_SECONDS (10), BENCH_CLUSTER_MESSAGES (1000), SOAK_* (bench/soak.py).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-8s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
ROOMS=${BENCH_ROOMS:-1000}
WS_CLIENTS=${BENCH_WS_CLIENTS:-200}
SECTIONS=" ${BENCH_SECTIONS:-rest store cluster cost ws forward replay latency soak} "
STORE_ROOMS=${BENCH_STORE_ROOMS:-100}
KEY=bench-key
AUTH_SECRET=bench-auth-secret-0123456789abcdef
SWIFT=${SWIFT:-swift}

scripts/install-deps.sh --bench
work=$(mktemp -d)
# Throw-away PostgreSQL servers (sections store, cluster) live in their own directory, searchable by others: as root
# scripts/pg-test-cluster.sh runs the server as `postgres`, which must reach its data (mktemp's 0700 $work stops it).
pgroot=$(mktemp -d) && chmod 711 "$pgroot"
stop_pgs() {
  for dir in "$pgroot"/*/; do [[ -d $dir ]] && scripts/pg-test-cluster.sh stop "${dir%/}" >/dev/null 2>&1; done
  rm -rf "$pgroot"
}
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; stop_pgs; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # URL [tries]: until it answers at all (any status)
  for _ in $(seq "${2:-100}"); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 did not answer" >&2; return 1
}
start_parley() { # PORT DATA_DIR [wrapper...]: release parley-server with the bench secrets, errors-only logging
  local port=$1 data=$2; shift 2
  API_KEY_SECRET=$KEY PARLEY_AUTH_SECRET=$AUTH_SECRET PARLEY_WEBRTC_UDP_PORT=$(free_udp_port) \
    "$@" .build/release/parley-server --listen "127.0.0.1:$port" --data-dir "$data" --log-level error \
    > "$work/parley-$port.log" 2>&1 &
}

# Go: standard library only, no module downloads.
build_go_baseline() {
  (cd bench/baseline-go && GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$PWD/../../.build/bench-go-cache" \
    go build -buildvcs=false -o "$work/baseline-go" .)
}

[[ -x .build/release/parley-server ]] || { echo "bench: run 'make release' first" >&2; exit 1; }
JWT=$(python3 bench/bench_client.py jwt "$AUTH_SECRET")

# wrk with --latency: "req/s p50_ms p99_ms socket_errors". A run with non-2xx answers is refused, so a broken
# server cannot post a fast number; socket errors (timeouts above wrk's 2 s) are counted in the table.
run_wrk() { # URL HEADER
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$2" "$1" > "$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then
    echo "bench: $1 answered errors:" >&2; cat "$work/wrk.txt" >&2; return 1
  fi
  awk 'function ms(v) { if (v ~ /us$/) { sub(/us/, "", v); return v / 1000 }
                        if (v ~ /ms$/) { sub(/ms/, "", v); return v + 0 }
                        if (v ~ /s$/) { sub(/s/, "", v); return v * 1000 }
                        return v }
       /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
       /Socket errors/ { gsub(/,/, ""); errors = $4 + $6 + $8 + $10 }
       END { printf "%s %.2f %.2f %d\n", rps, p50, p99, errors }' "$work/wrk.txt"
}

if [[ $SECTIONS == *" rest "* ]]; then
echo "== building baselines =="
build_go_baseline
# The bare Hummingbird router is a target only when PARLEY_BENCH is set (Package.swift), so no other build pays.
PARLEY_BENCH=1 $SWIFT build -c release --product parley-bench-hummingbird 2>&1 | tail -1
hummingbird_bin=$(PARLEY_BENCH=1 $SWIFT build -c release --show-bin-path)/parley-bench-hummingbird

pport=$(free_port); hport=$(free_port); gport=$(free_port); eport=$(free_port)
start_parley "$pport" "$work/data"
BENCH_ROOMS=$ROOMS API_KEY_SECRET=$KEY "$hummingbird_bin" "$hport" > "$work/hummingbird.log" 2>&1 &
BENCH_ROOMS=$ROOMS API_KEY_SECRET=$KEY PARLEY_AUTH_SECRET=$AUTH_SECRET "$work/baseline-go" "$gport" \
  > "$work/go.log" 2>&1 &
BENCH_ROOMS=$ROOMS API_KEY_SECRET=$KEY NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs \
  node bench/express-stats.js "$eport" > "$work/express.log" 2>&1 &
for port in "$pport" "$hport" "$gport" "$eport"; do wait_http "http://127.0.0.1:$port/" 300; done
# Parley's rooms are made through its API (they are stored too); the baselines seed theirs at start.
python3 bench/bench_client.py rooms "http://127.0.0.1:$pport" "$JWT" "$ROOMS"

table="$work/table.txt"
row() { # ROUTE SERVER PORT PATH HEADER
  local result; result=$(run_wrk "http://127.0.0.1:$3$4" "$5")
  echo "$1 $2 $result" >> "$table"
}
echo
echo "== REST: wrk -t1 -c$CONNECTIONS -d$DURATION, release builds, $ROOMS rooms in every registry =="
row /api/v1/stats parley "$pport" /api/v1/stats "authorization: $KEY"
row /api/v1/stats hummingbird "$hport" /api/v1/stats "authorization: $KEY"
row /api/v1/stats go-net/http "$gport" /api/v1/stats "authorization: $KEY"
row /api/v1/stats express "$eport" /api/v1/stats "authorization: $KEY"
row /api/streams parley "$pport" /api/streams "Authorization: Bearer $JWT"
row /api/streams go-net/http "$gport" /api/streams "Authorization: Bearer $JWT"
row "/meeting/api/rooms($ROOMS)" parley "$pport" /meeting/api/rooms "Authorization: Bearer $JWT"
row "/meeting/api/rooms($ROOMS)" go-net/http "$gport" /meeting/api/rooms "Authorization: Bearer $JWT"
awk 'BEGIN { printf "%-26s %-12s %10s %8s %8s %7s %14s\n", "route", "server", "req/s", "p50ms", "p99ms", "errors",
                    "parley/server" }
     $2 == "parley" { base[$1] = $3 }
     { printf "%-26s %-12s %10.0f %8.2f %8.2f %7d %13.2fx\n", $1, $2, $3, $4, $5, $6, base[$1] / $3 }' "$table"
awk '$1 == "/api/v1/stats" { rps[$2] = $3; if ($2 == "parley") p99 = $5 }
     END { printf "goals on /api/v1/stats: parley >= go-net/http: %s (%.2fx); >= 3x express: %s (%.2fx); p99 < 5 ms: %s (%.2f ms)\n",
                  (rps["parley"] >= rps["go-net/http"]) ? "yes" : "NO", rps["parley"] / rps["go-net/http"],
                  (rps["parley"] >= 3 * rps["express"]) ? "yes" : "NO", rps["parley"] / rps["express"],
                  (p99 < 5) ? "yes" : "NO", p99 }' "$table"
kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
fi

if [[ $SECTIONS == *" store "* ]]; then
  # The same release binary twice: rows in SQLite (one node) and in PostgreSQL (cluster.database_url, a throw-away
  # server from scripts/pg-test-cluster.sh on loopback), loaded one after the other by the same wrk.
  echo
  echo "== Store: REST reads/s from PostgreSQL vs SQLite (wrk -t1 -c$CONNECTIONS -d$DURATION, $STORE_ROOMS rooms) =="
  pg_port=$(free_port)
  pg_url=$(scripts/pg-test-cluster.sh start "$pgroot/store" "$pg_port")
  sqport=$(free_port); pgport=$(free_port)
  start_parley "$sqport" "$work/data-sqlite"
  start_parley "$pgport" "$work/data-postgres" env PARLEY_CLUSTER_DATABASE_URL="$pg_url"
  stable="$work/store.txt"
  for backend in sqlite postgres; do
    port=$sqport; [[ $backend == postgres ]] && port=$pgport
    wait_http "http://127.0.0.1:$port/healthz" 300
    python3 bench/bench_client.py rooms "http://127.0.0.1:$port" "$JWT" "$STORE_ROOMS"
    template=$(curl -sf -X POST -H "Authorization: Bearer $JWT" -H 'content-type: application/json' \
      -d '{"name":"bench","description":"bench template"}' "http://127.0.0.1:$port/meeting/api/templates" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["id"])')
    # Assigned first, so a failed run stops the bench (set -e) instead of leaving an empty row.
    rooms_row=$(run_wrk "http://127.0.0.1:$port/meeting/api/rooms" "Authorization: Bearer $JWT")
    template_row=$(run_wrk "http://127.0.0.1:$port/meeting/api/templates/$template" "Authorization: Bearer $JWT")
    echo "/meeting/api/rooms($STORE_ROOMS) $backend $rooms_row" >> "$stable"
    echo "/meeting/api/templates/{id} $backend $template_row" >> "$stable"
  done
  awk 'BEGIN { printf "%-28s %-9s %10s %8s %8s %7s %16s\n", "route", "store", "req/s", "p50ms", "p99ms", "errors",
                      "postgres/sqlite" }
       $2 == "sqlite" { base[$1] = $3 }
       { printf "%-28s %-9s %10.0f %8.2f %8.2f %7d %15.2fx\n", $1, $2, $3, $4, $5, $6, $3 / base[$1] }' "$stable"
  kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
  scripts/pg-test-cluster.sh stop "$pgroot/store" >/dev/null
fi

if [[ $SECTIONS == *" cluster "* ]]; then
  # Node A owns both rooms (made over its REST API); B relays its client's socket to A. B starts once A has made
  # the cluster tables and the shared secret, so neither start races the other.
  echo
  echo "== Cluster: room-WebSocket chat relayed through a second node vs on the room's node (PostgreSQL) =="
  pg_port=$(free_port)
  pg_url=$(scripts/pg-test-cluster.sh start "$pgroot/cluster" "$pg_port")
  aport=$(free_port); bport=$(free_port)
  # One client sends back to back: the per-socket chat allowance (rooms.chat_per_second, 5) is lifted.
  printf 'rooms:\n  chat_per_second: 1000000\n  chat_burst: 1000000\n' > "$work/cluster.yaml"
  start_parley "$aport" "$work/data-node-a" env PARLEY_CONFIG="$work/cluster.yaml" \
    PARLEY_CLUSTER_DATABASE_URL="$pg_url" PARLEY_CLUSTER_NODE_ID=bench-a \
    PARLEY_CLUSTER_ADVERTISE_URL="http://127.0.0.1:$aport"
  apid=$!
  wait_http "http://127.0.0.1:$aport/healthz" 300
  start_parley "$bport" "$work/data-node-b" env PARLEY_CONFIG="$work/cluster.yaml" \
    PARLEY_CLUSTER_DATABASE_URL="$pg_url" PARLEY_CLUSTER_NODE_ID=bench-b \
    PARLEY_CLUSTER_ADVERTISE_URL="http://127.0.0.1:$bport"
  bpid=$!
  wait_http "http://127.0.0.1:$bport/healthz" 300
  .venv/bin/python bench/cluster_bench.py "http://127.0.0.1:$aport" "$apid" "http://127.0.0.1:$bport" "$bpid" "$JWT" \
    --messages "${BENCH_CLUSTER_MESSAGES:-1000}"
  kill "$apid" "$bpid" 2>/dev/null || true; wait "$apid" "$bpid" 2>/dev/null || true
  scripts/pg-test-cluster.sh stop "$pgroot/cluster" >/dev/null
fi

if [[ $SECTIONS == *" cost "* ]]; then
  echo
  echo "== Cost per request: instructions (callgrind Ir) over a fixed request count, release builds, $ROOMS rooms =="
  # Counted instructions, not time: repeatable on a loaded machine (bench/callgrind_cost.py says how).
  [[ -x "$work/baseline-go" ]] || build_go_baseline
  API_KEY_SECRET=$KEY PARLEY_AUTH_SECRET=$AUTH_SECRET python3 bench/callgrind_cost.py "$work/cost" \
    .build/release/parley-server "$work/baseline-go" --jwt "$JWT" --rooms "$ROOMS" \
    --scale "${BENCH_COST_SCALE:-1}" --top "${BENCH_COST_TOP:-12}"
  echo
  echo "== Kernel side per request (bench/kernel_cost.py): perf stat on the native servers, one connection =="
  kport=$(free_port); kgport=$(free_port)
  start_parley "$kport" "$work/data-kernel"
  kpid=$!
  BENCH_ROOMS=$ROOMS API_KEY_SECRET=$KEY PARLEY_AUTH_SECRET=$AUTH_SECRET "$work/baseline-go" "$kgport" \
    > "$work/go-kernel.log" 2>&1 &
  kgpid=$!
  wait_http "http://127.0.0.1:$kport/healthz" 300
  wait_http "http://127.0.0.1:$kgport/" 300
  python3 bench/bench_client.py rooms "http://127.0.0.1:$kport" "$JWT" "$ROOMS"
  python3 bench/kernel_cost.py --header
  # A row perf cannot count (no tracefs, perf_event_paranoid) says so and the bench goes on.
  for server in parley go-net/http; do
    port=$kport pid=$kpid; [[ $server == go-net/http ]] && port=$kgport pid=$kgpid
    python3 bench/kernel_cost.py /api/v1/stats "$server" "$pid" "http://127.0.0.1:$port/api/v1/stats" 3000 \
      "authorization: $KEY" || true
    python3 bench/kernel_cost.py /api/streams "$server" "$pid" "http://127.0.0.1:$port/api/streams" 3000 \
      "Authorization: Bearer $JWT" || true
    python3 bench/kernel_cost.py "/meeting/api/rooms($ROOMS)" "$server" "$pid" \
      "http://127.0.0.1:$port/meeting/api/rooms" 300 "Authorization: Bearer $JWT" || true
  done
  kill "$kpid" "$kgpid" 2>/dev/null || true; wait "$kpid" "$kgpid" 2>/dev/null || true
fi

if [[ $SECTIONS == *" ws "* ]]; then
  echo
  echo "== Room WebSocket fan-out: $WS_CLIENTS clients in one room exchanging chat, Parley (release) vs Go (gorilla/websocket) =="
  # The Go room server from Debian's gorilla/websocket, offline: GOPATH mode over /usr/share/gocode.
  gocache="$PWD/.build/bench-go-cache"
  mkdir -p "$work/gopath/src" && ln -sfn "$PWD/bench/room-ws-go" "$work/gopath/src/roomwsgo"
  (cd "$work/gopath/src/roomwsgo" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$gocache" \
    go build -o "$work/room-ws-go" .)
  # Both servers read the same overrides: no idle drop while 200 clients join on a loaded machine, and a chat
  # allowance for BENCH_WS_MESSAGES above the default burst (the limiter still runs on every chat).
  ws_env=(PARLEY_ROOM_WS_IDLE_TIMEOUT=600 PARLEY_ROOM_WS_CHAT_BURST=1000 PARLEY_ROOM_WS_CHAT_PER_SECOND=1000)
  wport=$(free_port); goport=$(free_port)
  start_parley "$wport" "$work/data-ws" env "${ws_env[@]}"
  wpid=$!
  env "${ws_env[@]}" PARLEY_AUTH_SECRET=$AUTH_SECRET "$work/room-ws-go" "$goport" > "$work/room-ws-go.log" 2>&1 &
  gopid=$!
  wait_http "http://127.0.0.1:$wport/healthz" 300
  wait_http "http://127.0.0.1:$goport/healthz" 300
  .venv/bin/python bench/room_ws_chat.py "parley=http://127.0.0.1:$wport,$wpid" "go=http://127.0.0.1:$goport,$gopid" \
    --clients "$WS_CLIENTS" --messages "${BENCH_WS_MESSAGES:-2}" --rounds "${BENCH_WS_ROUNDS:-2}"
  kill "$wpid" "$gopid" 2>/dev/null || true; wait "$wpid" "$gopid" 2>/dev/null || true
fi

if [[ $SECTIONS == *" forward "* ]]; then
  echo
  echo "== Forwarding: one Opus publisher (50 packets/s) to N players, Parley (release) vs Pion, same load =="
  $SWIFT build -c release --product parley-conform 2>&1 | tail -1
  # Pion from Debian's packages, offline: GOPATH mode over /usr/share/gocode.
  mkdir -p "$work/gopath/src" && ln -s "$PWD/bench/pion-sfu" "$work/gopath/src/pionsfu"
  gocache="$PWD/.build/bench-go-cache"
  (cd "$work/gopath/src/pionsfu" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$gocache" \
    go build -o "$work/pion-sfu" .)
  python3 bench/forward_bench.py .build/release/parley-server .build/release/parley-conform "$work/pion-sfu" \
    --sizes "${BENCH_FORWARD_SIZES:-10,100,500}" --duration "${BENCH_FORWARD_SECONDS:-8}" \
    --video-players "${BENCH_FORWARD_VIDEO_PLAYERS:-50}"
  if [[ ${BENCH_RECORD_STREAMS:-20} != 0 ]]; then
    echo
    echo "== Forwarding while recording: ${BENCH_RECORD_STREAMS:-20} publishers, not recorded then recorded (Parley, release) =="
    python3 bench/recording_bench.py .build/release/parley-server .build/release/parley-conform \
      --streams "${BENCH_RECORD_STREAMS:-20}" --duration "${BENCH_FORWARD_SECONDS:-8}"
  fi
fi

if [[ $SECTIONS == *" replay "* ]]; then
  echo
  echo "== Replay timing: parley-conform replay (release) into Parley, drift = actual send - scheduled send =="
  $SWIFT build -c release --product parley-conform 2>&1 | tail -1
  python3 bench/replay_bench.py .build/release/parley-server .build/release/parley-conform
fi

if [[ $SECTIONS == *" latency "* ]]; then
  echo
  echo "== Latency: parley-conform latency --subscribers ${BENCH_LATENCY_PLAYERS:-200}, Parley (release) vs Pion =="
  $SWIFT build -c release --product parley-conform 2>&1 | tail -1
  if [[ ! -x "$work/pion-sfu" ]]; then
    mkdir -p "$work/gopath/src" && ln -sfn "$PWD/bench/pion-sfu" "$work/gopath/src/pionsfu"
    (cd "$work/gopath/src/pionsfu" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" \
      GOCACHE="$PWD/.build/bench-go-cache" go build -o "$work/pion-sfu" .)
  fi
  python3 bench/latency_bench.py .build/release/parley-server .build/release/parley-conform "$work/pion-sfu" \
    --subscribers "${BENCH_LATENCY_PLAYERS:-200}" --duration "${BENCH_LATENCY_SECONDS:-10}"
fi

if [[ $SECTIONS == *" soak "* && ${SOAK_SECONDS:-600} != 0 ]]; then
  echo
  # In a loopback-only network namespace when one can be made (as the aiortc interop test runs).
  if command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
    unshare -n sh -c 'ip link set lo up && exec .venv/bin/python bench/soak.py .build/release/parley-server'
  else
    .venv/bin/python bench/soak.py .build/release/parley-server
  fi
fi
