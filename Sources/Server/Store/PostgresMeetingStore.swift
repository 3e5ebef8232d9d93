import Foundation
import Logging
import PostgresNIO

/// ``MeetingRowStore`` on the cluster's PostgreSQL database (tables of ``PostgresMigrations/store``). Each method is
/// one statement or one transaction, committed before it returns; the checks SQLite gets from its single writer
/// (unique template names, non-overlapping reservations) hold across nodes through row and advisory locks.
public struct PostgresMeetingStore: MeetingRowStore {
    let client: PostgresClient
    let logger: Logger

    public init(database: ParleyPostgres, logger: Logger = Logger(label: "parley.store")) {
        self.client = database.client
        self.logger = logger
    }

    // MARK: rooms

    private typealias RoomRow = (String, String, String?, Int?, String?, Bool, Bool, Bool, Date)

    private static func room(_ row: RoomRow) -> MeetingRoomRecord {
        MeetingRoomRecord(
            roomID: row.0, name: row.1, password: row.2, maxParticipants: row.3, templateID: row.4, lobby: row.5,
            chatMutedOnJoin: row.6, recordOnStart: row.7, createdAt: row.8)
    }

    public func rooms() async throws -> [MeetingRoomRecord] {
        let rows = try await client.query(
            """
            SELECT room_id, name, password, max_participants, template_id, lobby, chat_muted_on_join,
                   record_on_start, created_at
            FROM meeting_rooms ORDER BY created_at, room_id
            """, logger: logger)
        return try await rows.decode(RoomRow.self).collect().map(Self.room)
    }

    public func roomCreationTimes() async throws -> [String: Date] {
        let rows = try await client.query("SELECT room_id, created_at FROM meeting_rooms", logger: logger)
        var times: [String: Date] = [:]
        for try await (roomID, created) in rows.decode((String, Date).self) { times[roomID] = created }
        return times
    }

    public func roomCreationTime(_ roomID: String) async throws -> Date? {
        let rows = try await client.query(
            "SELECT created_at FROM meeting_rooms WHERE room_id = \(roomID)", logger: logger)
        for try await created in rows.decode(Date.self) { return created }
        return nil
    }

    public func room(_ roomID: String) async throws -> MeetingRoomRecord? {
        let rows = try await client.query(
            """
            SELECT room_id, name, password, max_participants, template_id, lobby, chat_muted_on_join,
                   record_on_start, created_at
            FROM meeting_rooms WHERE room_id = \(roomID)
            """, logger: logger)
        return try await rows.decode(RoomRow.self).collect().first.map(Self.room)
    }

    public func saveRoom(_ room: MeetingRoomRecord) async throws {
        try await client.query(
            """
            INSERT INTO meeting_rooms (room_id, name, password, max_participants, template_id, lobby,
                                       chat_muted_on_join, record_on_start, created_at)
            VALUES (\(room.roomID), \(room.name), \(room.password), \(room.maxParticipants), \(room.templateID),
                    \(room.lobby), \(room.chatMutedOnJoin), \(room.recordOnStart), \(room.createdAt))
            ON CONFLICT (room_id) DO UPDATE SET
                name = EXCLUDED.name, password = EXCLUDED.password, max_participants = EXCLUDED.max_participants,
                template_id = EXCLUDED.template_id, lobby = EXCLUDED.lobby,
                chat_muted_on_join = EXCLUDED.chat_muted_on_join, record_on_start = EXCLUDED.record_on_start,
                created_at = EXCLUDED.created_at
            """, logger: logger
        ).consume()
    }

    @discardableResult
    public func deleteRoom(_ roomID: String) async throws -> Bool {
        try await client.query(
            "DELETE FROM meeting_rooms WHERE room_id = \(roomID) RETURNING room_id", logger: logger
        ).count() > 0
    }

    @discardableResult
    public func deleteRoom(_ roomID: String, createdNoLaterThan cutoff: Date) async throws -> Bool {
        try await client.query(
            // Rounded as the column is (milliseconds), so a cutoff equal to a row's own creation time matches it.
            """
            DELETE FROM meeting_rooms WHERE room_id = \(roomID) AND created_at <= \(cutoff)::timestamptz(3)
            RETURNING room_id
            """,
            logger: logger
        ).count() > 0
    }

    // MARK: templates

    private typealias TemplateRow = (String, String, String, Int?, Bool, Bool, Bool, Date, Date)
    private static let templateColumns =
        "id, name, description, max_participants, lobby, chat_muted_on_join, record_on_start, created_at, updated_at"

    private static func template(_ row: TemplateRow) -> MeetingTemplateRecord {
        MeetingTemplateRecord(
            id: row.0, name: row.1, description: row.2, maxParticipants: row.3, lobby: row.4,
            chatMutedOnJoin: row.5, recordOnStart: row.6, createdAt: row.7, updatedAt: row.8)
    }

