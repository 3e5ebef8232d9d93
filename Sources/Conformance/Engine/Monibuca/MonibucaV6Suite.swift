import Foundation
import ParleyCrypto

/// The `monibuca-v6` profile: the V6 HTTP API's envelope, JWT login and refusals, `/api/secret`, stream signatures
/// on WHIP/WHEP, unbuilt plugin prefixes and the stream list (https://monibuca.com/en/api/http-api/).
public enum MonibucaV6Suite {
    static let profile = "monibuca-v6"
    /// The route the V6 page uses to show a Bearer token at work.
    static let guardedPath = "/api/streams"

    public static func cases() -> [ConformanceCase] {
        envelopeCases() + loginCases() + authCases() + secretCases() + streamAuthCases() + moduleCases()
            + streamCases()
    }

    static func requireCredentials(_ context: CaseContext) throws(CaseStop) -> (username: String, password: String) {
        guard let username = context.options.username, !username.isEmpty, let password = context.options.password,
            !password.isEmpty
        else { throw .skip("needs --username and --password of an admin user") }
        return (username, password)
    }

    static func requireAuthSecret(_ context: CaseContext) throws(CaseStop) -> String {
        guard let secret = context.options.authSecret, !secret.isEmpty else {
            throw .skip("needs --auth-secret (the target's auth.secret) to make tokens")
        }
        return secret
    }

    static func loginRequest(_ context: CaseContext, path: String = "/api/login") throws(CaseStop) -> HTTPRequest {
        let (username, password) = try requireCredentials(context)
        return HTTPRequest(
            method: "POST", path: path,
            json: .object([("username", .string(username)), ("password", .string(password))]))
    }

    /// The token of a successful login (seed's top-level `token`, else v5's `data.token`), once per run.
    static func token(_ context: CaseContext) async throws(CaseStop) -> String {
        let request = try loginRequest(context)
        let outcome: LoginOutcome = await context.memo.value("monibuca.login") {
            let (result, exchange) = await context.trySend(request)
            context.record(exchange)
            guard case .success(let response) = result else { return .failed("login: no response") }
            let body = response.jsonValue
            if response.status == 200, let token = body?["token"]?.stringValue ?? body?["data"]?["token"]?.stringValue {
                return .token(token)
            }
            return .failed("login answered \(response.status) \(response.bodyText.prefix(200))")
        }
        switch outcome {
        case .token(let token): return token
        case .failed(let why): throw .skip("no token to work with: \(why)")
        }
    }

    enum LoginOutcome: Sendable {
        case token(String)
        case failed(String)
    }

    static func bearer(_ token: String) -> [HeaderField] { [HeaderField("Authorization", "Bearer \(token)")] }

    static func get(_ path: String, token: String? = nil, extra: [HeaderField] = []) -> HTTPRequest {
        HTTPRequest(method: "GET", path: path, headers: (token.map(bearer) ?? []) + extra)
    }

    /// What is wrong with `response` as the V6 envelope for `status` (code 0 on 200, else code == status), or nil.
    static func envelopeProblem(_ response: HTTPResponse, status: Int) -> String? {
        let observed = "\(response.status) \(response.bodyText.prefix(200))"
        guard response.status == status else { return "status \(observed)" }
        guard let body = response.jsonValue, body.objectKeys != nil else { return "not a JSON object: \(observed)" }
        let expectedCode = status == 200 ? 0 : status
        guard let code = body["code"], code.isInteger, code.doubleValue == Double(expectedCode) else {
            return "code \(body["code"]?.compactText ?? "absent") (expected \(expectedCode)): \(observed)"
        }
        guard body["message"]?.stringValue != nil else { return "no string message: \(observed)" }
        return nil
    }

    /// Sends and demands the envelope for `status`; returns the body.
    @discardableResult
    static func expectEnvelope(_ context: CaseContext, _ request: HTTPRequest, status: Int) async throws(CaseStop)
        -> JSONValue
    {
        let response = try await context.send(request)
        if let problem = envelopeProblem(response, status: status) {
            throw .violated(
                expected: "\(status) {\"code\": \(status == 200 ? 0 : status), \"message\": …}", observed: problem)
        }
        return response.jsonValue ?? .null
    }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }

    /// An HS256-signed token with v5's claims, shifted in time or signed with another secret or `alg` header.
    static func mint(
        secret: String, subject: String, issuedOffset: TimeInterval = 0, lifetime: TimeInterval = 3600,
        notBeforeOffset: TimeInterval = 0, alg: String = "HS256"
    ) -> String {
        let now = Date().timeIntervalSince1970.rounded(.down)
        let payload = JSONValue.object([
            ("sub", .string(subject)), ("iat", .integer(Int(now + issuedOffset))),
            ("nbf", .integer(Int(now + notBeforeOffset))), ("exp", .integer(Int(now + issuedOffset + lifetime))),
        ])
        let header = JSONValue.object([("alg", .string(alg)), ("typ", .string("JWT"))])
        return JWTInspector.signHS256(payload: payload, secret: secret, header: header)
    }

    static func subject(_ context: CaseContext) -> String { context.options.username ?? "conform" }

    /// `--stream-key PLUGIN:TYPE:KEY` for `plugin` and `type`, falling back to plugin `global` as the target does.
    static func streamKey(_ context: CaseContext, plugin: String, type: String) -> String? {
        func find(_ p: String) -> String? {
            for entry in context.options.streamKeys {
                let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3, parts[0] == p, parts[1] == type, !parts[2].isEmpty { return String(parts[2]) }
            }
            return nil
        }
        return find(plugin) ?? find("global")
    }

    /// Lower-case hex md5(key + streamPath + expire), the v5 signature.
    static func signature(key: String, streamPath: String, expire: String) -> String {
        Digest.hex(.md5, Array((key + streamPath + expire).utf8))
    }

    static func hexExpire(secondsFromNow: TimeInterval) -> String {
        String(Int64((Date().timeIntervalSince1970 + secondsFromNow).rounded(.down)), radix: 16)
    }

    static func isLowerHex32(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
