import Foundation
import Hummingbird
import NIOCore
import ParleyConformance

/// One deliberately broken rule of the MiroTalk REST API; `none` is the correct reference behaviour.
enum Fault: String, CaseIterable, Sendable {
    case none
    case unauthorizedAs401, authBypass, bearerAccepted, headerNameCaseSensitive, keyCaseInsensitive
    case statsTotalPeers, statsRoomsAsString, statsKeyOrder, timestampWithoutMillis
    case joinReordered, joinNamePlusEncoded, joinIgnoresFormBody, joinEmptyStringKept
    case tokenAlgNone, tokenWrongSecret, tokenPresenterBool, tokenExpireIgnored, tokenExpireDigitsAsSeconds,
        tokenPlainData, tokenClaimsOrder, tokenIatStale
    case meetingHTTPScheme, meetingFixedID
    case noAllowOrigin, preflightWithoutAuthorization
    case notFoundBodyWithoutSuccess, malformedJSONAs500, malformedJSONPlainText
    case disabledAs404, activeRoomsNeedsKey, contentTypeText, activeRoomsUnlimited
}

/// Which `api.allowed` switches are on.
struct Switches: Sendable, Hashable {
    var stats = true, meetings = true, meeting = true, meetingEnd = true, join = true, token = true, activeRooms = true
    static let allOn = Switches()
    static let allOff = Switches(
        stats: false, meetings: false, meeting: false, meetingEnd: false, join: false, token: false,
        activeRooms: false)
    static let mirotalkDefaults = Switches(
        stats: true, meetings: false, meeting: true, meetingEnd: false, join: true,
        token: false, activeRooms: false)
}

/// An in-process MiroTalk-like target on 127.0.0.1 (port 0) that behaves as MiroTalk SFU 2.3.77's REST API
/// (upstream `app/src/Server.js` and `app/src/ServerApi.js`), except for one `Fault`.
struct FaultyMiroTalk: Sendable {
    static let apiKey = "conform-test-key"
    static let jwtSecret = "conform-test-jwt"
    let fault: Fault
    let switches: Switches
    /// `/activeRooms` requests so far: upstream limits them to 60 a minute per address (express-rate-limit).
    let activeRoomsHits = HitCounter()

