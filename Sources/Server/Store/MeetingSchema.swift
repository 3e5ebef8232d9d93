import GRDB

/// The Meeting plugin's tables (`/meeting/api`): API-created rooms, room templates, reservations and the
/// recordings catalogue. Live presence is never stored; it lives in the room registry.
enum MeetingSchema {
    static func createV2(_ db: Database) throws {
        try db.create(table: MeetingTemplateRecord.databaseTableName) { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull().unique()
            t.column("description", .text).notNull()
            t.column("max_participants", .integer)
            t.column("lobby", .boolean).notNull()
            t.column("chat_muted_on_join", .boolean).notNull()
            t.column("record_on_start", .boolean).notNull()
            t.column("created_at", .datetime).notNull()
            t.column("updated_at", .datetime).notNull()
        }
        // Rooms keep a copy of their template's settings: editing or deleting a template never changes a room.
        try db.create(table: MeetingRoomRecord.databaseTableName) { t in
            t.primaryKey("room_id", .text)
            t.column("name", .text).notNull()
            // The registry compares join passwords in the clear, so it is kept as given.
            t.column("password", .text)
            t.column("max_participants", .integer)
            t.column("template_id", .text)
            t.column("lobby", .boolean).notNull()
            t.column("chat_muted_on_join", .boolean).notNull()
            t.column("record_on_start", .boolean).notNull()
            t.column("created_at", .datetime).notNull()
        }
        try db.create(table: MeetingReservationRecord.databaseTableName) { t in
            t.primaryKey("id", .text)
            t.column("room_id", .text).notNull().indexed()
            t.column("title", .text).notNull()
            t.column("start_time", .datetime).notNull()
            t.column("end_time", .datetime).notNull()
            t.column("host", .text).notNull()
            t.column("participants", .text).notNull() // JSON array of user ids
            t.column("template_id", .text)
            t.column("created_at", .datetime).notNull()
        }
        try db.create(table: MeetingRecordingRecord.databaseTableName) { t in
            t.primaryKey("id", .text)
            t.column("room_id", .text).notNull().indexed()
            // Relative to `<data_dir>/recordings/`: `{room_id}/{file}`.
            t.column("file_name", .text).notNull().unique()
            t.column("stream_path", .text)
            t.column("size_bytes", .integer).notNull()
            t.column("content_type", .text).notNull()
            t.column("duration_seconds", .double)
            t.column("created_at", .datetime).notNull()
        }
    }

    /// Recordings made by the server (docs/recordings.md): their state machine, who and what was recorded, and the
    /// files of each publication. Rows from before keep working as `ready`, unmanaged files.
    static func addRecordingStateV3(_ db: Database) throws {
        try db.alter(table: MeetingRecordingRecord.databaseTableName) { t in
            t.add(column: "state", .text).notNull().defaults(to: MeetingRecordingState.ready)
            t.add(column: "error", .text)
            t.add(column: "stop_reason", .text)
            t.add(column: "user_id", .text)
            t.add(column: "started_by", .text)
            t.add(column: "format", .text)
            t.add(column: "tracks", .text).notNull().defaults(to: "[]") // JSON array of codec names
            t.add(column: "files", .text).notNull().defaults(to: "[]") // JSON array of MeetingRecordingFile
            t.add(column: "managed", .boolean).notNull().defaults(to: false)
            t.add(column: "stopped_at", .datetime)
            t.add(column: "number", .integer) // Monibuca v5's integer record id
        }
        try db.create(
            index: "meeting_recordings_on_state", on: MeetingRecordingRecord.databaseTableName, columns: ["state"])
    }
}
