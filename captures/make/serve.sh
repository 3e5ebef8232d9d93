# Sourced by the HTTP and room WebSocket capture scripts: parley-server on plain HTTP 127.0.0.1:$PORT with a fixed
# configuration (fixed secrets and admin password, so the capture is reproducible), stopped by stop_server.

start_server() {
    DATA=$(mktemp -d)
    cat > "$DATA/parley.yaml" <<YAML
api:
  key_secret: capture-api-key
  allowed: {stats: true, meetings: true, meeting: true, meeting_end: true, join: true, token: true, active_rooms: true}
jwt:
  secret: capture-jwt-secret
auth:
  secret: capture-auth-secret
  users:
    - username: admin
      password: capture-admin-pw
YAML
    "$BIN" --config "$DATA/parley.yaml" --listen "127.0.0.1:$PORT" --data-dir "$DATA" >"$DATA/server.log" 2>&1 &
    SERVER_PID=$!
    i=0
    until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
        i=$((i + 1)); [ $i -lt 300 ] || { cat "$DATA/server.log" >&2; exit 1; }; sleep 0.1
    done
}

stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$DATA"
}
