/// Where the media plane listens and what it advertises (`webrtc.*` in the configuration).
public struct MediaPlaneConfiguration: Sendable, Hashable {
    /// Address the UDP socket binds. Bind the advertised address, not a wildcard, on multi-homed hosts: aioice and
    /// pion drop STUN responses from another source address (docs/interop.md §2).
    public var bindHost: String
    /// `webrtc.udp_port`; 0 picks an ephemeral port (tests).
    public var udpPort: Int
    /// `webrtc.announce`: IP literals put in host candidates. Empty = the bound address, or every interface
    /// address when bound to a wildcard.
    public var announce: [String]
    /// RFC 7675 consent timeout.
    public var consentTimeout: Duration
    /// Caps on sessions (`webrtc.max_*`).
    public var limits: MediaPlaneLimits
    /// `capture.*`: debug captures (docs/capture-format.md).
    public var capture: CaptureSettings

    public init(
        bindHost: String = "0.0.0.0", udpPort: Int = 9000, announce: [String] = [],
        consentTimeout: Duration = .seconds(30), limits: MediaPlaneLimits = MediaPlaneLimits(),
        capture: CaptureSettings = CaptureSettings()
    ) {
        self.capture = capture
        self.bindHost = bindHost
        self.udpPort = udpPort
        self.announce = announce
        self.consentTimeout = consentTimeout
        self.limits = limits
    }
}

/// How many sessions the plane holds. An unconnected session (ICE and DTLS not finished) costs an OpenSSL object,
/// handshake CPU and tick time while it waits, and anyone who may POST an offer can open one, so those are capped
/// per HTTP client address and in all, and dropped when they do not connect in time.
public struct MediaPlaneLimits: Sendable, Hashable {
    /// `webrtc.max_unconnected_per_address`: unconnected sessions opened from one client IP address.
    public var maxUnconnectedPerAddress: Int
    /// `webrtc.max_unconnected`: unconnected sessions in all.
    public var maxUnconnected: Int
    /// `webrtc.max_sessions_per_path`: sessions (the publisher and every player) on one stream path.
    public var maxSessionsPerPath: Int
    /// `webrtc.connect_timeout`: a session that has not finished ICE and DTLS by then is closed.
    public var connectTimeout: Duration

    public init(
        maxUnconnectedPerAddress: Int = 20, maxUnconnected: Int = 500, maxSessionsPerPath: Int = 500,
        connectTimeout: Duration = .seconds(20)
    ) {
        self.maxUnconnectedPerAddress = maxUnconnectedPerAddress
        self.maxUnconnected = maxUnconnected
        self.maxSessionsPerPath = maxSessionsPerPath
        self.connectTimeout = connectTimeout
    }
}

/// Why the media plane refused a session request.
public enum MediaPlaneError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offer cannot be served (HTTP 422).
    case unsupported(String)
    /// A publisher is already live on the path (HTTP 409).
    case pathBusy
    /// Nobody publishes on the path (HTTP 404).
    case noPublisher
    case unknownSession
    /// A session cap is reached (HTTP 503 with `Retry-After: retryAfterSeconds`).
    case overloaded(String, retryAfterSeconds: Int)
    /// The UDP media port could not be bound (start-up fails with this message).
    case portUnavailable(String)
    case internalFailure(String)

    public var description: String {
        switch self {
        case .overloaded(let reason, _): reason
        case .portUnavailable(let reason): reason
        case .unsupported(let reason): reason
        case .pathBusy: "a publisher is already live on this stream path"
        case .noPublisher: "no publisher on this stream path"
        case .unknownSession: "no such session"
        case .internalFailure(let reason): reason
        }
    }
}
