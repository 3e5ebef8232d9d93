import Foundation

extension HTTPClient {
    /// The same client pointed at another origin (a redirect to another node), with this one's TLS leniency and
    /// deadlines.
    init(target: Target, like other: HTTPClient) {
        self.target = target
        self.insecure = other.insecure
        self.connectTimeout = other.connectTimeout
        self.responseTimeout = other.responseTimeout
    }

    /// Where a `Location` sends the next request: the client to use (this one, or one for the other origin an
    /// absolute URL names) and the request path relative to that client's base path. RFC 9110 §10.2.2: the value
    /// is a URI reference, absolute or relative to the request's URL; nil when it is neither http(s) nor a path.
    func following(_ location: String, from requestPath: String) -> (client: HTTPClient, path: String)? {
        if let components = URLComponents(string: location), let host = components.host {
            guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                return nil
            }
            let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
            let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            let origin =
                "\(scheme)://\(bracketed)"
                + (components.port.map { ":\($0)" } ?? "")
            guard let target = try? Target(url: origin) else { return nil }
            let sameOrigin =
                target.scheme == self.target.scheme && target.host == self.target.host
                && target.port == self.target.port
            let client = sameOrigin ? self : HTTPClient(target: target, like: self)
            return (client, client.stripBasePath(components.percentEncodedPath) + query)
        }
        if location.hasPrefix("/") { return (self, stripBasePath(location)) }
        // A relative reference (RFC 3986 §5.2): it replaces the last segment of the request path.
        let directory = requestPath.split(separator: "?").first.map(String.init) ?? requestPath
        return (self, String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)]) + "/" + location)
    }

    /// A path the target's base path already prefixes, without it (the client adds it back when sending).
    func stripBasePath(_ path: String) -> String {
        let base = target.basePath
        return base.isEmpty || !path.hasPrefix(base) ? path : String(path.dropFirst(base.count))
    }
}
