// A room WebSocket server on gorilla/websocket: the baseline a Monibuca (Go) user would pick for `make bench`'s
// room fan-out row. It speaks the part of Parley's room protocol (docs/contracts.md §Room WebSocket,
// spec/room-ws.asyncapi.yaml) that bench/room_ws_chat.py uses, with the same JSON shapes, so one client drives
// both servers:
//
//	/room/{room_id}?type=meeting&user_id=U&name=N (alias /room/{room_id}/{user_id}): `joined` to the joiner,
//	`userjoin`/`userleave` to the others; text `ping` -> `pong`; actions `chat` (`msg` to every member, in one
//	order per room; `ack` when it has an `id`) and `leave`; any other action -> `error` `unknown_action`.
//
// Per chat it does the work Parley does: parse the frame as a JSON object, check the action's fields, the size
// and rate limits, the sender's membership and chat mute, number the message, encode it once, and queue it on
// every member's byte-bounded outbound queue, which one writer per connection drains. Not served (refused with
// `invalid_request`): passwords and tokens, and every other action of the protocol.
//
// Build offline from Debian's golang-github-gorilla-websocket-dev (GO111MODULE=off, see scripts/bench.sh).
// Usage: room-ws-go PORT (listens on 127.0.0.1; PARLEY_AUTH_SECRET signs session tokens;
// PARLEY_ROOM_WS_CHAT_BURST, PARLEY_ROOM_WS_CHAT_PER_SECOND and PARLEY_ROOM_WS_IDLE_TIMEOUT as for parley-server).
package main

import (
	"crypto/rand"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"
)

// limits mirrors Parley's `rooms.*` defaults (RoomSocketOptions).
type limits struct {
	idleTimeout       time.Duration
	maxMessageBytes   int
	outboundLimit     int
	chatBurst         float64
	chatPerSecond     float64
	capacity          int
	socketsPerAddress int
	tokenLifetime     time.Duration
}

func defaultLimits() limits {
	l := limits{
		idleTimeout: 60 * time.Second, maxMessageBytes: 64 * 1024, outboundLimit: 4 << 20,
		chatBurst: 20, chatPerSecond: 5, capacity: 1000, socketsPerAddress: 1000, tokenLifetime: 12 * time.Hour,
	}
	if v, err := strconv.ParseFloat(os.Getenv("PARLEY_ROOM_WS_CHAT_BURST"), 64); err == nil && v > 0 && v < 1e9 {
		l.chatBurst = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("PARLEY_ROOM_WS_CHAT_PER_SECOND"), 64); err == nil && v > 0 && v < 1e9 {
		l.chatPerSecond = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("PARLEY_ROOM_WS_IDLE_TIMEOUT"), 64); err == nil && v > 0 && v < 1e9 {
		l.idleTimeout = time.Duration(v * float64(time.Second))
	}
	return l
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: room-ws-go PORT")
	}
	secret := []byte(os.Getenv("PARLEY_AUTH_SECRET"))
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			log.Fatal(err)
		}
	}
	s := newServer(defaultLimits(), secret)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/room/", s.serveRoom)
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[1], mux))
}
