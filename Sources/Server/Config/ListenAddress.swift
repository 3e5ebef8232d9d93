// `http.listen`: a Go-style `host:port` listen address (as Monibuca's `listenaddr`).

/// A host and TCP port to listen on. An empty host means every interface (Go's `:8080`).
public struct ListenAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Host name or IP literal without brackets; empty = every interface.
    public var host: String
    /// 0 = an ephemeral port chosen by the system.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why a listen address was refused.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Parses `:8080`, `0.0.0.0:8080`, `127.0.0.1:0`, `[::1]:8080`, `localhost:9`, or a bare port `8080`.
    public init(parsing text: String) throws(ParseError) {
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit) {
            self.init(host: "", port: try Self.port(text))
            return
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ParseError(reason: "missing ']' after the IPv6 host")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ParseError(reason: "missing ':PORT' after ']'") }
            guard !host.isEmpty, host.contains(":"),
                host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" || $0.isASCIIAlphaNumeric })
            else { throw ParseError(reason: "'\(host)' is not an IPv6 address") }
            self.init(host: host, port: try Self.port(String(rest.dropFirst())))
            return
        }
        guard let colon = text.lastIndex(of: ":") else {
            throw ParseError(reason: "expected HOST:PORT, e.g. ':8080' or '127.0.0.1:8080'")
        }
        let host = String(text[..<colon])
        if host.contains(":") {
            throw ParseError(reason: "an IPv6 host needs brackets, e.g. '[::1]:8080'")
        }
        guard host.allSatisfy({ $0.isASCIIAlphaNumeric || $0 == "." || $0 == "-" || $0 == "_" }) else {
            throw ParseError(reason: "'\(host)' is not a host name or IP address")
        }
        self.init(host: host, port: try Self.port(String(text[text.index(after: colon)...])))
    }

    /// `host:port`, bracketing IPv6 hosts, so that `ListenAddress(parsing: a.description) == a`.
    public var description: String {
        if host.contains(":") { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }

    private static func port(_ text: String) throws(ParseError) -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCIIDigit), let port = Int(text) else {
            throw ParseError(reason: "the port must be a number from 0 to 65535, got '\(text)'")
        }
        guard port <= 65_535 else {
            throw ParseError(reason: "the port must be a number from 0 to 65535, got \(port)")
        }
        return port
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIIAlphaNumeric: Bool { isASCII && (isLetter || isNumber) }
}
