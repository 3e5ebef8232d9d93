import Foundation

/// A media stream's path, as used by WHIP/WHEP (`/webrtc/whip/{stream_path...}`) and Monibuca's stream APIs:
/// 1 to 8 `/`-separated segments, each following ``IdentifierGrammar``.
///
/// No leading, trailing or doubled `/` (an empty segment is refused), and the segments `.` and `..` are refused
/// too, so a path can never climb out of a directory when a recorder or the store derives a file name from it.
public struct StreamPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maxSegments = 8
    /// The first segment of a participant's own stream: `room/{room_id}/{user_id}`.
    public static let roomPrefix = "room"

    public let rawValue: String

    public init?(_ raw: String) {
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...Self.maxSegments).contains(parts.count) else { return nil }
        for part in parts {
            guard IdentifierGrammar.isValid(part), part != ".", part != ".." else { return nil }
        }
        rawValue = raw
    }

    /// The path a participant publishes into its room: `room/{room_id}/{user_id}`.
    public init(room: RoomID, user: UserID) {
        rawValue = "\(Self.roomPrefix)/\(room.rawValue)/\(user.rawValue)"
    }

    public var segments: [String] { rawValue.split(separator: "/").map(String.init) }

    /// The last segment of a participant's screen share: `room/{room_id}/{user_id}/screen`.
    public static let screenSuffix = "screen"

    /// The room and user when this is a participant's path: `room/{room_id}/{user_id}`, or its screen share
    /// `room/{room_id}/{user_id}/screen`.
    public var roomScoped: (room: RoomID, user: UserID)? {
        let parts = segments
        guard parts.count == 3 || (parts.count == 4 && parts[3] == Self.screenSuffix), parts[0] == Self.roomPrefix,
            let room = RoomID(parts[1]), let user = UserID(parts[2])
        else { return nil }
        return (room, user)
    }

    /// A participant's screen share, `room/{room_id}/{user_id}/screen`: its video counts as MiroTalk's `screen`.
    public var isScreenShare: Bool {
        let parts = segments
        return parts.count == 4 && parts[3] == Self.screenSuffix && roomScoped != nil
    }

    public var description: String { rawValue }
    public static func < (lhs: StreamPath, rhs: StreamPath) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension StreamPath: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let path = StreamPath(raw) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "stream path must be 1-8 '/'-separated segments of [A-Za-z0-9._~-]{1,64}"))
        }
        self = path
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
