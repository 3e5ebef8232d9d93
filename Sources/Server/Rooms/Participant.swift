import Foundation

/// What a participant may do in its room.
///
/// MiroTalk's "presenter" and Monibuca's "host" are one set of rights (docs/contracts.md §Who may do what): mute,
/// kick, lock, unlock and end. Both ``presenter`` and ``host`` hold them (``isModerator``); ``host`` is kept
/// distinct only to say *how* the rights were obtained — an admin credential (Monibuca JWT) that also ignores the
/// room's lock and password — so the MiroTalk face reports both as `"presenter": true`.
public enum Role: String, Codable, Sendable, Hashable, CaseIterable {
    case participant
    /// First joiner (when `first_is_presenter`), a MiroTalk presenter token, or promoted by a moderator.
    case presenter
    /// Joined with an admin credential (Monibuca JWT).
    case host

    /// Whether this role may moderate (mute, kick, lock, unlock, end).
    public var isModerator: Bool { self != .participant }
}

/// The media a participant announces (MiroTalk's `peer_audio`, `peer_video`, `peer_screen`, `peer_hand`).
public struct MediaFlags: Codable, Sendable, Hashable {
    public var audio: Bool
    public var video: Bool
    public var screen: Bool
    public var hand: Bool

    public init(audio: Bool = false, video: Bool = false, screen: Bool = false, hand: Bool = false) {
        self.audio = audio
        self.video = video
        self.screen = screen
        self.hand = hand
    }
}

/// One participant of a live room, as every API face reports it.
public struct Participant: Codable, Sendable, Hashable {
    public var userID: UserID
    /// Display name (MiroTalk `peer_name`).
    public var name: String
    public var role: Role
    public var media: MediaFlags
    /// "<os_name> <os_version>", or "" when unknown (MiroTalk `/api/v1/meetings` shape).
    public var os: String
    /// "<browser_name> <browser_version>", or "" when unknown.
    public var browser: String
    /// Whether the participant's chat messages are refused.
    public var chatMuted: Bool
    public var joinedAt: Date

    /// MiroTalk's `presenter` flag: true for presenters and hosts.
    public var isPresenter: Bool { role.isModerator }

    public init(
        userID: UserID, name: String, role: Role = .participant, media: MediaFlags = MediaFlags(),
        os: String = "", browser: String = "", chatMuted: Bool = false, joinedAt: Date
    ) {
        self.userID = userID
        self.name = name
        self.role = role
        self.media = media
        self.os = os
        self.browser = browser
        self.chatMuted = chatMuted
        self.joinedAt = joinedAt
    }
}

/// Who asked for a moderation action. A ``user`` must be a moderator in the same room; ``api`` is an
/// administrative face (REST with its own credential check) and is always permitted.
public enum Moderator: Codable, Sendable, Hashable, CustomStringConvertible {
    case user(UserID)
    /// An API face, named for logs and events (e.g. "mirotalk-api", "monibuca", "meeting-api").
    case api(String)

    /// The REST deletion path (`DELETE /api/v1/meeting/{room}` and friends).
    public static let rest = Moderator.api("rest")

    public var description: String {
        switch self {
        case .user(let id): "user \(id)"
        case .api(let name): "api \(name)"
        }
    }
}
