package main

// Rooms and their members. One mutex per room plays the part of Parley's per-room actor (RoomChannel): a chat is
// numbered and queued to every member inside one critical section, so every member sees the same order.

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

type room struct {
	id      string
	created int64 // Unix ms: the agenda's `updated_at_ms` (it never changes here)
	mu      sync.Mutex
	order   []*member // join order: the fan-out order
	byID    map[string]*member
	seq     int64
	removed bool // emptied and dropped from the server; a join retries on a fresh room
}

type server struct {
	limits  limits
	secret  []byte
	mu      sync.Mutex
	rooms   map[string]*room
	sockets map[string]int // open sockets per client address
}

func newServer(l limits, secret []byte) *server {
	return &server{limits: l, secret: secret, rooms: map[string]*room{}, sockets: map[string]int{}}
}

func nowMs() int64 { return time.Now().UnixMilli() }

// acquireSocket counts a socket from this address; false past the per-address limit.
func (s *server) acquireSocket(address string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sockets[address] >= s.limits.socketsPerAddress {
		return false
	}
	s.sockets[address]++
	return true
}

func (s *server) releaseSocket(address string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sockets[address] <= 1 {
		delete(s.sockets, address)
	} else {
		s.sockets[address]--
	}
}

func (s *server) room(id string) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rooms[id]
	if r == nil {
		r = &room{id: id, created: nowMs(), byID: map[string]*member{}}
		s.rooms[id] = r
	}
	return r
}

// sessionToken signs "room\nuser\nnonce\nexpiry" with HMAC-SHA256, in the shape of Parley's room session tokens.
func (s *server) sessionToken(roomID, userID string) string {
	nonce := make([]byte, 8)
	rand.Read(nonce)
	expiry := time.Now().Add(s.limits.tokenLifetime).Unix()
	payload := roomID + "\n" + userID + "\n" + hex.EncodeToString(nonce) + "\n" + strconv.FormatInt(expiry, 10)
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(payload))
	enc := base64.RawURLEncoding
	return "pst2." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(mac.Sum(nil))
}

// join admits m into the room: `joined` to it, then `userjoin` to everyone else. Empty code: admitted.
func (s *server) join(roomID string, m *member) (r *room, code, reason string, close int) {
	for {
		r = s.room(roomID)
		r.mu.Lock()
		if !r.removed {
			break
		}
		r.mu.Unlock()
	}
	defer r.mu.Unlock()
	if len(r.order) >= s.limits.capacity {
		return nil, "room_full", "The room is full.", 4013
	}
	if r.byID[m.p.UserID] != nil {
		return nil, "duplicate_user", "That user id is already in the room.", 4009
	}
	// An ad-hoc room belongs to whoever opens it (rooms.first_is_presenter).
	if len(r.order) == 0 {
		m.p.Role, m.p.Presenter = "presenter", true
	} else {
		m.p.Role = "participant"
	}
	m.p.JoinedAtMs = nowMs()
	m.room = r
	everyone := make([]participant, 0, len(r.order)+1)
	for _, other := range r.order {
		everyone = append(everyone, other.p)
	}
	everyone = append(everyone, m.p)
	m.out.send(encodeFrame("joined", joinedData{
		SessionToken: s.sessionToken(r.id, m.p.UserID), UserID: m.p.UserID, Role: m.p.Role,
		Room:         roomInfo{RoomID: r.id, Name: r.id, Locked: false, Capacity: s.limits.capacity},
		Participants: everyone, Streams: []struct{}{},
		Agenda: agendaState{Items: []struct{}{}, Current: -1, UpdatedAtMs: r.created},
	}, nil))
	r.broadcast(encodeFrame("userjoin", m.p, nil))
	r.order = append(r.order, m)
	r.byID[m.p.UserID] = m
	return r, "", "", 0
}

// leave takes m out of its room (once) and tells the others why; the last one out drops the room.
func (s *server) leave(m *member, reason string) {
	r := m.room
	if r == nil {
		return
	}
	r.mu.Lock()
	if r.byID[m.p.UserID] != m {
		r.mu.Unlock()
		return
	}
	delete(r.byID, m.p.UserID)
	for i, other := range r.order {
		if other == m {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
	r.broadcast(encodeFrame("userleave", userLeaveData{UserID: m.p.UserID, Reason: reason}, nil))
	empty := len(r.order) == 0
	if empty {
		r.removed = true
	}
	r.mu.Unlock()
	if empty {
		s.mu.Lock()
		if s.rooms[r.id] == r {
			delete(s.rooms, r.id)
		}
		s.mu.Unlock()
	}
}

// broadcast queues one encoded frame to every member, in join order. Caller holds r.mu.
func (r *room) broadcast(frame []byte) {
	for _, m := range r.order {
		m.out.send(frame)
	}
}

// chat numbers one message, encodes it once and queues it to the room (or to `to` and a copy to the sender).
// Empty code: sent; "gone": the sender already left (nothing is answered, as in Parley).
func (r *room) chat(sender *member, a action) (code, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID[sender.p.UserID] != sender {
		return "gone", ""
	}
	if sender.p.ChatMuted {
		return "chat_muted", "A moderator muted your chat."
	}
	var recipient *member
	if a.private {
		if recipient = r.byID[a.to]; recipient == nil {
			return "participant_not_found", "No such participant in this room."
		}
	}
	r.seq++
	data := chatData{Seq: r.seq, From: sender.p.UserID, Name: sender.p.Name, Text: a.text}
	if a.private {
		data.To = &a.to
	}
	frame := encodeFrame("msg", data, nil)
	if recipient != nil {
		recipient.out.send(frame)
		if recipient != sender {
			sender.out.send(frame)
		}
	} else {
		r.broadcast(frame)
	}
	return "", ""
}
