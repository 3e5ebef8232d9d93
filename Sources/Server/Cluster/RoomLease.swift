/// A live lease: `key` is held by `owner` until it expires, under fencing token `epoch`.
///
/// The epoch rises by one at every acquisition of the key (never at a renewal), so a later owner always carries a
/// larger epoch than any earlier one; a write that carries an older epoch is refused (fencing, M. Kleppmann, "How
/// to do distributed locking", 2016).
public struct RoomLease: Sendable, Hashable {
    public var key: LeaseKey
    public var owner: NodeID
    public var epoch: Int64

    public init(key: LeaseKey, owner: NodeID, epoch: Int64) {
        self.key = key
        self.owner = owner
        self.epoch = epoch
    }
}

/// Who runs a room (or stream) now, and where to send its clients: a live lease joined with its node's URL.
public struct RoomOwner: Sendable, Hashable {
    public var nodeID: NodeID
    /// The owner's `cluster.advertise_url`, without a trailing slash.
    public var advertiseURL: String
    public var epoch: Int64

    public init(nodeID: NodeID, advertiseURL: String, epoch: Int64) {
        self.nodeID = nodeID
        self.advertiseURL = advertiseURL
        self.epoch = epoch
    }
}

/// The directory's storage failed (the database is unreachable, a query was refused); nothing was decided.
public struct ClusterDirectoryError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
