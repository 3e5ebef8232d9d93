// Room and media sections.

extension ParleyConfig {
    /// `rooms.*`: who may join and how many.
    public struct Rooms: Sendable, Equatable {
        /// MiroTalk's `host.user_auth`: joining needs a MiroTalk token or a Monibuca JWT.
        public var requireToken: Bool
        /// MiroTalk's `presenters.join_first`: the first to join an ad-hoc room presents.
        public var firstIsPresenter: Bool
        /// MiroTalk's `ROOM_MAX_PARTICIPANTS`.
        public var maxParticipants: Int

        public init(requireToken: Bool = false, firstIsPresenter: Bool = true, maxParticipants: Int = 1000) {
            self.requireToken = requireToken
            self.firstIsPresenter = firstIsPresenter
            self.maxParticipants = maxParticipants
        }
    }

    /// `webrtc.*`: the single UDP media port and what is advertised to peers.
    public struct WebRTC: Sendable, Equatable {
        /// One UDP port for all media (0 = an ephemeral port, for tests).
        public var udpPort: Int
        /// Addresses put in ICE candidates; empty = the addresses of the listen interface.
        public var announce: [String]
        /// Sent to clients as `Link` headers.
        public var iceServers: [ICEServer]
        /// Sessions that have not finished ICE and DTLS, per HTTP client address; the next offer gets 503.
        public var maxUnconnectedPerAddress: Int
        /// Sessions that have not finished ICE and DTLS, in all; the next offer gets 503.
        public var maxUnconnected: Int
        /// Sessions (publisher and players) on one stream path; the next WHEP offer gets 503.
        public var maxSessionsPerPath: Int
        /// Seconds a session may take to finish ICE and DTLS before it is closed.
        public var connectTimeout: Int

        public init(udpPort: Int = 9000, announce: [String] = [], iceServers: [ICEServer] = [],
                    maxUnconnectedPerAddress: Int = 20, maxUnconnected: Int = 500, maxSessionsPerPath: Int = 500,
                    connectTimeout: Int = 20) {
            self.udpPort = udpPort
            self.announce = announce
            self.iceServers = iceServers
            self.maxUnconnectedPerAddress = maxUnconnectedPerAddress
            self.maxUnconnected = maxUnconnected
            self.maxSessionsPerPath = maxSessionsPerPath
            self.connectTimeout = connectTimeout
        }
    }

    /// One STUN/TURN server (the WebRTC `RTCIceServer` shape).
    public struct ICEServer: Sendable, Equatable {
        /// `stun:`, `stuns:`, `turn:` or `turns:` URIs (RFC 7064, RFC 7065).
        public var urls: [String]
        public var username: String?
        public var credential: String?

        public static let acceptedSchemes = ["stun:", "stuns:", "turn:", "turns:"]

        public init(urls: [String], username: String? = nil, credential: String? = nil) {
            self.urls = urls
            self.username = username
            self.credential = credential
        }
    }
}
