import Logging
import ParleyCluster
import ParleyRooms
import ParleySFU

/// What a node does when it finds that a room it ran was re-homed while it was not renewing (paused, cut off from
/// the database): it must stop serving it, so its participants are dropped (their sockets close and clients
/// reconnect, through any node, to the new owner) and the room's media sessions end.
enum ClusterLeaseLoss {
    static func handler(rooms: any RoomDirectory, media: MediaPlane?, logger: Logger)
        -> @Sendable (LeaseKey) async -> Void
    {
        { key in
            guard case .room(let id) = key, let room = await rooms.room(id) else { return }
            for participant in room.participants {
                _ = try? await rooms.leave(id, participant.userID, reason: .dropped)
            }
            let closed = await media?.closeSessions(inRoom: id, reason: "room moved to another node") ?? 0
            logger.warning(
                "stopped serving a room another node took over",
                metadata: ["room": "\(id)", "participants": "\(room.participants.count)", "sessions": "\(closed)"])
        }
    }
}
