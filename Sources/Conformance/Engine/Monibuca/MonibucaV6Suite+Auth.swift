import Foundation
import ParleyCrypto

extension MonibucaV6Suite {
    /// A 401 case: GET /api/streams with `header` (nil = no Authorization) must be 401 in the envelope.
    static func refused(
        _ slug: String, _ title: String, reference: SpecReference,
        header: @escaping @Sendable (CaseContext) async throws -> String?
    ) -> ConformanceCase {
        ConformanceCase(
            id: "monibuca-v6/auth/\(slug)", title: title, severity: .must, reference: reference,
            requirement: "\(title): GET /api/streams answers 401 {code: 401, message}."
        ) { context in
            let value = try await header(context)
            let extra = value.map { [HeaderField("Authorization", $0)] } ?? []
            try await expectEnvelope(context, get(guardedPath, extra: extra), status: 401)
            return .pass(observed: "401 envelope")
        }
    }

    /// A case that expects GET /api/streams with `header` to be let through (200).
    static func accepted(
        _ slug: String, _ title: String, severity: Severity, reference: SpecReference, requirement: String,
        header: @escaping @Sendable (CaseContext) async throws -> String
    ) -> ConformanceCase {
        ConformanceCase(
            id: "monibuca-v6/auth/\(slug)", title: title, severity: severity, reference: reference,
            requirement: requirement
        ) {
            context in
            let value = try await header(context)
            let response = try await context.send(get(guardedPath, extra: [HeaderField("Authorization", value)]))
            try check(
                response.status == 200, expected: "200", observed: "\(response.status) \(response.bodyText.prefix(200))"
            )
            return .pass(observed: "200")
        }
    }

    /// Replaces one character in the middle of a base64url segment, keeping it decodable.
    static func tamper(_ segment: Substring) -> String {
        var chars = Array(segment)
        guard !chars.isEmpty else { return "A" }
        let i = chars.count / 2
        chars[i] = chars[i] == "A" ? "B" : "A"
        return String(chars)
    }

