import Foundation

extension MonibucaV6Suite {
    /// Logs in and returns the answer body, demanding 200 in the envelope.
    static func loginBody(_ context: CaseContext, path: String = "/api/login") async throws -> JSONValue {
        try await expectEnvelope(context, try loginRequest(context, path: path), status: 200)
    }

    static func inspect(_ token: String) throws(CaseStop) -> JWTInspector {
        do { return try JWTInspector(token) } catch {
            throw .violated(expected: "a compact JWS (RFC 7515 §7.1)", observed: "\(token.prefix(80)): \(error)")
        }
    }

    static func loginCases() -> [ConformanceCase] {
        let login = MonibucaReference.v6("§Authentication: POST /api/login → {code: 0, token}")
        let v5Login = MonibucaReference.v5(.auth, "Login: data.token and data.userInfo{username, expiresAt}")
        let claims = MonibucaReference.v5(.auth, "GenerateToken: HS256, RegisteredClaims sub/exp/iat/nbf")
        func refusal(_ id: String, _ title: String, _ body: @escaping @Sendable (String, String) -> JSONValue)
            -> ConformanceCase
        {
            ConformanceCase(
                id: "monibuca-v6/login/\(id)", title: title, severity: .must,
                reference: MonibucaReference.v6("§Status codes: 401 Unauthorized"),
                requirement: "\(title): 401 {code: 401, message} and no token."
            ) { context in
                let (username, password) = try requireCredentials(context)
                let body = try await expectEnvelope(
                    context, HTTPRequest(method: "POST", path: "/api/login", json: body(username, password)),
                    status: 401)
                try check(
                    body["token"] == nil && body["data"]?["token"] == nil, expected: "no token",
                    observed: body.compactText)
                return .pass(observed: body.compactText)
            }
        }
        return [
            ConformanceCase(
                id: "monibuca-v6/login/seed-shape", title: "login answers {code: 0, message, token}",
                severity: .must, reference: login,
                requirement: "POST /api/login {username, password} answers 200 in the envelope with a top-level token."
            ) { context in
                let body = try await loginBody(context)
                guard let token = body["token"]?.stringValue else {
                    throw CaseStop.violated(expected: "a string token member", observed: body.compactText)
                }
                _ = try inspect(token)
                return .pass(observed: "token of \(token.count) characters")
            },
            ConformanceCase(
                id: "monibuca-v6/login/v5-shape", title: "login also answers data.token and data.userInfo (v5 clients)",
                severity: .must, reference: v5Login,
                requirement:
                    "The same answer has data.token (the same token), data.userInfo.username (the user) and data.userInfo.expiresAt (Unix seconds)."
            ) { context in
                let (username, _) = try requireCredentials(context)
                let body = try await loginBody(context)
                let data = body["data"]
                try check(
                    data?["token"]?.stringValue != nil
                        && (body["token"] == nil || data?["token"] == body["token"]),
                    expected: "data.token equal to token", observed: body.compactText)
                try check(
                    data?["userInfo"]?["username"]?.stringValue == username,
                    expected: "data.userInfo.username = \(username)", observed: body.compactText)
                let expires = data?["userInfo"]?["expiresAt"]
                try check(
                    expires?.doubleValue != nil || expires?.stringValue.flatMap(Int64.init) != nil,
                    expected: "data.userInfo.expiresAt as a number or digit string", observed: body.compactText)
                return .pass(observed: data?.compactText.prefix(200).description ?? "")
            },
            ConformanceCase(
                id: "monibuca-v6/login/auth-login-alias", title: "POST /api/auth/login (v5's path) logs in too",
                severity: .should, reference: MonibucaReference.v5(.server, "grpc-gateway route POST /api/auth/login"),
                requirement: "v5 clients log in at /api/auth/login; the same credentials give a token there."
            ) { context in
                let body = try await loginBody(context, path: "/api/auth/login")
                try check(
                    (body["token"] ?? body["data"]?["token"])?.stringValue != nil, expected: "a token",
                    observed: body.compactText)
                return .pass(observed: "token issued")
            },
            ConformanceCase(
                id: "monibuca-v6/login/jwt-hs256", title: "the token is an HS256 JWT",
                severity: .must, reference: SpecReference.rfc(7518, "3.2", "HMAC with SHA-256"),
                requirement: "The token's JOSE header has alg HS256, as Monibuca signs it."
            ) { context in
                let header = try inspect(try await token(context)).header
                try check(
                    header["alg"]?.stringValue == "HS256", expected: "alg HS256", observed: header.compactText)
                return .pass(observed: header.compactText)
            },
            ConformanceCase(
                id: "monibuca-v6/login/jwt-claims", title: "the token names the user and is valid now",
                severity: .must, reference: claims,
                requirement:
                    "Claims sub = the user name, iat and nbf not in the future, exp in the future (RFC 7519 §4.1)."
            ) { context in
                let (username, _) = try requireCredentials(context)
                let payload = try inspect(try await token(context)).payload
                let now = Date().timeIntervalSince1970
                let iat = payload["iat"]?.doubleValue ?? .nan, nbf = payload["nbf"]?.doubleValue ?? .nan
                let exp = payload["exp"]?.doubleValue ?? .nan
                try check(
                    payload["sub"]?.stringValue == username && iat <= now + 60 && nbf <= now + 60 && exp > now,
                    expected: "sub \(username), iat/nbf ≤ now, exp > now", observed: payload.compactText)
                return .pass(observed: payload.compactText)
            },
            ConformanceCase(
                id: "monibuca-v6/login/jwt-signature", title: "the token is signed with auth.secret",
                severity: .must, reference: SpecReference.rfc(7515, "5.2", "validating a JWS"),
                requirement: "The HS256 signature verifies with the target's auth.secret (--auth-secret)."
            ) { context in
                let secret = try requireAuthSecret(context)
                let jws = try inspect(try await token(context))
                try check(
                    jws.signatureIsValid(secret: secret), expected: "a signature valid under --auth-secret",
                    observed: "signature does not verify")
                return .pass(observed: "signature verifies")
            },
            ConformanceCase(
                id: "monibuca-v6/login/expires-at-matches-exp", title: "userInfo.expiresAt equals the token's exp",
                severity: .should, reference: v5Login,
                requirement: "data.userInfo.expiresAt is the token's exp claim, so clients know when to log in again."
            ) { context in
                let body = try await loginBody(context)
                guard let token = (body["token"] ?? body["data"]?["token"])?.stringValue else {
                    throw CaseStop.violated(expected: "a token", observed: body.compactText)
                }
                let exp = try inspect(token).payload["exp"]?.doubleValue
                let given = body["data"]?["userInfo"]?["expiresAt"]
                let expiresAt = given?.doubleValue ?? given?.stringValue.flatMap(Double.init)
                try check(
                    exp != nil && expiresAt == exp, expected: "expiresAt = exp (\(exp.map { String(Int($0)) } ?? "?"))",
                    observed: given?.compactText ?? "absent")
                return .pass(observed: "expiresAt \(given?.compactText ?? "")")
            },
            refusal("wrong-password-401", "a wrong password is refused") { username, password in
                .object([("username", .string(username)), ("password", .string(password + "-wrong"))])
            },
            refusal("unknown-user-401", "an unknown user is refused") { _, password in
                .object([("username", .string("conform-no-such-user")), ("password", .string(password))])
            },
            ConformanceCase(
                id: "monibuca-v6/login/missing-fields-400", title: "a login body without fields is 400",
                severity: .should, reference: MonibucaReference.v6("§Status codes: 400 bad parameters"),
                requirement:
                    "POST /api/login {} answers 400 {code: 400, message}: a malformed request, not a failed login."
            ) { context in
                try await expectEnvelope(
                    context, HTTPRequest(method: "POST", path: "/api/login", json: .object([])), status: 400)
                return .pass(observed: "400 envelope")
            },
        ]
    }
}
