import ParleyRooms

/// ``ClusterLocalState`` from the node's room registry: load is its rooms, participants and stream sessions; a
/// room is active while it exists here (an ad-hoc room ends with its last participant, an API-created one stays
/// until deleted), a stream path while it is published here.
public struct RegistryLocalState: ClusterLocalState {
    let rooms: any RoomDirectory
    let onLeaseLost: @Sendable (LeaseKey) async -> Void
    let onLeaseAcquired: @Sendable (LeaseKey) async -> Void

    public init(
        rooms: any RoomDirectory, onLeaseLost: @escaping @Sendable (LeaseKey) async -> Void,
        onLeaseAcquired: @escaping @Sendable (LeaseKey) async -> Void = { _ in }
    ) {
        self.rooms = rooms
        self.onLeaseLost = onLeaseLost
        self.onLeaseAcquired = onLeaseAcquired
    }

    public func load() async -> NodeLoad {
        let stats = await rooms.stats()
        return NodeLoad(
            rooms: stats.rooms, participants: stats.participants, sessions: stats.publishers + stats.subscribers)
    }

    public func isActive(_ key: LeaseKey) async -> Bool {
        switch key {
        case .room(let id):
            return await rooms.room(id) != nil
        case .stream(let path):
            return await rooms.stream(path) != nil
        }
    }

    public func leaseLost(_ key: LeaseKey) async {
        await onLeaseLost(key)
    }

    public func leaseAcquired(_ key: LeaseKey) async {
        await onLeaseAcquired(key)
    }
}
