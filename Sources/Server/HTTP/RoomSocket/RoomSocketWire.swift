import Foundation
import ParleyRooms

/// The JSON payloads the room WebSocket sends (`data` of the envelope). Field names are snake_case; every field is
/// always present (absent values are `null`), which is what `spec/room-ws.asyncapi.yaml` requires.
enum RoomSocketWire {
    /// Milliseconds since the Unix epoch: the protocol's one time format.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A participant as every room event shows it (MiroTalk's peer fields included).
    struct Participant: Encodable, Equatable {
        var user_id: String
        var name: String
        var role: String
        var presenter: Bool
        var audio: Bool
        var video: Bool
        var screen: Bool
        var hand: Bool
        var chat_muted: Bool
        var os: String
        var browser: String
        var joined_at_ms: Int64

        init(_ p: ParleyRooms.Participant) {
            user_id = p.userID.rawValue
            name = p.name
            role = p.role.rawValue
            presenter = p.isPresenter
            audio = p.media.audio
            video = p.media.video
            screen = p.media.screen
            hand = p.media.hand
            chat_muted = p.chatMuted
            os = p.os
            browser = p.browser
            joined_at_ms = RoomSocketWire.milliseconds(p.joinedAt)
        }
    }

    /// A live stream of the room (`publish`, `joined.streams`).
    struct Stream: Encodable {
        var path: String
        var user_id: String?
        /// What the publication sends: `audio`, `video` (camera) and/or `screen` (MediaKinds).
        var kinds: [String]
        var codecs: [String]
        var subscribers: Int
        var started_at_ms: Int64

        init(_ s: StreamInfo) {
            path = s.path.rawValue
            user_id = s.publisher?.rawValue
            kinds = s.kinds.names
            codecs = s.codecs
            subscribers = s.subscribers
            started_at_ms = RoomSocketWire.milliseconds(s.startedAt)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encode(user_id, forKey: .user_id)
            try c.encode(kinds, forKey: .kinds)
            try c.encode(codecs, forKey: .codecs)
            try c.encode(subscribers, forKey: .subscribers)
            try c.encode(started_at_ms, forKey: .started_at_ms)
        }

        enum CodingKeys: String, CodingKey { case path, user_id, kinds, codecs, subscribers, started_at_ms }
    }

    struct Unpublish: Encodable {
        var path: String
        var user_id: String?
        /// What the ended publication sent, so a client knows which of the publisher's media went away.
        var kinds: [String]

        init(_ s: StreamInfo) {
            path = s.path.rawValue
            user_id = s.publisher?.rawValue
            kinds = s.kinds.names
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encode(user_id, forKey: .user_id)
            try c.encode(kinds, forKey: .kinds)
        }

        enum CodingKeys: String, CodingKey { case path, user_id, kinds }
    }

    struct RoomInfo: Encodable {
        var room_id: String
        var name: String
        var locked: Bool
        var capacity: Int
    }

    struct Joined: Encodable {
        var session_token: String
        var user_id: String
        var role: String
        var room: RoomInfo
        var participants: [Participant]
        var streams: [Stream]
        var agenda: RoomAgenda.State
    }

    struct UserLeave: Encodable {
        var user_id: String
        /// left, dropped, kicked, ended
        var reason: String
        var by: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(user_id, forKey: .user_id)
            try c.encode(reason, forKey: .reason)
            try c.encode(by, forKey: .by)
        }

        enum CodingKeys: String, CodingKey { case user_id, reason, by }
    }

    struct ErrorInfo: Encodable {
        var code: String
        var reason: String
    }

    struct Ack: Encodable {
        var action: String
    }

    struct Chat: Encodable {
        var seq: Int
        var from: String
        var name: String
        var text: String
        /// The one recipient of a private message; null for the room.
        var to: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(seq, forKey: .seq)
            try c.encode(from, forKey: .from)
            try c.encode(name, forKey: .name)
            try c.encode(text, forKey: .text)
            try c.encode(to, forKey: .to)
        }

        enum CodingKeys: String, CodingKey { case seq, from, name, text, to }
    }

    struct Hand: Encodable {
        var user_id: String
        var raised: Bool
    }

    struct Transcript: Encodable {
        var seq: Int
        var user_id: String
        var speaker: String
        var text: String
        var start_ms: Int64
        var end_ms: Int64
        var final: Bool
    }

    struct ByModerator: Encodable {
        var by: String
    }

    struct ChatMuteControl: Encodable {
        var action = "mute_chat"
        var user_id: String
        var muted: Bool
        var by: String
    }

    struct MediaMuteControl: Encodable {
        var action = "mute_media"
        var user_id: String
        /// audio, video or all
        var kind: String
        var by: String
    }

    struct KickControl: Encodable {
        var action = "kick"
        var user_id: String
        var by: String
    }

    /// `user:alice` or `api:meeting-api`: who moderated. Identifiers never contain `:`.
    static func describe(_ moderator: Moderator) -> String {
        switch moderator {
        case .user(let id): "user:\(id.rawValue)"
        case .api(let name): "api:\(name)"
        }
    }
}
