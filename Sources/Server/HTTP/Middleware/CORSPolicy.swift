import HTTPTypes
import ParleyConfig

/// `http.cors` / `http.cors_origins` as a decision per request, with Monibuca v5's header set (docs/contracts.md §CORS)
/// widened for the other faces (PATCH and `If-Match` for WHIP trickle; WHIP's `Location`, `ETag`, `Link` exposed).
public struct CORSPolicy: Sendable, Equatable {
    public static let allowMethods = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
    public static let allowHeaders = "Content-Type,Access-Token,Authorization,If-Match,X-Request-Id"
    public static let exposeHeaders = "New-Token,Location,ETag,Link,Retry-After,X-Request-Id"
    /// Seconds a browser may cache a preflight answer (Chromium caps this at 7200).
    public static let maxAge = "7200"

    public let enabled: Bool
    /// Empty = echo any origin (v5). `*` in the list means the same.
    public let origins: Set<String>
    let echoesAnyOrigin: Bool

    public init(enabled: Bool, origins: [String]) {
        self.enabled = enabled
        self.origins = Set(origins.map(Self.canonical))
        self.echoesAnyOrigin = self.origins.isEmpty || self.origins.contains("*")
    }

    public init(_ http: ParleyConfig.HTTP) {
        self.init(enabled: http.cors, origins: http.corsOrigins)
    }

    /// What `Access-Control-Allow-Origin` should say for a request with this `Origin`, or nil for no CORS
    /// headers. Without an `Origin`, v5 answers `*` (only when no list is configured).
    public func allowedOrigin(for origin: String?) -> String? {
        guard enabled else { return nil }
        guard let origin, !origin.isEmpty else { return echoesAnyOrigin ? "*" : nil }
        if echoesAnyOrigin || origins.contains(Self.canonical(origin)) { return origin }
        return nil
    }

    // Every response carries these: built and validated once, appended as they are (no per-request field
    // construction, no search for an existing field — no handler sets CORS headers, this policy owns them).
    static let varyOrigin = HTTPField(name: .vary, value: "Origin")
    static let anyOrigin = HTTPField(name: .accessControlAllowOrigin, value: "*")
    static let sharedFields: [HTTPField] = [
        HTTPField(name: .accessControlAllowCredentials, value: "true"),
        HTTPField(name: .accessControlAllowHeaders, value: allowHeaders),
        HTTPField(name: .accessControlAllowMethods, value: allowMethods),
        HTTPField(name: .accessControlExposeHeaders, value: exposeHeaders),
        HTTPField(name: .crossOriginResourcePolicy, value: "cross-origin"),
        HTTPField(name: .accessControlAllowPrivateNetwork, value: "true"),
    ]
    static let preflightMaxAge = HTTPField(name: .accessControlMaxAge, value: maxAge)

    /// Adds the CORS headers to a response for a request carrying `origin`.
    public func decorate(_ headers: inout HTTPFields, origin: String?, preflight: Bool) {
        guard enabled else { return }
        // The answer depends on Origin whenever it echoes one or a list filters: caches must key on it.
        if origin != nil || !echoesAnyOrigin { headers.append(Self.varyOrigin) }
        guard let allowed = allowedOrigin(for: origin) else { return }
        if let origin, !origin.isEmpty {
            headers.append(HTTPField(name: .accessControlAllowOrigin, value: allowed))
        } else {
            headers.append(Self.anyOrigin)
        }
        headers.append(contentsOf: Self.sharedFields)
        if preflight { headers.append(Self.preflightMaxAge) }
    }

    /// What ``decorate(_:origin:preflight:)`` adds to an answer that is not a preflight, as HTTP/1 field lines
    /// (`name: value` CRLF), for answers written as bytes (``ImmediateExchange``).
    func appendFieldLines(origin: String?, to head: inout HTTP1HeadAppender) {
        guard enabled else { return }
        if origin != nil || !echoesAnyOrigin { head.append(Self.varyOriginLine) }
        guard let allowed = allowedOrigin(for: origin) else { return }
        if let origin, !origin.isEmpty {
            head.append(Self.anyOrigin.name.rawName)
            head.append(": ")
            head.append(allowed)
            head.append("\r\n")
        } else {
            head.append(Self.anyOriginLine)
        }
        head.append(Self.sharedFieldLines)
    }

    /// The most bytes ``appendFieldLines(origin:to:)`` writes for `origin`.
    func fieldLinesBound(origin: String?) -> Int {
        guard enabled else { return 0 }
        return Self.varyOriginLine.count + Self.anyOriginLine.count + (origin?.utf8.count ?? 0)
            + Self.sharedFieldLines.count
    }

    // The same fields as lines, rendered once from the fields themselves.
    static func lines(_ fields: [HTTPField]) -> [UInt8] {
        fields.flatMap { Array("\($0.name.rawName): \($0.value)\r\n".utf8) }
    }
    static let varyOriginLine = lines([varyOrigin])
    static let anyOriginLine = lines([anyOrigin])
    static let sharedFieldLines = lines(sharedFields)

    /// Origins compare as serialized by browsers: scheme://host[:port], no trailing slash, case-insensitive.
    static func canonical(_ origin: String) -> String {
        var text = origin.trimmingWhitespace().lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}

extension HTTPField.Name {
    public static let crossOriginResourcePolicy = Self("Cross-Origin-Resource-Policy")!
    public static let accessControlAllowPrivateNetwork = Self("Access-Control-Allow-Private-Network")!
    public static let newToken = Self("New-Token")!
}
