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

/// One file of the recordings catalogue, under `<data_dir>/recordings/`.
public struct MeetingRecordingRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "meeting_recordings"

    public var id: String
    public var roomID: String
    /// `{room_id}/{file}`, relative to the recordings directory.
    public var fileName: String
    public var streamPath: String?
    public var sizeBytes: Int64
    public var contentType: String
    public var durationSeconds: Double?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, roomID = "room_id", fileName = "file_name", streamPath = "stream_path", sizeBytes = "size_bytes"
        case contentType = "content_type", durationSeconds = "duration_seconds", createdAt = "created_at"
    }

    public init(
        id: String, roomID: String, fileName: String, streamPath: String?, sizeBytes: Int64,
        contentType: String, durationSeconds: Double?, createdAt: Date
    ) {
        self.id = id
        self.roomID = roomID
        self.fileName = fileName
        self.streamPath = streamPath
        self.sizeBytes = sizeBytes
        self.contentType = contentType
        self.durationSeconds = durationSeconds
        self.createdAt = createdAt
    }
}
