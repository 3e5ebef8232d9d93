import ParleyRooms

/// What a lease is held on: a room (its meeting, sockets and room-scoped media) or, outside rooms, a stream path
/// (its publisher and players). Stored as one text key; the prefixes cannot collide, since a room id has no ":".
public enum LeaseKey: Hashable, Sendable, CustomStringConvertible {
    case room(RoomID)
    case stream(StreamPath)

    /// The key a WHIP/WHEP path is placed by: its room for `room/{room}/…`, else the path itself.
    public init(path: StreamPath) {
        if let scoped = path.roomScoped { self = .room(scoped.room) } else { self = .stream(path) }
    }

    public var rawValue: String {
        switch self {
        case .room(let id): "room:\(id.rawValue)"
        case .stream(let path): "stream:\(path.rawValue)"
        }
    }

    public init?(rawValue: String) {
        if rawValue.hasPrefix("room:"), let id = RoomID(String(rawValue.dropFirst(5))) {
            self = .room(id)
        } else if rawValue.hasPrefix("stream:"), let path = StreamPath(String(rawValue.dropFirst(7))) {
            self = .stream(path)
        } else {
            return nil
        }
    }

    public var description: String { rawValue }
}
