import Foundation
import GRDB
import ParleyCrypto

/// Why a Meeting store write was refused. A refused write changes nothing (each write is one transaction).
public enum MeetingStoreError: Error, Equatable, Sendable {
    /// Another template already has this name.
    case duplicateTemplateName
    /// The referenced template does not exist (any more).
    case templateNotFound
    /// The reservation overlaps an existing one in the same room.
    case reservationOverlap(existingID: String)
    case recordingNotFound
}

/// Rooms, templates, reservations and the recordings catalogue of the Meeting plugin, in SQLite.
/// Every method is one transaction; reads never see a half-done write.
public struct MeetingStore: Sendable {
    public let database: ParleyDatabase

    public init(database: ParleyDatabase) {
        self.database = database
    }

    /// A fresh opaque identifier: 16 random bytes, base64url (22 characters of `[A-Za-z0-9_-]`), unguessable.
    public static func newID() -> String {
        SecureRandom.token(byteCount: 16)
    }

    // MARK: rooms

    public func rooms() throws -> [MeetingRoomRecord] {
        try database.writer.read { db in
            try MeetingRoomRecord.order(Column("created_at"), Column("room_id")).fetchAll(db)
        }
    }

    /// When each stored room was created, by room id: two columns read straight from the rows (the room list
    /// needs only these, for every room, on every request; decoding whole records cost a millisecond per 1,000).
    public func roomCreationTimes() throws -> [String: Date] {
        try database.writer.read { db in
            var times: [String: Date] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT room_id, created_at FROM \(MeetingRoomRecord.databaseTableName)")
            while let row = try rows.next() {
                // Optional reads: an unreadable cell skips its row instead of trapping in GRDB's conversion.
                if let roomID: String = row[0], let created: Date = row[1] { times[roomID] = created }
            }
            return times
        }
    }

    /// When the stored room was created; nil when it is not stored.
    public func roomCreationTime(_ roomID: String) throws -> Date? {
        try database.writer.read { db in
            try Date.fetchOne(
                db, sql: "SELECT created_at FROM \(MeetingRoomRecord.databaseTableName) WHERE room_id = ?",
                arguments: [roomID])
        }
    }

    public func room(_ roomID: String) throws -> MeetingRoomRecord? {
        try database.writer.read { db in
            try MeetingRoomRecord.filter(Column("room_id") == roomID).fetchOne(db)
        }
    }

    /// Stores the room, replacing a stale row with the same id (a room ended elsewhere, e.g. by MiroTalk's DELETE).
    public func saveRoom(_ room: MeetingRoomRecord) throws {
        try database.writer.write { db in try room.save(db) }
    }

    /// Removes the room's row; true if there was one.
    @discardableResult
    public func deleteRoom(_ roomID: String) throws -> Bool {
        try database.writer.write { db in try MeetingRoomRecord.deleteOne(db, key: roomID) }
    }

    /// Removes the row only if it was created no later than `cutoff`: a room ended elsewhere is forgotten, while a
    /// room of the same id created again since then stays.
    @discardableResult
    public func deleteRoom(_ roomID: String, createdNoLaterThan cutoff: Date) throws -> Bool {
        try database.writer.write { db in
            try MeetingRoomRecord.filter(Column("room_id") == roomID && Column("created_at") <= cutoff)
                .deleteAll(db) > 0
        }
    }

    // MARK: templates

    public func templates() throws -> [MeetingTemplateRecord] {
        try database.writer.read { db in
            try MeetingTemplateRecord.order(Column("created_at"), Column("id")).fetchAll(db)
        }
    }

    public func template(_ id: String) throws -> MeetingTemplateRecord? {
        try database.writer.read { db in try MeetingTemplateRecord.fetchOne(db, key: id) }
    }

    public func insertTemplate(_ template: MeetingTemplateRecord) throws {
        try database.writer.write { db in
            try Self.requireUniqueName(template, db)
            try template.insert(db)
        }
    }

    /// Replaces a template's settings (its `created_at` stays); ``MeetingStoreError/templateNotFound``.
    public func updateTemplate(_ template: MeetingTemplateRecord) throws -> MeetingTemplateRecord {
        try database.writer.write { db in
            guard let existing = try MeetingTemplateRecord.fetchOne(db, key: template.id) else {
                throw MeetingStoreError.templateNotFound
            }
            try Self.requireUniqueName(template, db)
            var updated = template
            updated.createdAt = existing.createdAt
            try updated.update(db)
            return updated
        }
    }

    @discardableResult
    public func deleteTemplate(_ id: String) throws -> Bool {
        try database.writer.write { db in try MeetingTemplateRecord.deleteOne(db, key: id) }
    }

    static func requireUniqueName(_ template: MeetingTemplateRecord, _ db: Database) throws {
        let clash =
            try MeetingTemplateRecord
            .filter(Column("name") == template.name && Column("id") != template.id).fetchCount(db)
        if clash > 0 { throw MeetingStoreError.duplicateTemplateName }
    }

    // MARK: counts

    public struct Counts: Sendable, Equatable {
        public var rooms: Int
        public var templates: Int
        public var reservations: Int
        public var upcomingReservations: Int
        public var recordings: Int
    }

    public func counts(now: Date) throws -> Counts {
        try database.writer.read { db in
            Counts(
                rooms: try MeetingRoomRecord.fetchCount(db),
                templates: try MeetingTemplateRecord.fetchCount(db),
                reservations: try MeetingReservationRecord.fetchCount(db),
                upcomingReservations: try MeetingReservationRecord.filter(Column("end_time") > now).fetchCount(db),
                recordings: try MeetingRecordingRecord.fetchCount(db))
        }
    }
}
