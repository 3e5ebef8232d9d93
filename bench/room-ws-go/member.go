package main

// One connection: the upgrade and join, a reader that runs the member's actions, and a writer that drains its
// outbound queue (the only goroutine that writes data frames; gorilla allows one concurrent writer).

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// outbound is a member's queue of encoded frames, bounded by bytes (Parley's OutboundQueue): a producer never
// blocks on a slow reader; past the limit the queue overflows and the member is dropped as a slow consumer.
type outbound struct {
	mu         sync.Mutex
	frames     [][]byte
	pending    int
	limit      int
	closed     bool
	overflowed bool
	closeCode  int
	closeText  string
	wake       chan struct{}
}

func newOutbound(limit int) *outbound {
	return &outbound{limit: limit, wake: make(chan struct{}, 1)}
}

func (q *outbound) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *outbound) send(frame []byte) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	if q.pending+len(frame) > q.limit {
		q.closed, q.overflowed = true, true
		q.mu.Unlock()
		q.signal()
		return false
	}
	q.frames = append(q.frames, frame)
	q.pending += len(frame)
	q.mu.Unlock()
	q.signal()
	return true
}

// close queues the close frame; nothing is accepted after it.
func (q *outbound) close(code int, reason string) {
	q.mu.Lock()
	if !q.closed {
		q.closed, q.closeCode, q.closeText = true, code, reason
	}
	q.mu.Unlock()
	q.signal()
}

// take returns what is queued; done when the queue closed (with the close to write) or overflowed.
func (q *outbound) take() (frames [][]byte, done, overflowed bool, code int, reason string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	frames, q.frames = q.frames, nil
	return frames, q.closed, q.overflowed, q.closeCode, q.closeText
}

func (q *outbound) written(n int) {
	q.mu.Lock()
	q.pending -= n
	q.mu.Unlock()
}

type member struct {
	s    *server
	conn *websocket.Conn
	p    participant
	room *room
	out  *outbound
	// The chat allowance (token bucket), touched only by the reader.
	tokens float64
	refill time.Time
	// 1 from a ping until its pong (set by the writer, cleared by the reader's pong handler).
	awaitingPong int32
}

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true }, // Parley's room socket does not check Origin either
}

// serveRoom: /room/{room_id}[/{user_id}]. The upgrade always succeeds; the join is judged afterwards, so a refused
// client reads why (`error`, then a 4xxx close).
func (s *server) serveRoom(w http.ResponseWriter, req *http.Request) {
	parts := strings.Split(strings.TrimPrefix(req.URL.Path, "/room/"), "/")
	if len(parts) > 2 {
		http.NotFound(w, req)
		return
	}
	if !strings.Contains(strings.ToLower(req.Header.Get("Upgrade")), "websocket") {
		w.Header().Set("Upgrade", "websocket")
		http.Error(w, "This is the room WebSocket; connect with a WebSocket client.", http.StatusUpgradeRequired)
		return
	}
	conn, err := upgrader.Upgrade(w, req, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	query := req.URL.Query()
	userID := query.Get("user_id")
	if len(parts) == 2 {
		userID = parts[1]
	}
	refuse := func(code, reason string, close int) {
		conn.WriteMessage(websocket.TextMessage, errorFrame(code, reason, nil))
		conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(close, code))
	}
	address, _, _ := net.SplitHostPort(req.RemoteAddr)
	if !s.acquireSocket(address) {
		refuse("too_many_connections", "Too many room sockets from this address.", 4029)
		return
	}
	defer s.releaseSocket(address)
	if t, ok := query["type"]; ok && t[0] != "meeting" {
		refuse("invalid_request", "Only type=meeting is served here.", 4000)
		return
	}
	if !validIdentifier(parts[0]) || !validIdentifier(userID) {
		refuse("invalid_identifier", "room_id and user_id must match [A-Za-z0-9._~-]{1,64}.", 4000)
		return
	}
	if query.Has("password") || query.Has("token") {
		refuse("invalid_request", "This baseline serves joins without credentials only.", 4000)
		return
	}
	name := userID
	if n, ok := query["name"]; ok {
		name = n[0]
	}
	if !validName(name) {
		refuse("invalid_name", "The display name is empty, too long or contains control characters.", 4000)
		return
	}
	m := &member{s: s, conn: conn, out: newOutbound(s.limits.outboundLimit),
		p: participant{UserID: userID, Name: name}, tokens: s.limits.chatBurst, refill: time.Now()}
	if _, code, reason, close := s.join(parts[0], m); code != "" {
		refuse(code, reason, close)
		return
	}
	done := make(chan struct{})
	go func() { m.write(); close(done) }()
	m.read()
	<-done
}

