package main

// The room protocol's JSON: server frames `{"event": NAME, "data": {...}, "reply_to": ID}` (reply_to only on the
// answer to an action with an `id`), every payload field present (null when empty), as spec/room-ws.asyncapi.yaml
// requires; client frames `{"action": NAME, "id": ID?, ...fields}`.

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type participant struct {
	UserID     string `json:"user_id"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	Presenter  bool   `json:"presenter"`
	Audio      bool   `json:"audio"`
	Video      bool   `json:"video"`
	Screen     bool   `json:"screen"`
	Hand       bool   `json:"hand"`
	ChatMuted  bool   `json:"chat_muted"`
	OS         string `json:"os"`
	Browser    string `json:"browser"`
	JoinedAtMs int64  `json:"joined_at_ms"`
}

type roomInfo struct {
	RoomID   string `json:"room_id"`
	Name     string `json:"name"`
	Locked   bool   `json:"locked"`
	Capacity int    `json:"capacity"`
}

// agendaState is a room's agenda; this server has no agenda actions, so it stays empty.
type agendaState struct {
	Items       []struct{} `json:"items"`
	Current     int        `json:"current"`
	Running     bool       `json:"running"`
	ElapsedMs   int64      `json:"elapsed_ms"`
	UpdatedAtMs int64      `json:"updated_at_ms"`
}

type joinedData struct {
	SessionToken string        `json:"session_token"`
	UserID       string        `json:"user_id"`
	Role         string        `json:"role"`
	Room         roomInfo      `json:"room"`
	Participants []participant `json:"participants"`
	Streams      []struct{}    `json:"streams"`
	Agenda       agendaState   `json:"agenda"`
}

type userLeaveData struct {
	UserID string  `json:"user_id"`
	Reason string  `json:"reason"`
	By     *string `json:"by"`
}

type chatData struct {
	Seq  int64   `json:"seq"`
	From string  `json:"from"`
	Name string  `json:"name"`
	Text string  `json:"text"`
	To   *string `json:"to"`
}

type errorData struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

type ackData struct {
	Action string `json:"action"`
}

type envelope struct {
	Event   string          `json:"event"`
	Data    interface{}     `json:"data"`
	ReplyTo json.RawMessage `json:"reply_to,omitempty"`
}

// encodeFrame renders one server frame; replyTo is the client's `id` as JSON, or nil.
func encodeFrame(event string, data interface{}, replyTo json.RawMessage) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as Parley's encoder: `<` stays `<`
	if err := enc.Encode(envelope{Event: event, Data: data, ReplyTo: replyTo}); err != nil {
		return []byte(`{"event":"error","data":{"code":"internal","reason":"encoding failed"}}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func errorFrame(code, reason string, replyTo json.RawMessage) []byte {
	return encodeFrame("error", errorData{Code: code, Reason: reason}, replyTo)
}

// validIdentifier: room and user ids are 1-64 RFC 3986 §2.3 unreserved characters (docs/contracts.md).
func validIdentifier(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._~-", c) >= 0) {
			return false
		}
	}
	return true
}

// validName: a display name is not blank, at most 256 characters, without control characters.
func validName(s string) bool {
	if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > 256 {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// action is a parsed client frame.
type action struct {
	name    string
	id      json.RawMessage // re-encoded `id`, nil when absent
	text    string          // chat
	to      string          // chat; "" for the room
	private bool
}

type refusal struct {
	code, reason string
	replyTo      json.RawMessage
}

const maxChatLength = 4096

// actionFields: the fields each served action may carry besides `action` and `id`, and the required ones.
var actionFields = map[string]struct{ allowed, required []string }{
	"chat":  {[]string{"text", "to"}, []string{"text"}},
	"leave": {nil, nil},
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func invalid(reason string, id json.RawMessage) *refusal {
	return &refusal{code: "invalid_message", reason: reason, replyTo: id}
}

// parseAction reads one text frame as an action, or says why it is not one (the connection stays).
func parseAction(frame []byte) (action, *refusal) {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(frame, &object); err != nil || object == nil {
		return action{}, &refusal{code: "malformed_message", reason: "Frames are the text `ping` or a JSON object."}
	}
	var a action
	if raw, ok := object["id"]; ok && string(raw) != "null" {
		var s string
		var n int64
		if json.Unmarshal(raw, &s) == nil && len(s) <= 128 {
			a.id, _ = json.Marshal(s)
		} else if json.Unmarshal(raw, &n) == nil {
			a.id = []byte(strconv.FormatInt(n, 10))
		} else {
			return action{}, invalid("`id` must be a string of at most 128 bytes or an integer.", nil)
		}
	}
	if raw, ok := object["action"]; !ok || string(raw) == "null" || json.Unmarshal(raw, &a.name) != nil {
		return action{}, invalid("`action` (a string) is required.", a.id)
	}
	spec, known := actionFields[a.name]
	if !known {
		name := a.name
		if utf8.RuneCountInString(name) > 64 {
			name = string([]rune(name)[:64])
		}
		return action{}, &refusal{code: "unknown_action", reason: "Unknown action " + name + ".", replyTo: a.id}
	}
	keys := make([]string, 0, len(object))
	for k := range object {
		if k != "action" && k != "id" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(spec.allowed, k) {
			return action{}, invalid(a.name+" has no field "+k+".", a.id)
		}
	}
	for _, k := range spec.required {
		if _, ok := object[k]; !ok {
			return action{}, invalid(a.name+" needs "+k+".", a.id)
		}
	}
	if a.name == "chat" {
		if json.Unmarshal(object["text"], &a.text) != nil || strings.TrimSpace(a.text) == "" ||
			utf8.RuneCountInString(a.text) > maxChatLength {
			return action{}, invalid("chat: text must be a non-empty string of at most 4096 characters", a.id)
		}
		if raw, ok := object["to"]; ok {
			if json.Unmarshal(raw, &a.to) != nil || !validIdentifier(a.to) {
				return action{}, invalid("chat: to must match [A-Za-z0-9._~-]{1,64}", a.id)
			}
			a.private = true
		}
	}
	return a, nil
}
