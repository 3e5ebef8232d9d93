import Foundation
import HTTPTypes
import Hummingbird
import ParleyMedia
import ParleyRooms
import ParleySFU

/// What a WHIP/WHEP request's credential allows on its path (docs/contracts.md §Who may do what).
enum WebRTCGrant: Sendable, Hashable {
    /// A valid Monibuca JWT: any path.
    case admin
    /// A room participant's `session_token`, checked against the path: it publishes `room/{room}/{user}` (or its
    /// `/screen`) and plays the streams of its room while that participation lasts.
    case participant(SessionOwner)
    /// No credential: a path outside `room/`, with a verified stream signature when `stream_auth.enabled`.
    case anonymous
}

/// Who may publish or play a path over WHIP/WHEP (docs/contracts.md §Who may do what):
/// - a valid Monibuca JWT as `Bearer` may publish or play any path;
/// - a room `session_token` as `Bearer` publishes its own `room/{room_id}/{user_id}` (or `…/screen`) and plays
///   `room/{room_id}/…` while the participant is in the room; another path is 403, a forged, expired or revoked
///   token 401;
/// - any other Bearer value is refused (401);
/// - without a Bearer, `room/…` paths are refused (401) and, when `stream_auth.enabled`, `?secret=&expire=` must
///   verify (missing 401, wrong or expired 403).
enum WebRTCAccess {
    static func authorize(
        _ request: Request, path: StreamPath, intent: MediaIntent, services: ParleyServices
    ) async throws(WebRTCHTTPError) -> WebRTCGrant {
        let now = services.clock.now
        switch AuthorizationCredential(request.headers[.authorization]) {
        case .absent:
            break
        case .empty:
            // A header that names no token is refused as Monibuca refuses it, never read as "no header".
            throw WebRTCHTTPError(
                .unauthorized, "missing bearer token",
                headers: [.wwwAuthenticate: #"Bearer realm="parley""#])
        case .bearer(let token), .raw(let token):
            if token.hasPrefix(RoomSessionTokens.prefix + ".") {
                return .participant(
                    try await participant(token, path: path, intent: intent, services: services))
            }
            let jwt = MonibucaJWT(
                secret: services.secrets.authSecret, lifetime: TimeInterval(services.config.auth.expire))
            switch jwt.verify(token, now: now) {
            case .success: return .admin
            case .failure(let refusal):
                throw invalidToken("invalid bearer token: \(refusal)")
            }
        }
        if path.roomScoped != nil || path.segments.first == StreamPath.roomPrefix {
            throw WebRTCHTTPError(
                .unauthorized, "room streams need a Bearer token",
                headers: [.wwwAuthenticate: #"Bearer realm="parley""#])
        }
        let query = request.uri.queryParameters
        do throws(StreamSignature.Refusal) {
            try StreamSignature.verify(
                services.config.streamAuth, plugin: "webrtc",
                direction: intent == .publish ? .publish : .subscribe,
                streamPath: path.rawValue, secret: query["secret"].map(String.init),
                expire: query["expire"].map(String.init), now: now)
        } catch {
            throw WebRTCHTTPError(error == .missing ? .unauthorized : .forbidden, error.description)
        }
        return .anonymous
    }

    /// A room session token: signed by this server (else 401), not expired (401), its participation still live
    /// (401: a kick or a leave revokes it), and the path one it may use (else 403).
    static func participant(
        _ token: String, path: StreamPath, intent: MediaIntent, services: ParleyServices
    ) async throws(WebRTCHTTPError) -> SessionOwner {
        let tokens = RoomSessionTokens(secret: services.secrets.authSecret, clock: services.clock)
        guard let claims = tokens.signedClaims(token) else {
            throw invalidToken("invalid session token: not signed by this server or malformed")
        }
        guard !tokens.isExpired(claims) else { throw invalidToken("session token expired") }
        guard let participant = await services.rooms.room(claims.room)?.participant(claims.user),
            participant.joinedAt == claims.joinedAt
        else {
            throw invalidToken("session token revoked: user \(claims.user) is no longer in room \(claims.room)")
        }
        let scoped = path.roomScoped
        switch intent {
        case .publish:
            guard scoped?.room == claims.room, scoped?.user == claims.user else {
                let own = StreamPath(room: claims.room, user: claims.user)
                throw WebRTCHTTPError(
                    .forbidden,
                    "user \(claims.user)'s session token publishes only \(own) (or \(own)/\(StreamPath.screenSuffix)),"
                        + " not \(path)")
            }
        case .play:
            guard scoped?.room == claims.room else {
                throw WebRTCHTTPError(
                    .forbidden,
                    "a session token of room \(claims.room) plays only \(StreamPath.roomPrefix)/\(claims.room)/…,"
                        + " not \(path)")
            }
        }
        return SessionOwner(room: claims.room, user: claims.user)
    }

    static func invalidToken(_ reason: String) -> WebRTCHTTPError {
        WebRTCHTTPError(
            .unauthorized, reason, headers: [.wwwAuthenticate: #"Bearer realm="parley", error="invalid_token""#])
    }
}
