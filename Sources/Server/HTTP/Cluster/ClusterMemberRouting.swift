import ParleyCluster
import ParleyRooms

/// The relay's questions answered by this node's cluster membership (its room directory and node registry).
struct ClusterMemberRouting: ClusterRouting {
    let member: ClusterMember

    var nodeID: String { member.node.rawValue }

    func route(_ room: RoomID, placing: Bool) async throws -> RoomRoute {
        // A join places a room nobody owns on the least loaded live node; anything else only looks.
        switch try await member.placement(of: .room(room), policy: placing ? .leastLoaded : .lookOnly) {
        case .local, .unowned: .local
        case .remote(let owner): .remote(ClusterPeer(nodeID: owner.nodeID.rawValue, advertiseURL: owner.advertiseURL))
        }
    }

    func claim(_ room: RoomID) async throws -> RoomRoute {
        switch try await member.claim(.room(room)) {
        case .local, .unowned: .local
        case .remote(let owner): .remote(ClusterPeer(nodeID: owner.nodeID.rawValue, advertiseURL: owner.advertiseURL))
        }
    }

    func peers() async throws -> [ClusterPeer] {
        await member.nodes.filter { $0.id != member.node }.map {
            ClusterPeer(nodeID: $0.id.rawValue, advertiseURL: $0.advertiseURL)
        }
    }
}

extension ClusterRelay {
    /// The relay of a cluster member: its directory, and the secret every node shares.
    public init(member: ClusterMember) {
        self.init(routing: ClusterMemberRouting(member: member), secret: member.secret)
    }
}
