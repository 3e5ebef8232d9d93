import Foundation
import ParleyJSON
import ParleyRooms

/// A client → server action, parsed and validated (`{"action": NAME, "id": ID?, ...fields}`).
enum RoomSocketAction: Equatable, Sendable {
    case chat(text: String, to: UserID?)
    case hand(raised: Bool)
    case media(audio: Bool?, video: Bool?, screen: Bool?)
    case agendaSet([RoomAgenda.Item])
    case agendaNext
    case agendaStart
    case agendaPause
    case transcript(text: String, speaker: String?, startMs: Int64, endMs: Int64, final: Bool)
    case muteChat(user: UserID, muted: Bool)
    case muteMedia(user: UserID, kind: String)
    case kick(UserID)
    case lock
    case unlock
    case end
    case leave
    /// Start or stop recording the room (a presenter's; docs/recordings.md).
    case recordStart
    case recordStop

    static let maxChatLength = 4096
    /// Structural bound only; the session applies `rooms.transcript_max_bytes` (at most 64 KiB) in bytes.
    static let maxTranscriptLength = 65_536
    static let mediaKinds: Set<String> = ["audio", "video", "all"]

    /// Fields each action may carry besides `action` and `id`, and which of them are required.
    static let fields: [String: (allowed: Set<String>, required: Set<String>)] = [
        "chat": (["text", "to"], ["text"]),
        "hand": (["raised"], ["raised"]),
        "media": (["audio", "video", "screen"], []),
        "agenda.set": (["items"], ["items"]),
        "agenda.next": ([], []),
        "agenda.start": ([], []),
        "agenda.pause": ([], []),
        "transcript": (["text", "speaker", "start_ms", "end_ms", "final"], ["text", "start_ms", "end_ms"]),
        "mute_chat": (["user_id", "muted"], ["user_id"]),
        "mute_media": (["user_id", "kind"], ["user_id"]),
        "kick": (["user_id"], ["user_id"]),
        "lock": ([], []),
        "unlock": ([], []),
        "end": ([], []),
        "leave": ([], []),
        "record.start": ([], []),
        "record.stop": ([], []),
    ]
}

/// A parsed frame: the action's name, its `id`, and the action.
struct ParsedAction: Sendable {
    var name: String
    var id: ReplyID?
    var action: RoomSocketAction
}

/// Why a frame was not an acceptable action (answered with an `error` event; the connection stays).
struct ActionRefusal: Error, Sendable, Equatable {
    var code: String
    var reason: String
    var replyTo: ReplyID?
}

enum RoomSocketActionParser {
    static func parse(_ text: String) -> Result<ParsedAction, ActionRefusal> {
        guard case .object(let object)? = try? JSONValue.parse(text) else {
            return .failure(
                ActionRefusal(
                    code: RoomSocketErrorCode.malformedMessage,
                    reason: "Frames are the text `ping` or a JSON object.", replyTo: nil))
        }
        var id: ReplyID?
        switch object["id"] {
        case nil, .null?: id = nil
        case .string(let s)? where s.utf8.count <= 128: id = .string(s)
        case let value? where value.integerValue != nil: id = value.integerValue.map(ReplyID.integer)
        default:
            return .failure(invalid("`id` must be a string of at most 128 bytes or an integer.", nil))
        }
        guard let name = object["action"]?.stringValue else {
            return .failure(invalid("`action` (a string) is required.", id))
        }
        guard let spec = RoomSocketAction.fields[name] else {
            return .failure(
                ActionRefusal(
                    code: RoomSocketErrorCode.unknownAction,
                    reason: "Unknown action \(name.prefix(64)).", replyTo: id))
        }
        var body = object
        body["action"] = nil
        body["id"] = nil
        if let extra = body.keys.sorted().first(where: { !spec.allowed.contains($0) }) {
            return .failure(invalid("\(name) has no field \(extra.prefix(64)).", id))
        }
        if let missing = spec.required.sorted().first(where: { body[$0] == nil }) {
            return .failure(invalid("\(name) needs \(missing).", id))
        }
        do {
            return .success(ParsedAction(name: name, id: id, action: try action(name, body)))
        } catch let reason as InvalidField {
            return .failure(invalid("\(name): \(reason.message)", id))
        } catch {
            return .failure(invalid("\(name) is invalid.", id))
        }
    }

    struct InvalidField: Error { var message: String }

