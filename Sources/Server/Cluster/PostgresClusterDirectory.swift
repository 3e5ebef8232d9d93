import Foundation
import Logging
import PostgresNIO

/// The ``ClusterDirectory`` every node of a cluster shares: tables `nodes` and `room_leases` in the cluster's
/// PostgreSQL database (`cluster.database_url`), on the server's one `PostgresClient`.
///
/// Each method is one SQL statement, so it is atomic on its own (PostgreSQL 15 §13.2.1: a statement in
/// autocommit mode is one transaction). Time is the database's `now()`, one clock for every node. An acquisition
/// is one `INSERT … ON CONFLICT DO UPDATE … WHERE` (§INSERT, "ON CONFLICT Clause"): of two nodes racing for a key,
/// the second waits on the first's row lock, re-checks the condition against the committed row, and finds it live.
public struct PostgresClusterDirectory: ClusterDirectory {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The tables, as one migration step (`cluster_v1`). `room_leases.node_id` is NULL once released; the row and
    /// its epoch stay, so the next owner's epoch is still larger.
    public static let schema: [String] = [
        """
        CREATE TABLE nodes (
            node_id text PRIMARY KEY,
            advertise_url text NOT NULL,
            rooms bigint NOT NULL DEFAULT 0,
            participants bigint NOT NULL DEFAULT 0,
            sessions bigint NOT NULL DEFAULT 0,
            heartbeat_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL)
        """,
        """
        CREATE TABLE room_leases (
            room text PRIMARY KEY,
            node_id text,
            epoch bigint NOT NULL,
            acquired_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL)
        """,
        "CREATE INDEX room_leases_by_node ON room_leases (node_id, expires_at)",
        "CREATE TABLE cluster_settings (name text PRIMARY KEY, value text NOT NULL)",
    ]

    public func heartbeat(_ node: ClusterNode, ttl: Duration) async throws {
        try await run(
            """
            INSERT INTO nodes (node_id, advertise_url, rooms, participants, sessions, heartbeat_at, expires_at)
            VALUES (\(node.id.rawValue), \(node.advertiseURL), \(Int64(node.load.rooms)),
                    \(Int64(node.load.participants)), \(Int64(node.load.sessions)), now(),
                    now() + \(Self.milliseconds(ttl))::float8 * interval '1 millisecond')
            ON CONFLICT (node_id) DO UPDATE SET advertise_url = EXCLUDED.advertise_url, rooms = EXCLUDED.rooms,
                participants = EXCLUDED.participants, sessions = EXCLUDED.sessions,
                heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
            """)
    }

    public func deregister(_ node: NodeID) async throws {
        // One statement: the leases end and the node goes together.
        try await run(
            """
            WITH ended AS (
                UPDATE room_leases SET expires_at = now()
                WHERE node_id = \(node.rawValue) AND expires_at > now())
            DELETE FROM nodes WHERE node_id = \(node.rawValue)
            """)
    }

    public func liveNodes() async throws -> [ClusterNode] {
        try await rows(
            """
            SELECT node_id, advertise_url, rooms, participants, sessions FROM nodes
            WHERE expires_at > now() ORDER BY node_id
            """, as: (String, String, Int64, Int64, Int64).self
        ).map { id, url, rooms, participants, sessions in
            ClusterNode(
                id: NodeID(id), advertiseURL: url,
                load: NodeLoad(rooms: Int(rooms), participants: Int(participants), sessions: Int(sessions)))
        }
    }

    public func acquire(_ key: LeaseKey, for candidate: NodeID, ttl: Duration) async throws -> RoomLease {
        // The upsert answers nothing when a live lease holds the key; that lease is read next. It may lapse in
        // between (its node died that instant), so the pair is tried a few times.
        for _ in 0..<3 {
            let taken = try await rows(
                """
                INSERT INTO room_leases AS l (room, node_id, epoch, acquired_at, expires_at)
                VALUES (\(key.rawValue), \(candidate.rawValue), 1, now(),
                        now() + \(Self.milliseconds(ttl))::float8 * interval '1 millisecond')
                ON CONFLICT (room) DO UPDATE SET node_id = EXCLUDED.node_id, epoch = l.epoch + 1,
                    acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
                WHERE l.node_id IS NULL OR l.expires_at <= now()
                RETURNING node_id, epoch
                """, as: (String, Int64).self)
            if let (node, epoch) = taken.first { return RoomLease(key: key, owner: NodeID(node), epoch: epoch) }
            let live = try await rows(
                """
                SELECT node_id, epoch FROM room_leases
                WHERE room = \(key.rawValue) AND node_id IS NOT NULL AND expires_at > now()
                """, as: (String, Int64).self)
            if let (node, epoch) = live.first { return RoomLease(key: key, owner: NodeID(node), epoch: epoch) }
        }
        throw ClusterDirectoryError("room \(key): the lease changed hands three times while it was being acquired")
    }

