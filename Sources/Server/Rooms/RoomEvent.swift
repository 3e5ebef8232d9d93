import Foundation

/// Why a participant is no longer in a room.
public enum LeaveReason: Codable, Sendable, Hashable {
    /// The participant left (WebSocket `exitRoom`/close by the client).
    case left
    /// The connection was lost (timeout, transport failure).
    case dropped
    /// A moderator removed the participant.
    case kicked(by: Moderator)
    /// The room was ended or deleted.
    case ended(by: Moderator)
}

/// Why a room is gone.
public enum RoomRemovalReason: Codable, Sendable, Hashable {
    /// An ad-hoc room lost its last participant.
    case empty
    /// Ended by a moderator or deleted through an API.
    case ended(by: Moderator)
}

/// A change in the registry. Every subscriber receives every event emitted after it subscribed, in the order the
/// changes happened; the WebSocket, WebRTC and recording layers react to these (a kick closes the socket and tears
/// media down through ``participantLeft(_:_:reason:)``, not through calls from a REST handler).
///
/// Orders guaranteed within one operation:
/// - join of a missing room with `createIfMissing`: ``roomCreated(_:)`` then ``participantJoined(_:_:)``;
/// - a participant leaving (any reason): ``streamStopped(_:)`` for each of its streams, then
///   ``participantLeft(_:_:reason:)``, then — if it was the last of an ad-hoc room — ``streamStopped(_:)`` for the
///   room's remaining streams and ``roomRemoved(_:reason:)``;
/// - end/delete: ``ended(_:by:)``, then per participant in join order its streams' ``streamStopped(_:)`` and
///   ``participantLeft(_:_:reason:)`` with `.ended`, then the room's remaining streams, then
///   ``roomRemoved(_:reason:)``.
public enum RoomEvent: Sendable, Hashable {
    case roomCreated(RoomSnapshot)
    case roomRemoved(RoomID, reason: RoomRemovalReason)
    case settingsChanged(RoomID, RoomSettings)
    case participantJoined(RoomID, Participant)
    case participantLeft(RoomID, UserID, reason: LeaveReason)
    /// Media flags or role changed; carries the participant as it is now.
    case participantUpdated(RoomID, Participant)
    case chatMuteChanged(RoomID, UserID, muted: Bool, by: Moderator)
    case locked(RoomID, by: Moderator)
    case unlocked(RoomID, by: Moderator)
    case ended(RoomID, by: Moderator)
    case streamStarted(StreamInfo)
    case streamStopped(StreamInfo)
    /// A stream's player count changed; carries the stream as it is now.
    case subscriberCountChanged(StreamInfo)

    /// The room the event concerns, if any (a stream outside rooms has none): lets a room's WebSocket filter.
    public var roomID: RoomID? {
        switch self {
        case .roomCreated(let room): room.id
        case .roomRemoved(let id, _), .settingsChanged(let id, _), .participantJoined(let id, _),
            .participantLeft(let id, _, _), .participantUpdated(let id, _), .chatMuteChanged(let id, _, _, _),
            .locked(let id, _), .unlocked(let id, _), .ended(let id, _):
            id
        case .streamStarted(let stream), .streamStopped(let stream), .subscriberCountChanged(let stream):
            stream.roomID
        }
    }
}
