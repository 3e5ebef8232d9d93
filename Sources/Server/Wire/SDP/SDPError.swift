/// A rejected SDP line. `line` is 1-based; the reason names what was wrong.
public struct SDPError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Not valid SDP (RFC 8866 grammar or a typed attribute's own syntax).
        case malformed
        /// Valid, but over one of the `SDPLimits`.
        case tooLarge
    }

    public var line: Int
    public var reason: String
    public var kind: Kind

    public init(line: Int, reason: String, kind: Kind = .malformed) {
        self.line = line
        self.reason = reason
        self.kind = kind
    }

    public var description: String { "SDP line \(line): \(reason)" }
}

/// A field that failed to parse, before the caller knows the line number.
struct SDPFieldError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// One `<type>=<value>` line (RFC 8866 §5) with its 1-based line number.
struct SDPLine {
    var number: Int
    var type: Character
    var value: Substring

    /// Splits on LF, dropping a CR before it (RFC 8866 §5 wants CRLF; bare LF is accepted, as every parser does).
    /// Empty lines at the very end are ignored; elsewhere they are an error. Size limits are checked before any
    /// line is looked at.
    static func split(_ text: String, limits: SDPLimits) throws(SDPError) -> [SDPLine] {
        guard text.utf8.count <= limits.maxBytes else {
            throw SDPError(
                line: 1, reason: "the description is \(text.utf8.count) bytes; at most \(limits.maxBytes)",
                kind: .tooLarge)
        }
        // Split on UTF-8 bytes: as Characters, "\r\n" is one grapheme and would never equal "\n".
        var raw = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        while raw.last.map({ $0.isEmpty || $0.elementsEqual([UInt8(ascii: "\r")]) }) == true { raw.removeLast() }
        var lines = [SDPLine]()
        lines.reserveCapacity(raw.count)
        for (index, bytes) in raw.enumerated() {
            let number = index + 1
            guard bytes.count <= limits.maxLineLength else {
                throw SDPError(
                    line: number, reason: "line is \(bytes.count) bytes; at most \(limits.maxLineLength)",
                    kind: .tooLarge)
            }
            let line = Substring(bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes)
            guard let type = line.first, type.isASCII, type.isLowercase, line.dropFirst().first == "=" else {
                throw SDPError(line: number, reason: "expected <letter>=<value>, got \"\(line.prefix(40))\"")
            }
            lines.append(SDPLine(number: number, type: type, value: line.dropFirst(2)))
        }
        return lines
    }
}

extension Substring {
    /// Space-separated tokens (runs of spaces collapse).
    var tokens: [Substring] { split(separator: " ", omittingEmptySubsequences: true) }

    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}

/// Integer fields with a named error.
func parseInteger<T: FixedWidthInteger>(_ text: Substring, _ what: String, as type: T.Type = T.self)
    throws(SDPFieldError) -> T
{
    guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let value = T(text) else {
        throw SDPFieldError("\(what) is not a valid number: \"\(text.prefix(20))\"")
    }
    return value
}
