import Foundation
import Logging
import ParleyCluster
import ParleyConfig
import ParleyCrypto
import ParleyRooms
import ParleySFU
import ParleyStore
import ParleyTime

extension ParleyServer {
    /// This node's id (`cluster.node_id`, default the host name and the HTTP port) and the base URL others reach
    /// it at (`cluster.advertise_url`, default `http://` + the listen host, or the host name when listening on every
    /// interface, + the port).
    static func nodeIdentity(_ config: ParleyConfig) -> (node: NodeID, advertiseURL: String) {
        let hostname = ProcessInfo.processInfo.hostName
        let listen = config.http.listen
        let node = NodeID(config.cluster.nodeID(hostname: hostname, port: listen.port))
        guard config.cluster.advertiseURL.isEmpty else { return (node, config.cluster.advertiseURL) }
        let host = listen.host.isEmpty || listen.host == "0.0.0.0" || listen.host == "::" ? hostname : listen.host
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return (node, "http://\(bracketed):\(listen.port)")
    }

    /// Joins the cluster when `cluster.database_url` is set (nil otherwise): the cluster tables (migration step
    /// `cluster_v1`), the shared secret (`cluster.secret`, else the one the first node stored), then this node's
    /// first heartbeat — start-up fails if the database refuses it.
    static func joinCluster(
        config: ParleyConfig, postgres: ParleyPostgres?, rooms: any RoomDirectory, media: MediaPlane?,
        meetings: any MeetingRowStore, clock: any ServerClock, logger: Logger
    ) async throws -> ClusterMember? {
        guard let postgres else { return nil }
        try await PostgresMigrations.migrate(
            postgres.client,
            steps: [PostgresMigrations.Step(name: "cluster_v1", statements: PostgresClusterDirectory.schema)],
            logger: logger)
        let directory = PostgresClusterDirectory(client: postgres.client, logger: logger)
        let secret: String
        if let configured = config.cluster.secret, !configured.isEmpty {
            secret = configured
        } else {
            secret = try await directory.sharedSecret(proposing: SecureRandom.token(byteCount: 32))
        }
        let identity = nodeIdentity(config)
        let member = ClusterMember(
            node: identity.node, advertiseURL: identity.advertiseURL, ttl: config.cluster.leaseTTL,
            secret: secret, directory: directory,
            local: RegistryLocalState(
                rooms: rooms, onLeaseLost: ClusterLeaseLoss.handler(rooms: rooms, media: media, logger: logger),
                onLeaseAcquired: ClusterLeaseGain.handler(rooms: rooms, store: meetings, logger: logger)),
            clock: clock, logger: logger)
        try await member.register()
        let nodeCount = await member.nodes.count
        logger.info(
            "joined the cluster",
            metadata: [
                "node": "\(identity.node)", "advertise_url": "\(identity.advertiseURL)",
                "nodes": "\(nodeCount)", "lease_ttl": "\(config.cluster.leaseTTL)",
            ])
        return member
    }
}