    public func templates() async throws -> [MeetingTemplateRecord] {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.templateColumns) FROM meeting_templates ORDER BY created_at, id", logger: logger)
        return try await rows.decode(TemplateRow.self).collect().map(Self.template)
    }

    public func template(_ id: String) async throws -> MeetingTemplateRecord? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.templateColumns) FROM meeting_templates WHERE id = \(id)", logger: logger)
        return try await rows.decode(TemplateRow.self).collect().first.map(Self.template)
    }

    public func insertTemplate(_ template: MeetingTemplateRecord) async throws {
        // The UNIQUE constraint on name decides between concurrent writers; no check-then-insert race.
        try await Self.mapUniqueName {
            try await client.query(
                """
                INSERT INTO meeting_templates (\(unescaped: Self.templateColumns))
                VALUES (\(template.id), \(template.name), \(template.description), \(template.maxParticipants),
                        \(template.lobby), \(template.chatMutedOnJoin), \(template.recordOnStart),
                        \(template.createdAt), \(template.updatedAt))
                """, logger: logger
            ).consume()
        }
    }

    public func updateTemplate(_ template: MeetingTemplateRecord) async throws -> MeetingTemplateRecord {
        try await Self.mapUniqueName {
            let createdAt = try await client.query(
                """
                UPDATE meeting_templates SET name = \(template.name), description = \(template.description),
                    max_participants = \(template.maxParticipants), lobby = \(template.lobby),
                    chat_muted_on_join = \(template.chatMutedOnJoin), record_on_start = \(template.recordOnStart),
                    updated_at = \(template.updatedAt)
                WHERE id = \(template.id) RETURNING created_at
                """, logger: logger
            ).decode(Date.self).collect().first
            guard let createdAt else { throw MeetingStoreError.templateNotFound }
            var updated = template
            updated.createdAt = createdAt
            return updated
        }
    }

    @discardableResult
    public func deleteTemplate(_ id: String) async throws -> Bool {
        try await client.query("DELETE FROM meeting_templates WHERE id = \(id) RETURNING id", logger: logger)
            .count() > 0
    }

    private static func mapUniqueName<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw MeetingStoreError.duplicateTemplateName
        }
    }

    // MARK: reservations

    private typealias ReservationRow = (String, String, String, Date, Date, String, [String], String?, Date)

    public func reservations(roomID: String?) async throws -> [MeetingReservationRecord] {
        let rows = try await client.query(
            """
            SELECT id, room_id, title, start_time, end_time, host, participants, template_id, created_at
            FROM meeting_reservations WHERE \(roomID)::text IS NULL OR room_id = \(roomID)
            ORDER BY start_time, id
            """, logger: logger)
        return try await rows.decode(ReservationRow.self).collect().map { row in
            MeetingReservationRecord(
                id: row.0, roomID: row.1, title: row.2, startTime: row.3, endTime: row.4, host: row.5,
                participants: row.6, templateID: row.7, createdAt: row.8)
        }
    }

    public func insertReservation(_ reservation: MeetingReservationRecord) async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                // One booking at a time per room, on every node: released at commit or rollback.
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Self.reservationLockSpace), hashtext(\(reservation.roomID)))",
                    logger: logger
                ).consume()
                if let templateID = reservation.templateID {
                    // FOR SHARE: a template deleted concurrently waits for this booking, or this one sees it gone.
                    let found = try await connection.query(
                        "SELECT 1 FROM meeting_templates WHERE id = \(templateID) FOR SHARE", logger: logger
                    ).count()
                    guard found > 0 else { throw MeetingStoreError.templateNotFound }
                }
                let clash = try await connection.query(
                    """
                    SELECT id FROM meeting_reservations
                    WHERE room_id = \(reservation.roomID) AND start_time < \(reservation.endTime)
                      AND end_time > \(reservation.startTime)
                    ORDER BY start_time LIMIT 1
                    """, logger: logger
                ).decode(String.self).collect().first
                if let clash { throw MeetingStoreError.reservationOverlap(existingID: clash) }
                try await connection.query(
                    """
                    INSERT INTO meeting_reservations
                        (id, room_id, title, start_time, end_time, host, participants, template_id, created_at)
                    VALUES (\(reservation.id), \(reservation.roomID), \(reservation.title), \(reservation.startTime),
                            \(reservation.endTime), \(reservation.host), \(reservation.participants),
                            \(reservation.templateID), \(reservation.createdAt))
                    """, logger: logger
                ).consume()
            }
        } catch let error as PostgresTransactionError {
            throw error.reported
        }
    }

    /// The first key of the reservation advisory locks (the second is the room id's hash).
    static let reservationLockSpace: Int32 = 0x5041_5252 // "PARR"

    // MARK: counts

    public func counts(now: Date) async throws -> MeetingStore.Counts {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM meeting_rooms), (SELECT count(*) FROM meeting_templates),
                   (SELECT count(*) FROM meeting_reservations),
                   (SELECT count(*) FROM meeting_reservations WHERE end_time > \(now)),
                   (SELECT count(*) FROM meeting_recordings)
            """, logger: logger)
        guard let row = try await rows.decode((Int, Int, Int, Int, Int).self).collect().first else {
            throw PostgresStoreError(description: "counts: no row")
        }
        return MeetingStore.Counts(
            rooms: row.0, templates: row.1, reservations: row.2, upcomingReservations: row.3, recordings: row.4)
    }
}

extension AsyncSequence {
    /// All elements, in order.
    func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }

    /// How many elements there were.
    func count() async throws -> Int {
        var total = 0
        for try await _ in self { total += 1 }
        return total
    }
}
