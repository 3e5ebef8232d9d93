import Foundation
import ParleyCrypto
import ParleyRooms

/// The room `session_token` handed out in `joined`: the participant's credential for WHIP/WHEP
/// (docs/contracts.md §Who may do what: publish `room/{room_id}/{user_id}`, play any stream of its room, while the
/// participant is in the room).
///
/// Design: stateless and HMAC-signed (RFC 2104, SHA-256) under `auth.secret`, so any face — or another node with the
/// same secret — verifies it without shared memory. It names the room, the user and the participant's exact
/// `joinedAt`; ``verify(_:rooms:)`` accepts it only while that same participation is live in the registry. Leaving
/// therefore revokes it, and a rejoin under the same user id gets a new token while the old one stays dead.
///
/// Format: `pst1.<base64url(room_id "\n" user_id "\n" joinedAt-bits-hex)>.<base64url(HMAC)>`, where joinedAt is the
/// exact bit pattern of `timeIntervalSinceReferenceDate` (what `Date` stores, so equality survives the round trip).
public struct RoomSessionTokens: Sendable {
    static let prefix = "pst1"
    /// Domain separation: the same secret also signs Monibuca JWTs.
    static let context = Array("parley room session token v1\n".utf8)
    static let maxLength = 512

    let key: [UInt8]

    public init(secret: String) {
        self.key = Array(secret.utf8)
    }

    /// The verified contents of a session token.
    public struct Claims: Sendable, Hashable {
        public var room: RoomID
        public var user: UserID
        public var joinedAt: Date
    }

    public func issue(for participant: Participant, in room: RoomID) -> String {
        let body = "\(room.rawValue)\n\(participant.userID.rawValue)\n"
            + String(participant.joinedAt.timeIntervalSinceReferenceDate.bitPattern, radix: 16)
        let encoded = Base64URL.encode(Array(body.utf8))
        return "\(Self.prefix).\(encoded).\(Base64URL.encode(signature(encoded)))"
    }

    /// The token's claims when its signature holds, whatever the registry says now. Never traps on bad input.
    public func decode(_ token: String) -> Claims? {
        guard token.utf8.count <= Self.maxLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.prefix,
              let presented = Base64URL.decode(parts[2]),
              ConstantTime.equals(presented, signature(String(parts[1]))),
              let bodyBytes = Base64URL.decode(parts[1]) else { return nil }
        let fields = String(decoding: bodyBytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 3, let room = RoomID(String(fields[0])), let user = UserID(String(fields[1])),
              let bits = UInt64(fields[2], radix: 16) else { return nil }
        return Claims(room: room, user: user, joinedAt: Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits)))
    }

    /// The participant the token speaks for, only while that participation is still live (same join).
    public func verify(_ token: String, rooms: any RoomDirectory) async -> (claims: Claims, participant: Participant)? {
        guard let claims = decode(token),
              let participant = await rooms.room(claims.room)?.participant(claims.user),
              participant.joinedAt == claims.joinedAt else { return nil }
        return (claims, participant)
    }

    func signature(_ encodedBody: String) -> [UInt8] {
        HMAC.sha256(key: key, message: Self.context + Array(encodedBody.utf8))
    }
}
