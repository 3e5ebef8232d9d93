import Foundation

/// MiroTalk cases beyond one request per rule: token lifetimes in MiroTalk's string forms, every near miss of the
/// API key, a preflight on every route, and the one REST rate limit MiroTalk has (`/activeRooms`).
extension MiroTalkSuite {
    /// Issues a token with `expire` and returns exp - iat.
    static func lifetime(_ context: CaseContext, expire: String) async throws -> (seconds: Double, jwt: JWTInspector) {
        let jwt = try await issuedToken(
            context,
            body: .object([
                ("username", .string("alice")), ("password", .string("pw")), ("presenter", .string("false")),
                ("expire", .string(expire)),
            ]))
        let iat = jwt.payload["iat"]?.doubleValue ?? 0, exp = jwt.payload["exp"]?.doubleValue ?? 0
        return (exp - iat, jwt)
    }

    static func deeperTokenCases() -> [ConformanceCase] {
        let expiries: [(String, String, Double)] = [
            ("expire-1d", "1d", 86_400), ("expire-7-days", "7 days", 604_800), ("expire-90m", "90m", 5_400),
            ("expire-30s", "30s", 30),
        ]
        var cases = expiries.map { slug, expire, seconds in
            tokenCase(
                slug, "expire \"\(expire)\" gives exp = iat + \(Int(seconds))",
                "`expire` is read with the ms syntax jsonwebtoken uses (\"\(expire)\" = \(Int(seconds)) s)."
            ) { context in
                let (lifetime, _) = try await lifetime(context, expire: expire)
                try check(
                    lifetime == seconds, expected: "exp - iat = \(Int(seconds))", observed: "exp - iat = \(lifetime)")
                return .pass(observed: "exp - iat = \(Int(lifetime))")
            }
        }
        cases += [
            tokenCase(
                "iat-is-now", "iat is the issuing time (within a minute of the runner's clock)",
                "jwt.sign sets iat to the current Unix time in seconds (RFC 7519 §4.1.6)."
            ) { context in
                let (_, jwt) = try await lifetime(context, expire: "1h")
                let now = Date().timeIntervalSince1970
                let iat = jwt.payload["iat"]?.doubleValue ?? 0
                try check(abs(iat - now) < 60, expected: "iat ≈ \(Int(now))", observed: "iat \(Int(iat))")
                return .pass(observed: "iat \(Int(iat))")
            },
            tokenCase(
                "presenter-string-false", "\"presenter\":\"false\" stays the string \"false\" in the payload",
                "MiroTalk keeps presenter as given after String(): the payload holds \"presenter\":\"false\"."
            ) { context in
                let secret = try context.requireJWTSecret()
                let (_, jwt) = try await lifetime(context, expire: "1h")
                guard
                    let plain = CryptoJSPassphrase.decrypt(jwt.payload["data"]?.stringValue ?? "", passphrase: secret),
                    let payload = try? JSONValue.parse(plain)
                else {
                    throw CaseStop.violated(expected: "data decrypts with --jwt-secret", observed: "decryption failed")
                }
                try check(
                    payload["presenter"] == .string("false"), expected: "\"presenter\":\"false\"", observed: plain)
                return .pass(observed: plain)
            },
            tokenCase(
                "presenter-bool-true", "\"presenter\": true becomes the string \"true\"",
                "presenter is stored as a string: true → \"true\"."
            ) { context in
                let secret = try context.requireJWTSecret()
                let jwt = try await issuedToken(
                    context,
                    body: .object([
                        ("username", .string("u")), ("password", .string("p")), ("presenter", .bool(true)),
                        ("expire", .string("1h")),
                    ]))
                let plain = CryptoJSPassphrase.decrypt(jwt.payload["data"]?.stringValue ?? "", passphrase: secret) ?? ""
                try check(
                    (try? JSONValue.parse(plain))?["presenter"] == .string("true"), expected: "\"presenter\":\"true\"",
                    observed: plain)
                return .pass(observed: plain)
            },
            tokenCase(
                "wrong-secret-fails", "the signature does not verify under any other secret",
                "HS256 binds the token to jwt.secret: a verifier with another key refuses it (RFC 7515 §5.2)."
            ) { context in
                let secret = try context.requireJWTSecret()
                let jwt = try await issuedToken(context)
                try check(
                    !jwt.signatureIsValid(secret: secret + "x") && jwt.signatureIsValid(secret: secret),
                    expected: "valid only under --jwt-secret", observed: "also valid under another secret")
                return .pass(observed: "bound to the secret")
            },
            ConformanceCase(
                id: "mirotalk/join/embedded-token-payload",
                title: "the token /join embeds decrypts to what was asked, with the asked lifetime",
                severity: .must, reference: joinReference,
                requirement:
                    "/join's token is made as /token makes it: payload {username, password, presenter as a string}, exp - iat from expire (\"1d\")."
            ) { context in
                let secret = try context.requireJWTSecret()
                let url = try await joinURL(
                    context,
                    .object([
                        ("room", .string("embedded")),
                        (
                            "token",
                            .object([
                                ("username", .string("ada")), ("password", .string("pw")),
                                ("presenter", .string("true")), ("expire", .string("1d")),
                            ])
                        ),
                    ]))
                let token = rawQuery(url).last { $0.0 == "token" }?.1 ?? ""
                let jwt: JWTInspector
                do { jwt = try JWTInspector(token) } catch {
                    throw CaseStop.violated(expected: "token= a JWT", observed: "\(token.prefix(80)): \(error)")
                }
                let plain = CryptoJSPassphrase.decrypt(jwt.payload["data"]?.stringValue ?? "", passphrase: secret) ?? ""
                let lifetime = (jwt.payload["exp"]?.doubleValue ?? 0) - (jwt.payload["iat"]?.doubleValue ?? 0)
                let expected = #"{"username":"ada","password":"pw","presenter":"true"}"#
                try check(
                    (try? JSONValue.parse(plain))?.compactText == expected && lifetime == 86_400
                        && jwt.signatureIsValid(secret: secret),
                    expected: "\(expected), exp - iat 86400, valid signature",
                    observed: "\(plain), exp - iat \(lifetime)")
                return .pass(observed: plain)
            },
        ]
        return cases
    }

