import ParleyRooms

/// Another node of the service, as the relay reaches it.
public struct ClusterPeer: Sendable, Hashable, Codable {
    public let nodeID: String
    /// The node's `cluster.advertise_url` (scheme, host and port, e.g. `http://127.0.0.1:8081`).
    public let advertiseURL: String

    public init(nodeID: String, advertiseURL: String) {
        self.nodeID = nodeID
        self.advertiseURL = advertiseURL
    }
}

/// Where a room runs, from this node's point of view.
public enum RoomRoute: Sendable, Hashable {
    /// This node owns the room (or nobody does and this node answers for it).
    case local
    /// Another node owns the room: its signalling and moderation go there.
    case remote(ClusterPeer)
}

/// What the relay needs of the cluster's room directory (docs/architecture.md §Cluster relay): who runs a room, and
/// which other nodes are alive. Kept this small so the relay is tested against a fake and the directory can change
/// underneath it.
public protocol ClusterRouting: Sendable {
    /// This node's `cluster.node_id`.
    var nodeID: String { get }
    /// Where `room` runs. `placing` is true for a join: a room nobody owns may then be given an owner (possibly
    /// another node). Without it (moderation, reads) a room nobody owns is `.local`, so the local registry answers
    /// (typically "not found") and no lease is taken for a request that changes nothing.
    func route(_ room: RoomID, placing: Bool) async throws -> RoomRoute
    /// Where a room being created over REST on this node runs: this node takes it before creating it unless a live
    /// node already owns it. The lease is then held before the creation is acknowledged, so a join reaching another
    /// node right after the 2xx finds the owner instead of placing a second room of that id.
    func claim(_ room: RoomID) async throws -> RoomRoute
    /// The live nodes other than this one.
    func peers() async throws -> [ClusterPeer]
}
