import ParleyJSON

/// A `JSON.parse` failure worded as V8 (Node 24, MiroTalk's runtime) words it, because MiroTalk echoes that message
/// in its 400 body (`{"status":404,"message":"<parser message>"}`). `limit` is set when the text crossed a
/// ``JSONLimits`` bound instead (Parley's own refusal, which V8 does not have).
public struct JSONSyntaxError: Error, Equatable, Sendable {
    public let message: String
    public var limit: JSONParseError.Reason?

    public init(message: String, limit: JSONParseError.Reason? = nil) {
        self.message = message
        self.limit = limit
    }
}

extension JSONValue {
    /// `JSON.parse(text)` with the shared parser; errors carry V8's wording.
    static func parseLikeV8(_ text: String, limits: JSONLimits = .standard) throws(JSONSyntaxError) -> JSONValue {
        let bytes = Array(text.utf8)
        do {
            return try parse(bytes, limits: limits)
        } catch {
            let index = String(decoding: bytes[..<min(error.offset, bytes.count)], as: UTF8.self).utf16.count
            throw V8JSONMessages(source: Array(text.utf16)).error(for: error.reason, at: index)
        }
    }

    /// body-parser's `strict: true` (express.json default): the first non-blank character must be `{` or `[`;
    /// otherwise the error V8 gives for that character, with the offending text in the placeholders
    /// (body-parser `createStrictSyntaxError`).
    static func parseStrictBody(_ text: String, limits: JSONLimits = .standard) throws(JSONSyntaxError) -> JSONValue {
        let units = Array(text.utf16)
        let blanks: Set<UInt16> = [0x20, 0x09, 0x0A, 0x0D]
        if let index = units.firstIndex(where: { !blanks.contains($0) }), units[index] != 0x7B, units[index] != 0x5B {
            // Everything from the offending character on becomes '#', so V8 reports '#', then each run of '#'
            // in the message is replaced by as many characters of the original text from that index.
            let partial = Array(units[..<index]) + Array(repeating: UInt16(ascii: "#"), count: units.count - index)
            do {
                _ = try parseLikeV8(String(decoding: partial, as: UTF16.self), limits: limits)
                return try parseLikeV8(text, limits: limits)
            } catch {
                throw JSONSyntaxError(message: substitutePlaceholders(error.message, original: units, index: index))
            }
        }
        return try parseLikeV8(text, limits: limits)
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

/// V8's MessageTemplates for JSON.parse, positioned in UTF-16 code units as V8 counts them.
struct V8JSONMessages {
    let source: [UInt16]

    func error(for reason: JSONParseError.Reason, at index: Int) -> JSONSyntaxError {
        switch reason {
        case .unexpectedCharacter: unexpected(at: index)
        case .invalidLiteral, .invalidUTF8: illegalToken(at: index)
        case .expectedPropertyNameOrEnd: positioned("Expected property name or '}'", at: index)
        case .expectedPropertyName: positioned("Expected double-quoted property name", at: index)
        case .expectedColon: positioned("Expected ':' after property name", at: index)
        case .expectedCommaOrObjectEnd: positioned("Expected ',' or '}' after property value", at: index)
        case .expectedCommaOrArrayEnd: positioned("Expected ',' or ']' after array element", at: index)
        case .unterminatedString: positioned("Unterminated string", at: index)
        case .controlCharacterInString: positioned("Bad control character in string literal", at: index)
        case .badUnicodeEscape: positioned("Bad Unicode escape", at: index)
        case .badEscape: positioned("Bad escaped character", at: index)
        case .missingDigitAfterMinus: positioned("No number after minus sign", at: index)
        case .missingFractionDigits: positioned("Unterminated fractional number", at: index)
        case .missingExponentDigits: positioned("Exponent part is missing a number", at: index)
        case .trailingCharacters: positioned("Unexpected non-whitespace character after JSON", at: index, inJSON: false)
        // V8 has no limits of its own but a stack; its RangeError would not be a SyntaxError at all.
        case .tooDeep: JSONSyntaxError(message: "Maximum nesting depth exceeded", limit: reason)
        case .tooLarge, .tooManyMembers, .tooManyElements:
            JSONSyntaxError(message: JSONParseError(reason, at: 0).description, limit: reason)
        }
    }

    func positioned(_ text: String, at index: Int, inJSON: Bool = true) -> JSONSyntaxError {
        var line = 1, column = 1
        for unit in source[..<min(index, source.count)] {
            if unit == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return JSONSyntaxError(
            message: "\(text)\(inJSON ? " in JSON" : "") at position \(index) (line \(line) column \(column))")
    }

    /// V8 `ReportUnexpectedToken`: end of input, a number or string token, the special sources, else the character
    /// with context (``illegalToken(at:)``).
    func unexpected(at index: Int) -> JSONSyntaxError {
        guard index < source.count else { return JSONSyntaxError(message: "Unexpected end of JSON input") }
        let unit = source[index]
        if unit == UInt16(ascii: "\"") { return positioned("Unexpected string", at: index) }
        if unit == UInt16(ascii: "-") || (0x30...0x39).contains(unit) {
            return positioned("Unexpected number", at: index)
        }
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
}
