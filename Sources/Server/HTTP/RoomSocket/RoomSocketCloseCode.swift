import ParleyRooms

/// Close codes of the room WebSocket (RFC 6455 §7.4.2: 4000–4999 are for applications). Every Parley-initiated
/// close except 1000/1009 is preceded by an `error`, `control` or `ended` event that says why.
public enum RoomSocketCloseCode: UInt16, Sendable, CaseIterable {
    /// The client sent `leave`.
    case normal = 1000
    /// A message larger than the configured maximum (RFC 6455 §7.4.1).
    case messageTooLarge = 1009
    /// Bad room id, user id, name or `type`.
    case invalidRequest = 4000
    /// A token was required, or the one presented is invalid or expired.
    case unauthorized = 4001
    case wrongPassword = 4003
    case duplicateUser = 4009
    case roomFull = 4013
    case roomLocked = 4023
    /// Too many: sockets from this address (`rooms.max_connections_per_address`), or wrong-password joins to this
    /// room from this address within `rooms.password_window` (4029 echoes HTTP 429).
    case tooMany = 4029
    /// A moderator (socket or REST) removed this participant.
    case kicked = 4100
    /// The room was ended (socket `end`, REST delete/end).
    case roomEnded = 4101
    /// Nothing was received for longer than the idle timeout (send text `ping` to stay alive).
    case heartbeatTimeout = 4102
    /// The client read too slowly and its outbound queue overflowed.
    case slowConsumer = 4103
    /// The participant left the registry through another path (another face removed it).
    case removed = 4104
    /// Cluster mode: the node that runs the room could not be reached from the node the client connected to
    /// (after `error` `room_unavailable`); reconnecting may reach the room's new owner.
    case roomUnavailable = 4105

    /// The close code for a refused join.
    static func forRefusal(_ error: RoomError) -> RoomSocketCloseCode {
        switch error {
        case .wrongPassword: .wrongPassword
        case .roomLocked: .roomLocked
        case .roomFull: .roomFull
        case .duplicateUser: .duplicateUser
        case .notPermitted: .unauthorized
        default: .invalidRequest
        }
    }
}

/// Stable snake_case codes of `error` events that are not registry refusals (those use ``RoomError/code``).
enum RoomSocketErrorCode {
    static let invalidRequest = "invalid_request"
    static let invalidIdentifier = "invalid_identifier"
    static let tokenRequired = "token_required"
    static let invalidToken = "invalid_token"
    static let tokenExpired = "token_expired"
    static let malformedMessage = "malformed_message"
    static let invalidMessage = "invalid_message"
    static let unknownAction = "unknown_action"
    static let messageTooLarge = "message_too_large"
    static let rateLimited = "rate_limited"
    static let tooManyConnections = "too_many_connections"
    static let transcriptTooLarge = "transcript_too_large"
    static let chatMuted = "chat_muted"
    static let heartbeatTimeout = "heartbeat_timeout"
    static let slowConsumer = "slow_consumer"
    static let roomUnavailable = "room_unavailable"
}
