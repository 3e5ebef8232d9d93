import Foundation

/// One node's name in the cluster (`cluster.node_id`): unique among the nodes sharing one database.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a node carries, reported with every heartbeat; placement picks the least loaded live node.
public struct NodeLoad: Sendable, Hashable {
    public var rooms: Int
    public var participants: Int
    /// WebRTC sessions (publishers and players).
    public var sessions: Int

    public init(rooms: Int = 0, participants: Int = 0, sessions: Int = 0) {
        self.rooms = rooms
        self.participants = participants
        self.sessions = sessions
    }

    /// One number to compare nodes by: people and media sessions cost a node, an empty room almost nothing.
    public var weight: Int { participants + sessions }
}

/// A node as the others see it: who, where, how busy; live until its heartbeat lease runs out.
public struct ClusterNode: Sendable, Hashable {
    public var id: NodeID
    /// The base URL other nodes and redirected clients use (`cluster.advertise_url`), without a trailing slash.
    public var advertiseURL: String
    public var load: NodeLoad

    public init(id: NodeID, advertiseURL: String, load: NodeLoad) {
        self.id = id
        self.advertiseURL = advertiseURL
        self.load = load
    }
}

extension Array where Element == ClusterNode {
    /// The node a new room goes to: least weight, then fewest rooms, then the smallest id, so every node that
    /// asks the same question of the same list gets the same answer.
    public func leastLoaded() -> ClusterNode? {
        self.min { a, b in
            (a.load.weight, a.load.rooms, a.id.rawValue) < (b.load.weight, b.load.rooms, b.id.rawValue)
        }
    }
}
