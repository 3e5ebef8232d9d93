import Foundation

/// The one grammar every Parley identifier follows (docs/contracts.md §Identifiers): `[A-Za-z0-9._~-]{1,64}`.
/// These are exactly RFC 3986 §2.3 "unreserved" characters, so an identifier never needs percent-encoding
/// inside a URL path or query.
public enum IdentifierGrammar {
    /// Longest identifier, in bytes (every allowed character is one ASCII byte).
    public static let maxLength = 64

    /// Whether `raw` is a valid room, user or stream-path segment identifier.
    public static func isValid(_ raw: some StringProtocol) -> Bool {
        let bytes = raw.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        return bytes.allSatisfy(isAllowed)
    }

    /// RFC 3986 §2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// A room's identifier (`room_id`), validated against ``IdentifierGrammar``.
public struct RoomID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Nil when `raw` is not `[A-Za-z0-9._~-]{1,64}`.
    public init?(_ raw: String) {
        guard IdentifierGrammar.isValid(raw) else { return nil }
        rawValue = raw
    }

    public var description: String { rawValue }
    public static func < (lhs: RoomID, rhs: RoomID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A participant's identifier (`user_id`), validated against ``IdentifierGrammar``.
public struct UserID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Nil when `raw` is not `[A-Za-z0-9._~-]{1,64}`.
    public init?(_ raw: String) {
        guard IdentifierGrammar.isValid(raw) else { return nil }
        rawValue = raw
    }

    public var description: String { rawValue }
    public static func < (lhs: UserID, rhs: UserID) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension RoomID: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = RoomID(raw) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "room_id must match [A-Za-z0-9._~-]{1,64}"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension UserID: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = UserID(raw) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "user_id must match [A-Za-z0-9._~-]{1,64}"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
