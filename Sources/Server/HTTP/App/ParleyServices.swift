import Foundation
import Logging
import ParleyCluster
import ParleyConfig
import ParleyRooms
import ParleySFU
import ParleyStore
import ParleyTime
import Prometheus

/// Everything the API faces share. Built once at start-up by ``ParleyServer``; value type, all members Sendable.
public struct ParleyServices: Sendable {
    public let config: ParleyConfig
    public let rooms: any RoomDirectory
    public let database: ParleyDatabase
    /// The one PostgreSQL connection pool when `cluster.database_url` is set (nil on one node): every PostgreSQL
    /// user shares `postgres.client`. Opened by ``ParleyServer/makeServices(config:logger:clock:)``, closed after
    /// the listener on shutdown.
    public let postgres: ParleyPostgres?
    /// The durable rows behind the storage seam: SQLite (`database`) on one node, PostgreSQL (`postgres`) in
    /// cluster mode. Faces read and write rooms, templates, reservations and admin users only through these.
    public let stores: DurableStores
    /// The Monibuca admin users, loaded (and a generated password announced) before the port opens; nil = the
    /// face loads them itself.
    public let adminUsers: Task<MonibucaUsers?, Never>?
    public let secrets: ResolvedSecrets
    public let metrics: PrometheusCollectorRegistry
    /// The one clock every face reads (rooms, agenda, tokens, stats, uptime, rate limits).
    public let clock: any ServerClock
    /// The one media plane (WHIP/WHEP), started with the other services; nil in a server built without media
    /// (tests of other faces), where WHIP/WHEP answer 503.
    public let media: MediaPlane?
    /// This node's membership of the cluster (node registry, room leases); nil when `cluster.database_url` is
    /// empty: one node, and no cluster code runs.
    public let cluster: ClusterMember?
    /// Cluster mode's node-to-node relay (room sockets, REST moderation, service-wide reads), over ``cluster``'s
    /// directory unless given; nil on a single node, where no relay code runs.
    public let relay: ClusterRelay?
    public let version: String
    public let logger: Logger
    /// Meeting recordings (docs/recordings.md), shared by REST, the room WebSocket and the `/mp4` routes.
    public let recorder: Recorder
    /// The request metrics' handles, shared by the router's middleware and the event-loop answers.
    let requestMetrics = RequestMetricsTable()

    public init(
        config: ParleyConfig, rooms: any RoomDirectory, database: ParleyDatabase, secrets: ResolvedSecrets,
        metrics: PrometheusCollectorRegistry, clock: any ServerClock = SystemClock(), media: MediaPlane? = nil,
        cluster: ClusterMember? = nil, relay: ClusterRelay? = nil, postgres: ParleyPostgres? = nil,
        stores: DurableStores? = nil, adminUsers: Task<MonibucaUsers?, Never>? = nil,
        version: String = ParleyVersion.current,
        logger: Logger, recorder: Recorder? = nil
    ) {
        self.config = config
        self.rooms = rooms
        self.database = database
        self.secrets = secrets
        self.metrics = metrics
        self.clock = clock
        self.media = media
        self.cluster = cluster
        self.relay = relay ?? cluster.map(ClusterRelay.init(member:))
        self.postgres = postgres
        self.adminUsers = adminUsers
        self.stores =
            stores ?? .sqlite(database, dataDirectory: URL(fileURLWithPath: config.dataDir))
        self.version = version
        self.logger = logger
        self.recorder =
            recorder
            ?? Recorder(
                settings: config.recording,
                directory: URL(fileURLWithPath: config.recording.directory(dataDir: config.dataDir)),
                store: MeetingStore(database: database), rooms: rooms, captures: media,
                processor: Recorder.postProcessor, clock: clock, logger: logger)
    }

    public var uptimeSeconds: Double { clock.uptime.inSeconds }
}

public enum ParleyVersion {
    public static let current = "0.1.0"
}
