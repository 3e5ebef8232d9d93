import Foundation

/// The server under test, from `--target URL`.
public struct Target: Sendable, Codable, Equatable {
    public let url: String
    public let scheme: String
    public let host: String
    public let port: Int
    public let basePath: String

    public init(url: String) throws(TransportError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw .badTarget("\(url) (expected http://HOST[:PORT] or https://HOST[:PORT])")
        }
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        var base = components.path
        while base.hasSuffix("/") { base.removeLast() }
        self.basePath = base
    }

    public var isTLS: Bool { scheme == "https" }

    /// The `Host` header value the runner sends (RFC 9110 §7.2): the port is included unless it is the default.
    public var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let defaultPort = isTLS ? 443 : 80
        return port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    public func absoluteURL(_ path: String) -> String {
        "\(scheme)://\(hostHeader)\(basePath)\(path)"
    }
}
