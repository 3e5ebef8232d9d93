import Foundation
import Hummingbird
import ParleyCluster
import Prometheus

/// `GET /healthz` (liveness: status, version, uptime, this node and the cluster as it sees it) and `GET /metrics`
/// (Prometheus text exposition 0.0.4).
public struct HealthFace: APIFace {
    public init() {}

    struct Health: Encodable {
        let status: String
        let version: String
        let uptime_s: Double
        let node_id: String
        let cluster: Cluster
    }

    /// docs/contracts.md §Cluster: live nodes (this one counted) and `single` (no cluster configured) or `member`;
    /// a member adds the rooms it owns (absent on a single node, whose answer stays as it was).
    struct Cluster: Encodable {
        let nodes: Int
        let state: String
        let owned_rooms: [String]?
    }

    /// Keys in a fixed (sorted) order: Foundation's encoder on Linux otherwise writes them in a different order
    /// from one answer to the next, which probes that compare answers, and people reading them, trip over.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// A node owning more rooms lists only the first ones by id: `/healthz` stays small for probes.
    static let ownedRoomsLimit = 1_000

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let single = ClusterStatus.single
        let nodeID = services.cluster?.node.rawValue ?? ParleyServer.nodeIdentity(services.config).node.rawValue
        router.get("/healthz") { request, context -> Response in
            let status = await services.cluster?.status ?? single
            let owned = await services.cluster?.ownedRooms(limit: Self.ownedRoomsLimit)
            let health = Health(
                status: "ok", version: services.version, uptime_s: (services.uptimeSeconds * 1000).rounded() / 1000,
                node_id: nodeID,
                cluster: Cluster(nodes: status.nodes, state: status.state.rawValue, owned_rooms: owned))
            return try Self.encoder.encode(health, from: request, context: context)
        }
        router.get("/metrics") { _, _ -> Response in
            var text: [UInt8] = []
            services.metrics.emit(into: &text)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
