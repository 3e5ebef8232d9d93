/// Paths of the node-to-node endpoint. Every one needs ``ClusterHeaders/secret`` (401 without it) and exists only
/// in cluster mode (404 on a single node).
enum ClusterRoutes {
    static let prefix = "/internal/cluster/"
    /// `GET`: this node's ``ClusterNodeView``.
    static let view = prefix + "view"
    /// The owner's room socket for relayed participants: `room/{room_id}` + the participant's query.
    static let roomSocketPrefix = prefix + "room/"

    /// `path` on `peer`'s advertised base URL.
    static func url(_ peer: ClusterPeer, path: String) -> String {
        var base = peer.advertiseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
