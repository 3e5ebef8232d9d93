import Foundation
import Logging
import PostgresNIO

/// ``AdminUserRowStore`` on the cluster's PostgreSQL database.
public struct PostgresAdminUserStore: AdminUserRowStore {
    let client: PostgresClient
    let logger: Logger

    public init(database: ParleyPostgres, logger: Logger = Logger(label: "parley.store")) {
        self.client = database.client
        self.logger = logger
    }

    public func passwordHash(of username: String) async throws -> String? {
        try await client.query("SELECT password_hash FROM users WHERE username = \(username)", logger: logger)
            .decode(String.self).collect().first
    }

    /// Nodes starting at once may each make a hash; `ON CONFLICT DO NOTHING` keeps the first committed and the
    /// others read it back, so every node ends up with the same user.
    public func passwordHash(
        of username: String, creatingWith makeHash: () -> String, source: String, now: Date
    ) async throws -> (hash: String, created: Bool) {
        if let stored = try await passwordHash(of: username) { return (stored, false) }
        let hash = makeHash()
        let inserted = try await client.query(
            """
            INSERT INTO users (username, password_hash, source, created_at)
            VALUES (\(username), \(hash), \(source), \(now))
            ON CONFLICT (username) DO NOTHING RETURNING password_hash
            """, logger: logger
        ).decode(String.self).collect().first
        if let inserted { return (inserted, true) }
        guard let winner = try await passwordHash(of: username) else {
            throw PostgresStoreError(description: "user \(username) vanished while being created")
        }
        return (winner, false)
    }
}
