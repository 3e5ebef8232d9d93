/// An HTTP/1.1 request read back from a capture (RFC 9112 §3).
public struct CapturedHTTPRequest: Sendable, Equatable {
    public var method: String
    /// The request target as sent (origin form: path and query).
    public var target: String
    public var headers: [HeaderField]
    /// The body after transfer decoding (chunks joined).
    public var body: [UInt8]
    /// Capture time (µs) of the request's first byte.
    public var microseconds: Int64

    public func header(_ name: String) -> String? { headers.value(of: name) }

    /// True for an RFC 6455 §4.1 opening handshake.
    public var isWebSocketUpgrade: Bool {
        method == "GET" && header("upgrade")?.lowercased() == "websocket"
    }
}

/// An HTTP/1.1 response read back from a capture (RFC 9112 §4).
public struct CapturedHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var headers: [HeaderField]
    public var body: [UInt8]
    public var microseconds: Int64

    public func header(_ name: String) -> String? { headers.value(of: name) }
}

/// One WebSocket message (fragments joined, RFC 6455 §5.4) or control frame, in capture order.
public struct CapturedWebSocketMessage: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case text, binary, close, ping, pong
    }
    public var fromClient: Bool
    public var kind: Kind
    public var payload: [UInt8]
    public var microseconds: Int64
}

/// A request, the response that answered it (nil when the capture ends first) and, after a 101 upgrade to
/// WebSocket, the messages both sides sent.
public struct CapturedHTTPExchange: Sendable {
    public var connection: Int
    public var request: CapturedHTTPRequest
    public var response: CapturedHTTPResponse?
    public var webSocketMessages: [CapturedWebSocketMessage]?
}

extension [HeaderField] {
    /// The first value of a header, matched case-insensitively (RFC 9110 §5.1).
    func value(of name: String) -> String? {
        let lowered = name.lowercased()
        return first(where: { $0.name.lowercased() == lowered })?.value
    }
}
