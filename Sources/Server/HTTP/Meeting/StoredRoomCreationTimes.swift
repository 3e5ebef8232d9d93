import Foundation
import ParleyRooms
import Synchronization

/// The stored creation times of the rooms made through the API, remembered per live room so the room list reads
/// the store only when a room it has not seen appears (reading and decoding every row cost a fifth of each
/// `GET /meeting/api/rooms` with 1,000 rooms).
///
/// A remembered time holds while the same live room exists: same id and same registry creation instant. A room
/// removed and created again (here, or on another node of a cluster) is a new live room and is read again; a stored
/// row changes only with such a re-creation (rows are written when a room is created and deleted when it is
/// removed).
final class StoredRoomCreationTimes: Sendable {
    private struct Known {
        /// The live room's own creation instant when the stored time was read.
        let live: Date
        let stored: Date
    }

    private struct Memory {
        var known: [RoomID: Known] = [:]
        /// The last list answered, and its times: a list that has not changed since (the usual case) is recognized
        /// by comparing ids (the registry's own strings, so mostly a pointer comparison) instead of hashing them.
        var lastRooms: [(id: RoomID, origin: RoomOrigin, live: Date)] = []
        var lastTimes: [Date] = []
    }

    private let memory = Mutex(Memory())

    init() {}

    /// The `created_at` of each room, index for index: the stored time of an API-made (`.rest`) room, else (an
    /// ad-hoc room, or an API room whose row is not written yet) the registry's. `readStored` (every stored room's
    /// time by id) runs only when some `.rest` room is not remembered.
    func createdAt(
        of rooms: [RoomSnapshot], readStored: () async throws -> [String: Date]
    ) async throws -> [Date] {
        var times: [Date] = []
        times.reserveCapacity(rooms.count)
        let complete = memory.withLock { memory -> Bool in
            if Self.same(rooms, memory.lastRooms) {
                times = memory.lastTimes
                return true
            }
            for room in rooms {
                guard room.origin == .rest else {
                    times.append(room.createdAt)
                    continue
                }
                guard let entry = memory.known[room.id], entry.live == room.createdAt else { return false }
                times.append(entry.stored)
            }
            memory.lastRooms = rooms.map { ($0.id, $0.origin, $0.createdAt) }
            memory.lastTimes = times
            return true
        }
        if complete { return times }
        let stored = try await readStored()
        // Remember exactly the rooms listed now: removed rooms are forgotten with the next read.
        var fresh: [RoomID: Known] = [:]
        fresh.reserveCapacity(rooms.count)
        times = rooms.map { room in
            guard room.origin == .rest, let time = stored[room.id.rawValue] else { return room.createdAt }
            fresh[room.id] = Known(live: room.createdAt, stored: time)
            return time
        }
        memory.withLock { $0 = Memory(known: fresh) }
        return times
    }

    /// The same live rooms, in the same order, as `last`.
    private static func same(_ rooms: [RoomSnapshot], _ last: [(id: RoomID, origin: RoomOrigin, live: Date)]) -> Bool {
        guard rooms.count == last.count else { return false }
        // Through buffer pointers: the fields are read in place, no snapshot is copied (and retained) per room.
        return rooms.withUnsafeBufferPointer { rooms in
            last.withUnsafeBufferPointer { last in
                for index in rooms.indices {
                    guard rooms[index].id == last[index].id, rooms[index].createdAt == last[index].live,
                        rooms[index].origin == last[index].origin
                    else { return false }
                }
                return true
            }
        }
    }
}