    static func authCases() -> [ConformanceCase] {
        let status401 = MonibucaReference.v6("§Status codes: 401 Unauthorized (authentication required)")
        let v5Validate = MonibucaReference.v5(.auth, "ValidateJWT: HMAC only, exp and nbf checked")
        return [
            refused("missing-401", "no Authorization header is refused", reference: status401) { _ in nil },
            refused(
                "empty-bearer-401", "a bare 'Bearer ' is refused",
                reference: SpecReference.rfc(6750, "2.1", "b64token required")
            ) { _ in "Bearer " },
            refused(
                "garbage-401", "a token that is not a JWT is refused",
                reference: SpecReference.rfc(7519, "7.2", "validating a JWT")
            ) { _ in
                "Bearer conform-not-a-jwt"
            },
            refused(
                "tampered-signature-401", "a token with an altered signature is refused",
                reference: SpecReference.rfc(7515, "5.2", "signature validation")
            ) {
                context in
                let parts = try await token(context).split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 3 else { throw CaseStop.skip("the login token is not a JWS") }
                return "Bearer \(parts[0]).\(parts[1]).\(tamper(parts[2]))"
            },
            refused(
                "tampered-payload-401", "a token whose claims were edited is refused",
                reference: SpecReference.rfc(7515, "5.2", "signature validation")
            ) {
                context in
                let parts = try await token(context).split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 3 else { throw CaseStop.skip("the login token is not a JWS") }
                let edited = JSONValue.object([
                    ("sub", .string("conform-intruder")), ("iat", .integer(Int(Date().timeIntervalSince1970))),
                    ("nbf", .integer(Int(Date().timeIntervalSince1970))),
                    ("exp", .integer(Int(Date().timeIntervalSince1970) + 3600)),
                ])
                return "Bearer \(parts[0]).\(Base64URL.encode(Array(edited.compactText.utf8))).\(parts[2])"
            },
            refused("wrong-secret-401", "a token signed with another secret is refused", reference: v5Validate) {
                context in
                "Bearer " + mint(secret: "conform-wrong-secret-" + UUID().uuidString, subject: subject(context))
            },
            refused(
                "alg-none-401", "an unsigned alg=none token is refused",
                reference: SpecReference.rfc(8725, "3.1", "perform algorithm verification")
            ) {
                context in
                let now = Int(Date().timeIntervalSince1970)
                let header = JSONValue.object([("alg", .string("none")), ("typ", .string("JWT"))])
                let payload = JSONValue.object([
                    ("sub", .string(subject(context))), ("iat", .integer(now)), ("nbf", .integer(now)),
                    ("exp", .integer(now + 3600)),
                ])
                return
                    "Bearer \(Base64URL.encode(Array(header.compactText.utf8))).\(Base64URL.encode(Array(payload.compactText.utf8)))."
            },
            refused(
                "alg-mismatch-401", "a token whose header names another algorithm is refused",
                reference: SpecReference.rfc(8725, "3.1", "use only the expected algorithm")
            ) {
                context in
                let secret = try requireAuthSecret(context)
                return "Bearer " + mint(secret: secret, subject: subject(context), alg: "HS512")
            },
            refused("expired-401", "an expired token is refused", reference: SpecReference.rfc(7519, "4.1.4", "exp")) {
                context in
                let secret = try requireAuthSecret(context)
                return "Bearer "
                    + mint(
                        secret: secret, subject: subject(context), issuedOffset: -7200, lifetime: 3600,
                        notBeforeOffset: -7200)
            },
            refused(
                "not-yet-valid-401", "a token before its nbf is refused",
                reference: SpecReference.rfc(7519, "4.1.5", "nbf")
            ) { context in
                let secret = try requireAuthSecret(context)
                return "Bearer "
                    + mint(secret: secret, subject: subject(context), lifetime: 7200, notBeforeOffset: 3600)
            },
            accepted(
                "minted-accepted", "a token made with auth.secret is accepted", severity: .must, reference: v5Validate,
                requirement: "An HS256 token with v5's claims signed with --auth-secret opens GET /api/streams (200)."
            ) { context in
                "Bearer " + mint(secret: try requireAuthSecret(context), subject: subject(context))
            },
            accepted(
                "raw-token-accepted", "the token without 'Bearer ' is accepted (v5)", severity: .should,
                reference: MonibucaReference.v5(.auth, "strings.TrimPrefix(header, \"Bearer \")"),
                requirement: "v5 strips an optional 'Bearer ' prefix, so clients sending the bare token keep working."
            ) { context in try await token(context) },
            accepted(
                "scheme-case-insensitive", "'bearer' in lower case is accepted", severity: .should,
                reference: SpecReference.rfc(9110, "11.1", "auth-scheme is case-insensitive"),
                requirement: "The authentication scheme name is matched case-insensitively."
            ) { context in "bearer " + (try await token(context)) },
            ConformanceCase(
                id: "monibuca-v6/auth/www-authenticate", title: "a 401 names the Bearer scheme in WWW-Authenticate",
                severity: .should, reference: SpecReference.rfc(6750, "3", "WWW-Authenticate: Bearer"),
                requirement: "Each 401 of a Bearer-protected route carries WWW-Authenticate with the Bearer scheme."
            ) { context in
                let response = try await context.send(get(guardedPath))
                let value = response.header("WWW-Authenticate") ?? ""
                try check(
                    response.status == 401 && value.lowercased().hasPrefix("bearer"),
                    expected: "401 with WWW-Authenticate: Bearer …", observed: "\(response.status) \(value)")
                return .pass(observed: value)
            },
            ConformanceCase(
                id: "monibuca-v6/auth/new-token-near-expiry",
                title: "a token close to expiry is answered with New-Token",
                severity: .should,
                reference: MonibucaReference.v5(.auth, "refresh when less than 30 min left: New-Token header"),
                requirement:
                    "A request with a token that has 10 minutes left gets a fresh, later-expiring JWT in New-Token."
            ) { context in
                let secret = try requireAuthSecret(context)
                let old = mint(secret: secret, subject: subject(context), lifetime: 600)
                let response = try await context.send(get(guardedPath, token: old))
                guard response.status == 200, let fresh = response.header("New-Token") else {
                    throw CaseStop.violated(
                        expected: "200 with New-Token",
                        observed: "\(response.status) New-Token: \(response.header("New-Token") ?? "absent")")
                }
                let newExp = try inspect(fresh).payload["exp"]?.doubleValue ?? 0
                let oldExp = try inspect(old).payload["exp"]?.doubleValue ?? 0
                try check(newExp > oldExp, expected: "exp later than \(Int(oldExp))", observed: "exp \(Int(newExp))")
                return .pass(observed: "New-Token exp \(Int(newExp))")
            },
            ConformanceCase(
                id: "monibuca-v6/auth/no-new-token-when-fresh", title: "a fresh token gets no New-Token",
                severity: .should, reference: MonibucaReference.v5(.auth, "refresh only below the 30 min threshold"),
                requirement: "A token just issued by login is not replaced: no New-Token header."
            ) { context in
                let response = try await context.send(get(guardedPath, token: try await token(context)))
                try check(
                    response.status == 200 && response.header("New-Token") == nil, expected: "200 without New-Token",
                    observed: "\(response.status) New-Token: \(response.header("New-Token") ?? "absent")")
                return .pass(observed: "no New-Token")
            },
            excluded("exclude-flv", "/flv/live/conform.flv"),
            excluded("exclude-hls", "/hls/live/conform.m3u8"),
            guarded("double-slash-guarded", "//api/streams", "a doubled slash does not bypass the token check"),
            guarded("secret-guarded", "/api/secret/publish/live/conform", "/api/secret needs the token"),
            guarded("meeting-api-guarded", "/meeting/api/rooms", "the Meeting plugin's REST API needs the token"),
        ]
    }

    /// A path under the V6 page's default `auth.exclude` list answers without a token (never 401).
    static func excluded(_ slug: String, _ path: String) -> ConformanceCase {
        ConformanceCase(
            id: "monibuca-v6/auth/\(slug)", title: "\(path) is in the default auth.exclude list",
            severity: .should,
            reference: MonibucaReference.v6("§Authentication: auth.exclude [/api/login, /flv/, /hls/]"),
            requirement: "Without a token, GET \(path) is not refused with 401 (whatever else it answers)."
        ) { context in
            let response = try await context.send(get(path))
            try check(
                response.status != 401, expected: "not 401",
                observed: "\(response.status) \(response.bodyText.prefix(160))")
            return .pass(observed: "\(response.status)")
        }
    }

    /// Without a token, `path` answers 401 in the envelope.
    static func guarded(_ slug: String, _ path: String, _ title: String) -> ConformanceCase {
        ConformanceCase(
            id: "monibuca-v6/auth/\(slug)", title: title, severity: .must,
            reference: MonibucaReference.contract("What the Monibuca JWT protects"),
            requirement: "Without a token, GET \(path) answers 401 {code: 401, message}."
        ) { context in
            try await expectEnvelope(context, get(path), status: 401)
            return .pass(observed: "401 envelope")
        }
    }
}
