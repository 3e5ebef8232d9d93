import Foundation
import ParleyRooms

/// What the upgrade request says about the join: `/room/{room_id}?type=meeting&user_id=U&name=N[&password=P]
/// [&token=T]` or the v5 alias `/room/{room_id}/{user_id}`, plus the `User-Agent` header.
struct RoomSocketJoinQuery: Sendable {
    var roomID: String?
    var userID: String?
    var name: String?
    var password: String?
    var token: String?
    var type: String?
    var userAgent: String?
}

/// A refused join: an `error` event with `code`, then a close with `close`.
struct JoinRefusal: Error, Sendable, Equatable {
    var code: String
    var reason: String
    var close: RoomSocketCloseCode

    init(code: String, reason: String, close: RoomSocketCloseCode) {
        self.code = code
        self.reason = reason
        self.close = close
    }

    init(_ error: RoomError) {
        self.init(code: error.code, reason: error.reason, close: .forRefusal(error))
    }
}

/// An authenticated join, ready for the registry.
struct AuthenticatedJoin: Sendable {
    var room: RoomID
    var request: JoinRequest
    /// Set when a dropped participation resumes with its session token: used up once the join succeeds.
    var resuming: RoomSessionTokens.Claims?
}

/// Turns a join query into a registry ``JoinRequest`` by docs/contracts.md §Who may do what: no credential (unless
/// `rooms.require_token`), the room password, a MiroTalk token (presenter when it says so), a Monibuca JWT (host:
/// ignores lock and password), or the session token of the participant's own dropped connection (resumes its role;
/// refused after a kick, a leave or the end of the meeting — see ``RoomSessionResumptions``).
struct RoomSocketAuthenticator: Sendable {
    var requireToken: Bool
    var monibuca: MonibucaJWT
    var miroTalk: MiroTalkTokenVerifier
    var sessions: RoomSessionTokens
    var resumptions: RoomSessionResumptions

    static let maxTokenLength = 8192
    static let maxPasswordLength = 1024

    func joinRequest(_ query: RoomSocketJoinQuery) async -> Result<AuthenticatedJoin, JoinRefusal> {
        if let type = query.type, type != "meeting" {
            return .failure(
                JoinRefusal(
                    code: RoomSocketErrorCode.invalidRequest,
                    reason: "Only type=meeting is served here.", close: .invalidRequest))
        }
        guard let rawRoom = query.roomID, let room = RoomID(rawRoom),
            let rawUser = query.userID, let user = UserID(rawUser)
        else {
            return .failure(
                JoinRefusal(
                    code: RoomSocketErrorCode.invalidIdentifier,
                    reason: "room_id and user_id are required and must match [A-Za-z0-9._~-]{1,64}.",
                    close: .invalidRequest))
        }
        if (query.password?.utf8.count ?? 0) > Self.maxPasswordLength {
            return .failure(
                JoinRefusal(
                    code: RoomSocketErrorCode.invalidRequest, reason: "Password too long.",
                    close: .invalidRequest))
        }
        let device = UserAgentSummary.summarize(query.userAgent)
        var request = JoinRequest(
            userID: user, name: query.name, os: device.os, browser: device.browser,
            password: query.password)
        guard let token = query.token, !token.isEmpty else {
            if requireToken {
                return .failure(
                    JoinRefusal(
                        code: RoomSocketErrorCode.tokenRequired,
                        reason: "This server requires a token to join (rooms.require_token).",
                        close: .unauthorized))
            }
            return .success(AuthenticatedJoin(room: room, request: request))
        }
        var resuming: RoomSessionTokens.Claims?
        switch await credential(token, room: room, user: user) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let credential):
            switch credential {
            case .host:
                request.bypassRestrictions = true
                request.asPresenter = true
            case .miroTalk(let presenter, let username):
                request.asPresenter = presenter
                if query.name == nil, !username.isEmpty { request.name = username }
            case .session(let claims, let presenter):
                request.asPresenter = presenter
                resuming = claims
            }
            return .success(AuthenticatedJoin(room: room, request: request, resuming: resuming))
        }
    }

    enum Credential: Equatable {
        case host
        case miroTalk(presenter: Bool, username: String)
        case session(RoomSessionTokens.Claims, presenter: Bool)
    }

    func credential(_ token: String, room: RoomID, user: UserID) async -> Result<Credential, JoinRefusal> {
        let invalid = JoinRefusal(
            code: RoomSocketErrorCode.invalidToken,
            reason: "The token is not a valid MiroTalk token, Monibuca JWT or room session token.",
            close: .unauthorized)
        let expired = JoinRefusal(
            code: RoomSocketErrorCode.tokenExpired, reason: "The token has expired.",
            close: .unauthorized)
        guard token.utf8.count <= Self.maxTokenLength else { return .failure(invalid) }
        if token.hasPrefix(RoomSessionTokens.prefix + ".") {
            // A session token only ever speaks for its own room and user.
            guard let claims = sessions.signedClaims(token), claims.room == room, claims.user == user else {
                return .failure(invalid)
            }
            guard !sessions.isExpired(claims) else { return .failure(expired) }
            guard let dropped = resumptions.peek(claims, now: sessions.clock.now) else {
                return .failure(
                    JoinRefusal(
                        code: RoomSocketErrorCode.invalidToken,
                        reason: "This session is over (left, kicked or ended); join again with another credential.",
                        close: .unauthorized))
            }
            return .success(.session(claims, presenter: dropped.role.isModerator))
        }
        switch monibuca.verify(token) {
        case .success:
            return .success(.host)
        case .failure(.expired), .failure(.notYetValid):
            return .failure(expired)
        case .failure:
            break
        }
        do {
            let claims = try await miroTalk.verify(token)
            return .success(.miroTalk(presenter: claims.presenter, username: claims.username))
        } catch .expired {
            return .failure(expired)
        } catch {
            return .failure(invalid)
        }
    }
}
