import Foundation

/// A live media stream (a WHIP publish, or a participant's room stream).
public struct StreamInfo: Codable, Sendable, Hashable {
    public var path: StreamPath
    /// The participant publishing, when the stream belongs to one.
    public var publisher: UserID?
    /// The room the stream belongs to (always set for `room/{room_id}/{user_id}` paths).
    public var roomID: RoomID?
    /// Codec names as negotiated, e.g. ["opus", "VP8"].
    public var codecs: [String]
    /// What the publication sends (audio, video or screen), from its accepted offer.
    public var kinds: MediaKinds
    /// Current players (WHEP sessions, recorders).
    public var subscribers: Int
    public var startedAt: Date

    public init(
        path: StreamPath, publisher: UserID?, roomID: RoomID?, codecs: [String], kinds: MediaKinds = [],
        subscribers: Int = 0, startedAt: Date
    ) {
        self.path = path
        self.publisher = publisher
        self.roomID = roomID
        self.codecs = codecs
        self.kinds = kinds
        self.subscribers = subscribers
        self.startedAt = startedAt
    }
}

/// A consistent, immutable view of one room at one moment.
public struct RoomSnapshot: Codable, Sendable, Hashable {
    public var id: RoomID
    public var settings: RoomSettings
    public var origin: RoomOrigin
    public var locked: Bool
    public var createdAt: Date
    /// In join order.
    public var participants: [Participant]
    /// The room's live streams, in start order.
    public var streams: [StreamInfo]
    /// Effective capacity (settings, else the policy default).
    public var capacity: Int

    public init(
        id: RoomID, settings: RoomSettings, origin: RoomOrigin, locked: Bool, createdAt: Date,
        participants: [Participant], streams: [StreamInfo], capacity: Int
    ) {
        self.id = id
        self.settings = settings
        self.origin = origin
        self.locked = locked
        self.createdAt = createdAt
        self.participants = participants
        self.streams = streams
        self.capacity = capacity
    }

    /// The settings' name, or the room id when it has none.
    public var displayName: String { settings.name.isEmpty ? id.rawValue : settings.name }
    public var hasPassword: Bool { settings.password != nil }
    public var isFull: Bool { participants.count >= capacity }

    public func participant(_ user: UserID) -> Participant? {
        participants.first { $0.userID == user }
    }

    public var presenters: [Participant] { participants.filter(\.isPresenter) }
}

/// Registry-wide counts (MiroTalk `/api/v1/stats`, Monibuca summary, Prometheus gauges).
public struct RegistryStats: Codable, Sendable, Hashable {
    public var rooms: Int
    /// Participants over all rooms (MiroTalk `totalUsers`).
    public var participants: Int
    /// Live streams (each has exactly one publishing session).
    public var publishers: Int
    /// Players over all live streams.
    public var subscribers: Int
    public var lockedRooms: Int

    public init(
        rooms: Int = 0, participants: Int = 0, publishers: Int = 0, subscribers: Int = 0,
        lockedRooms: Int = 0
    ) {
        self.rooms = rooms
        self.participants = participants
        self.publishers = publishers
        self.subscribers = subscribers
        self.lockedRooms = lockedRooms
    }
}
