import Foundation

/// The shared record of which nodes are alive and which node owns each room (docs/architecture.md §Cluster).
///
/// Every method is one atomic step on the shared store, so nodes racing for a key get exactly one winner, and a
/// node acting on an out-of-date view is refused rather than obeyed. Time is the store's own (one clock for all
/// nodes); `ttl` is `cluster.lease_ttl`. Methods throw ``ClusterDirectoryError`` when the store cannot answer.
public protocol ClusterDirectory: Sendable {
    /// Registers the node or refreshes it (address and load), live for `ttl` from now. A node that stops calling
    /// this is dead to the others once `ttl` has passed.
    func heartbeat(_ node: ClusterNode, ttl: Duration) async throws
    /// Removes the node at once (graceful shutdown) and ends its leases now, still naming it: they are orphans, so
    /// the least loaded live node takes them over at its next round (a room created over REST stays listed and
    /// served) instead of after `ttl`, and anyone may acquire one before that.
    func deregister(_ node: NodeID) async throws
    /// The nodes whose heartbeat has not expired, by id.
    func liveNodes() async throws -> [ClusterNode]

    /// Takes `key` for `candidate` when no live lease holds it: epoch + 1 (1 for a key never held), live for
    /// `ttl`. When a live lease exists it is left alone. Returns the lease in force afterwards, the winner's
    /// whoever asked.
    func acquire(_ key: LeaseKey, for candidate: NodeID, ttl: Duration) async throws -> RoomLease
    /// Extends every live lease `node` holds by `ttl` from now and returns them. Expired leases are not revived,
    /// so one another node may be taking over is never renewed under it.
    func renewAll(held node: NodeID, ttl: Duration) async throws -> [RoomLease]
    /// Gives `key` up if `node` still holds it under `epoch`; false (nothing changed) when the lease has moved on.
    @discardableResult
    func release(_ key: LeaseKey, node: NodeID, epoch: Int64) async throws -> Bool
    /// Whether `node` still holds a live lease on `key` under exactly `epoch`: the fence a write checks first.
    func holds(_ key: LeaseKey, node: NodeID, epoch: Int64) async throws -> Bool
    /// The live owner of `key` with its node's URL; nil when no live lease holds it (or its node is gone).
    func owner(of key: LeaseKey) async throws -> RoomOwner?
    /// Leases that have expired (their node stopped renewing) and that nobody has taken over yet.
    func expiredLeases() async throws -> [RoomLease]
}
