import Foundation

/// The HTTP side of one WHIP or WHEP case: the endpoint URL (`--whip-path`/`--whep-path` templates), the
/// credentials the target was given (a `secret`/`expire` stream signature from `--stream-key`, a Bearer token from
/// `--auth-secret` or `--username`/`--password`), and the POST/PATCH/DELETE exchanges, each recorded in the case's
/// wire log.
struct WHIPWHEPEndpoint: Sendable {
    let context: CaseContext
    let side: WHIPWHEPSide

    /// What a request shows the target.
    enum Credentials: Sendable {
        /// The stream signature and the Bearer token, whichever the options allow.
        case configured
        /// Nothing at all (the Bearer cases).
        case none
        /// This Authorization value only, no signature.
        case authorization(String)
    }

    var template: String {
        side.publishing
            ? context.options.whipPath ?? MediaSignaling.defaultWHIP
            : context.options.whepPath ?? MediaSignaling.defaultWHEP
    }

    /// A stream path of this case alone, so cases never meet on the target.
    static func freshStreamPath(_ slug: String) -> String {
        "conform/\(slug)-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    }

    /// The endpoint path for `streamPath`, signed as docs/contracts.md "Stream signatures" describes when a key for
    /// plugin `webrtc` (or `global`) and this direction was given.
    func path(_ streamPath: String, signed: Bool = true) -> String {
        var path = template.replacingOccurrences(of: "{path}", with: streamPath)
        let type = side.publishing ? "publish" : "subscribe"
        if signed, let key = MonibucaV6Suite.streamKey(context, plugin: "webrtc", type: type) {
            let expire = MonibucaV6Suite.hexExpire(secondsFromNow: 1800)
            let secret = MonibucaV6Suite.signature(key: key, streamPath: streamPath, expire: expire)
            path += (path.contains("?") ? "&" : "?") + "secret=\(secret)&expire=\(expire)"
        }
        return path
    }

    /// A token the target accepts: `--bearer`, else a Monibuca JWT minted with `--auth-secret` or from logging in;
    /// nil without any of them.
    func bearerToken() async -> String? {
        if let token = context.options.bearer, !token.isEmpty { return token }
        if let secret = context.options.authSecret, !secret.isEmpty {
            return MonibucaV6Suite.mint(secret: secret, subject: MonibucaV6Suite.subject(context))
        }
        guard context.options.username?.isEmpty == false else { return nil }
        return try? await MonibucaV6Suite.token(context)
    }

    func authorization(_ credentials: Credentials) async -> [HeaderField] {
        switch credentials {
        case .none: return []
        case .authorization(let value): return [HeaderField("Authorization", value)]
        case .configured:
            guard let token = await bearerToken() else { return [] }
            return [HeaderField("Authorization", "Bearer \(token)")]
        }
    }

    /// POSTs a body to the endpoint, following 307/308 (RFC 9725 §4.5: clients follow redirects) up to three
    /// times, and retrying once after a short `Retry-After` on 503 (§4.5: the client waits as told). Returns the
    /// final response and whether a redirect was followed.
    func post(
        streamPath: String, body: String, contentType: String? = "application/sdp",
        credentials: Credentials = .configured,
        retryOverload: Bool = true
    ) async throws(CaseStop) -> (response: HTTPResponse, redirected: [Int]) {
        var headers = await authorization(credentials)
        if let contentType { headers.append(HeaderField("Content-Type", contentType)) }
        var signed = true
        if case .configured = credentials {} else { signed = false }
        var target = path(streamPath, signed: signed)
        var redirects: [Int] = []
        var retried = false
        while true {
            let response = try await context.send(
                HTTPRequest(method: "POST", path: target, headers: headers, body: Array(body.utf8)))
            if [307, 308].contains(response.status), redirects.count < 3, let location = response.header("Location") {
                redirects.append(response.status)
                target = relative(location, from: target)
                continue
            }
            if response.status == 503, retryOverload, !retried, let delay = Self.retryAfterSeconds(response),
                delay <= 3
            {
                retried = true
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9) + 50_000_000)
                continue
            }
            return (response, redirects)
        }
    }

    /// `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), in seconds from now.
    static func retryAfterSeconds(_ response: HTTPResponse) -> Double? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = UInt64(value) { return Double(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }

    /// The session URL of a 201 as a path the client can send (RFC 9110 §10.2.2: absolute or relative).
    func sessionPath(_ response: HTTPResponse, postedTo: String? = nil) -> String? {
        guard let location = response.header("Location"), !location.isEmpty else { return nil }
        return relative(location, from: postedTo ?? template)
    }

    /// Resolves a `Location` against the request path and strips the target's base path.
    func relative(_ location: String, from requestPath: String) -> String {
        if let components = URLComponents(string: location), components.host != nil {
            let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
            let base = context.target.basePath
            let path = components.percentEncodedPath
            return (base.isEmpty || !path.hasPrefix(base) ? path : String(path.dropFirst(base.count))) + query
        }
        if location.hasPrefix("/") { return location }
        // A relative reference (RFC 3986 §5.2): replace the last segment of the request path.
        let directory = requestPath.split(separator: "?").first.map(String.init) ?? requestPath
        return String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)]) + "/" + location
    }

    func delete(_ session: String, credentials: Credentials = .configured) async throws(CaseStop) -> HTTPResponse {
        let headers = await authorization(credentials)
        return try await context.send(HTTPRequest(method: "DELETE", path: session, headers: headers))
    }

    func patch(_ session: String, ifMatch: String?, contentType: String?, body: String) async throws(CaseStop)
        -> HTTPResponse
    {
        var headers = await authorization(.configured)
        if let contentType { headers.append(HeaderField("Content-Type", contentType)) }
        if let ifMatch { headers.append(HeaderField("If-Match", ifMatch)) }
        return try await context.send(
            HTTPRequest(method: "PATCH", path: session, headers: headers, body: Array(body.utf8)))
    }

    /// Sends an arbitrary request with the configured credentials (GET, OPTIONS).
    func send(_ method: String, _ path: String, extra: [HeaderField] = [], credentials: Credentials = .configured)
        async throws(CaseStop) -> HTTPResponse
    {
        let headers = await authorization(credentials) + extra
        return try await context.send(HTTPRequest(method: method, path: path, headers: headers))
    }
}
