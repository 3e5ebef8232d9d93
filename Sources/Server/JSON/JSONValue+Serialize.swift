extension JSONValue {
    /// Compact JSON text, byte for byte what JavaScript's `JSON.stringify(value)` writes (ECMA-262 §25.5.2): no
    /// spaces, keys in order, `/` and non-ASCII verbatim, non-finite numbers as `null`.
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value): out += value.isFinite ? Self.numberText(value) : "null"
        case .string(let value): Self.writeQuoted(value, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, member) in object.enumerated() {
                if index > 0 { out += "," }
                Self.writeQuoted(member.key, into: &out)
                out += ":"
                member.value.write(into: &out)
            }
            out += "}"
        }
    }

    /// QuoteJSONString (ECMA-262 §25.5.2.3): short escapes for \b \t \n \f \r " \\, `\u00xx` for the other
    /// controls, everything else verbatim.
    static func writeQuoted(_ text: String, into out: inout String) {
        // Most keys and values need no escape: one append instead of one per scalar.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += "\""
            out += text
            out += "\""
            return
        }
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{09}": out += "\\t"
            case "\u{0A}": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\u{0D}": out += "\\r"
            case "\u{00}"..."\u{1F}":
                let hex = Array("0123456789abcdef")
                out += "\\u00"
                out.append(hex[Int(scalar.value >> 4)])
                out.append(hex[Int(scalar.value & 0xF)])
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Number::toString (ECMA-262 §6.1.6.1.20): the shortest digits that round-trip, placed by the exponent rules
    /// (plain up to 21 integer digits, `0.000…` down to 1e-6, else `d.ddde±n`).
    public static func numberText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == 0 { return "0" } // also -0
        // Integral values below 2^53 are exact: their shortest round-trip digits are the integer's own digits.
        if value.rounded(.towardZero) == value && abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        let (digits, point) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        let k = digits.count
        let n = point
        if k <= n && n <= 21 { return sign + digits + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 {
            return sign + String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        }
        if -6 < n && n <= 0 { return sign + "0." + String(repeating: "0", count: -n) + digits }
        let exponent = n - 1
        let mantissa = k == 1 ? digits : String(digits.prefix(1)) + "." + String(digits.dropFirst())
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
    }

    /// The shortest round-trip decimal digits of a positive finite double (Swift's own `description` computes them)
    /// and the position of the decimal point relative to them: value = 0.d₁d₂… × 10^point.
    static func shortestDigits(_ value: Double) -> (digits: String, point: Int) {
        let text = value.description // "1.5", "0.001", "1e-07", "1.2345e+20"
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let integerLength =
            mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count
        var digits = Substring(mantissa.filter { $0 != "." })
        var point = integerLength + exponent
        while digits.first == "0" {
            digits = digits.dropFirst()
            point -= 1
        }
        while digits.last == "0" { digits = digits.dropLast() }
        return (String(digits), point)
    }
}
