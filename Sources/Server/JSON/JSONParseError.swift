/// Why a JSON text was refused, and where: `offset` is a byte offset into the UTF-8 input.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A value cannot start here (or the input ended where one was due).
        case unexpectedCharacter
        /// `true`, `false` or `null` misspelt.
        case invalidLiteral
        case expectedPropertyNameOrEnd
        case expectedPropertyName
        case expectedColon
        case expectedCommaOrObjectEnd
        case expectedCommaOrArrayEnd
        case unterminatedString
        /// An unescaped control character (U+0000–U+001F) in a string (RFC 8259 §7).
        case controlCharacterInString
        case badUnicodeEscape
        case badEscape
        case missingDigitAfterMinus
        case missingFractionDigits
        case missingExponentDigits
        /// Something other than whitespace after the value.
        case trailingCharacters
        /// The input is not UTF-8 (RFC 8259 §8.1).
        case invalidUTF8
        case tooLarge(limit: Int)
        case tooDeep(limit: Int)
        case tooManyMembers(limit: Int)
        case tooManyElements(limit: Int)
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// True when a ``JSONLimits`` bound was crossed (the text may be valid JSON; it is too big to take).
    public var isLimit: Bool {
        switch reason {
        case .tooLarge, .tooDeep, .tooManyMembers, .tooManyElements: true
        default: false
        }
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedCharacter: what = "unexpected character or end of input where a value was expected"
        case .invalidLiteral: what = "invalid literal (expected true, false or null)"
        case .expectedPropertyNameOrEnd: what = "expected a property name or '}'"
        case .expectedPropertyName: what = "expected a double-quoted property name"
        case .expectedColon: what = "expected ':' after a property name"
        case .expectedCommaOrObjectEnd: what = "expected ',' or '}' after a property value"
        case .expectedCommaOrArrayEnd: what = "expected ',' or ']' after an array element"
        case .unterminatedString: what = "unterminated string"
        case .controlCharacterInString: what = "control character in a string"
        case .badUnicodeEscape: what = "bad \\u escape"
        case .badEscape: what = "bad escape"
        case .missingDigitAfterMinus: what = "no digit after '-'"
        case .missingFractionDigits: what = "no digit after '.'"
        case .missingExponentDigits: what = "no digit in the exponent"
        case .trailingCharacters: what = "unexpected text after the JSON value"
        case .invalidUTF8: what = "not UTF-8"
        case .tooLarge(let limit): return "JSON text larger than \(limit) bytes"
        case .tooDeep(let limit): return "JSON nested deeper than \(limit) levels"
        case .tooManyMembers(let limit): return "a JSON object with more than \(limit) members"
        case .tooManyElements(let limit): return "a JSON array with more than \(limit) elements"
        }
        return "\(what) at byte \(offset)"
    }
}
