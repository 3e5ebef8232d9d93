import Foundation
import ParleyRooms
import ParleyStore

/// The JSON shapes of `/meeting/api` (spec/meeting.yaml). snake_case; every declared field is always present
/// (``Nullable`` writes `null`), times are RFC 3339 UTC with whole seconds.
enum MeetingModels {
    static func timestamp(_ date: Date) -> String {
        RFC3339.format(date)
    }

    struct Participant: Encodable {
        let user_id: String
        let name: String
        let role: String
        let chat_muted: Bool
        let audio: Bool
        let video: Bool
        let screen: Bool
        let hand: Bool
        let joined_at: String

        init(_ participant: ParleyRooms.Participant) {
            user_id = participant.userID.rawValue
            name = participant.name
            role = participant.role.rawValue
            chat_muted = participant.chatMuted
            audio = participant.media.audio
            video = participant.media.video
            screen = participant.media.screen
            hand = participant.media.hand
            joined_at = timestamp(participant.joinedAt)
        }
    }

    struct Stream: Encodable {
        let path: String
        let publisher: Nullable<String>
        let codecs: [String]
        let subscribers: Int
        let started_at: String

        init(_ info: StreamInfo) {
            path = info.path.rawValue
            publisher = Nullable(info.publisher?.rawValue)
            codecs = info.codecs
            subscribers = info.subscribers
            started_at = timestamp(info.startedAt)
        }
    }

    struct Room: Encodable {
        let room_id: String
        let name: String
        /// "rest" (created through an API, persists) or "ad_hoc" (created by its first joiner).
        let origin: String
        let locked: Bool
        let has_password: Bool
        let max_participants: Int
        let participant_count: Int
        let stream_count: Int
        let template_id: Nullable<String>
        let lobby: Bool
        let chat_muted_on_join: Bool
        let record_on_start: Bool
        let created_at: String

        init(_ room: RoomSnapshot, createdAt: Date? = nil) {
            room_id = room.id.rawValue
            name = room.displayName
            origin = room.origin.rawValue
            locked = room.locked
            has_password = room.hasPassword
            max_participants = room.capacity
            participant_count = room.participants.count
            stream_count = room.streams.count
            template_id = Nullable(room.settings.templateID)
            lobby = room.settings.lobby
            chat_muted_on_join = room.settings.chatMutedOnJoin
            record_on_start = room.settings.recordOnStart
            created_at = timestamp(createdAt ?? room.createdAt)
        }
    }

    struct RoomDetail: Encodable {
        let room: Room
        let participants: [Participant]
        let streams: [Stream]
        let template: Nullable<Template>

        enum CodingKeys: String, CodingKey {
            case room_id, name, origin, locked, has_password, max_participants, participant_count, stream_count
            case template_id, lobby, chat_muted_on_join, record_on_start, created_at, participants, streams, template
        }

        /// The room's fields flattened beside `participants`, `streams` and `template`.
        func encode(to encoder: any Encoder) throws {
            try room.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(participants, forKey: .participants)
            try container.encode(streams, forKey: .streams)
            try container.encode(template, forKey: .template)
        }
    }

    struct RoomList: Encodable {
        let total: Int
        let rooms: [Room]
    }

    struct Users: Encodable {
        let room_id: String
        let total: Int
        let users: [Participant]
    }

    struct Control: Encodable {
        let room_id: String
        /// "mute", "unmute" or "kick".
        let action: String
        let user: Participant
    }

    struct Template: Encodable, Sendable {
        let id: String
        let name: String
        let description: String
        let max_participants: Nullable<Int>
        let lobby: Bool
        let chat_muted_on_join: Bool
        let record_on_start: Bool
        let created_at: String
        let updated_at: String

        init(_ record: MeetingTemplateRecord) {
            id = record.id
            name = record.name
            description = record.description
            max_participants = Nullable(record.maxParticipants)
            lobby = record.lobby
            chat_muted_on_join = record.chatMutedOnJoin
            record_on_start = record.recordOnStart
            created_at = timestamp(record.createdAt)
            updated_at = timestamp(record.updatedAt)
        }
    }

    struct TemplateList: Encodable {
        let total: Int
        let templates: [Template]
    }

    struct Deleted: Encodable {
        let id: String
        let deleted = true
    }

    struct Reservation: Encodable {
        let id: String
        let room_id: String
        let title: String
        let start_time: String
        let end_time: String
        let host: String
        let participants: [String]
        let template_id: Nullable<String>
        let created_at: String

        init(_ record: MeetingReservationRecord) {
            id = record.id
            room_id = record.roomID
            title = record.title
            start_time = timestamp(record.startTime)
            end_time = timestamp(record.endTime)
            host = record.host
            participants = record.participants
            template_id = Nullable(record.templateID)
            created_at = timestamp(record.createdAt)
        }
    }

    struct ReservationList: Encodable {
        let total: Int
        let reservations: [Reservation]
    }

    struct Recording: Encodable {
        let id: String
        let room_id: String
        let file_name: String
        let stream_path: Nullable<String>
        let size_bytes: Int64
        let content_type: String
        let duration_seconds: Nullable<Double>
        let created_at: String
        let play_url: String
        let download_url: String
        /// `recording`, `processing`, `ready` or `failed` (docs/recordings.md).
        let state: String
        let error: Nullable<String>
        let stop_reason: Nullable<String>
        let user_id: Nullable<String>
        let started_by: Nullable<String>
        let format: Nullable<String>
        let tracks: [String]
        let stopped_at: Nullable<String>
        /// One per recorded publication; the top-level file fields are the first that plays.
        let files: [RecordingFile]
    }

    struct RecordingFile: Encodable {
        let stream_path: String
        let user_id: Nullable<String>
        let state: String
        let error: Nullable<String>
        let file_name: Nullable<String>
        let format: Nullable<String>
        let content_type: Nullable<String>
        let size_bytes: Int64
        let duration_seconds: Nullable<Double>
        let tracks: [String]
        let download_url: Nullable<String>
    }

    struct RecordingList: Encodable {
        let total: Int
        let recordings: [Recording]
    }

    struct Play: Encodable {
        let id: String
        let url: String
        let content_type: String
    }

    struct Stats: Encodable {
        let rooms: Int
        let participants: Int
        let publishers: Int
        let subscribers: Int
        let locked_rooms: Int
        let stored_rooms: Int
        let templates: Int
        let reservations: Int
        let upcoming_reservations: Int
        let recordings: Int
        let uptime_seconds: Int
    }

    struct Feature: Encodable {
        let name: String
        let description: String
        let enabled: Bool
    }

    struct FeatureList: Encodable {
        let total: Int
        let features: [Feature]
    }
}
