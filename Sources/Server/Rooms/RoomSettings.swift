import Foundation

/// The configurable part of a room, set when it is created (REST) and changed with `updateSettings`.
public struct RoomSettings: Codable, Sendable, Hashable {
    /// Display name; "" means "use the room id".
    public var name: String
    /// A join without this password (and without ``JoinRequest/bypassRestrictions``) is refused; nil: none.
    public var password: String?
    /// Capacity; nil means ``RoomPolicy/defaultMaxParticipants``.
    public var maxParticipants: Int?
    /// The Store template this room was made from, if any.
    public var templateID: String?
    /// New non-moderator participants start with chat muted.
    public var chatMutedOnJoin: Bool
    /// Joiners wait for admission. Stored and reported here; the admission flow belongs to the room WebSocket.
    public var lobby: Bool
    /// Recording starts with the room (read by the recording layer).
    public var recordOnStart: Bool

    public init(
        name: String = "", password: String? = nil, maxParticipants: Int? = nil, templateID: String? = nil,
        chatMutedOnJoin: Bool = false, lobby: Bool = false, recordOnStart: Bool = false
    ) {
        self.name = name
        self.password = password
        self.maxParticipants = maxParticipants
        self.templateID = templateID
        self.chatMutedOnJoin = chatMutedOnJoin
        self.lobby = lobby
        self.recordOnStart = recordOnStart
    }

    /// Settings are usable when the capacity, if given, is not negative.
    var isValid: Bool { (maxParticipants ?? 0) >= 0 }
}

/// How a room came to exist, which decides whether it outlives its last participant.
public enum RoomOrigin: String, Codable, Sendable, Hashable {
    /// Created through an API (REST/Store): stays when empty, until ended or deleted.
    case rest
    /// Created by its first joiner: removed when the last participant leaves.
    case adHoc = "ad_hoc"
}

/// Registry-wide rules, from configuration (`rooms.*`).
public struct RoomPolicy: Codable, Sendable, Hashable {
    /// The first joiner of an empty room becomes presenter (`rooms.first_is_presenter`).
    public var firstIsPresenter: Bool
    /// Capacity of rooms whose settings give none.
    public var defaultMaxParticipants: Int

    public init(firstIsPresenter: Bool = true, defaultMaxParticipants: Int = 1000) {
        self.firstIsPresenter = firstIsPresenter
        self.defaultMaxParticipants = defaultMaxParticipants
    }
}

/// A join attempt, with what the caller's credential allows.
public struct JoinRequest: Sendable, Hashable {
    public var userID: UserID
    /// Display name; defaults to the user id (a blank name is refused with ``RoomError/invalidName``).
    public var name: String
    public var os: String
    public var browser: String
    public var media: MediaFlags
    /// The password the joiner offered, if any.
    public var password: String?
    /// The credential says presenter (MiroTalk token with `presenter: true`) or host.
    public var asPresenter: Bool
    /// Admin credential (Monibuca JWT): joins as ``Role/host``, ignoring the lock and the password
    /// (but not the capacity, nor a duplicate user id).
    public var bypassRestrictions: Bool

    public init(
        userID: UserID, name: String? = nil, os: String = "", browser: String = "",
        media: MediaFlags = MediaFlags(), password: String? = nil, asPresenter: Bool = false,
        bypassRestrictions: Bool = false
    ) {
        self.userID = userID
        self.name = name ?? userID.rawValue
        self.os = os
        self.browser = browser
        self.media = media
        self.password = password
        self.asPresenter = asPresenter
        self.bypassRestrictions = bypassRestrictions
    }

    /// Longest display name accepted, in characters.
    public static let maxNameLength = 256

    /// Not blank, not too long, no control characters (names are echoed into logs and other clients' UIs).
    var hasValidName: Bool {
        guard name.count <= Self.maxNameLength,
            !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { return false }
        // Only Cc (C0/C1 controls): format characters such as U+200D must stay, emoji sequences use them.
        return !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
