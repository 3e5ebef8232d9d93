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
}
