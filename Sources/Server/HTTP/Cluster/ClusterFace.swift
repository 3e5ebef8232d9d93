import Hummingbird
import NIOCore
import ParleyRooms

/// The node-to-node endpoint (cluster mode only): `GET /internal/cluster/view` for service-wide reads, and the
/// forwarding of REST moderation to a room's owner (``ClusterForwardMiddleware``). The relayed room socket
/// (`/internal/cluster/room/{room_id}`) belongs to ``RoomSocketFace``, which must share its room channels with it.
/// Without `cluster.database_url` this face adds nothing.
public struct ClusterFace: APIFace {
    public init() {}

    public func middlewares(services: ParleyServices) -> [ParleyMiddleware] {
        guard let relay = services.relay else { return [] }
        return [ClusterForwardMiddleware(relay: relay, logger: services.logger)]
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        guard let relay = services.relay else { return }
        let streams = MonibucaStreams.forServices(services)
        router.get(RouterPath(ClusterRoutes.view)) { request, _ -> Response in
            try ClusterFace.requireSecret(request, relay: relay)
            let local = await streams.list()
            let body = try ClusterNodeView.encode(
                nodeID: relay.routing.nodeID, rooms: await services.rooms.rooms(),
                streams: await services.rooms.streams(), summaries: local.streams)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
    }

    /// 401 unless the request carries the cluster secret.
    static func requireSecret(_ request: Request, relay: ClusterRelay) throws {
        guard relay.authorizes(request.headers) else {
            throw HTTPError(.unauthorized, message: "This endpoint is for the cluster's nodes.")
        }
    }
}