    /// Starts the server, runs `body` with its base URL, then shuts it down.
    func withServer<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let portBox = PortBox()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in await self.respond(request) }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await portBox.set(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            let port = await portBox.wait()
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    func json(_ status: HTTPResponse.Status, _ value: JSONValue, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: fault == .contentTypeText ? "text/plain" : "application/json; charset=utf-8"
        ]
        headers.append(contentsOf: extra)
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.compactText)))
    }

    func respond(_ request: Request) async -> Response {
        var request = request
        var response = await route(&request)
        if fault != .noAllowOrigin, request.headers[.origin] != nil {
            response.headers[.accessControlAllowOrigin] = "*"
        }
        return response
    }

    static let disabled = MiroTalkRoute.disabledMessage

    func disabledResponse(withSuccess: Bool) -> Response {
        let body: JSONValue =
            withSuccess
            ? .object([("success", .bool(false)), ("error", .string(Self.disabled))])
            : .object([("error", .string(Self.disabled))])
        return json(fault == .disabledAs404 ? .notFound : .forbidden, body)
    }

    func authorized(_ request: Request) -> Bool {
        let fields = request.headers.filter { field in
            fault == .headerNameCaseSensitive ? field.name.rawName == "authorization" : field.name == .authorization
        }
        guard var value = fields.first?.value else { return fault == .authBypass }
        if fault == .bearerAccepted, value.hasPrefix("Bearer ") { value.removeFirst(7) }
        if fault == .keyCaseInsensitive { return value.lowercased() == Self.apiKey.lowercased() }
        return value == Self.apiKey
    }

    var unauthorized: Response {
        json(fault == .unauthorizedAs401 ? .unauthorized : .forbidden, .object([("error", .string("Unauthorized!"))]))
    }

    func route(_ request: inout Request) async -> Response {
        let path = request.uri.path
        let method = request.method
        if method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [.accessControlAllowOrigin: "*", .accessControlAllowMethods: "GET,POST"]
            let asked = request.headers[.accessControlRequestHeaders] ?? ""
            headers[.accessControlAllowHeaders] = fault == .preflightWithoutAuthorization ? "content-type" : asked
            return Response(status: .noContent, headers: headers)
        }
        // The body parser runs before the routes (express.json), like upstream.
        let buffer = (try? await request.body.collect(upTo: 4 << 20)) ?? ByteBuffer()
        let bytes = Array(buffer.readableBytesView)
        if bytes.count > 1 << 20 {
            return json(
                .contentTooLarge,
                .object([("status", .integer(413)), ("message", .string("request entity too large"))]))
        }
        var body: JSONValue? = nil
        if request.headers[.contentType]?.contains("x-www-form-urlencoded") == true, fault != .joinIgnoresFormBody {
            body = Self.formFields(bytes)
        } else if request.headers[.contentType]?.contains("json") == true, !bytes.isEmpty {
            guard let parsed = try? JSONValue.parse(bytes) else {
                switch fault {
                case .malformedJSONAs500:
                    return json(
                        .internalServerError,
                        .object([("status", .integer(500)), ("message", .string("Internal server error"))]))
                case .malformedJSONPlainText:
                    return Response(
                        status: .badRequest, headers: [.contentType: "text/plain"],
                        body: .init(byteBuffer: ByteBuffer(string: "Bad Request")))
                default:
                    return json(
                        .badRequest,
                        .object([("status", .integer(404)), ("message", .string("Unexpected end of JSON input"))]))
                }
            }
            body = parsed
        }
        let host = request.head.authority ?? "localhost"
        switch (method, path) {
        case (.get, "/api/v1/stats"):
            guard switches.stats else { return disabledResponse(withSuccess: true) }
            guard authorized(request) else { return unauthorized }
            return json(.ok, stats())
        case (.get, "/api/v1/meetings"):
            guard switches.meetings else { return disabledResponse(withSuccess: false) }
            guard authorized(request) else { return unauthorized }
            return json(.ok, .object([("meetings", .array([]))]))
        case (.post, "/api/v1/meeting"):
            guard switches.meeting else { return disabledResponse(withSuccess: false) }
            guard authorized(request) else { return unauthorized }
            let id = fault == .meetingFixedID ? "6f1c2a9e-1b2c-4d3e-8f40-123456789abc" : UUID().uuidString.lowercased()
            return json(
                .ok,
                .object([("meeting", .string("\(fault == .meetingHTTPScheme ? "http" : "https")://\(host)/join/\(id)"))]
                ))
        case (.delete, _) where path.hasPrefix("/api/v1/meeting/"):
            guard switches.meetingEnd else { return disabledResponse(withSuccess: true) }
            guard authorized(request) else { return unauthorized }
            let notFound: JSONValue =
                fault == .notFoundBodyWithoutSuccess
                ? .object([("error", .string("Room not found"))])
                : .object([("success", .bool(false)), ("error", .string("Room not found"))])
            return json(.notFound, notFound)
        case (.post, "/api/v1/join"):
            guard switches.join else { return disabledResponse(withSuccess: false) }
            guard authorized(request) else { return unauthorized }
            guard let body else {
                return json(
                    .badRequest, .object([("status", .integer(400)), ("message", .string("Missing JSON body"))]))
            }
            return json(.ok, .object([("join", .string(joinURL(host: host, body)))]))
        case (.post, "/api/v1/token"):
            guard switches.token else { return disabledResponse(withSuccess: false) }
            guard authorized(request) else { return unauthorized }
            guard let body else { return json(.ok, .object([("token", .string(""))])) }
            guard let token = token(body) else {
                return json(
                    .internalServerError,
                    .object([("status", .integer(500)), ("message", .string("Internal server error"))]))
            }
            return json(.ok, .object([("token", .string(token))]))
        case (.get, "/api/v1/activeRooms"):
            if activeRoomsHits.hit() > 60, fault != .activeRoomsUnlimited {
                return json(
                    .tooManyRequests,
                    .object([("error", .string("Too many requests. Please try again after 1 minute."))]),
                    extra: [
                        .init("RateLimit-Limit")!: "60", .init("RateLimit-Remaining")!: "0",
                        .init("RateLimit-Reset")!: "60",
                    ])
            }
            guard switches.activeRooms else {
                return disabledResponse(withSuccess: false)
            }
            if fault == .activeRoomsNeedsKey, !authorized(request) { return unauthorized }
            return json(.ok, .object([("activeRooms", .array([]))]))
        default:
            return Response(
                status: .ok, headers: [.contentType: "text/html"],
                body: .init(byteBuffer: ByteBuffer(string: "<h1>404</h1>")))
        }
    }

    func stats() -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            fault == .timestampWithoutMillis
            ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        let timestamp = JSONValue.string(formatter.string(from: Date()))
        let rooms: JSONValue = fault == .statsRoomsAsString ? .string("0") : .integer(0)
        let usersKey = fault == .statsTotalPeers ? "totalPeers" : "totalUsers"
        if fault == .statsKeyOrder {
            return .object([
                ("totalRooms", rooms), (usersKey, .integer(0)), ("success", .bool(true)), ("timestamp", timestamp),
            ])
        }
        return .object([
            ("success", .bool(true)), ("timestamp", timestamp), ("totalRooms", rooms), (usersKey, .integer(0)),
        ])
    }

    func joinURL(host: String, _ body: JSONValue) -> String {
        // `body.x || default` inside a JS template string.
        func value(_ key: String, _ fallback: String) -> String {
            if fault == .joinEmptyStringKept, case .string(let s)? = body[key] { return s }
            return body[key].flatMap(Self.truthyJavaScriptText) ?? fallback
        }
        func encode(_ s: String) -> String {
            fault == .joinNamePlusEncoded ? formURLEncoded(s) : MiroTalkSuite.encodeURIComponent(s)
        }
        var pairs: [(String, String)] = [
            ("room", value("room", UUID().uuidString.lowercased())), ("roomPassword", value("roomPassword", "false")),
            ("name", encode(value("name", "User-\(Int.random(in: 0..<999_999))"))),
            ("avatar", encode(value("avatar", "false"))),
        ]
        for flag in ["audio", "video", "screen", "chat", "hide", "notify"] {
            pairs.append((flag, value(flag, "false")))
        }
        pairs.append(("duration", value("duration", "unlimited")))
        if fault == .joinReordered { pairs.swapAt(0, 2) }
        if let tokenRequest = body["token"], Self.truthyJavaScriptText(tokenRequest) != nil {
            pairs.append(("token", token(tokenRequest) ?? ""))
        }
        return "https://\(host)/join?" + pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// nil when `expire` cannot be read (upstream: jwt.sign throws → 500).
    func token(_ body: JSONValue) -> String? {
        let secret = fault == .tokenWrongSecret ? "not-the-secret" : Self.jwtSecret
        // Upstream stores String(presenter): a boolean as "true"/"false", a string as given.
        let presenter: String
        switch body["presenter"] {
        case .bool(let flag)?: presenter = flag ? "true" : "false"
        case .string(let text)?: presenter = text
        default: presenter = "false"
        }
        let inner: JSONValue = .object([
            ("username", .string(body["username"]?.stringValue ?? "username")),
            ("password", .string(body["password"]?.stringValue ?? "password")),
            ("presenter", fault == .tokenPresenterBool ? .bool(presenter == "true") : .string(presenter)),
        ])
        let data =
            fault == .tokenPlainData
            ? Data(inner.compactText.utf8).base64EncodedString()
            : CryptoJSPassphrase.encrypt(inner.compactText, passphrase: secret)
        let iat = Int(Date().timeIntervalSince1970) - (fault == .tokenIatStale ? 3600 : 0)
        var seconds = 3600
        if let expire = body["expire"], fault != .tokenExpireIgnored {
            guard let parsed = Self.expiresInSeconds(expire, digitsAsSeconds: fault == .tokenExpireDigitsAsSeconds)
            else { return nil }
            seconds = parsed
        }
        var claims: [(String, JSONValue)] = [
            ("data", .string(data)), ("iat", .integer(iat)), ("exp", .integer(iat + seconds)),
        ]
        if fault == .tokenClaimsOrder { claims = [claims[1], claims[2], claims[0]] }
        if fault == .tokenAlgNone {
            let header = JSONValue.object([("alg", .string("none")), ("typ", .string("JWT"))])
            let signed = JWTInspector.signHS256(payload: .object(claims), secret: secret, header: header)
            return String(signed[..<(signed.lastIndex(of: ".") ?? signed.endIndex)]) + "."
        }
        return JWTInspector.signHS256(payload: .object(claims), secret: secret)
    }
}

/// A thread-safe counter shared by the requests of one fake server.
final class HitCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func hit() -> Int {
        lock.withLock {
            count += 1; return count
        }
    }
}

actor PortBox {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        for waiter in waiters { waiter.resume(returning: value) }
        waiters = []
    }

    func wait() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
