import Foundation
import ParleyRooms

/// One copy of each participant as the room's sessions last announced it, shared by all of them.
///
/// Every session keeps its own view of the room (who is in it, as last announced to its client) to tell what an
/// update changed. Held by value, that view costs each session a full ``Participant`` per member: n² values in a
/// room of n. Views hold these shared, immutable copies instead, interned here per room, so a session pays one
/// reference per member and equal participants are stored once.
final class RoomParticipantViews: @unchecked Sendable {
    /// A participant as announced; never changed once made (a change interns a new one).
    final class Entry: Sendable {
        let participant: Participant

        init(_ participant: Participant) {
            self.participant = participant
        }
    }

    private let lock = NSLock()
    /// The latest entry per member. A view may still hold an older one until its session reaches the change.
    private var latest: [UserID: Entry] = [:]

    /// The shared entry equal to `participant`: the latest one when it matches, else a new one that becomes latest.
    func intern(_ participant: Participant) -> Entry {
        lock.withLock {
            if let entry = latest[participant.userID], entry.participant == participant { return entry }
            let entry = Entry(participant)
            latest[participant.userID] = entry
            return entry
        }
    }

    /// The member left: its entry lives on only in the views that still hold it.
    func forget(_ user: UserID) {
        lock.withLock { _ = latest.removeValue(forKey: user) }
    }

    var count: Int { lock.withLock { latest.count } }
}
