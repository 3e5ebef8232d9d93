import Foundation
import Logging
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import ParleyStore

/// Services for in-process tests: in-memory SQLite, a fresh registry, fixed secrets.
enum TestServices {
    static func make(
        config: ParleyConfig = ParleyConfig(),
        secrets: ResolvedSecrets = ResolvedSecrets(
            apiKeySecret: "test-api-key", jwtSecret: "test-jwt-secret",
            authSecret: "test-auth-secret"),
        rooms: InMemoryRoomDirectory = InMemoryRoomDirectory()
    ) throws -> ParleyServices {
        ParleyServices(
            config: config, rooms: rooms, database: try ParleyDatabase.inMemory(), secrets: secrets,
            metrics: ParleyMetrics.registry, logger: Logger(label: "test"))
    }
}