    public func renewAll(held node: NodeID, ttl: Duration) async throws -> [RoomLease] {
        try await rows(
            """
            UPDATE room_leases SET expires_at = now() + \(Self.milliseconds(ttl))::float8 * interval '1 millisecond'
            WHERE node_id = \(node.rawValue) AND expires_at > now()
            RETURNING room, epoch
            """, as: (String, Int64).self
        ).compactMap { raw, epoch in
            LeaseKey(rawValue: raw).map { RoomLease(key: $0, owner: node, epoch: epoch) }
        }.sorted { $0.key.rawValue < $1.key.rawValue }
    }

    public func release(_ key: LeaseKey, node: NodeID, epoch: Int64) async throws -> Bool {
        try await !column(
            """
            UPDATE room_leases SET node_id = NULL, expires_at = now()
            WHERE room = \(key.rawValue) AND node_id = \(node.rawValue) AND epoch = \(epoch)
            RETURNING epoch
            """, as: Int64.self
        ).isEmpty
    }

    public func holds(_ key: LeaseKey, node: NodeID, epoch: Int64) async throws -> Bool {
        try await !column(
            """
            SELECT epoch FROM room_leases
            WHERE room = \(key.rawValue) AND node_id = \(node.rawValue) AND epoch = \(epoch) AND expires_at > now()
            """, as: Int64.self
        ).isEmpty
    }

    public func owner(of key: LeaseKey) async throws -> RoomOwner? {
        try await rows(
            """
            SELECT l.node_id, n.advertise_url, l.epoch FROM room_leases l JOIN nodes n ON n.node_id = l.node_id
            WHERE l.room = \(key.rawValue) AND l.expires_at > now()
            """, as: (String, String, Int64).self
        ).first.map { node, url, epoch in RoomOwner(nodeID: NodeID(node), advertiseURL: url, epoch: epoch) }
    }

    public func expiredLeases() async throws -> [RoomLease] {
        try await rows(
            """
            SELECT room, node_id, epoch FROM room_leases
            WHERE node_id IS NOT NULL AND expires_at <= now() ORDER BY room
            """, as: (String, String, Int64).self
        ).compactMap { raw, node, epoch in
            LeaseKey(rawValue: raw).map { RoomLease(key: $0, owner: NodeID(node), epoch: epoch) }
        }
    }

    /// The cluster's shared secret: the first node to start stores `proposed`; every node then reads the stored
    /// one, so a secret left unconfigured is still one secret for the whole cluster.
    public func sharedSecret(proposing proposed: String) async throws -> String {
        try await run(
            "INSERT INTO cluster_settings (name, value) VALUES ('secret', \(proposed)) ON CONFLICT (name) DO NOTHING")
        guard
            let stored = try await column("SELECT value FROM cluster_settings WHERE name = 'secret'", as: String.self)
                .first
        else { throw ClusterDirectoryError("the cluster secret could not be stored") }
        return stored
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    func run(_ query: PostgresQuery) async throws {
        do {
            try await client.query(query, logger: logger)
        } catch {
            throw ClusterDirectoryError(String(reflecting: error))
        }
    }

    func column<Value: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: Value.Type) async throws
        -> [Value]
    {
        do {
            var result: [Value] = []
            for try await row in try await client.query(query, logger: logger) { result.append(try row.decode(type)) }
            return result
        } catch {
            throw ClusterDirectoryError(String(reflecting: error))
        }
    }

    func rows<each Column: PostgresDecodable & Sendable>(
        _ query: PostgresQuery, as types: (repeat each Column).Type
    ) async throws -> [(repeat each Column)] {
        do {
            var result: [(repeat each Column)] = []
            for try await row in try await client.query(query, logger: logger) {
                result.append(try row.decode(types))
            }
            return result
        } catch {
            throw ClusterDirectoryError(String(reflecting: error))
        }
    }
}