    static func invalid(_ reason: String, _ id: ReplyID?) -> ActionRefusal {
        ActionRefusal(code: RoomSocketErrorCode.invalidMessage, reason: reason, replyTo: id)
    }

    static func action(_ name: String, _ body: JSONObject) throws -> RoomSocketAction {
        switch name {
        case "chat":
            let text = try string(body, "text", max: RoomSocketAction.maxChatLength)
            let to = try body["to"].map { _ in try user(body, "to") }
            return .chat(text: text, to: to)
        case "hand":
            return .hand(raised: try bool(body, "raised"))
        case "media":
            return .media(
                audio: try optionalBool(body, "audio"), video: try optionalBool(body, "video"),
                screen: try optionalBool(body, "screen"))
        case "agenda.set":
            guard let raw = body["items"]?.arrayValue, raw.count <= RoomAgenda.maxItems else {
                throw InvalidField(message: "items must be an array of at most \(RoomAgenda.maxItems) objects")
            }
            return .agendaSet(try raw.map(agendaItem))
        case "agenda.next": return .agendaNext
        case "agenda.start": return .agendaStart
        case "agenda.pause": return .agendaPause
        case "transcript":
            let text = try string(body, "text", max: RoomSocketAction.maxTranscriptLength)
            let speaker = try body["speaker"].map { _ in try string(body, "speaker", max: JoinRequest.maxNameLength) }
            let start = try milliseconds(body, "start_ms")
            let end = try milliseconds(body, "end_ms")
            guard start <= end else { throw InvalidField(message: "start_ms must not exceed end_ms") }
            return .transcript(
                text: text, speaker: speaker, startMs: start, endMs: end,
                final: try optionalBool(body, "final") ?? true)
        case "mute_chat":
            return .muteChat(user: try user(body, "user_id"), muted: try optionalBool(body, "muted") ?? true)
        case "mute_media":
            let kind = try body["kind"].map { _ in try string(body, "kind", max: 8) } ?? "all"
            guard RoomSocketAction.mediaKinds.contains(kind) else {
                throw InvalidField(message: "kind is audio, video or all")
            }
            return .muteMedia(user: try user(body, "user_id"), kind: kind)
        case "kick": return .kick(try user(body, "user_id"))
        case "lock": return .lock
        case "record.start": return .recordStart
        case "record.stop": return .recordStop
        case "unlock": return .unlock
        case "end": return .end
        default: return .leave
        }
    }

    static func agendaItem(_ value: JSONValue) throws -> RoomAgenda.Item {
        guard let object = value.objectValue, object.keys.allSatisfy({ $0 == "title" || $0 == "duration_s" }) else {
            throw InvalidField(message: "each item is {title, duration_s?}")
        }
        let title = try string(object, "title", max: RoomAgenda.maxTitleLength)
        var duration: Int?
        if let raw = object["duration_s"], raw != .null {
            guard let seconds = raw.integerValue, (0...86_400).contains(seconds) else {
                throw InvalidField(message: "duration_s is a whole number of seconds, 0...86400")
            }
            duration = Int(seconds)
        }
        return RoomAgenda.Item(title: title, duration_s: duration)
    }

    static func string(_ body: JSONObject, _ key: String, max: Int) throws -> String {
        guard let value = body[key]?.stringValue,
            !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, value.count <= max
        else {
            throw InvalidField(message: "\(key) must be a non-empty string of at most \(max) characters")
        }
        return value
    }

    static func user(_ body: JSONObject, _ key: String) throws -> UserID {
        guard let raw = body[key]?.stringValue, let id = UserID(raw) else {
            throw InvalidField(message: "\(key) must match [A-Za-z0-9._~-]{1,64}")
        }
        return id
    }

    static func bool(_ body: JSONObject, _ key: String) throws -> Bool {
        guard let value = body[key]?.boolValue else { throw InvalidField(message: "\(key) must be true or false") }
        return value
    }

    static func optionalBool(_ body: JSONObject, _ key: String) throws -> Bool? {
        guard body[key] != nil else { return nil }
        return try bool(body, key)
    }

    static func milliseconds(_ body: JSONObject, _ key: String) throws -> Int64 {
        guard let value = body[key]?.integerValue, value >= 0 else {
            throw InvalidField(message: "\(key) must be a non-negative whole number of milliseconds")
        }
        return value
    }
}
