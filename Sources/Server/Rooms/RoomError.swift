import Foundation

/// Why the registry refused an operation. A refused operation changes nothing and emits no event.
/// ``code`` is stable snake_case for WebSocket `error` events and JSON bodies; ``reason`` is for humans.
public enum RoomError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    case invalidIdentifier
    case invalidName
    case invalidSettings
    case roomNotFound
    case roomAlreadyExists
    case participantNotFound
    case duplicateUser
    case roomLocked
    case roomFull
    case wrongPassword
    case streamAlreadyPublished
    case streamNotFound
    /// The actor lacks the rights, or a stream does not belong to the given room/publisher.
    case notPermitted

    public var code: String {
        switch self {
        case .invalidIdentifier: "invalid_identifier"
        case .invalidName: "invalid_name"
        case .invalidSettings: "invalid_settings"
        case .roomNotFound: "room_not_found"
        case .roomAlreadyExists: "room_already_exists"
        case .participantNotFound: "participant_not_found"
        case .duplicateUser: "duplicate_user"
        case .roomLocked: "room_locked"
        case .roomFull: "room_full"
        case .wrongPassword: "wrong_password"
        case .streamAlreadyPublished: "stream_already_published"
        case .streamNotFound: "stream_not_found"
        case .notPermitted: "not_permitted"
        }
    }

    public var reason: String {
        switch self {
        case .invalidIdentifier: "Identifiers must match [A-Za-z0-9._~-]{1,64}."
        case .invalidName: "The display name is empty, too long or contains control characters."
        case .invalidSettings: "The room settings are invalid (negative capacity)."
        case .roomNotFound: "Room not found."
        case .roomAlreadyExists: "A room with this id already exists."
        case .participantNotFound: "No such participant in this room."
        case .duplicateUser: "This user id is already in the room."
        case .roomLocked: "The room is locked."
        case .roomFull: "The room is full."
        case .wrongPassword: "Wrong or missing room password."
        case .streamAlreadyPublished: "This stream path is already being published."
        case .streamNotFound: "No live stream at this path."
        case .notPermitted: "Not permitted."
        }
    }

    public var description: String { "\(code): \(reason)" }
}
