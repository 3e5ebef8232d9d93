import Logging
import ParleyStore
import ServiceLifecycle

/// Flushes and closes the database once graceful shutdown begins (after the HTTP server has stopped, since
/// Hummingbird shuts its server down before the services listed with the application).
struct StorageCloser: Service {
    let database: ParleyDatabase
    let postgres: ParleyPostgres?
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try database.close()
            logger.info("storage flushed and closed")
        } catch {
            logger.error("closing storage failed", metadata: ["error": "\(error)"])
        }
        if let postgres {
            await postgres.close()
            logger.info("postgres connections closed")
        }
    }
}
