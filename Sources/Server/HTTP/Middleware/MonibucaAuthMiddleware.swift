import Foundation
import Hummingbird
import HTTPTypes
import ParleyTime

/// The Monibuca JWT on the paths docs/contracts.md lists (§What the Monibuca JWT protects), when `auth.enabled`.
/// `Authorization: Bearer <jwt>`, or the raw token as v5 tolerates (`strings.TrimPrefix(h, "Bearer ")`).
/// Every refusal is a 401 envelope naming its reason. A token with under 30 minutes left earns a fresh one in
/// `New-Token` (v5's refresh; CORS exposes the header).
public struct MonibucaAuthMiddleware: RouterMiddleware {
    public typealias Context = ParleyRequestContext
    let jwt: MonibucaJWT
    let exclude: [String]
    let clock: any ServerClock
    let verified = VerifiedTokenCache()

    public init(jwt: MonibucaJWT, exclude: [String], clock: any ServerClock) {
        self.jwt = jwt
        self.exclude = exclude
        self.clock = clock
    }

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard MonibucaPaths.needsToken(request.uri.path, exclude: exclude) else {
            return try await next(request, context)
        }
        let now = clock.now
        if request.headers[.authorization] == nil, let play = request.uri.queryParameters.get("play_token"),
            MonibucaPaths.takesRecordingPlayToken(request.uri.path, method: request.method.rawValue)
        {
            // A `<video>` element's request: the download route checks the token (docs/recordings.md).
            var context = context
            context.recordingPlayToken = play
            return try await next(request, context)
        }
        let token = try Self.presentedToken(request.headers[.authorization])
        if token.hasPrefix(RoomSessionTokens.prefix + "."),
            MonibucaPaths.takesRoomSessionToken(request.uri.path, method: request.method.rawValue)
        {
            // Checked by the route itself: a presenter of the recording's room (docs/recordings.md).
            var context = context
            context.roomSessionToken = token
            return try await next(request, context)
        }
        let claims = try verifiedClaims(token, now: now)
        var context = context
        context.authenticatedUser = claims.sub
        var response = try await next(request, context)
        if let fresh = jwt.refreshed(claims, now: now) {
            response.headers[.newToken] = fresh
        }
        return response
    }

    /// The claims of a presented token, or the 401 refusing it (shared with the event-loop answers,
    /// ``MonibucaStreamsImmediateRoute``).
    func verifiedClaims(_ token: String, now: Date) throws(MonibucaError) -> MonibucaClaims {
        if let known = verified.claims(for: token) {
            // Signature and claims were checked when first seen; time moves on, so the same two checks as
            // MonibucaJWT.verify run again.
            if now >= known.exp { throw Self.unauthorized(.expired) }
            if now < known.nbf { throw Self.unauthorized(.notYetValid) }
            return known
        }
        switch jwt.verify(token, now: now) {
        case .success(let checked):
            verified.remember(token, checked)
            return checked
        case .failure(let refusal): throw Self.unauthorized(refusal)
        }
    }

    /// The token in an `Authorization` value (``AuthorizationCredential``: Bearer or raw); none is "missing".
    static func presentedToken(_ header: String?) throws(MonibucaError) -> String {
        guard let token = AuthorizationCredential(header).token else { throw unauthorized(.missing) }
        return token
    }

    static func unauthorized(_ refusal: MonibucaTokenRefusal) -> MonibucaError {
        // RFC 6750 §3: a Bearer challenge with the error code.
        let code =
            refusal == .missing
            ? #"Bearer realm="parley""#
            : #"Bearer realm="parley", error="invalid_token""#
        return MonibucaError(.unauthorized, refusal.description, headers: [.wwwAuthenticate: code])
    }
}
