import Foundation
import Logging
import ParleyConfig
import ParleyRooms
import ParleyStore
import ParleyTime
import Prometheus

/// Everything the API faces share. Built once at start-up by ``ParleyServer``; value type, all members Sendable.
public struct ParleyServices: Sendable {
    public let config: ParleyConfig
    public let rooms: any RoomDirectory
    public let database: ParleyDatabase
    public let secrets: ResolvedSecrets
    public let metrics: PrometheusCollectorRegistry
    /// The one clock every face reads (rooms, agenda, tokens, stats, uptime, rate limits).
    public let clock: any ServerClock
    public let version: String
    public let logger: Logger

    public init(
        config: ParleyConfig, rooms: any RoomDirectory, database: ParleyDatabase, secrets: ResolvedSecrets,
        metrics: PrometheusCollectorRegistry, clock: any ServerClock = SystemClock(),
        version: String = ParleyVersion.current,
        logger: Logger
    ) {
        self.config = config
        self.rooms = rooms
        self.database = database
        self.secrets = secrets
        self.metrics = metrics
        self.clock = clock
        self.version = version
        self.logger = logger
    }

    public var uptimeSeconds: Double { clock.uptime.inSeconds }
}

public enum ParleyVersion {
    public static let current = "0.1.0"
}
