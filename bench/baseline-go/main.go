// Baseline for `make bench`: Go's net/http (the stack Monibuca is written on) serving the same three REST
// contracts as Parley, standard library only:
//
//	GET /api/v1/stats       MiroTalk: raw `authorization` key, ISO timestamp, room and user counts
//	GET /api/streams        Monibuca: HS256 Bearer JWT, the envelope around an empty stream list
//	GET /meeting/api/rooms  Meeting plugin: HS256 Bearer JWT, the envelope around N rooms
//
// Usage: baseline PORT (API_KEY_SECRET, PARLEY_AUTH_SECRET and BENCH_ROOMS from the environment).
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type room struct {
	users map[string]struct{}
	// Field names and order as Parley's sorted-key encoder writes them.
	ChatMutedOnJoin  bool    `json:"chat_muted_on_join"`
	CreatedAt        string  `json:"created_at"`
	HasPassword      bool    `json:"has_password"`
	Locked           bool    `json:"locked"`
	Lobby            bool    `json:"lobby"`
	MaxParticipants  int     `json:"max_participants"`
	Name             string  `json:"name"`
	Origin           string  `json:"origin"`
	ParticipantCount int     `json:"participant_count"`
	RecordOnStart    bool    `json:"record_on_start"`
	RoomID           string  `json:"room_id"`
	StreamCount      int     `json:"stream_count"`
	TemplateID       *string `json:"template_id"`
}

// registry stands in for Parley's room registry: a lock around a map, read per request.
type registry struct {
	mu    sync.Mutex
	rooms []*room
}

type envelope struct {
	Code    int         `json:"code"`
	Data    interface{} `json:"data"`
	Message string      `json:"message"`
}

type stats struct {
	Success    bool   `json:"success"`
	Timestamp  string `json:"timestamp"`
	TotalRooms int    `json:"totalRooms"`
	TotalUsers int    `json:"totalUsers"`
}

func writeJSON(w http.ResponseWriter, status int, body interface{}) {
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(data)
}

// verifyJWT checks an HS256 token the way Parley's Monibuca face does: signature, then exp.
func verifyJWT(header string, secret []byte) bool {
	token := strings.TrimPrefix(strings.TrimSpace(header), "Bearer ")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	signature, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(signature, mac.Sum(nil)) {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var claims struct {
		Sub string  `json:"sub"`
		Exp float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Sub == "" {
		return false
	}
	return float64(time.Now().Unix()) < claims.Exp
}

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: baseline PORT")
	}
	key := os.Getenv("API_KEY_SECRET")
	authSecret := []byte(os.Getenv("PARLEY_AUTH_SECRET"))
	count, _ := strconv.Atoi(os.Getenv("BENCH_ROOMS"))
	reg := &registry{}
	created := time.Now().UTC().Format("2006-01-02T15:04:05Z")
	for i := 0; i < count; i++ {
		id := fmt.Sprintf("bench-%04d", i)
		reg.rooms = append(reg.rooms, &room{users: map[string]struct{}{}, CreatedAt: created,
			MaxParticipants: 1000, Name: id, Origin: "rest", RoomID: id})
	}
	unauthorized := map[string]string{"code": "401", "message": "invalid token"}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		presented := r.Header.Get("Authorization")
		if key == "" || subtle.ConstantTimeCompare([]byte(presented), []byte(key)) != 1 {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "Unauthorized!"})
			return
		}
		reg.mu.Lock()
		rooms, users := len(reg.rooms), 0
		for _, room := range reg.rooms {
			users += len(room.users)
		}
		reg.mu.Unlock()
		// Date.prototype.toISOString: UTC, milliseconds, Z.
		now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
		writeJSON(w, http.StatusOK, stats{Success: true, Timestamp: now, TotalRooms: rooms, TotalUsers: users})
	})
	mux.HandleFunc("/api/streams", func(w http.ResponseWriter, r *http.Request) {
		if !verifyJWT(r.Header.Get("Authorization"), authSecret) {
			writeJSON(w, http.StatusUnauthorized, unauthorized)
			return
		}
		writeJSON(w, http.StatusOK, envelope{Data: map[string]interface{}{"streams": []int{}, "total": 0},
			Message: "success"})
	})
	mux.HandleFunc("/meeting/api/rooms", func(w http.ResponseWriter, r *http.Request) {
		if !verifyJWT(r.Header.Get("Authorization"), authSecret) {
			writeJSON(w, http.StatusUnauthorized, unauthorized)
			return
		}
		reg.mu.Lock()
		list := make([]room, 0, len(reg.rooms))
		for _, room := range reg.rooms {
			copied := *room
			copied.ParticipantCount = len(room.users)
			list = append(list, copied)
		}
		reg.mu.Unlock()
		writeJSON(w, http.StatusOK, envelope{Data: struct {
			Rooms []room `json:"rooms"`
			Total int    `json:"total"`
		}{list, len(list)}, Message: "success"})
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[1], mux))
}
