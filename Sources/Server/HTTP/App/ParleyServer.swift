import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import ParleyConfig
import ParleyRooms
import ParleySFU
import ParleyStore
import ParleyTime
import ServiceLifecycle

/// Builds the one HTTP server that carries every API face (docs/architecture.md §The server's router and the order of its faces).
public enum ParleyServer {
    /// Every response's `Server` header.
    static let serverName = "Parley"

    /// The faces served, in registration order.
    public static var defaultFaces: [any APIFace] {
        // Monibuca core first: its CORS and JWT middleware must wrap every other face. The cluster's forwarding
        // comes next, so a request is authenticated on the node it reached before it costs the owner anything.
        [
            MonibucaCoreFace(), ClusterFace(), HealthFace(), MiroTalkFace(), MeetingFace(), RoomSocketFace(),
            WebRTCFace(),
            JoinPageFace(),
        ]
    }

    /// Opens storage, resolves secrets, creates the registry and starts the media plane: everything the faces
    /// share. Announces generated secrets once, loudly. The plane binds `webrtc.udp_port` here, so a taken port
    /// fails start-up rather than the first WHIP request.
    public static func makeServices(
        config: ParleyConfig, logger: Logger,
        clock: any ServerClock = SystemClock()
    ) async throws -> ParleyServices {
        // First: swift-metrics binds a metric to the factory in place when it is made, so the Prometheus
        // bootstrap must come before the cluster member makes its series below (else they go nowhere).
        let metrics = ParleyMetrics.registry
        let dataDirectory = URL(fileURLWithPath: config.dataDir)
        let database = try ParleyDatabase.open(directory: dataDirectory, logger: logger)
        // Cluster mode: one pool for the whole process (docs/configuration.md "Cluster").
        var postgres: ParleyPostgres?
        if let url = config.cluster.database {
            postgres = try await ParleyPostgres.connect(to: url, logger: logger)
        }
        let stores = postgres.map(DurableStores.postgres) ?? .sqlite(database, dataDirectory: dataDirectory)
        let (secrets, warnings) = try await stores.secrets.resolve(
            ConfiguredSecrets(
                apiKeySecret: config.api.keySecret, jwtSecret: config.jwt.secret,
                authSecret: config.auth.secret))
        announce(warnings, logger: logger)
        let adminUsers = Task {
            await MonibucaCoreFace.loadUsers(
                auth: config.auth, store: stores.users, now: clock.now, logger: logger)
        }
        _ = await adminUsers.value // a generated password is announced before the port opens
        let rooms = InMemoryRoomDirectory(
            policy: RoomPolicy(
                firstIsPresenter: config.rooms.firstIsPresenter,
                defaultMaxParticipants: config.rooms.maxParticipants), clock: clock)
        let media = try await MediaPlane.start(config: config, rooms: rooms, logger: logger)
        let cluster = try await joinCluster(
            config: config, postgres: postgres, rooms: rooms, media: media, meetings: stores.meetings, clock: clock,
            logger: logger)
        return ParleyServices(
            config: config, rooms: rooms, database: database, secrets: secrets,
            metrics: metrics, clock: clock, media: media, cluster: cluster, postgres: postgres,
            stores: stores, adminUsers: adminUsers, logger: logger)
    }

    static func announce(_ warnings: [String], logger: Logger) {
        guard !warnings.isEmpty else { return }
        let bar = String(repeating: "!", count: 78)
        logger.warning("\(bar)")
        logger.warning("DEVELOPMENT SECRETS GENERATED — anyone who reads them can use this server's APIs")
        for line in warnings { logger.warning("  \(line)") }
        logger.warning("\(bar)")
    }

    /// Work that needs the registry before the port opens: API-created rooms come back from SQLite.
    public static func prepare(services: ParleyServices) async throws {
        let restored = try await MeetingFace.restoreRooms(services: services)
        if restored > 0 { services.logger.info("restored rooms from storage", metadata: ["rooms": "\(restored)"]) }
    }

    public static func makeRouter(services: ParleyServices, faces: [any APIFace]) -> Router<ParleyRequestContext> {
        let router = Router(context: ParleyRequestContext.self)
        router.add(middleware: RequestIdentityMiddleware(maxBodyBytes: services.config.http.maxBodyBytes))
        router.add(middleware: RequestMetricsMiddleware<ParleyRequestContext>(table: services.requestMetrics))
        for face in faces {
            for middleware in face.middlewares(services: services) { router.add(middleware: middleware) }
        }
        for face in faces {
            face.register(on: router, services: services)
        }
        return router
    }

    /// The application: one port (`http.listen`), plain HTTP and TLS chosen by the first byte, WebSocket upgrade,
    /// and, after the listener has stopped on graceful shutdown, the media plane's and then the storage's closers.
    /// `idleTimeout`: a connection with no request in progress for this long is closed (tests shorten it).
    public static func makeApplication(
        services: ParleyServices, faces: [any APIFace] = defaultFaces, tls: TLSConfiguration?,
        backgroundServices: [any Service] = [],
        idleTimeout: TimeAmount = .seconds(75),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = makeRouter(services: services, faces: faces)
        let immediate = ImmediateResponder.make(services: services, faces: faces)
        let listen = services.config.http.listen
        return Application(
            router: router,
            server: .plainOrTLSWithWebSocketUpgrade(
                webSocketRouter: router, tls: tls, immediate: immediate,
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: immediate.map {
                            [ImmediateResponseInstaller(responder: $0, idleTimeout: idleTimeout)]
                        } ?? [],
                        idleTimeout: idleTimeout),
                    ws: .init(maxFrameSize: 1 << 20))),
            // ":8080" (every interface) parses to an empty host, which the resolver does not accept.
            configuration: .init(
                address: .hostname(listen.host.isEmpty ? "0.0.0.0" : listen.host, port: listen.port),
                serverName: serverName),
            // Shut down in reverse order: the listener first (Hummingbird's own), then these from last to first.
            services: [StorageCloser(database: services.database, postgres: services.postgres, logger: services.logger)]
                // After storage, so a node leaves the cluster (its leases given back) before the pool closes.
                + (services.cluster.map {
                    [ClusterService(member: $0, rooms: services.rooms, logger: services.logger)] as [any Service]
                } ?? [])
                + (services.media.map { [MediaPlaneService(plane: $0)] } ?? []) + backgroundServices
                // Last, so shut down first: running recordings are finalised while the plane and storage still run.
                + [RecorderService(recorder: services.recorder)],
            onServerRunning: onServerRunning,
            logger: services.logger)
    }
}
