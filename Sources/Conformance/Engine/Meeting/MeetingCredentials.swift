import Foundation

/// The credentials the meeting and room-ws cases present: a Monibuca admin JWT (docs/contracts.md §Who may do what)
/// and a MiroTalk token from `POST /api/v1/token`.
enum MeetingCredentials {
    /// A Monibuca JWT: minted with `--auth-secret` (HS256, RFC 7519 §4.1 claims), else obtained by `POST /api/login`
    /// with `--username`/`--password`; SKIP when neither was given.
    static func adminJWT(_ context: CaseContext, lifetime: Int = 3600, secret: String? = nil) async throws(CaseStop)
        -> String
    {
        if let secret = secret ?? context.options.authSecret, !secret.isEmpty {
            return mint(secret: secret, subject: context.options.username ?? "admin", lifetime: lifetime)
        }
        guard let username = context.options.username, let password = context.options.password else {
            throw .skip("needs --auth-secret, or --username and --password, for a Monibuca JWT")
        }
        let body: JSONValue = .object([("username", .string(username)), ("password", .string(password))])
        let response = try await context.send(HTTPRequest(method: "POST", path: "/api/login", json: body))
        guard response.status == 200,
            let token = response.jsonValue?["data"]?["token"]?.stringValue ?? response.jsonValue?["token"]?.stringValue
        else {
            throw .broken("POST /api/login with --username/--password answered \(response.status)")
        }
        return token
    }

    /// An HS256 JWT with `sub`, `iat`, `nbf` and `exp` (`lifetime` may be negative: an expired token).
    static func mint(secret: String, subject: String, lifetime: Int) -> String {
        let now = Int(Date().timeIntervalSince1970)
        let payload: JSONValue = .object([
            ("sub", .string(subject)), ("iat", .integer(now - (lifetime < 0 ? 7200 : 0))),
            ("nbf", .integer(now - (lifetime < 0 ? 7200 : 1))), ("exp", .integer(now + lifetime)),
        ])
        return JWTInspector.signHS256(payload: payload, secret: secret)
    }

    /// `Authorization: Bearer <jwt>`.
    static func bearer(_ context: CaseContext) async throws(CaseStop) -> [HeaderField] {
        [HeaderField("Authorization", "Bearer \(try await adminJWT(context))")]
    }

    /// A MiroTalk token with the given `presenter` and `expire` values as sent (MiroTalk accepts strings).
    static func mirotalkToken(
        _ context: CaseContext, presenter: JSONValue, expire: String = "1h", username: String = "conform"
    ) async throws(CaseStop) -> String {
        try await MiroTalkRoutes.requireEnabled(.token, context)
        let body: JSONValue = .object([
            ("username", .string(username)), ("password", .string("pw")), ("presenter", presenter),
            ("expire", .string(expire)),
        ])
        let response = try await context.send(
            HTTPRequest(
                method: "POST", path: "/api/v1/token",
                headers: [HeaderField("authorization", try context.requireAPIKey())],
                json: body))
        guard response.status == 200, let token = response.jsonValue?["token"]?.stringValue else {
            throw .broken("POST /api/v1/token answered \(response.status) \(response.bodyText.prefix(200))")
        }
        return token
    }
}
