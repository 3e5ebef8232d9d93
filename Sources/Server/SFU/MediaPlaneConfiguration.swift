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

    public init(bindHost: String = "0.0.0.0", udpPort: Int = 9000, announce: [String] = [],
                consentTimeout: Duration = .seconds(30)) {
        self.bindHost = bindHost
        self.udpPort = udpPort
        self.announce = announce
        self.consentTimeout = consentTimeout
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
    case internalFailure(String)

    public var description: String {
        switch self {
        case .unsupported(let reason): reason
        case .pathBusy: "a publisher is already live on this stream path"
        case .noPublisher: "no publisher on this stream path"
        case .unknownSession: "no such session"
        case .internalFailure(let reason): reason
        }
    }
}
