import Foundation
import GRDB

/// A room created through `/meeting/api/rooms`, re-created in the registry at start-up.
public struct MeetingRoomRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "meeting_rooms"

    public var roomID: String
    public var name: String
    public var password: String?
    public var maxParticipants: Int?
    public var templateID: String?
    public var lobby: Bool
    public var chatMutedOnJoin: Bool
    public var recordOnStart: Bool
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case roomID = "room_id", name, password, maxParticipants = "max_participants", templateID = "template_id"
        case lobby, chatMutedOnJoin = "chat_muted_on_join", recordOnStart = "record_on_start"
        case createdAt = "created_at"
    }

    public init(
        roomID: String, name: String, password: String?, maxParticipants: Int?, templateID: String?,
        lobby: Bool, chatMutedOnJoin: Bool, recordOnStart: Bool, createdAt: Date
    ) {
        self.roomID = roomID
        self.name = name
        self.password = password
        self.maxParticipants = maxParticipants
        self.templateID = templateID
        self.lobby = lobby
        self.chatMutedOnJoin = chatMutedOnJoin
        self.recordOnStart = recordOnStart
        self.createdAt = createdAt
    }
}

/// Named room settings applied to rooms created from them.
public struct MeetingTemplateRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "meeting_templates"

    public var id: String
    public var name: String
    public var description: String
    public var maxParticipants: Int?
    public var lobby: Bool
    public var chatMutedOnJoin: Bool
    public var recordOnStart: Bool
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, maxParticipants = "max_participants", lobby
        case chatMutedOnJoin = "chat_muted_on_join", recordOnStart = "record_on_start"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public init(
        id: String, name: String, description: String, maxParticipants: Int?, lobby: Bool,
        chatMutedOnJoin: Bool, recordOnStart: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.maxParticipants = maxParticipants
        self.lobby = lobby
        self.chatMutedOnJoin = chatMutedOnJoin
        self.recordOnStart = recordOnStart
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A booked time slot `[start_time, end_time)` in one room.
public struct MeetingReservationRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "meeting_reservations"

    public var id: String
    public var roomID: String
    public var title: String
    public var startTime: Date
    public var endTime: Date
    public var host: String
    public var participants: [String]
    public var templateID: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, roomID = "room_id", title, startTime = "start_time", endTime = "end_time", host, participants
        case templateID = "template_id", createdAt = "created_at"
    }

    public init(
        id: String, roomID: String, title: String, startTime: Date, endTime: Date, host: String,
        participants: [String], templateID: String?, createdAt: Date
    ) {
        self.id = id
        self.roomID = roomID
        self.title = title
        self.startTime = startTime
        self.endTime = endTime
        self.host = host
        self.participants = participants
        self.templateID = templateID
        self.createdAt = createdAt
    }

    /// Half-open intervals: a meeting may start the instant the previous one ends.
    public func overlaps(start: Date, end: Date) -> Bool {
        startTime < end && start < endTime
    }
}

