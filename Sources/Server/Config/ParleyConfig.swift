// Parley's effective configuration: every key of the contract table (docs/configuration.md), with its built-in
// default. Values come from `ConfigLoader`, which layers flag > environment > file > default.

/// The whole configuration of `parley-server`. Built-in defaults are what `init()` gives.
public struct ParleyConfig: Sendable, Equatable {
    public var http: HTTP
    public var tls: TLS
    /// SQLite database, generated secrets, recordings and captures live here.
    public var dataDir: String
    public var log: Log
    public var api: API
    public var jwt: JWT
    public var auth: Auth
    public var streamAuth: StreamAuth
    public var rooms: Rooms
    public var webrtc: WebRTC
    /// `recording.*`: meeting recordings (ParleyConfig+Recording).
    public var recording: Recording
    /// `capture.*`: debug captures of decrypted media (ParleyConfig+Capture).
    public var capture: Capture
    /// `cluster.*`: PostgreSQL and node identity when several nodes run as one service (ParleyConfig+Cluster).
    public var cluster: Cluster

    public init(
        http: HTTP = HTTP(), tls: TLS = TLS(), dataDir: String = "./data", log: Log = Log(),
        api: API = API(), jwt: JWT = JWT(), auth: Auth = Auth(), streamAuth: StreamAuth = StreamAuth(),
        rooms: Rooms = Rooms(), webrtc: WebRTC = WebRTC(),
        recording: Recording = Recording(), capture: Capture = Capture(), cluster: Cluster = Cluster()
    ) {
        self.http = http
        self.tls = tls
        self.dataDir = dataDir
        self.log = log
        self.api = api
        self.jwt = jwt
        self.auth = auth
        self.streamAuth = streamAuth
        self.rooms = rooms
        self.webrtc = webrtc
        self.recording = recording
        self.capture = capture
        self.cluster = cluster
    }

    /// `http.*`: the one listening socket (plain HTTP and TLS on the same port) and its request limits.
    public struct HTTP: Sendable, Equatable {
        public var listen: ListenAddress
        public var cors: Bool
        /// Empty = echo any request `Origin` (as Monibuca v5); non-empty = only these origins are echoed.
        public var corsOrigins: [String]
        /// Base of links the APIs hand out; empty = `https://` + the request's Host (as MiroTalk).
        public var publicURL: String
        /// Larger request bodies are answered 413.
        public var maxBodyBytes: Int
        /// Routes whose whole answer is known at once (`GET /api/v1/stats`) are answered on the connection's event
        /// loop, byte for byte as the router would; false = the router answers every request.
        public var immediateRoutes: Bool

        public init(
            listen: ListenAddress = ListenAddress(host: "", port: 8080), cors: Bool = true,
            corsOrigins: [String] = [], publicURL: String = "", maxBodyBytes: Int = 1_048_576,
            immediateRoutes: Bool = true
        ) {
            self.listen = listen
            self.cors = cors
            self.corsOrigins = corsOrigins
            self.publicURL = publicURL
            self.maxBodyBytes = maxBodyBytes
            self.immediateRoutes = immediateRoutes
        }
    }

    /// `tls.*`: PEM paths. Both empty = a self-signed pair generated into the data dir on first start.
    public struct TLS: Sendable, Equatable {
        public var cert: String
        public var key: String

        public init(cert: String = "", key: String = "") {
            self.cert = cert
            self.key = key
        }

        /// True when neither path is set, so the server must generate (or reuse) its self-signed pair.
        public var usesGeneratedCertificate: Bool { cert.isEmpty && key.isEmpty }
    }

    /// `log.*`.
    public struct Log: Sendable, Equatable {
        public var level: LogLevel

        public init(level: LogLevel = .info) {
            self.level = level
        }
    }
}
