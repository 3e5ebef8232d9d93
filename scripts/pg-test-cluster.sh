#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests and benchmarks (Debian's postgresql-15), never a system database:
#   scripts/pg-test-cluster.sh start DIR PORT   initdb into DIR (created if needed), listen on 127.0.0.1:PORT only,
#                                              trust auth on loopback, create database `parley`; prints its URL
#   scripts/pg-test-cluster.sh stop DIR         stop that server and delete DIR
# Needs /usr/lib/postgresql/15/bin (apt: postgresql; PG_BIN overrides). initdb refuses to run as root, so as root the
# server runs as the `postgres` user, which then owns DIR. Exit 3 when the binaries are missing.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
action=$1
dir=$2

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  [[ $# -eq 3 && $3 =~ ^[0-9]+$ && $3 -ge 1 && $3 -le 65535 ]] || usage
  port=$3
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || {
    echo "pg-test-cluster: no PostgreSQL binaries in $PG_BIN (apt-get install postgresql)" >&2; exit 3; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ -e "$dir/data" ]] && { echo "pg-test-cluster: $dir/data exists; stop it first" >&2; exit 1; }
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  # --no-sync and fsync=off: a throw-away server whose data never has to outlive the machine; ~2 s instead of ~4.
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U parley --auth=trust --encoding=UTF8 --locale=C --no-sync \
    --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
EOF
  # Loopback and the socket in DIR only; nothing else may connect.
  cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U parley -d postgres -c "CREATE DATABASE parley" >/dev/null
  echo "postgres://parley@127.0.0.1:$port/parley"
  ;;
stop)
  [[ $# -eq 2 ]] || usage
  # Only a directory this script made (it holds data/PG_VERSION) is ever stopped and deleted.
  [[ -f "$dir/data/PG_VERSION" ]] || { echo "pg-test-cluster: $dir is not a test cluster" >&2; exit 1; }
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) usage ;;
esac
