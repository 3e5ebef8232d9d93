import HTTPTypes
import Hummingbird
import NIOCore
import ParleyCluster
import ParleyRooms
import ParleyMedia

/// WHIP/WHEP in a cluster (docs/contracts.md §Cluster): an offer for a path served by another node is answered
/// `307 Temporary Redirect` to that node's `cluster.advertise_url` with the same path and query, before its
/// credentials are read (the owner checks them: room session tokens are only valid there). RFC 9725 §4.5: a WHIP
/// endpoint may redirect with 307 and the client repeats the POST at the new URL; the WHEP draft §4.5 likewise.
extension WebRTCFace {
    /// Who serves a path: its room's owner for `room/{room}/…`, the publisher's node for another path. A publisher
    /// places a room nobody owns on the least loaded node and takes a plain path for this node; a player only
    /// follows an owner (with none, nothing is published anywhere and this node answers as alone).
    static func placementPolicy(_ key: LeaseKey, intent: MediaIntent) -> PlacementPolicy {
        switch (key, intent) {
        case (.room, .publish): .leastLoaded
        case (.stream, .publish): .thisNode
        case (_, .play): .lookOnly
        }
    }

    /// The 307 to the owner, or nil when this node serves the path (or runs alone).
    func clusterRedirect(_ request: Request, path: StreamPath, intent: MediaIntent, services: ParleyServices)
        async throws(WebRTCHTTPError) -> Response?
    {
        guard let cluster = services.cluster else { return nil }
        let key = LeaseKey(path: path)
        let placement: Placement
        do {
            placement = try await cluster.placement(of: key, policy: Self.placementPolicy(key, intent: intent))
        } catch {
            // Serving without knowing the owner could run one room on two nodes.
            throw WebRTCHTTPError(
                .serviceUnavailable, "the cluster directory cannot be reached: \(error)",
                headers: [.retryAfter: "2"])
        }
        guard case .remote(let owner) = placement else { return nil }
        ClusterRedirectMetrics.count(intent)
        let location = owner.advertiseURL + request.uri.string
        var headers = HTTPFields()
        headers[.location] = location
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: .temporaryRedirect, headers: headers,
            body: ResponseBody(
                byteBuffer: ByteBuffer(string: "\(path) is served by node \(owner.nodeID): \(location)\n")))
    }
}
