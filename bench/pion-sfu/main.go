// A broadcast SFU on Pion (the shape of Pion's broadcast/reflect examples) with a WHIP/WHEP HTTP front, so
// `make bench` drives it with the same load generator as Parley: POST /webrtc/whip/{path} publishes,
// POST /webrtc/whep/{path} plays, DELETE /webrtc/session/{id} ends a session. Loopback only.
//
// Build offline from Debian's packages (GO111MODULE=off, see scripts/bench.sh). Usage: pion-sfu HOST:PORT
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v3"
)

type server struct {
	api      *webrtc.API
	mu       sync.Mutex
	tracks   map[string][]*webrtc.TrackLocalStaticRTP // stream path -> the publisher's audio (and VP8), fanned out by Pion
	sessions map[string]*webrtc.PeerConnection
	nextID   uint64
}

func newAPI() *webrtc.API {
	media := &webrtc.MediaEngine{}
	if err := media.RegisterDefaultCodecs(); err != nil {
		log.Fatal(err)
	}
	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(media, registry); err != nil {
		log.Fatal(err)
	}
	settings := webrtc.SettingEngine{}
	settings.SetIncludeLoopbackCandidate(true)
	settings.SetIPFilter(func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) })
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// The load generator is a DTLS client only (as WHIP/WHEP servers usually answer passive).
	if err := settings.SetAnsweringDTLSRole(webrtc.DTLSRoleServer); err != nil {
		log.Fatal(err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(media), webrtc.WithInterceptorRegistry(registry),
		webrtc.WithSettingEngine(settings))
}

// answer completes the offer/answer with every candidate gathered (no trickle) and registers the session.
func (s *server) answer(w http.ResponseWriter, pc *webrtc.PeerConnection, offer string) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		pc.Close()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		pc.Close()
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		pc.Close()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	<-gathered
	id := fmt.Sprintf("%d", atomic.AddUint64(&s.nextID, 1))
	s.mu.Lock()
	s.sessions[id] = pc
	s.mu.Unlock()
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		if state == webrtc.PeerConnectionStateFailed || state == webrtc.PeerConnectionStateClosed {
			s.mu.Lock()
			delete(s.sessions, id)
			s.mu.Unlock()
			pc.Close()
		}
	})
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/webrtc/session/"+id)
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, pc.LocalDescription().SDP)
}

func (s *server) publish(w http.ResponseWriter, path, offer string) {
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	audio, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	tracks := []*webrtc.TrackLocalStaticRTP{audio}
	kinds := []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio}
	var video *webrtc.TrackLocalStaticRTP
	if strings.Contains(offer, "m=video") {
		video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		tracks = append(tracks, video)
		kinds = append(kinds, webrtc.RTPCodecTypeVideo)
	}
	s.mu.Lock()
	s.tracks[path] = tracks
	s.mu.Unlock()
	for _, kind := range kinds {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	// Broadcast: every RTP packet of the publisher is written to the shared local track of its kind, which Pion
	// sends to each player with that player's SSRC and payload type.
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		track := audio
		if remote.Kind() == webrtc.RTPCodecTypeVideo {
			track = video
		}
		if track == nil {
			return
		}
		buffer := make([]byte, 1500)
		for {
			n, _, err := remote.Read(buffer)
			if err != nil {
				return
			}
			if _, err := track.Write(buffer[:n]); err != nil && err != io.ErrClosedPipe {
				return
			}
		}
	})
	s.answer(w, pc, offer)
}

func (s *server) play(w http.ResponseWriter, path, offer string) {
	s.mu.Lock()
	tracks := s.tracks[path]
	s.mu.Unlock()
	if len(tracks) == 0 {
		http.Error(w, "nobody publishes "+path, http.StatusNotFound)
		return
	}
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for _, track := range tracks {
		sender, err := pc.AddTrack(track)
		if err != nil {
			pc.Close()
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		// RTCP from the player must be read for the interceptors (NACK, reports) to run.
		go func() {
			buffer := make([]byte, 1500)
			for {
				if _, _, err := sender.Read(buffer); err != nil {
					return
				}
			}
		}()
	}
	s.answer(w, pc, offer)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && (strings.HasPrefix(r.URL.Path, "/webrtc/whip/") || strings.HasPrefix(r.URL.Path, "/webrtc/whep/")):
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.Header.Get("Content-Type") != "application/sdp" {
			http.Error(w, "offer must be application/sdp", http.StatusUnsupportedMediaType)
			return
		}
		path := r.URL.Path[len("/webrtc/whip/"):]
		if strings.HasPrefix(r.URL.Path, "/webrtc/whip/") {
			s.publish(w, path, string(body))
		} else {
			s.play(w, path, string(body))
		}
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/webrtc/session/"):
		id := r.URL.Path[len("/webrtc/session/"):]
		s.mu.Lock()
		pc := s.sessions[id]
		delete(s.sessions, id)
		s.mu.Unlock()
		if pc == nil {
			http.NotFound(w, r)
			return
		}
		pc.Close()
		w.WriteHeader(http.StatusOK)
	case r.URL.Path == "/healthz":
		io.WriteString(w, "ok\n")
	default:
		http.NotFound(w, r)
	}
}

func main() {
	if len(os.Args) != 2 || !strings.HasPrefix(os.Args[1], "127.0.0.1:") {
		log.Fatal("usage: pion-sfu 127.0.0.1:PORT")
	}
	s := &server{api: newAPI(), tracks: map[string][]*webrtc.TrackLocalStaticRTP{}, sessions: map[string]*webrtc.PeerConnection{}}
	log.Fatal(http.ListenAndServe(os.Args[1], s))
}
