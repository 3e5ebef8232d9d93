/// Reads the credential in an `Authorization` field, the one way every face does (RFC 9110 §11.6.2).
///
/// `Bearer <token>` (RFC 6750 §2.1; the scheme name is case-insensitive, RFC 9110 §11.1) yields the token; any other
/// value is taken whole as a raw token, as Monibuca v5 (`strings.TrimPrefix(h, "Bearer ")`) and MiroTalk (the API key
/// itself, no scheme) read it. Surrounding spaces and tabs are not part of a field value (RFC 9110 §5.5).
enum AuthorizationCredential: Equatable, Sendable {
    /// No `Authorization` field at all.
    case absent
    /// A field that carries no token: blank, or the bare scheme `Bearer` (nothing after it). Refused as "missing"
    /// by every face, never treated as if the header were absent (which could skip a check).
    case empty
    /// The token after `Bearer `.
    case bearer(String)
    /// A value without the `Bearer` scheme, taken whole.
    case raw(String)

    init(_ field: String?) {
        guard let field else {
            self = .absent
            return
        }
        let value = Self.trimmed(Substring(field))
        if value.isEmpty {
            self = .empty
        } else if Self.hasBearerScheme(value) {
            let token = Self.trimmed(value.dropFirst(6))
            self = token.isEmpty ? .empty : .bearer(String(token))
        } else {
            self = .raw(String(value))
        }
    }

    /// The token, Bearer or raw; nil when absent or empty.
    var token: String? {
        switch self {
        case .absent, .empty: nil
        case .bearer(let token), .raw(let token): token
        }
    }

    /// `Bearer` (any case), then the end, a space or a tab. Read on the bytes when the first eight bytes are ASCII:
    /// the seven read are then seven Characters (no ASCII byte joins a neighbour into one grapheme, and a field
    /// value holds no CR LF; the eighth being ASCII keeps a combining mark off the seventh). Counting Characters of
    /// a JWT-long value ran the grapheme breaker on every request, and checking every byte for ASCII cost as much
    /// as the rest of the read. Other values take the Character path.
    private static func hasBearerScheme(_ value: Substring) -> Bool {
        let bytes = value.utf8
        guard bytes.prefix(8).allSatisfy({ $0 < 0x80 }) else {
            return value.count >= 6 && value.prefix(6).lowercased() == "bearer"
                && (value.count == 6 || value.dropFirst(6).first == " " || value.dropFirst(6).first == "\t")
        }
        var index = bytes.startIndex
        for expected in "bearer".utf8 {
            // `| 0x20` folds only `B` onto `b` (and so on): no other byte maps to a lower-case letter.
            guard index < bytes.endIndex, bytes[index] | 0x20 == expected else { return false }
            index = bytes.index(after: index)
        }
        return index == bytes.endIndex || bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var value = text
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        return value
    }
}
