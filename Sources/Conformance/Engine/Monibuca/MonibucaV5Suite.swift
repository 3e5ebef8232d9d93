import Foundation

/// The `monibuca-v5` profile: what Monibuca v5's Go code does on the wire (github.com/langhuihui/monibuca), so an
/// operator of a v5 server gets a per-case report: `/api/auth/login`, the raw-text `/api/secret`, v5's CORS header
/// set, and the stream signature refusals of `/webrtc/push|play`.
public enum MonibucaV5Suite {
    static let loginPath = "/api/auth/login"

    public static func cases() -> [ConformanceCase] { loginCases() + secretCases() + corsCases() + webrtcCases() }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }

    /// The login answer's body (200 demanded).
    static func login(_ context: CaseContext) async throws -> JSONValue {
        let response = try await context.send(try MonibucaV6Suite.loginRequest(context, path: loginPath))
        guard response.status == 200, let body = response.jsonValue else {
            throw CaseStop.violated(
                expected: "200 with a JSON body", observed: "\(response.status) \(response.bodyText.prefix(200))")
        }
        return body
    }

    /// v5 puts the token in data.token only.
    static func token(_ context: CaseContext) async throws(CaseStop) -> String {
        let request = try MonibucaV6Suite.loginRequest(context, path: loginPath)
        let outcome: MonibucaV6Suite.LoginOutcome = await context.memo.value("monibuca-v5.login") {
            let (result, exchange) = await context.trySend(request)
            context.record(exchange)
            guard case .success(let response) = result else { return .failed("login: no response") }
            if response.status == 200, let token = response.jsonValue?["data"]?["token"]?.stringValue {
                return .token(token)
            }
            return .failed("login answered \(response.status) \(response.bodyText.prefix(200))")
        }
        switch outcome {
        case .token(let token): return token
        case .failed(let why): throw .skip("no token to work with: \(why)")
        }
    }

    static func loginCases() -> [ConformanceCase] {
        let loginReference = MonibucaReference.v5(
            .auth, "Login → {code, message, data{token, userInfo{username, expiresAt}}}")
        var cases: [ConformanceCase] = []
        cases.append(
            ConformanceCase(
                id: "monibuca-v5/login/data-token", title: "POST /api/auth/login answers data.token",
                severity: .must, reference: loginReference,
                requirement: "The login answers 200 {code: 0, data: {token}} with a compact JWS token."
            ) { context in
                let body = try await login(context)
                guard body["code"]?.doubleValue == 0, let token = body["data"]?["token"]?.stringValue else {
                    throw CaseStop.violated(expected: "{code: 0, data: {token}}", observed: body.compactText)
                }
                _ = try MonibucaV6Suite.inspect(token)
                return .pass(observed: "token of \(token.count) characters")
            })
        cases.append(
            ConformanceCase(
                id: "monibuca-v5/login/user-info", title: "data.userInfo names the user and expiresAt",
                severity: .must, reference: loginReference,
                requirement:
                    "data.userInfo.username is the user; data.userInfo.expiresAt is Unix seconds (protojson writes int64 as a string)."
            ) { context in
                let (username, _) = try MonibucaV6Suite.requireCredentials(context)
                let info = try await login(context)["data"]?["userInfo"]
                let expires = info?["expiresAt"]
                try check(
                    info?["username"]?.stringValue == username
                        && (expires?.stringValue.flatMap(Int64.init) != nil || expires?.doubleValue != nil),
                    expected: "{username: \(username), expiresAt: \"<seconds>\"}",
                    observed: info?.compactText ?? "absent")
                return .pass(observed: info?.compactText ?? "")
            })
        cases.append(
            ConformanceCase(
                id: "monibuca-v5/login/ttl-24h", title: "the token lives 24 hours",
                severity: .should, reference: MonibucaReference.v5(.auth, "tokenTTL = 24h"),
                requirement: "exp − iat of the issued token is 86400 seconds."
            ) { context in
                let payload = try MonibucaV6Suite.inspect(try await token(context)).payload
                let ttl = (payload["exp"]?.doubleValue ?? 0) - (payload["iat"]?.doubleValue ?? 0)
                try check(ttl == 86400, expected: "86400 s", observed: "\(Int(ttl)) s: \(payload.compactText)")
                return .pass(observed: "86400 s")
            })
        cases.append(
            ConformanceCase(
                id: "monibuca-v5/login/hs256-claims", title: "the token is HS256 with sub, iat, nbf and exp",
                severity: .must, reference: MonibucaReference.v5(.auth, "GenerateToken: HS256 RegisteredClaims"),
                requirement:
                    "alg HS256; sub = the user; iat, nbf and exp present; with --auth-secret the signature verifies."
            ) { context in
                let (username, _) = try MonibucaV6Suite.requireCredentials(context)
                let jws = try MonibucaV6Suite.inspect(try await token(context))
                try check(
                    jws.header["alg"]?.stringValue == "HS256" && jws.payload["sub"]?.stringValue == username
                        && jws.payload["iat"] != nil && jws.payload["nbf"] != nil && jws.payload["exp"] != nil,
                    expected: "HS256, sub \(username), iat/nbf/exp",
                    observed: "\(jws.header.compactText) \(jws.payload.compactText)")
                if let secret = context.options.authSecret {
                    try check(
                        jws.signatureIsValid(secret: secret), expected: "signature valid under --auth-secret",
                        observed: "invalid")
                }
                return .pass(observed: jws.payload.compactText)
            })
        cases.append(
            ConformanceCase(
                id: "monibuca-v5/login/wrong-password-refused", title: "a wrong password gets no token",
                severity: .must, reference: MonibucaReference.v5(.auth, "Login: invalid credentials"),
                requirement:
                    "A wrong password is answered with an error status (v5's gateway: 500 {code: 2}) and no token."
            ) { context in
                let (username, password) = try MonibucaV6Suite.requireCredentials(context)
                let response = try await context.send(
                    HTTPRequest(
                        method: "POST", path: loginPath,
                        json: .object([("username", .string(username)), ("password", .string(password + "-wrong"))])))
                try check(
                    response.status >= 400 && response.jsonValue?["data"]?["token"]?.stringValue == nil,
                    expected: "an error status and no token",
                    observed: "\(response.status) \(response.bodyText.prefix(200))")
                return .pass(observed: "\(response.status) \(response.bodyText.prefix(120))")
            })
        return cases
    }

    static func secretCases() -> [ConformanceCase] {
        let handler = MonibucaReference.v5(
            .plugin, "registerHandler: /api/secret/{type}/{streamPath...} writes the md5 hex")
        let path = "live/conform-v5"
        return [
            ConformanceCase(
                id: "monibuca-v5/secret/raw-text", title: "/api/secret answers the bare 32-hex secret",
                severity: .must, reference: handler,
                requirement:
                    "GET /api/secret/publish/{path}?expire=<hex> with the token answers 200 with 32 lower-case hex characters, not JSON."
            ) { context in
                let response = try await context.send(
                    MonibucaV6Suite.get("/api/secret/publish/\(path)?expire=7fffffff", token: try await token(context)))
                let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
                try check(
                    response.status == 200 && MonibucaV6Suite.isLowerHex32(text), expected: "200 <32 hex>",
                    observed: "\(response.status) \(response.bodyText.prefix(120))")
                return .pass(observed: text)
            },
            ConformanceCase(
                id: "monibuca-v5/secret/value", title: "the secret is md5(key + streamPath + expire)",
                severity: .must, reference: handler,
                requirement:
                    "The body equals md5(publish key + stream path + the expire given, verbatim) (--stream-key)."
            ) { context in
                let key = try MonibucaV6Suite.requireStreamKey(context, plugin: "global", type: "publish")
                let response = try await context.send(
                    MonibucaV6Suite.get("/api/secret/publish/\(path)?expire=7fffffff", token: try await token(context)))
                let expected = MonibucaV6Suite.signature(key: key, streamPath: path, expire: "7fffffff")
                let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
                try check(text == expected, expected: expected, observed: "\(response.status) \(text.prefix(120))")
                return .pass(observed: text)
            },
            ConformanceCase(
                id: "monibuca-v5/secret/needs-token", title: "/api/secret without a token is 401",
                severity: .must,
                reference: MonibucaReference.v5(.auth, "Middleware: missing authorization header → 401"),
                requirement: "Without Authorization, GET /api/secret/publish/{path} answers 401."
            ) { context in
                let response = try await context.send(
                    MonibucaV6Suite.get("/api/secret/publish/\(path)?expire=7fffffff"))
                try check(
                    response.status == 401, expected: "401",
                    observed: "\(response.status) \(response.bodyText.prefix(120))")
                return .pass(observed: "401 \(response.bodyText.prefix(80))")
            },
        ]
    }

    static func corsCases() -> [ConformanceCase] {
        let cors = MonibucaReference.v5(.server, "CORS: the six headers on every gateway answer")
        @Sendable func probe(_ context: CaseContext, origin: String?) async throws -> HTTPResponse {
            try await context.send(
                HTTPRequest(
                    method: "POST", path: loginPath, headers: origin.map { [HeaderField("Origin", $0)] } ?? [],
                    json: .object([])))
        }
        return [
            ConformanceCase(
                id: "monibuca-v5/cors/header-set", title: "answers carry v5's CORS header set",
                severity: .must, reference: cors,
                requirement:
                    "Allow-Credentials: true, Cross-Origin-Resource-Policy: cross-origin, Allow-Headers ∋ Authorization, Allow-Methods ∋ GET,POST,PUT,DELETE,OPTIONS, Allow-Private-Network: true."
            ) { context in
                let r = try await probe(context, origin: context.options.origin)
                let methods = Set(
                    (r.header("Access-Control-Allow-Methods") ?? "").split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces).uppercased()
                    })
                let observed =
                    HTTPHygieneSuite.corsSummary(r)
                    + "; CORP: \(r.header("Cross-Origin-Resource-Policy") ?? "-"); PNA: \(r.header("Access-Control-Allow-Private-Network") ?? "-")"
                try check(
                    r.header("Access-Control-Allow-Credentials") == "true"
                        && r.header("Cross-Origin-Resource-Policy") == "cross-origin"
                        && HTTPHygieneSuite.listed(r.header("Access-Control-Allow-Headers"), "Authorization")
                        && methods.isSuperset(of: ["GET", "POST", "PUT", "DELETE", "OPTIONS"])
                        && r.header("Access-Control-Allow-Private-Network") == "true",
                    expected: "the six v5 CORS headers", observed: observed)
                return .pass(observed: observed)
            },
            ConformanceCase(
                id: "monibuca-v5/cors/origin-echoed", title: "the request's Origin is echoed",
                severity: .must, reference: cors, requirement: "Access-Control-Allow-Origin is the request's Origin."
            ) { context in
                let r = try await probe(context, origin: context.options.origin)
                try check(
                    r.header("Access-Control-Allow-Origin") == context.options.origin, expected: context.options.origin,
                    observed: HTTPHygieneSuite.corsSummary(r))
                return .pass(observed: HTTPHygieneSuite.corsSummary(r))
            },
            ConformanceCase(
                id: "monibuca-v5/cors/star-without-origin", title: "without Origin, Allow-Origin is *",
                severity: .must, reference: cors,
                requirement: "A request without Origin gets Access-Control-Allow-Origin: *."
            ) { context in
                let r = try await probe(context, origin: nil)
                try check(
                    r.header("Access-Control-Allow-Origin") == "*", expected: "*",
                    observed: HTTPHygieneSuite.corsSummary(r))
                return .pass(observed: "*")
            },
            ConformanceCase(
                id: "monibuca-v5/cors/options-200-empty", title: "OPTIONS is answered 200 with an empty body",
                severity: .must, reference: cors,
                requirement: "v5 answers every OPTIONS itself: 200, empty body, the handler not called."
            ) { context in
                let r = try await context.send(
                    HTTPRequest(
                        method: "OPTIONS", path: loginPath,
                        headers: [
                            HeaderField("Origin", context.options.origin),
                            HeaderField("Access-Control-Request-Method", "POST"),
                        ]))
                try check(
                    r.status == 200 && r.body.isEmpty, expected: "200, no body",
                    observed: "\(r.status) \(r.bodyText.prefix(120))")
                return .pass(observed: "200 empty")
            },
        ]
    }

    /// A well-formed one-track Opus offer (RFC 8829 §5.2): v5 builds the PeerConnection from the offer before it
    /// checks the signature, so an empty offer would fail first and hide the check.
    static func audioOffer(_ direction: String) -> HTTPRequest {
        let fingerprint = (0..<32).map { String(format: "%02X", ($0 * 37 + 11) & 0xFF) }.joined(separator: ":")
        let lines = [
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
            "a=msid-semantic: WMS", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:cnfm", "a=ice-pwd:conformconformconformconf", "a=fingerprint:sha-256 \(fingerprint)",
            "a=setup:actpass", "a=mid:0", "a=\(direction)", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
        ]
        return HTTPRequest(
            method: "POST", path: "", headers: [HeaderField("Content-Type", "application/sdp")],
            body: Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
    }

    static func webrtcCases() -> [ConformanceCase] {
        let auth = MonibucaReference.v5(.plugin, "auth(): expired, secret length must be 32, invalid secret")
        func refusal(
            _ endpoint: String, _ type: String, _ slug: String, _ message: String,
            query: @escaping @Sendable (String, String) -> String
        )
            -> ConformanceCase
        {
            let streamPath = "live/conform-v5-\(endpoint)"
            return ConformanceCase(
                id: "monibuca-v5/webrtc/\(endpoint)-\(slug)", title: "/webrtc/\(endpoint): \(message)",
                severity: .must, reference: auth,
                requirement:
                    "With enableauth and a \(type) key (--stream-key), POST /webrtc/\(endpoint)/{path} is refused 400 with text '\(message)'."
            ) { context in
                let key = try MonibucaV6Suite.requireStreamKey(context, plugin: "webrtc", type: type)
                var request = audioOffer(endpoint == "push" ? "sendonly" : "recvonly")
                request.path = "/webrtc/\(endpoint)/\(streamPath)" + query(key, streamPath)
                let response = try await context.send(request)
                try check(
                    response.status == 400 && response.bodyText.contains(message), expected: "400 \(message)",
                    observed: "\(response.status) \(response.bodyText.prefix(160))")
                return .pass(observed: "400 \(response.bodyText.prefix(80))")
            }
        }
        return [
            refusal("push", "publish", "expired", "auth failed expired") { key, path in
                let expire = MonibucaV6Suite.hexExpire(secondsFromNow: -3600)
                return
                    "?secret=\(MonibucaV6Suite.signature(key: key, streamPath: path, expire: expire))&expire=\(expire)"
            },
            refusal("push", "publish", "wrong-length", "auth failed secret length must be 32") { key, path in
                let expire = MonibucaV6Suite.hexExpire(secondsFromNow: 1800)
                return
                    "?secret=\(MonibucaV6Suite.signature(key: key, streamPath: path, expire: expire).dropLast())&expire=\(expire)"
            },
            refusal("push", "publish", "wrong-value", "auth failed invalid secret") { key, path in
                let expire = MonibucaV6Suite.hexExpire(secondsFromNow: 1800)
                return
                    "?secret=\(MonibucaV6Suite.signature(key: key + "x", streamPath: path, expire: expire))&expire=\(expire)"
            },
            refusal("play", "subscribe", "wrong-value", "auth failed invalid secret") { key, path in
                let expire = MonibucaV6Suite.hexExpire(secondsFromNow: 1800)
                return
                    "?secret=\(MonibucaV6Suite.signature(key: key + "x", streamPath: path, expire: expire))&expire=\(expire)"
            },
        ]
    }
}
