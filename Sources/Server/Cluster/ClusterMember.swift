import Foundation
import Logging
import ParleyTime

/// This node's part in the cluster: it registers and heartbeats the node, holds and renews its room leases,
/// places rooms on nodes, takes over rooms of dead nodes and gives back idle ones (docs/architecture.md §Cluster).
///
/// Everything it knows about the others comes from the ``ClusterDirectory``; what it holds it trusts only until
/// its last successful renewal plus the lease period (less a margin), measured on its own monotonic clock, so a
/// node that was paused or cut off stops acting as owner before another node may take over.
public actor ClusterMember {
    public nonisolated let node: NodeID
    public nonisolated let advertiseURL: String
    public nonisolated let ttl: Duration
    /// The cluster's shared secret (`cluster.secret`, or the one stored by the first node): node-to-node requests
    /// carry it, and a node answers its internal endpoints only to a caller that shows it.
    public nonisolated let secret: String
    let directory: any ClusterDirectory
    let local: any ClusterLocalState
    let clock: any ServerClock
    let logger: Logger
    let metrics = ClusterMetrics()

    struct HeldLease {
        var epoch: Int64
        /// Monotonic time at which the store call that last acquired or renewed it started.
        var renewedAt: Duration
        /// Monotonic time after which this node no longer trusts the lease without asking the directory.
        var trustedUntil: Duration
        /// Monotonic time the key was last seen in use here (or acquired).
        var lastActive: Duration
    }

    var held: [LeaseKey: HeldLease] = [:]
    /// The live nodes as of the last heartbeat round.
    var lastSeenNodes: [ClusterNode] = []
    var lastHeartbeatOK = false

    public init(
        node: NodeID, advertiseURL: String, ttl: Duration, secret: String, directory: any ClusterDirectory,
        local: any ClusterLocalState, clock: any ServerClock = SystemClock(), logger: Logger
    ) {
        self.node = node
        var url = advertiseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.advertiseURL = url
        self.ttl = ttl
        self.secret = secret
        self.directory = directory
        self.local = local
        self.clock = clock
        self.logger = logger
    }

    /// How often the node heartbeats and renews: a third of the lease, so two rounds may fail before it lapses.
    public nonisolated var heartbeatInterval: Duration { ttl / 3 }

    /// Trust a lease for less than its period: the store started its clock a little after this node's.
    var trustMargin: Duration { ttl / 10 }

    /// What `/healthz` reports.
    public var status: ClusterStatus {
        ClusterStatus(nodes: lastSeenNodes.count, state: .member, heldLeases: held.count)
    }

    /// The live nodes as of the last heartbeat round (this one included once registered).
    public var nodes: [ClusterNode] { lastSeenNodes }

    /// The leases this node holds now, by key.
    public var heldLeases: [LeaseKey: Int64] { held.mapValues(\.epoch) }

    /// The rooms this node holds the lease of, by id, at most `limit` of them: `/healthz` shows where a room runs
    /// (after a takeover, say) without the cluster secret.
    public func ownedRooms(limit: Int) -> [String] {
        let ids = held.keys.compactMap { key -> String? in
            guard case .room(let id) = key else { return nil }
            return id.rawValue
        }
        return Array(ids.sorted().prefix(limit))
    }
}

/// The cluster as one node sees it (`/healthz` `cluster`).
public struct ClusterStatus: Sendable, Hashable {
    public enum State: String, Sendable {
        /// `cluster.database_url` unset: one node on SQLite.
        case single
        case member
    }

    public var nodes: Int
    public var state: State
    public var heldLeases: Int

    public init(nodes: Int, state: State, heldLeases: Int) {
        self.nodes = nodes
        self.state = state
        self.heldLeases = heldLeases
    }

    public static let single = ClusterStatus(nodes: 1, state: .single, heldLeases: 0)
}