/// One recording of the catalogue. A row the recorder wrote (`managed`) is one start/stop of a room's or a stream
/// path's recording, kept under `<recording.dir>/<id>/` with one file per recorded publication (`files`); the
/// top-level file fields describe its primary file (the first that plays). A row found by the directory scan
/// (`managed` false) is a file someone put under `<recording.dir>/{room_id}/`.
public struct MeetingRecordingRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "meeting_recordings"

    public var id: String
    public var roomID: String
    /// `{room_id}/{file}` (scanned) or `{id}/{file}` (recorded), relative to the recordings directory; `{id}/` while
    /// nothing is written yet.
    public var fileName: String
    public var streamPath: String?
    public var sizeBytes: Int64
    public var contentType: String
    public var durationSeconds: Double?
    public var createdAt: Date
    /// `recording`, `processing`, `ready` or `failed` (``MeetingRecordingState``).
    public var state: String
    /// Why the recording failed (state `failed`), else nil.
    public var error: String?
    /// Why it stopped: a user's stop, the meeting's end, a limit, a shutdown, a crash.
    public var stopReason: String?
    /// The recorded participant when the recording holds one participant's publication.
    public var userID: String?
    /// Who started it: `api`, `mp4`, `template`, or `user:<id>` for a presenter.
    public var startedBy: String?
    /// `mp4`, `webm` or `ogg` of the primary file.
    public var format: String?
    /// Codec names of the primary file, e.g. `["opus", "VP8"]`.
    public var tracks: [String]
    public var files: [MeetingRecordingFile]
    public var managed: Bool
    public var stoppedAt: Date?
    /// A small number for APIs whose record ids are integers (Monibuca v5's `/mp4/api`), given at insert.
    public var number: Int64?

    enum CodingKeys: String, CodingKey {
        case id, roomID = "room_id", fileName = "file_name", streamPath = "stream_path", sizeBytes = "size_bytes"
        case contentType = "content_type", durationSeconds = "duration_seconds", createdAt = "created_at"
        case state, error, stopReason = "stop_reason", userID = "user_id", startedBy = "started_by", format, tracks
        case files, managed, stoppedAt = "stopped_at", number
    }

    public init(
        id: String, roomID: String, fileName: String, streamPath: String?, sizeBytes: Int64,
        contentType: String, durationSeconds: Double?, createdAt: Date, state: String = MeetingRecordingState.ready,
        error: String? = nil, stopReason: String? = nil, userID: String? = nil, startedBy: String? = nil,
        format: String? = nil, tracks: [String] = [], files: [MeetingRecordingFile] = [], managed: Bool = false,
        stoppedAt: Date? = nil, number: Int64? = nil
    ) {
        self.id = id
        self.roomID = roomID
        self.fileName = fileName
        self.streamPath = streamPath
        self.sizeBytes = sizeBytes
        self.contentType = contentType
        self.durationSeconds = durationSeconds
        self.createdAt = createdAt
        self.state = state
        self.error = error
        self.stopReason = stopReason
        self.userID = userID
        self.startedBy = startedBy
        self.format = format
        self.tracks = tracks
        self.files = files
        self.managed = managed
        self.stoppedAt = stoppedAt
        self.number = number
    }
}

/// The states of a recording: `recording` → `processing` → `ready` | `failed`.
public enum MeetingRecordingState {
    public static let recording = "recording"
    public static let processing = "processing"
    public static let ready = "ready"
    public static let failed = "failed"
    public static let all: Set<String> = [recording, processing, ready, failed]

    /// The allowed transitions (a crash may leave `recording` or `processing`, which recovery moves on).
    public static func canMove(from old: String, to new: String) -> Bool {
        switch (old, new) {
        case (recording, processing), (recording, failed), (processing, ready), (processing, failed): true
        default: false
        }
    }
}

/// One recorded publication inside a recording: its raw capture and, once processed, its playable file.
public struct MeetingRecordingFile: Codable, Sendable, Hashable {
    /// The raw capture's stem: `<stem>.pcap` and `<stem>.json` in the recording's directory.
    public var capture: String
    public var streamPath: String
    public var userID: String?
    /// `{id}/{file}` once processed.
    public var fileName: String?
    public var format: String?
    public var contentType: String?
    public var sizeBytes: Int64
    public var durationSeconds: Double?
    public var tracks: [String]
    /// `recording`, `ready` or `failed`.
    public var state: String
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case capture, streamPath = "stream_path", userID = "user_id", fileName = "file_name", format
        case contentType = "content_type", sizeBytes = "size_bytes", durationSeconds = "duration_seconds", tracks
        case state, error
    }

    public init(
        capture: String, streamPath: String, userID: String?, fileName: String? = nil, format: String? = nil,
        contentType: String? = nil, sizeBytes: Int64 = 0, durationSeconds: Double? = nil, tracks: [String] = [],
        state: String = MeetingRecordingState.recording, error: String? = nil
    ) {
        self.capture = capture
        self.streamPath = streamPath
        self.userID = userID
        self.fileName = fileName
        self.format = format
        self.contentType = contentType
        self.sizeBytes = sizeBytes
        self.durationSeconds = durationSeconds
        self.tracks = tracks
        self.state = state
        self.error = error
    }
}
