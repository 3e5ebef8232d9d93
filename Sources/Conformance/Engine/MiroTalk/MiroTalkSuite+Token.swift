import Foundation

extension MiroTalkSuite {
    static let tokenReference = MiroTalkUpstream.serverAPI(line: 143, "getToken")

    static let tokenRequest: JSONValue = .object([
        ("username", .string("alice")), ("password", .string("s3cret")), ("presenter", .bool(true)),
        ("expire", .string("2h")),
    ])

    /// A fresh token for the case (so each case's wire log holds the exchange it judged).
    static func issuedToken(_ context: CaseContext, body: JSONValue = tokenRequest) async throws -> JWTInspector {
        try await MiroTalkRoutes.requireEnabled(.token, context)
        let request = try keyed(context, "POST", "/api/v1/token", json: body)
        let response = try await context.send(request)
        guard response.status == 200, let token = response.jsonValue?["token"]?.stringValue else {
            throw CaseStop.violated(
                expected: "200 {\"token\": <JWT>}", observed: "\(response.status) \(response.bodyText.prefix(300))")
        }
        do { return try JWTInspector(token) } catch {
            throw CaseStop.violated(
                expected: "a compact JWS (header.payload.signature)", observed: "\(token.prefix(80)): \(error)")
        }
    }

    static func tokenCase(
        _ slug: String, _ title: String, _ requirement: String, severity: Severity = .must,
        body: @escaping @Sendable (CaseContext) async throws -> CaseOutcome
    ) -> ConformanceCase {
        ConformanceCase(
            id: "mirotalk/token/\(slug)", title: title, severity: severity, reference: tokenReference,
            requirement: requirement, run: body)
    }

    static func tokenCases() -> [ConformanceCase] {
        [
            tokenCase(
                "jwt-header-hs256", "the token is a JWT signed with HS256",
                "jsonwebtoken's default: header {\"alg\":\"HS256\",\"typ\":\"JWT\"}; never alg none."
            ) { context in
                let jwt = try await issuedToken(context)
                try check(
                    jwt.header["alg"]?.stringValue == "HS256" && jwt.header["typ"]?.stringValue == "JWT",
                    expected: "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", observed: jwt.header.compactText)
                try check(
                    jwt.signature.count == 32, expected: "a 32-byte HMAC-SHA256 signature",
                    observed: "\(jwt.signature.count) bytes")
                return .pass(observed: jwt.header.compactText)
            },
            tokenCase(
                "claims", "claims are data (string), iat and exp (integers)",
                "jwt.sign({data}, key, {expiresIn}) yields the claims data, iat, exp in that order."
            ) { context in
                let jwt = try await issuedToken(context)
                let keys = jwt.payload.objectKeys ?? []
                try check(keys == ["data", "iat", "exp"], expected: "claims [data, iat, exp]", observed: "\(keys)")
                try check(
                    jwt.payload["data"]?.stringValue != nil && jwt.payload["iat"]?.isInteger == true
                        && jwt.payload["exp"]?.isInteger == true,
                    expected: "data string, iat and exp integers", observed: jwt.payload.compactText)
                return .pass(observed: jwt.payload.compactText)
            },
            tokenCase(
                "expire-honoured", "expire \"2h\" gives exp = iat + 7200",
                "`expire` uses the ms syntax; 2h is 7200 seconds between iat and exp."
            ) { context in
                let jwt = try await issuedToken(context)
                let iat = jwt.payload["iat"]?.doubleValue ?? 0, exp = jwt.payload["exp"]?.doubleValue ?? 0
                try check(exp - iat == 7200, expected: "exp - iat = 7200", observed: "exp - iat = \(exp - iat)")
                return .pass(observed: "iat \(Int(iat)) exp \(Int(exp))")
            },
            tokenCase(
                "data-salted-format", "data is CryptoJS passphrase AES (U2FsdGVkX1…)",
                "data = base64(\"Salted__\" + 8-byte salt + AES-256-CBC blocks), so it starts with U2FsdGVkX1."
            ) { context in
                let jwt = try await issuedToken(context)
                let data = jwt.payload["data"]?.stringValue ?? ""
                if let problem = CryptoJSPassphrase.structureProblem(data) {
                    throw CaseStop.violated(
                        expected: "CryptoJS Salted__ envelope", observed: "data \(data.prefix(40))… \(problem)")
                }
                return .pass(observed: "data \(data.prefix(24))… (\(data.count) chars)")
            },
            tokenCase(
                "signature-valid", "the HS256 signature verifies under the JWT secret",
                "The token is signed with jwt.secret (JWT_SECRET); needs --jwt-secret."
            ) { context in
                let secret = try context.requireJWTSecret()
                let jwt = try await issuedToken(context)
                try check(
                    jwt.header["alg"]?.stringValue == "HS256" && jwt.signatureIsValid(secret: secret),
                    expected: "HMAC-SHA256(secret, header.payload) = signature",
                    observed: "alg \(jwt.header["alg"]?.compactText ?? "none"), signature does not verify")
                return .pass(observed: "signature verified")
            },
            tokenCase(
                "payload-decrypts", "data decrypts under the JWT secret to username, password, presenter (strings)",
                "AES-decrypting data with jwt.secret gives {\"username\":\"alice\",\"password\":\"s3cret\",\"presenter\":\"true\"} in that order, presenter as a string."
            ) { context in
                let secret = try context.requireJWTSecret()
                let jwt = try await issuedToken(context)
                let data = jwt.payload["data"]?.stringValue ?? ""
                guard let plain = CryptoJSPassphrase.decrypt(data, passphrase: secret) else {
                    throw CaseStop.violated(
                        expected: "data decrypts with --jwt-secret",
                        observed: "decryption failed (bad padding or envelope)")
                }
                let expected = #"{"username":"alice","password":"s3cret","presenter":"true"}"#
                let parsed = try? JSONValue.parse(plain)
                try check(parsed?.compactText == expected, expected: expected, observed: plain)
                return .pass(observed: plain)
            },
            tokenCase(
                "presenter-default-false", "presenter defaults to \"false\" (not the swagger's true)",
                "Without presenter the payload holds \"presenter\":\"false\" (code default; swagger says true)."
            ) { context in
                let secret = try context.requireJWTSecret()
                let jwt = try await issuedToken(
                    context, body: .object([("username", .string("bob")), ("password", .string("pw"))]))
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
                "no-body", "POST /token without a body (upstream: 200 {\"token\":\"\"})",
                "Open: upstream returns an empty token for a missing body. Recorded, not judged.", severity: .info
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.token, context)
                let response = try await context.send(try keyed(context, "POST", "/api/v1/token"))
                return .observed("\(response.status) \(response.bodyText.prefix(200))")
            },
        ]
    }
}
