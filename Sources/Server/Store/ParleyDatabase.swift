import Foundation
import GRDB
import Logging

/// Parley's SQLite database (GRDB): one file in the data dir, WAL journal, versioned migrations.
/// What must survive a restart lives here (API-created rooms, reservations, templates, recordings, users);
/// live presence stays in the room registry.
public final class ParleyDatabase: Sendable {
    public let writer: any DatabaseWriter

    /// Opens (creating if needed) `<directory>/parley.sqlite` and runs pending migrations.
    public static func open(directory: URL, logger: Logger) throws -> ParleyDatabase {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let path = directory.appendingPathComponent("parley.sqlite").path
        let pool = try DatabasePool(path: path, configuration: configuration)
        // WAL: readers never block the writer. FULL: every commit is fsynced before an API acknowledges it, so a
        // power loss cannot take back a room, reservation or template already answered 200 (NORMAL could: it
        // survives a process crash, not the machine's). Set here, on the pool's one writer connection, because the
        // pool sets NORMAL itself when it enables WAL, after `prepareDatabase`. Cost: docs/configuration.md
        // "Durability".
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let database = ParleyDatabase(writer: pool)
        try database.migrate()
        logger.info("database ready", metadata: ["path": .string(path), "journal": "wal"])
        return database
    }

    /// An in-memory database with the same migrations, for tests.
    public static func inMemory() throws -> ParleyDatabase {
        let database = ParleyDatabase(writer: try DatabaseQueue())
        try database.migrate()
        return database
    }

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    func migrate() throws {
        var migrator = DatabaseMigrator()
        for migration in ParleyMigrations.all {
            migrator.registerMigration(migration.name, migrate: migration.apply)
        }
        try migrator.migrate(writer)
    }

    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try DatabaseMigrator.appliedIdentifiers(db) }
    }

    /// `PRAGMA synchronous` of the writer connection (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Checkpoints the WAL into the main file and closes; called on graceful shutdown.
    public func close() throws {
        if let pool = writer as? DatabasePool {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            try pool.close()
        } else if let queue = writer as? DatabaseQueue {
            try queue.close()
        }
    }
}

extension DatabaseMigrator {
    static func appliedIdentifiers(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
    }
}
