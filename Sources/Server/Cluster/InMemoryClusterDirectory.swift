import Foundation
import ParleyTime

/// A ``ClusterDirectory`` in one process, on an injected clock: the reference the PostgreSQL one is tested
/// against, and what unit tests of placement and failover drive by hand.
public actor InMemoryClusterDirectory: ClusterDirectory {
    struct NodeRow {
        var node: ClusterNode
        var expires: Duration
    }

    struct LeaseRow {
        /// Nil once released; the row stays for its epoch.
        var owner: NodeID?
        var epoch: Int64
        var expires: Duration
    }

    private let clock: any ServerClock
    private var nodes: [NodeID: NodeRow] = [:]
    private var leases: [LeaseKey: LeaseRow] = [:]

    public init(clock: any ServerClock) {
        self.clock = clock
    }

    private var now: Duration { clock.uptime }

    public func heartbeat(_ node: ClusterNode, ttl: Duration) {
        nodes[node.id] = NodeRow(node: node, expires: now + ttl)
    }

    public func deregister(_ node: NodeID) {
        nodes[node] = nil
        for (key, row) in leases where row.owner == node && row.expires > now { leases[key]?.expires = now }
    }

    public func liveNodes() -> [ClusterNode] {
        nodes.values.filter { $0.expires > now }.map(\.node).sorted { $0.id < $1.id }
    }

    public func acquire(_ key: LeaseKey, for candidate: NodeID, ttl: Duration) -> RoomLease {
        if let row = leases[key], let owner = row.owner, row.expires > now {
            return RoomLease(key: key, owner: owner, epoch: row.epoch)
        }
        let epoch = (leases[key]?.epoch ?? 0) + 1
        leases[key] = LeaseRow(owner: candidate, epoch: epoch, expires: now + ttl)
        return RoomLease(key: key, owner: candidate, epoch: epoch)
    }

    public func renewAll(held node: NodeID, ttl: Duration) -> [RoomLease] {
        var renewed: [RoomLease] = []
        for (key, row) in leases where row.owner == node && row.expires > now {
            leases[key]?.expires = now + ttl
            renewed.append(RoomLease(key: key, owner: node, epoch: row.epoch))
        }
        return renewed.sorted { $0.key.rawValue < $1.key.rawValue }
    }

    public func release(_ key: LeaseKey, node: NodeID, epoch: Int64) -> Bool {
        guard let row = leases[key], row.owner == node, row.epoch == epoch else { return false }
        // The epoch stays, so the next owner's is still larger than this one's.
        leases[key]?.owner = nil
        return true
    }

    public func holds(_ key: LeaseKey, node: NodeID, epoch: Int64) -> Bool {
        guard let row = leases[key] else { return false }
        return row.owner == node && row.epoch == epoch && row.expires > now
    }

    public func owner(of key: LeaseKey) -> RoomOwner? {
        guard let row = leases[key], let owner = row.owner, row.expires > now, let node = nodes[owner] else {
            return nil
        }
        return RoomOwner(nodeID: owner, advertiseURL: node.node.advertiseURL, epoch: row.epoch)
    }

    public func expiredLeases() -> [RoomLease] {
        leases.compactMap { key, row in
            guard let owner = row.owner, row.expires <= now else { return nil }
            return RoomLease(key: key, owner: owner, epoch: row.epoch)
        }.sorted { $0.key.rawValue < $1.key.rawValue }
    }
}
