extension JSONParser {
    // MARK: strings (§7)

    /// Reads a string starting at its opening quote. Unescaped runs are copied as they are (the input is valid
    /// UTF-8); `\uXXXX` escapes pair surrogates, and a lone surrogate becomes U+FFFD since a Swift string holds
    /// only scalar values.
    mutating func parseString() throws(JSONParseError) -> String {
        position += 1 // opening quote
        var out: [UInt8] = []
        while true {
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                position += 1
            }
            out.append(contentsOf: bytes[runStart..<position])
            guard position < bytes.count else { throw fail(.unterminatedString) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte < 0x20 { throw fail(.controlCharacterInString) }
            try parseEscape(into: &out)
        }
    }

    /// One escape, `position` at its backslash; errors point at the backslash.
    mutating func parseEscape(into out: inout [UInt8]) throws(JSONParseError) {
        let backslash = position
        position += 1
        guard position < bytes.count else { throw fail(.unterminatedString) }
        let simple: UInt8?
        switch bytes[position] {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default: throw JSONParseError(.badEscape, at: backslash)
        }
        if let simple {
            out.append(simple)
            position += 1
            return
        }
        let unit = try hexQuad(escapeAt: backslash)
        var scalar = Unicode.Scalar(UInt32(unit))
        if (0xD800...0xDBFF).contains(unit), let low = lowSurrogate(after: position) {
            scalar = Unicode.Scalar(0x10000 + (UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00))
            position += 6
        }
        UTF8.encode(scalar ?? "\u{FFFD}") { out.append($0) }
    }

    /// The four hex digits after `\u` (`position` at the `u`), leaving `position` after them.
    mutating func hexQuad(escapeAt backslash: Int) throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for offset in 1...4 {
            guard position + offset < bytes.count, let digit = Self.hexValue(bytes[position + offset]) else {
                throw JSONParseError(.badUnicodeEscape, at: backslash)
            }
            value = value << 4 | digit
        }
        position += 5
        return value
    }

    /// The low surrogate of a `\uDC00`–`\uDFFF` escape starting at `index`, if one is there.
    func lowSurrogate(after index: Int) -> UInt16? {
        guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
        else { return nil }
        var value: UInt16 = 0
        for offset in 2...5 {
            guard let digit = Self.hexValue(bytes[index + offset]) else { return nil }
            value = value << 4 | digit
        }
        return (0xDC00...0xDFFF).contains(value) ? value : nil
    }

    static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        default: nil
        }
    }
}
