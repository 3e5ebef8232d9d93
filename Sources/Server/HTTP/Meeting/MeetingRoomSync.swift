import Foundation
import Logging
import ParleyRooms
import ParleyStore
import ParleyTime

/// Forgets a stored room once the registry removes it (a registry `deleteRoom` by an API face; `end`, from a socket
/// or MiroTalk's DELETE, keeps an API-created room), so it does not come back at the next start. Follows the registry's event stream: a room created
/// again under the same id after the removal is newer than the removed one, and its row stays.
enum MeetingRoomSync {
    static func start(rooms: any RoomDirectory, store: any MeetingRowStore, clock: any ServerClock, logger: Logger) {
        Task {
            let events = await rooms.events()
            // Creation times of the live rooms seen through events.
            var createdAt: [RoomID: Date] = [:]
            for await event in events {
                switch event {
                case .roomCreated(let room):
                    createdAt[room.id] = room.createdAt
                case .roomRemoved(let id, _):
                    let cutoff: Date
                    if let known = createdAt.removeValue(forKey: id) {
                        cutoff = known
                    } else if await rooms.room(id) == nil {
                        // Created before this subscription began (e.g. restored at start-up).
                        cutoff = clock.now
                    } else {
                        continue
                    }
                    do {
                        try await store.deleteRoom(id.rawValue, createdNoLaterThan: cutoff)
                    } catch {
                        logger.error(
                            "forgetting a removed meeting room failed",
                            metadata: ["room_id": "\(id)", "error": "\(error)"])
                    }
                default:
                    continue
                }
            }
        }
    }
}
