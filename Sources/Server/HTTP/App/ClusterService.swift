import Logging
import ParleyCluster
import ParleyRooms
import ServiceLifecycle

/// Runs this node's cluster membership with the server: heartbeats and lease renewals, and a claim on every room
/// created here (over REST or by a first join), so it is owned where it lives. On graceful shutdown the node gives
/// its rooms back and deregisters, so the others take over at once instead of after `cluster.lease_ttl`.
struct ClusterService: Service {
    let member: ClusterMember
    let rooms: any RoomDirectory
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await member.run() }
            group.addTask { await claimRoomsCreatedHere() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await member.leave()
    }

    /// Follows the registry; a subscription cut off for falling behind is renewed (a claim missed meanwhile is
    /// made by the first placement of that room instead).
    func claimRoomsCreatedHere() async {
        while !Task.isCancelled {
            for await event in await rooms.events() {
                guard case .roomCreated(let room) = event else { continue }
                do {
                    if case .remote(let owner) = try await member.claim(.room(room.id)) {
                        logger.warning(
                            "room created here is owned by another node",
                            metadata: ["room": "\(room.id)", "owner": "\(owner.nodeID)"])
                    }
                } catch {
                    logger.warning("claiming a new room failed", metadata: ["room": "\(room.id)", "error": "\(error)"])
                }
            }
        }
    }
}
