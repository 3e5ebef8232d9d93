import GRDB

/// Versioned schema migrations, applied in order and never edited once released: add a new one instead.
/// Later features append theirs here (one `Migration` per change).
public struct Migration: Sendable {
    public let name: String
    public let apply: @Sendable (Database) throws -> Void
}

public enum ParleyMigrations {
    public static let all: [Migration] = [
        Migration(name: "v1_users") { db in
            // Admin API users (Monibuca login). Passwords are stored as hashes only (see PasswordHash).
            try db.create(table: "users") { t in
                t.primaryKey("username", .text)
                t.column("password_hash", .text).notNull()
                t.column("source", .text).notNull() // "config" or "generated"
                t.column("created_at", .datetime).notNull()
            }
        },
        Migration(name: "v2_meeting") { db in try MeetingSchema.createV2(db) },
        Migration(name: "v3_recording_state") { db in try MeetingSchema.addRecordingStateV3(db) },
    ]
}
