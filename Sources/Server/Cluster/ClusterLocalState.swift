/// What a member needs from its own node: its load, whether a key is in use here, and what to do when a lease it
/// held has gone to another node. The server answers from its registry (``RegistryLocalState``); tests fake it.
public protocol ClusterLocalState: Sendable {
    func load() async -> NodeLoad
    /// Whether the room has participants here, or the stream a publisher here. A lease on a key idle for a whole
    /// lease period is given back.
    func isActive(_ key: LeaseKey) async -> Bool
    /// The lease moved on while this node was not renewing (paused, cut off): its clients here must leave so
    /// they reconnect to the new owner.
    func leaseLost(_ key: LeaseKey) async
    /// This node has just become the key's owner (placed here, or taken over from a dead node): what must exist
    /// here before its clients are served is made now (a room stored over REST is restored with its settings).
    func leaseAcquired(_ key: LeaseKey) async
}

extension ClusterLocalState {
    /// Nothing to prepare: a room made on its first join needs no more.
    public func leaseAcquired(_ key: LeaseKey) async {}
}
