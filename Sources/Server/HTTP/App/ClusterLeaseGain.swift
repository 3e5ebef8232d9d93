import Logging
import ParleyCluster
import ParleyRooms
import ParleyStore

/// What a node does when it becomes a room's owner (its first join was placed here, another node placed it here,
/// or it took the room over from a dead node): a room created over REST lives in the shared rows, not in this
/// node's registry unless it was restored at start-up, so it is restored now with its stored settings (name,
/// password, limits). Without this a re-homed REST room would vanish from the listings and its first join would
/// make an ad-hoc room without the stored password.
enum ClusterLeaseGain {
    static func handler(rooms: any RoomDirectory, store: any MeetingRowStore, logger: Logger)
        -> @Sendable (LeaseKey) async -> Void
    {
        { key in
            guard case .room(let id) = key, await rooms.room(id) == nil else { return }
            do {
                guard let record = try await store.room(id.rawValue) else { return }
                _ = try await rooms.createRoom(id, settings: MeetingAPI.settings(of: record), origin: .rest)
                logger.info("restored a stored room this node now owns", metadata: ["room": "\(id)"])
            } catch RoomError.roomAlreadyExists {
                // A join made it first (it was served from the lease just taken): it stays as it is.
                return
            } catch {
                logger.warning(
                    "restoring a stored room this node now owns failed",
                    metadata: ["room": "\(id)", "error": "\(error)"])
            }
        }
    }
}
