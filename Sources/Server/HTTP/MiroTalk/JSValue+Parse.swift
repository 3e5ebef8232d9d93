import Foundation

/// A `JSON.parse` failure with the message V8 (Node 24, MiroTalk's runtime) gives for the same input, because
/// MiroTalk echoes that message in its 400 body (`{"status":404,"message":"<parser message>"}`).
public struct JSONSyntaxError: Error, Equatable, Sendable {
    public let message: String
}

extension JSValue {
    /// RFC 8259 JSON text → value, never trapping on any input. Errors carry V8's wording.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSValue {
        var parser = V8StyleJSONParser(source: Array(text.utf16))
        return try parser.parseDocument()
    }

    /// body-parser's `strict: true` (express.json default): the first non-blank character must be `{` or `[`;
    /// otherwise the error V8 gives for that character, with the offending text in the placeholders
    /// (body-parser `createStrictSyntaxError`).
    public static func parseStrictBody(_ text: String) throws(JSONSyntaxError) -> JSValue {
        let units = Array(text.utf16)
        let blanks: Set<UInt16> = [0x20, 0x09, 0x0A, 0x0D]
        if let index = units.firstIndex(where: { !blanks.contains($0) }), units[index] != 0x7B, units[index] != 0x5B {
            // Everything from the offending character on becomes '#', so V8 reports '#', then each run of '#'
            // in the message is replaced by as many characters of the original text from that index.
            let partial = Array(units[..<index]) + Array(repeating: UInt16(ascii: "#"), count: units.count - index)
            var parser = V8StyleJSONParser(source: partial)
            do {
                _ = try parser.parseDocument()
                return try parse(text)
            } catch {
                return try { () throws(JSONSyntaxError) -> JSValue in
                    throw JSONSyntaxError(message: substitutePlaceholders(error.message, original: units, index: index))
                }()
            }
        }
        return try parse(text)
    }

    private static func substitutePlaceholders(_ message: String, original: [UInt16], index: Int) -> String {
        var out: [UInt16] = []
        let units = Array(message.utf16)
        var i = 0
        while i < units.count {
            if units[i] == UInt16(ascii: "#") {
                var run = 0
                while i < units.count, units[i] == UInt16(ascii: "#") { run += 1; i += 1 }
                let end = min(original.count, index + run)
                out += original[min(index, end)..<end]
            } else {
                out.append(units[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF16.self)
    }
}

extension UInt16 {
    init(ascii: Unicode.Scalar) { self = UInt16(ascii.value) }
}

/// A recursive-descent JSON parser over UTF-16 code units (V8 counts positions in them).
struct V8StyleJSONParser {
    let source: [UInt16]
    var position = 0
    var depth = 0
    /// Deeper nesting is refused rather than risking the stack (V8 would throw a RangeError much deeper).
    static let maxDepth = 512

    init(source: [UInt16]) { self.source = source }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < source.count {
            throw positioned("Unexpected non-whitespace character after JSON", at: position, inJSON: false)
        }
        return value
    }

    // MARK: errors, worded as V8's MessageTemplates

    func positioned(_ text: String, at index: Int, inJSON: Bool = true) -> JSONSyntaxError {
        var line = 1, column = 1
        for unit in source[..<min(index, source.count)] {
            if unit == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return JSONSyntaxError(
            message: "\(text)\(inJSON ? " in JSON" : "") at position \(index) (line \(line) column \(column))")
    }

    /// V8 `ReportUnexpectedToken`: a specific expectation wins; else end of input, a number or string token, the
    /// special sources, else the character with context (``illegalToken(at:)``).
    func unexpected(at index: Int, expected: String? = nil) -> JSONSyntaxError {
        if let expected { return positioned(expected, at: index) }
        guard index < source.count else { return JSONSyntaxError(message: "Unexpected end of JSON input") }
        let unit = source[index]
        if unit == UInt16(ascii: "\"") { return positioned("Unexpected string", at: index) }
        if unit == UInt16(ascii: "-") || (0x30...0x39).contains(unit) { return positioned("Unexpected number", at: index) }
        return illegalToken(at: index)
    }

    /// The character at `index`, with up to 10 characters of context either side when the source has 21 or more.
    func illegalToken(at index: Int) -> JSONSyntaxError {
        guard index < source.count else { return JSONSyntaxError(message: "Unexpected end of JSON input") }
        let whole = String(decoding: source, as: UTF16.self)
        if ["undefined", "NaN", "Infinity", "[object Object]"].contains(whole) {
            return JSONSyntaxError(message: "\"\(whole)\" is not valid JSON")
        }
        let character = String(decoding: [source[index]], as: UTF16.self)
        let context = 10
        if source.count < 2 * context + 1 {
            return JSONSyntaxError(message: "Unexpected token '\(character)', \"\(whole)\" is not valid JSON")
        }
        if index < context {
            let text = String(decoding: source[0..<(index + context)], as: UTF16.self)
            return JSONSyntaxError(message: "Unexpected token '\(character)', \"\(text)\"... is not valid JSON")
        }
        if index < source.count - context {
            let text = String(decoding: source[(index - context)..<(index + context)], as: UTF16.self)
            return JSONSyntaxError(message: "Unexpected token '\(character)', ...\"\(text)\"... is not valid JSON")
        }
        let text = String(decoding: source[(index - context)...], as: UTF16.self)
        return JSONSyntaxError(message: "Unexpected token '\(character)', ...\"\(text)\" is not valid JSON")
    }

    // MARK: grammar (RFC 8259 §2–§7)

    mutating func skipWhitespace() {
        while position < source.count, [0x20, 0x09, 0x0A, 0x0D].contains(source[position]) { position += 1 }
    }

    func peek() -> UInt16? { position < source.count ? source[position] : nil }

    mutating func parseValue() throws(JSONSyntaxError) -> JSValue {
        guard let unit = peek() else { throw unexpected(at: position) }
        switch unit {
        case UInt16(ascii: "{"): return try parseObject()
        case UInt16(ascii: "["): return try parseArray()
        case UInt16(ascii: "\""): return .string(try parseString())
        case UInt16(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt16(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt16(ascii: "n"): try parseLiteral("null"); return .null
        case UInt16(ascii: "-"), 0x30...0x39: return .number(try parseNumber())
        default: throw unexpected(at: position)
        }
    }

    mutating func parseLiteral(_ word: String) throws(JSONSyntaxError) {
        for expected in word.utf16 {
            guard position < source.count, source[position] == expected else { throw literalMismatch(at: position) }
            position += 1
        }
    }

    /// V8 reports a literal's first wrong character as an illegal token (never "Unexpected string/number").
    func literalMismatch(at index: Int) -> JSONSyntaxError { illegalToken(at: index) }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw JSONSyntaxError(message: "Maximum nesting depth exceeded") }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSValue {
        try enter()
        defer { depth -= 1 }
        position += 1  // "{"
        var members: [(String, JSValue)] = []
        skipWhitespace()
        if peek() == UInt16(ascii: "}") { position += 1; return .object(members) }
        guard peek() == UInt16(ascii: "\"") else {
            throw unexpected(at: position, expected: "Expected property name or '}'")
        }
        while true {
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt16(ascii: ":") else {
                throw unexpected(at: position, expected: "Expected ':' after property name")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if let existing = members.firstIndex(where: { $0.0 == key }) {
                members[existing].1 = value
            } else {
                members.append((key, value))
            }
            skipWhitespace()
            if peek() == UInt16(ascii: ",") {
                position += 1
                skipWhitespace()
                guard peek() == UInt16(ascii: "\"") else {
                    throw unexpected(at: position, expected: "Expected double-quoted property name")
                }
                continue
            }
            guard peek() == UInt16(ascii: "}") else {
                throw unexpected(at: position, expected: "Expected ',' or '}' after property value")
            }
            position += 1
            return .object(members)
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSValue {
        try enter()
        defer { depth -= 1 }
        position += 1  // "["
        var items: [JSValue] = []
        skipWhitespace()
        if peek() == UInt16(ascii: "]") { position += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            if peek() == UInt16(ascii: ",") { position += 1; continue }
            guard peek() == UInt16(ascii: "]") else {
                throw unexpected(at: position, expected: "Expected ',' or ']' after array element")
            }
            position += 1
            return .array(items)
        }
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1  // opening quote
        var units: [UInt16] = []
        while true {
            guard position < source.count else { throw positioned("Unterminated string", at: position) }
            let unit = source[position]
            if unit == UInt16(ascii: "\"") { position += 1; break }
            if unit < 0x20 { throw positioned("Bad control character in string literal", at: position) }
            if unit != UInt16(ascii: "\\") { units.append(unit); position += 1; continue }
            position += 1
            guard position < source.count else { throw positioned("Unterminated string", at: position) }
            switch source[position] {
            case UInt16(ascii: "\""): units.append(0x22)
            case UInt16(ascii: "\\"): units.append(0x5C)
            case UInt16(ascii: "/"): units.append(0x2F)
            case UInt16(ascii: "b"): units.append(0x08)
            case UInt16(ascii: "f"): units.append(0x0C)
            case UInt16(ascii: "n"): units.append(0x0A)
            case UInt16(ascii: "r"): units.append(0x0D)
            case UInt16(ascii: "t"): units.append(0x09)
            case UInt16(ascii: "u"):
                var value: UInt16 = 0
                for offset in 1...4 {
                    guard position + offset < source.count, let digit = Self.hexValue(source[position + offset]) else {
                        throw positioned("Bad Unicode escape", at: position - 1)
                    }
                    value = value << 4 | digit
                }
                units.append(value)
                position += 4
            default:
                throw positioned("Bad escaped character", at: position - 1)
            }
            position += 1
        }
        // A lone surrogate (legal in JSON) becomes U+FFFD: Swift strings hold only scalar values.
        return String(decoding: units, as: UTF16.self)
    }

    static func hexValue(_ unit: UInt16) -> UInt16? {
        switch unit {
        case 0x30...0x39: unit - 0x30
        case 0x41...0x46: unit - 0x41 + 10
        case 0x61...0x66: unit - 0x61 + 10
        default: nil
        }
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        func isDigit(_ index: Int) -> Bool { index < source.count && (0x30...0x39).contains(source[index]) }
        if source[position] == UInt16(ascii: "-") {
            position += 1
            guard isDigit(position) else { throw positioned("No number after minus sign", at: position) }
        }
        if source[position] == 0x30 {
            position += 1
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < source.count, source[position] == UInt16(ascii: ".") {
            position += 1
            guard isDigit(position) else { throw positioned("Unterminated fractional number", at: position) }
            while isDigit(position) { position += 1 }
        }
        if position < source.count, source[position] == UInt16(ascii: "e") || source[position] == UInt16(ascii: "E") {
            position += 1
            if position < source.count, source[position] == UInt16(ascii: "+") || source[position] == UInt16(ascii: "-") {
                position += 1
            }
            guard isDigit(position) else { throw positioned("Exponent part is missing a number", at: position) }
            while isDigit(position) { position += 1 }
        }
        let text = String(decoding: source[start..<position], as: UTF16.self)
        return Double(text) ?? 0
    }
}
