import Foundation
import ParleyTime
import Hummingbird
import HTTPTypes

/// `POST /api/login` (seed) and `POST /api/auth/login` (v5).
struct MonibucaLogin: Sendable {
    /// Loaded when the face registers; nil when the store failed (login answers 503).
    let users: Task<MonibucaUsers?, Never>
    let jwt: MonibucaJWT
    /// Failed logins per client address; checked before the body is read or a password hashed.
    let failures: RateLimiter
    let clock: any ServerClock

    struct Credentials: Decodable {
        let username: String
        let password: String
    }

    struct UserInfo: Encodable {
        let username: String
        /// Unix seconds.
        let expiresAt: Int64
    }

    struct LoginData: Encodable {
        let token: String
        let userInfo: UserInfo
    }

    /// The seed's flat `token` beside v5's `data.token`, so both clients read it.
    struct LoginResponse: Encodable {
        let code = 0
        let message = "success"
        let token: String
        let data: LoginData
    }

    func register(on router: Router<ParleyRequestContext>) {
        for path in MonibucaPaths.loginPaths {
            router.post(RouterPath(path)) { request, context in try await login(request, context: context) }
            MonibucaMethods.refuseOthers(on: router, path: path, allowed: [.post])
        }
    }

    func login(_ request: Request, context: ParleyRequestContext) async throws -> Response {
        let address = context.clientAddress
        let allowance = failures.peek(address)
        if !allowance.allowed {
            let wait = allowance.retryAfterSeconds
            throw MonibucaError(
                .tooManyRequests, "too many failed logins from \(address); retry in \(wait) s",
                headers: [.retryAfter: String(wait)])
        }
        let credentials = try await Self.decodeCredentials(request, context: context)
        guard let users = await users.value else {
            throw MonibucaError(.serviceUnavailable, "user store unavailable; see the server log")
        }
        guard users.authenticate(username: credentials.username, password: credentials.password) else {
            _ = failures.hit(address)
            context.logger.notice(
                "login refused",
                metadata: [
                    "username": .string(credentials.username),
                    "client": .string(address),
                ])
            throw MonibucaError.unauthorized("invalid username or password")
        }
        failures.reset(address)
        let (token, expiresAt) = try jwt.issue(username: credentials.username, now: clock.now)
        let body = LoginResponse(
            token: token,
            data: LoginData(
                token: token,
                userInfo: UserInfo(
                    username: credentials.username,
                    expiresAt: Int64(expiresAt.timeIntervalSince1970))))
        return try MonibucaEnvelope.json(body, status: .ok)
    }

    static func decodeCredentials(_ request: Request, context: ParleyRequestContext) async throws -> Credentials {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let credentials = try? JSONDecoder().decode(Credentials.self, from: Data(buffer.readableBytesView)),
            !credentials.username.isEmpty, !credentials.password.isEmpty
        else { throw MonibucaError.badRequest(#"body must be JSON {"username": "...", "password": "..."}"#) }
        return credentials
    }
}