    /// Keys that differ from the real one by one edit; each must be refused (`isAuthorized` compares exactly).
    static func nearMisses(of key: String) -> [(String, String)] {
        var out: [(String, String)] = [
            ("one character short", String(key.dropLast())), ("one character more", key + "0"),
            ("a character in front", "0" + key), ("doubled", key + key), ("quoted", "\"\(key)\""),
            ("Basic scheme", "Basic \(key)"), ("comma list", "\(key), \(key)"),
        ]
        if let first = key.first {
            let replaced = first == "a" ? "b" : "a"
            out.append(("first character changed", replaced + key.dropFirst()))
        }
        let middle = key.index(key.startIndex, offsetBy: key.count / 2)
        out.append(("space inside", String(key[..<middle]) + " " + String(key[middle...])))
        return out
    }

    static func deeperAuthCases() -> [ConformanceCase] {
        let reference = MiroTalkUpstream.serverAPI(line: 19, "isAuthorized: the header must equal api.keySecret")
        let keyedRoutes: [MiroTalkRoute] = [.stats, .meetings, .meeting, .meetingEnd, .join, .token]
        return [
            ConformanceCase(
                id: "mirotalk/auth/near-miss-keys",
                title: "every near miss of the API key is refused on every keyed route",
                severity: .must, reference: reference,
                requirement:
                    "The key must equal api.keySecret exactly: one character short or more, doubled, quoted, with a scheme, inside a list or with a space inside are all 403 Unauthorized!."
            ) { context in
                let key = try context.requireAPIKey()
                var checked = 0
                var accepted: [String] = []
                for route in keyedRoutes {
                    guard case .enabled = await MiroTalkRoutes.availability(route, context) else { continue }
                    for (what, wrong) in nearMisses(of: key) {
                        var request = route.request(apiKey: nil)
                        request.headers.append(HeaderField("authorization", wrong))
                        let response = try await context.send(request)
                        checked += 1
                        if response.status != 403 || response.jsonValue?["error"] != .string("Unauthorized!") {
                            accepted.append("\(route.path) \(what): \(response.status)")
                        }
                    }
                }
                if checked == 0 { throw CaseStop.skip("every keyed route is disabled on the target") }
                try check(
                    accepted.isEmpty, expected: "403 {\"error\":\"Unauthorized!\"} for all \(checked)",
                    observed: accepted.prefix(5).joined(separator: "; "))
                return .pass(observed: "\(checked) near misses refused")
            },
            ConformanceCase(
                id: "mirotalk/cors/preflight-every-route", title: "a preflight to every route succeeds without a key",
                severity: .must,
                reference: MiroTalkUpstream.server(line: 293, "corsOptions: origin '*', methods GET, POST"),
                requirement:
                    "OPTIONS with Origin and Access-Control-Request-Method is answered 2xx with Access-Control-Allow-Origin and Allow-Headers covering authorization on every /api/v1 route, without a key (browsers send none)."
            ) { context in
                var bad: [String] = []
                for route in MiroTalkRoute.allCases {
                    let response = try await context.send(
                        HTTPRequest(
                            method: "OPTIONS", path: route.path,
                            headers: [
                                HeaderField("Origin", context.options.origin),
                                HeaderField("Access-Control-Request-Method", route.method),
                                HeaderField("Access-Control-Request-Headers", "authorization,content-type"),
                            ]))
                    let allowHeaders = response.header("Access-Control-Allow-Headers")?.lowercased() ?? ""
                    if !(200..<300).contains(response.status) || response.header("Access-Control-Allow-Origin") == nil
                        || !allowHeaders.contains("authorization")
                    {
                        bad.append(
                            "\(route.path): \(response.status) ACAO \(response.header("Access-Control-Allow-Origin") ?? "-")"
                        )
                    }
                }
                try check(
                    bad.isEmpty,
                    expected: "2xx, Access-Control-Allow-Origin, Allow-Headers with authorization on 7 routes",
                    observed: bad.joined(separator: "; "))
                return .pass(observed: "7 preflights answered")
            },
            ConformanceCase(
                id: "mirotalk/rate-limit/active-rooms-429",
                title: "/activeRooms answers 429 after 60 requests a minute, with RateLimit headers",
                severity: .must,
                reference: SpecReference("spec/mirotalk-v1.yaml#getActiveRooms", "429 RateLimited"),
                requirement:
                    "express-rate-limit 60 per minute per address: the request beyond answers 429 {\"error\":\"Too many requests. Please try again after 1 minute.\"} with RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers)."
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.activeRooms, context)
                var last: HTTPResponse?
                for _ in 0..<70 {
                    let (result, exchange) = await context.trySend(
                        HTTPRequest(method: "GET", path: "/api/v1/activeRooms"))
                    guard case .success(let response) = result else {
                        context.record(exchange)
                        throw CaseStop.broken("GET /api/v1/activeRooms failed: \(exchange.error ?? "")")
                    }
                    last = response
                    if response.status == 429 {
                        context.record(exchange)
                        break
                    }
                }
                guard let last, last.status == 429 else {
                    throw CaseStop.violated(
                        expected: "429 within 70 requests", observed: "\(last?.status ?? 0) after 70 requests")
                }
                try check(
                    last.jsonValue?["error"] == .string("Too many requests. Please try again after 1 minute.")
                        && last.header("RateLimit-Limit") != nil,
                    expected: "the express-rate-limit body and RateLimit-Limit",
                    observed: "\(last.bodyText.prefix(200)) RateLimit-Limit \(last.header("RateLimit-Limit") ?? "-")")
                return .pass(observed: "429 with RateLimit-Limit \(last.header("RateLimit-Limit") ?? "")")
            },
        ]
    }
}
