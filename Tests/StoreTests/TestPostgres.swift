import Foundation
import Logging
import ParleyConfig
import PostgresNIO
@testable import ParleyStore

/// The throw-away PostgreSQL server `make test` starts (scripts/pg-test-cluster.sh) and names in
/// PARLEY_TEST_DATABASE_URL. Tests that need it are disabled without it; each makes an empty database of its own.
enum TestPostgres {
    static let variable = "PARLEY_TEST_DATABASE_URL"

    static var serverURL: PostgresURL? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : PostgresURL(parsing: $0) }
    }

    static var isAvailable: Bool { serverURL != nil }

    /// A new empty database on the test server.
    static func freshDatabase() async throws -> PostgresURL {
        guard var url = serverURL else { throw PostgresStoreError(description: "\(variable) is not set") }
        let name = "parley_s" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: .disable),
            id: 1, logger: Logger(label: "test-postgres"))
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        url.database = name
        return url
    }

    /// A migrated store database, open; close it with `close()`.
    static func freshStore() async throws -> ParleyPostgres {
        try await ParleyPostgres.connect(to: try await freshDatabase(), logger: logger)
    }

    static let logger = Logger(label: "test-postgres")
}
