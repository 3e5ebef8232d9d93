import Foundation

/// One header field as sent or received, in wire order and wire case.
public struct HeaderField: Sendable, Codable, Equatable {
    public let name: String
    public let value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

public struct HTTPRequest: Sendable {
    public var method: String
    /// Path plus query, e.g. `/api/v1/stats`. Relative to the target's base path.
    public var path: String
    public var headers: [HeaderField]
    public var body: [UInt8]?

    public init(method: String, path: String, headers: [HeaderField] = [], body: [UInt8]? = nil) {
        self.method = method; self.path = path; self.headers = headers; self.body = body
    }

    public init(method: String, path: String, headers: [HeaderField] = [], json: JSONValue) {
        var headers = headers
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(HeaderField("Content-Type", "application/json"))
        }
        self.init(method: method, path: path, headers: headers, body: Array(json.compactText.utf8))
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    public let reason: String
    public let headers: [HeaderField]
    public let body: [UInt8]

    public init(status: Int, reason: String, headers: [HeaderField], body: [UInt8]) {
        self.status = status; self.reason = reason; self.headers = headers; self.body = body
    }

    /// The first value of a header, matched case-insensitively (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first(where: { $0.name.lowercased() == lowered })?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON, or the parse error's description.
    public var json: Result<JSONValue, JSONParseError> {
        do { return .success(try JSONValue.parse(body)) } catch { return .failure(error) }
    }

    public var jsonValue: JSONValue? { try? json.get() }
}

/// Why an exchange did not produce a response; each is a harness/network outcome (BROKEN), never a target FAIL.
public enum TransportError: Error, Sendable, CustomStringConvertible {
    case badTarget(String)
    case connect(String)
    case connectTimeout(seconds: Double)
    case responseTimeout(seconds: Double)
    case closedEarly(receivedBytes: Int)
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .badTarget(let why): "bad target URL: \(why)"
        case .connect(let why): "connect failed: \(why)"
        case .connectTimeout(let s): "connect phase timed out after \(s) s"
        case .responseTimeout(let s): "response phase timed out after \(s) s"
        case .closedEarly(let n): "connection closed before a complete response (\(n) bytes received)"
        case .malformedResponse(let why): "malformed HTTP response: \(why)"
        }
    }

    /// The phase in which the exchange failed, as the report names it.
    public var phase: String {
        switch self {
        case .badTarget: "setup"
        case .connect, .connectTimeout: "connect"
        case .responseTimeout, .closedEarly, .malformedResponse: "response"
        }
    }
}

/// The recorded evidence of one exchange: what was sent and what came back, for reports and `curl` repro lines.
public struct WireExchange: Sendable, Codable {
    public struct Request: Sendable, Codable {
        public let method: String
        public let url: String
        public let headers: [HeaderField]
        public let body: String?
    }
    public struct Response: Sendable, Codable {
        public let status: Int
        public let reason: String
        public let headers: [HeaderField]
        public let body: String
    }
    public let request: Request
    public let response: Response?
    public let error: String?
    public let startedAt: Date
    public let durationMs: Double

    /// A shell line that repeats the request with curl.
    public var curlLine: String {
        var parts = ["curl", "-sS", "-i"]
        if request.url.hasPrefix("https") { parts.append("-k") }
        if request.method != "GET" || request.body != nil { parts += ["-X", request.method] }
        for header in request.headers
        where header.name.lowercased() != "host" && header.name.lowercased() != "content-length"
            && header.name.lowercased() != "connection"
        {
            parts += ["-H", Self.shellQuoted("\(header.name): \(header.value)")]
        }
        if let body = request.body {
            parts += ["--data-binary", Self.shellQuoted(body.count > 2000 ? "@large-body.txt" : body)]
        }
        parts.append(Self.shellQuoted(request.url))
        return parts.joined(separator: " ")
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
