import Foundation
import GRDB

/// The `users` table: admin logins (Monibuca `/api/login`), stored as password hashes only.
public struct AdminUserStore: Sendable {
    let database: ParleyDatabase

    public init(database: ParleyDatabase) {
        self.database = database
    }

    /// The stored hash of `username`, or nil.
    public func passwordHash(of username: String) throws -> String? {
        try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE username = ?", arguments: [username])
        }
    }

    /// The stored hash of `username`; when there is none, `makeHash()` is stored for it (with `source` and `now`)
    /// in the same transaction, so two starts never store two different users. `created` says which happened.
    public func passwordHash(
        of username: String, creatingWith makeHash: () -> String, source: String,
        now: Date
    ) throws -> (hash: String, created: Bool) {
        try database.writer.write { db in
            if let stored = try String.fetchOne(
                db, sql: "SELECT password_hash FROM users WHERE username = ?",
                arguments: [username])
            {
                return (stored, false)
            }
            let hash = makeHash()
            try db.execute(
                sql: "INSERT INTO users (username, password_hash, source, created_at) VALUES (?, ?, ?, ?)",
                arguments: [username, hash, source, now])
            return (hash, true)
        }
    }
}
