import Logging
import PostgresNIO

/// Versioned schema migrations of the PostgreSQL store, recorded in its own table `parley_migrations`. Like the
/// SQLite ones (``ParleyMigrations``), a released step is never edited: add a new one. Other PostgreSQL users of the
/// process (the cluster's node registry, room directory) run their own steps through ``migrate(_:steps:logger:)``
/// with names of their own prefix, in the same table.
public enum PostgresMigrations {
    public struct Step: Sendable {
        public let name: String
        /// Statements run in order, in the migration's transaction.
        public let statements: [String]

        public init(name: String, statements: [String]) {
            self.name = name
            self.statements = statements
        }
    }

    /// The durable rows: the same tables as SQLite's v1_users and v2_meeting, plus the stored secrets that
    /// `<data_dir>/secrets.json` holds on one node. Times are `timestamptz(3)`: milliseconds, as GRDB stores them.
    public static let store: [Step] = [
        Step(
            name: "store_v1",
            statements: [
                """
                CREATE TABLE users (
                    username text PRIMARY KEY, password_hash text NOT NULL, source text NOT NULL,
                    created_at timestamptz(3) NOT NULL)
                """,
                """
                CREATE TABLE meeting_templates (
                    id text PRIMARY KEY, name text NOT NULL UNIQUE, description text NOT NULL,
                    max_participants bigint, lobby boolean NOT NULL, chat_muted_on_join boolean NOT NULL,
                    record_on_start boolean NOT NULL, created_at timestamptz(3) NOT NULL,
                    updated_at timestamptz(3) NOT NULL)
                """,
                """
                CREATE TABLE meeting_rooms (
                    room_id text PRIMARY KEY, name text NOT NULL, password text, max_participants bigint,
                    template_id text, lobby boolean NOT NULL, chat_muted_on_join boolean NOT NULL,
                    record_on_start boolean NOT NULL, created_at timestamptz(3) NOT NULL)
                """,
                """
                CREATE TABLE meeting_reservations (
                    id text PRIMARY KEY, room_id text NOT NULL, title text NOT NULL,
                    start_time timestamptz(3) NOT NULL, end_time timestamptz(3) NOT NULL, host text NOT NULL,
                    participants text[] NOT NULL, template_id text, created_at timestamptz(3) NOT NULL)
                """,
                "CREATE INDEX meeting_reservations_room ON meeting_reservations (room_id, start_time)",
                """
                CREATE TABLE meeting_recordings (
                    id text PRIMARY KEY, room_id text NOT NULL, file_name text NOT NULL UNIQUE, stream_path text,
                    size_bytes bigint NOT NULL, content_type text NOT NULL, duration_seconds double precision,
                    created_at timestamptz(3) NOT NULL)
                """,
                "CREATE INDEX meeting_recordings_room ON meeting_recordings (room_id)",
                """
                CREATE TABLE stored_secrets (
                    name text PRIMARY KEY, value text NOT NULL, created_at timestamptz(3) NOT NULL DEFAULT now())
                """,
            ])
    ]

    /// Any number of nodes may start at once: the first to take the advisory lock migrates, the others then find
    /// the steps applied. Each call is one transaction, so a failed step leaves nothing half-made.
    public static func migrate(_ client: PostgresClient, steps: [Step] = store, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            // An arbitrary constant naming "Parley's schema" among advisory locks (released at commit).
            try await connection.query("SELECT pg_advisory_xact_lock(729183501)", logger: logger).consume()
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS parley_migrations (
                    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger
            ).consume()
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM parley_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for step in steps where !applied.contains(step.name) {
                for statement in step.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).consume()
                }
                try await connection.query(
                    "INSERT INTO parley_migrations (name) VALUES (\(step.name))", logger: logger
                ).consume()
                logger.info("postgres migration applied", metadata: ["migration": .string(step.name)])
            }
        }
    }

    /// Names of the applied steps, oldest first.
    public static func applied(_ client: PostgresClient) async throws -> [String] {
        var names: [String] = []
        let rows = try await client.query("SELECT name FROM parley_migrations ORDER BY applied_at, name")
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}
