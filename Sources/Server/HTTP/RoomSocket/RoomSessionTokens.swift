import Foundation
import ParleyCrypto
import ParleyRooms
import ParleyTime

/// The room `session_token` handed out in `joined`: the participant's credential for WHIP/WHEP
/// (docs/contracts.md §Who may do what: publish `room/{room_id}/{user_id}`, play any stream of its room, while the
/// participant is in the room) and for resuming after a dropped connection.
///
/// Design: stateless and HMAC-signed (RFC 2104, SHA-256) under `auth.secret`, so any face — or another node with the
/// same secret — verifies it without shared memory. It names the room, the user, the participant's exact
/// `joinedAt` and an expiry (`rooms.session_token_expire`). ``verify(_:rooms:)`` accepts it only before the expiry
/// and while that same participation is live in the registry, so a kick or a leave revokes it, and a rejoin under the
/// same user id gets a new token while the old one stays dead.
///
/// Format: `pst2.<base64url(room_id "\n" user_id "\n" joinedAt-bits-hex "\n" expires-unix-seconds)>.<base64url(HMAC)>`,
/// where joinedAt is the exact bit pattern of `timeIntervalSinceReferenceDate` (what `Date` stores, so equality
/// survives the round trip).
public struct RoomSessionTokens: Sendable {
    static let prefix = "pst2"
    /// Domain separation: the same secret also signs Monibuca JWTs.
    static let context = Array("parley room session token v2\n".utf8)
    static let maxLength = 512
    /// `rooms.session_token_expire`'s default: a working day, so a long meeting can still start publishing.
    public static let defaultLifetime: TimeInterval = 12 * 3600

    let key: [UInt8]
    let lifetime: TimeInterval
    let clock: any ServerClock

    public init(secret: String, lifetime: TimeInterval = defaultLifetime, clock: any ServerClock = SystemClock()) {
        self.key = Array(secret.utf8)
        self.lifetime = max(1, lifetime)
        self.clock = clock
    }

    /// The verified contents of a session token.
    public struct Claims: Sendable, Hashable {
        public var room: RoomID
        public var user: UserID
        public var joinedAt: Date
        /// Whole seconds since 1970; the token is refused from this instant on.
        public var expiresAt: Date
    }

    public func issue(for participant: Participant, in room: RoomID) -> String {
        let expires = Int64((clock.now.timeIntervalSince1970 + lifetime).rounded(.down))
        let body =
            "\(room.rawValue)\n\(participant.userID.rawValue)\n"
            + String(participant.joinedAt.timeIntervalSinceReferenceDate.bitPattern, radix: 16) + "\n\(expires)"
        let encoded = Base64URL.encode(Array(body.utf8))
        return "\(Self.prefix).\(encoded).\(Base64URL.encode(signature(encoded)))"
    }

    /// The token's claims when its signature holds and it has not expired, whatever the registry says now.
    public func decode(_ token: String) -> Claims? {
        guard let claims = signedClaims(token), !isExpired(claims) else { return nil }
        return claims
    }

    public func isExpired(_ claims: Claims) -> Bool { clock.now >= claims.expiresAt }

    /// The token's claims when its signature holds, expired or not (to tell an expired token from a forged one).
    /// Never traps on bad input.
    public func signedClaims(_ token: String) -> Claims? {
        guard token.utf8.count <= Self.maxLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.prefix,
            let presented = Base64URL.decode(parts[2]),
            ConstantTime.equals(presented, signature(String(parts[1]))),
            let bodyBytes = Base64URL.decode(parts[1])
        else { return nil }
        let fields = String(decoding: bodyBytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 4, let room = RoomID(String(fields[0])), let user = UserID(String(fields[1])),
            let bits = UInt64(fields[2], radix: 16), let expires = Int64(fields[3])
        else { return nil }
        return Claims(
            room: room, user: user, joinedAt: Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    /// The participant the token speaks for, only while that participation is still live (same join).
    public func verify(_ token: String, rooms: any RoomDirectory) async -> (claims: Claims, participant: Participant)? {
        guard let claims = decode(token),
            let participant = await rooms.room(claims.room)?.participant(claims.user),
            participant.joinedAt == claims.joinedAt
        else { return nil }
        return (claims, participant)
    }

    func signature(_ encodedBody: String) -> [UInt8] {
        HMAC.sha256(key: key, message: Self.context + Array(encodedBody.utf8))
    }
}
