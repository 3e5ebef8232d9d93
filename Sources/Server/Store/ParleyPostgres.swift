import Logging
import NIOSSL
import ParleyConfig
import PostgresNIO

/// Why the PostgreSQL store could not be opened.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The server's one connection pool to the cluster database (`cluster.database_url`), shared by the durable-row
/// store, the node registry and the room directory: every PostgreSQL user in the process borrows ``client``.
/// The pool's background work runs from ``connect(to:logger:connectTimeout:)`` until ``close()``, so storage is
/// usable before the HTTP listener opens (rooms are restored from it first) and after it has closed.
public final class ParleyPostgres: Sendable {
    public let client: PostgresClient
    /// Where it connects, for log lines (never the password).
    public let endpoint: String
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, endpoint: String) {
        self.client = client
        self.endpoint = endpoint
        // Unstructured on purpose: the pool must outlive `makeServices` and serve start-up, request handling and
        // shutdown alike; `close()` ends it by cancellation, which is how PostgresClient.run() is stopped.
        self.runner = Task { await client.run() }
    }

    /// Checks that the database answers (so an unreachable or misconfigured one stops start-up with one clear line
    /// rather than hanging the first request), starts the pool and applies pending migrations.
    public static func connect(
        to url: PostgresURL, logger: Logger, connectTimeout: Duration = .seconds(15)
    ) async throws -> ParleyPostgres {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tls(url.tls))
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = 20
        let endpoint = "\(url.user)@\(url.host):\(url.port)/\(url.database)"
        var backgroundLogger = logger
        backgroundLogger[metadataKey: "component"] = "postgres"
        try await probe(url, endpoint: endpoint, timeout: connectTimeout, logger: logger)
        let database = ParleyPostgres(
            client: PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger),
            endpoint: endpoint)
        do {
            try await PostgresMigrations.migrate(database.client, logger: logger)
        } catch {
            await database.close()
            throw error
        }
        logger.info("database ready", metadata: ["postgres": .string(endpoint)])
        return database
    }

    /// Stops the pool (open connections are closed); queries after this fail.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    private static func tls(_ mode: PostgresURL.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// The pool retries a refused connection forever; start-up wants a verdict, so one plain connection is made
    /// first and its error (refused, unknown database, bad password) reported as it is.
    private static func probe(_ url: PostgresURL, endpoint: String, timeout: Duration, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: .disable)
        switch url.tls {
        case .disable: break
        case .prefer: configuration.tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: configuration.tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        configuration.options.connectTimeout = .milliseconds(Int64(timeout.components.seconds * 1_000))
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            throw PostgresStoreError(
                description: "cannot use PostgreSQL at \(endpoint) (cluster.database_url): \(reason)")
        } catch {
            throw PostgresStoreError(
                description: "cannot reach PostgreSQL at \(endpoint) (cluster.database_url): \(error)")
        }
    }
}

extension PostgresRowSequence {
    /// Reads every row and drops them: for statements run for their effect.
    func consume() async throws {
        for try await _ in self {}
    }
}

extension PostgresTransactionError {
    /// The error to report: one thrown inside the transaction and cleanly rolled back is passed on as itself, so a
    /// refused write (``MeetingStoreError``) reaches callers exactly as it does from SQLite.
    var reported: any Error {
        guard beginError == nil, rollbackError == nil, commitError == nil, let closureError else { return self }
        return closureError
    }
}
