/// A rejected SDP line. `line` is 1-based; the reason names what was wrong.
public struct SDPError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
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
    /// Empty lines at the very end are ignored; elsewhere they are an error.
    static func split(_ text: String) throws(SDPError) -> [SDPLine] {
        // Split on UTF-8 bytes: as Characters, "\r\n" is one grapheme and would never equal "\n".
        var raw = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            Substring(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
        }
        while raw.last?.isEmpty == true { raw.removeLast() }
        var lines = [SDPLine]()
        lines.reserveCapacity(raw.count)
        for (index, line) in raw.enumerated() {
            let number = index + 1
            guard line.count >= 2, let type = line.first, type.isASCII, type.isLowercase,
                  line[line.index(after: line.startIndex)] == "=" else {
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
func parseInteger<T: FixedWidthInteger>(_ text: Substring, _ what: String, as type: T.Type = T.self) throws(SDPFieldError) -> T {
    guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let value = T(text) else {
        throw SDPFieldError("\(what) is not a valid number: \"\(text.prefix(20))\"")
    }
    return value
}
