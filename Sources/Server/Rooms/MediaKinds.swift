import Foundation

/// The kinds of media one publication sends, as the room reports them (the socket's `publish` event, MiroTalk's
/// `audio`/`video`/`screen` peer fields).
///
/// `screen` is video published on a participant's screen-share path `room/{room_id}/{user_id}/screen`
/// (``StreamPath/isScreenShare``); video on any other path is `video`. The path decides rather than a second video
/// track, because a WHIP session has one stream path and a client shares its screen as a session of its own.
public struct MediaKinds: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let audio = MediaKinds(rawValue: 1 << 0)
    public static let video = MediaKinds(rawValue: 1 << 1)
    public static let screen = MediaKinds(rawValue: 1 << 2)

    /// What a publication on `path` sends when its accepted sections carry `audio` and/or `video`.
    public static func publication(audio: Bool, video: Bool, on path: StreamPath) -> MediaKinds {
        var kinds: MediaKinds = []
        if audio { kinds.insert(.audio) }
        if video { kinds.insert(path.isScreenShare ? .screen : .video) }
        return kinds
    }

    /// Wire names in a fixed order: `audio`, `video`, `screen`.
    public var names: [String] {
        [(MediaKinds.audio, "audio"), (.video, "video"), (.screen, "screen")].compactMap {
            contains($0.0) ? $0.1 : nil
        }
    }
}

extension MediaFlags {
    /// Raises the flags of `kinds` (a publication started).
    mutating func raise(_ kinds: MediaKinds) {
        if kinds.contains(.audio) { audio = true }
        if kinds.contains(.video) { video = true }
        if kinds.contains(.screen) { screen = true }
    }

    /// Lowers the flags of `kinds` that no publication in `stillLive` carries (a publication ended).
    mutating func lower(_ kinds: MediaKinds, stillLive: MediaKinds) {
        let gone = kinds.subtracting(stillLive)
        if gone.contains(.audio) { audio = false }
        if gone.contains(.video) { video = false }
        if gone.contains(.screen) { screen = false }
    }
}
