import Foundation
import ParleyRooms

/// Which session tokens may rejoin: only those of participations that ended because the connection dropped.
///
/// A session token names one participation; once it is over, the token could let anyone holding it back in
/// (with `rooms.require_token`, it is a credential). So rejoining is an allow-list, not a revocation list: a drop
/// (network loss, heartbeat timeout, slow consumer) records the participation here; a kick, a leave or the end of
/// the meeting records nothing, so those tokens are refused. A record is used once and expires with its token.
final class RoomSessionResumptions: @unchecked Sendable {
    struct Key: Hashable {
        var room: RoomID
        var user: UserID
        var joinedAt: Date
    }

    /// What a resumed participant gets back.
    struct Record {
        var role: Role
        var expiresAt: Date
    }

    let capacity: Int
    private let lock = NSLock()
    private var records: [Key: Record] = [:]

    /// `capacity`: records kept at most; beyond it the ones expiring first go (memory stays bounded under churn).
    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    func recordDrop(of participant: Participant, in room: RoomID, expiresAt: Date, now: Date) {
        lock.withLock {
            if records.count >= capacity {
                records = records.filter { $0.value.expiresAt > now }
            }
            if records.count >= capacity, let first = records.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                records[first.key] = nil
            }
            records[Key(room: room, user: participant.userID, joinedAt: participant.joinedAt)] =
                Record(role: participant.role, expiresAt: expiresAt)
        }
    }

    /// The dropped participation's record, if it may resume now (not consumed).
    func peek(_ claims: RoomSessionTokens.Claims, now: Date) -> Record? {
        lock.withLock {
            guard let record = records[Self.key(claims)], record.expiresAt > now else { return nil }
            return record
        }
    }

    /// Uses the record up: one resumption per drop (the new participation gets its own token).
    func consume(_ claims: RoomSessionTokens.Claims) {
        _ = lock.withLock { records.removeValue(forKey: Self.key(claims)) }
    }

    var count: Int { lock.withLock { records.count } }

    static func key(_ claims: RoomSessionTokens.Claims) -> Key {
        Key(room: claims.room, user: claims.user, joinedAt: claims.joinedAt)
    }
}