// write drains the queue in order until the close frame, an overflow or a failed write. Like Parley's WebSocket
// layer it pings every 30 s and drops a peer that has not answered the previous ping by the next one.
func (m *member) write() {
	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-m.out.wake:
		case <-ping.C:
			if atomic.LoadInt32(&m.awaitingPong) == 1 {
				m.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1001, "Ping timeout"),
					time.Now().Add(time.Second))
				m.drop()
				return
			}
			atomic.StoreInt32(&m.awaitingPong, 1)
			if m.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(10*time.Second)) != nil {
				m.drop()
				return
			}
			continue
		}
		frames, done, overflowed, code, reason := m.out.take()
		for _, frame := range frames {
			if err := m.conn.WriteMessage(websocket.TextMessage, frame); err != nil {
				m.drop()
				return
			}
			m.out.written(len(frame))
		}
		if overflowed {
			// Nothing more can be sent to a reader this slow: out of the room, then the close.
			m.s.leave(m, "dropped")
			m.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4103, "slow_consumer"))
			m.conn.Close() // ends the reader
			return
		}
		if done {
			m.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason))
			return
		}
	}
}

// drop: the socket failed; out of the room, and the reader ends on the closed connection.
func (m *member) drop() {
	m.s.leave(m, "dropped")
	m.out.close(1000, "")
	m.conn.Close()
}

// read runs the member's frames until the peer closes, the socket fails or the member is closed.
func (m *member) read() {
	limits := m.s.limits
	// Fragments may add up to a few times the limit before the transport refuses them; the exact limit is
	// answered below with an `error`, as Parley does.
	m.conn.SetReadLimit(int64(limits.maxMessageBytes) * 4)
	m.conn.SetPongHandler(func(string) error { atomic.StoreInt32(&m.awaitingPong, 0); return nil })
	for {
		m.conn.SetReadDeadline(time.Now().Add(limits.idleTimeout))
		kind, data, err := m.conn.ReadMessage()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				m.terminate(4102, "heartbeat_timeout", "Nothing received within the idle timeout.")
				return
			}
			if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
				m.s.leave(m, "left")
			} else {
				m.s.leave(m, "dropped")
			}
			m.out.close(1000, "")
			return
		}
		if kind == websocket.BinaryMessage {
			m.out.send(errorFrame("malformed_message", "Binary frames are not part of this protocol; send JSON text.", nil))
			continue
		}
		if string(data) == "ping" {
			m.out.send([]byte("pong"))
			continue
		}
		if len(data) > limits.maxMessageBytes {
			m.terminate(1009, "message_too_large", "Messages are limited to 65536 bytes.")
			return
		}
		if m.perform(data) {
			return
		}
	}
}

// terminate: `error`, out of the room, then the close frame.
func (m *member) terminate(close int, code, reason string) {
	m.out.send(errorFrame(code, reason, nil))
	m.s.leave(m, "dropped")
	m.out.close(close, code)
}

// allowChat takes a token from the chat allowance (burst, refilled per second).
func (m *member) allowChat() bool {
	limits := m.s.limits
	now := time.Now()
	m.tokens += now.Sub(m.refill).Seconds() * limits.chatPerSecond
	if m.tokens > limits.chatBurst {
		m.tokens = limits.chatBurst
	}
	m.refill = now
	if m.tokens < 1 {
		return false
	}
	m.tokens--
	return true
}

// perform runs one action frame; true when the connection is over (leave).
func (m *member) perform(data []byte) bool {
	a, refused := parseAction(data)
	if refused != nil {
		m.out.send(errorFrame(refused.code, refused.reason, refused.replyTo))
		return false
	}
	switch a.name {
	case "leave":
		if a.id != nil {
			m.out.send(encodeFrame("ack", ackData{Action: "leave"}, a.id))
		}
		m.s.leave(m, "left")
		m.out.close(1000, "")
		return true
	case "chat":
		if !m.allowChat() {
			m.out.send(errorFrame("rate_limited", "Too many chat messages; slow down.", a.id))
			return false
		}
		code, reason := m.room.chat(m, a)
		switch {
		case code == "gone":
		case code != "":
			m.out.send(errorFrame(code, reason, a.id))
		case a.id != nil:
			m.out.send(encodeFrame("ack", ackData{Action: "chat"}, a.id))
		}
	}
	return false
}
