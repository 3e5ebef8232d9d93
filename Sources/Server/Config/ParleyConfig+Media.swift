// Room and media sections.

extension ParleyConfig {
    /// `rooms.*`: who may join and how many, and what one room WebSocket may cost.
    public struct Rooms: Sendable, Equatable {
        /// MiroTalk's `host.user_auth`: joining needs a MiroTalk token or a Monibuca JWT.
        public var requireToken: Bool
        /// MiroTalk's `presenters.join_first`: the first to join an ad-hoc room presents.
        public var firstIsPresenter: Bool
        /// MiroTalk's `ROOM_MAX_PARTICIPANTS`.
        public var maxParticipants: Int
        /// Open room WebSockets per client address.
        public var maxConnectionsPerAddress: Int
        /// Lifetime of a room `session_token`, in seconds.
        public var sessionTokenExpire: Int
        /// Per connection: `chat` messages per second, and how many may come at once.
        public var chatPerSecond: Int
        public var chatBurst: Int
        /// Per connection: `transcript` segments per second, and how many may come at once.
        public var transcriptPerSecond: Int
        public var transcriptBurst: Int
        /// Largest `transcript` text, in UTF-8 bytes (every member receives it).
        public var transcriptMaxBytes: Int
        /// Per connection: every other action that reaches the room (`hand`, `media`, `agenda.*`, moderation)
        /// per second, and how many may come at once.
        public var actionsPerSecond: Int
        public var actionsBurst: Int
        /// Wrong-password joins one address may make to one room within `passwordWindow` seconds.
        public var passwordMaxFailures: Int
        public var passwordWindow: Int

        public init(
            requireToken: Bool = false, firstIsPresenter: Bool = true, maxParticipants: Int = 1000,
            maxConnectionsPerAddress: Int = 1000, sessionTokenExpire: Int = 43_200,
            chatPerSecond: Int = 5, chatBurst: Int = 20,
            transcriptPerSecond: Int = 10, transcriptBurst: Int = 40, transcriptMaxBytes: Int = 4096,
            actionsPerSecond: Int = 5, actionsBurst: Int = 20,
            passwordMaxFailures: Int = 5, passwordWindow: Int = 60
        ) {
            self.requireToken = requireToken
            self.firstIsPresenter = firstIsPresenter
            self.maxParticipants = maxParticipants
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.sessionTokenExpire = sessionTokenExpire
            self.chatPerSecond = chatPerSecond
            self.chatBurst = chatBurst
            self.transcriptPerSecond = transcriptPerSecond
            self.transcriptBurst = transcriptBurst
            self.transcriptMaxBytes = transcriptMaxBytes
            self.actionsPerSecond = actionsPerSecond
            self.actionsBurst = actionsBurst
            self.passwordMaxFailures = passwordMaxFailures
            self.passwordWindow = passwordWindow
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

        public init(
            udpPort: Int = 9000, announce: [String] = [], iceServers: [ICEServer] = [],
            maxUnconnectedPerAddress: Int = 20, maxUnconnected: Int = 500, maxSessionsPerPath: Int = 500,
            connectTimeout: Int = 20
        ) {
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
