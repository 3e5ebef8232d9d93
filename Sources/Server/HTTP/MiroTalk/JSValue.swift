import Foundation

/// A JSON value as JavaScript sees it after `JSON.parse`: objects keep their key order, and the two JavaScript
/// conversions MiroTalk's handlers lean on are available — truthiness (`x || default`) and `String(x)` (template
/// literals). MiroTalk's REST bodies are built by `JSON.stringify`, which ``jsonText`` reproduces byte for byte
/// (no spaces, `/` not escaped, non-ASCII kept).
public indirect enum JSValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSValue])
    /// Keys in insertion order; a repeated key keeps its first position and its last value (as `JSON.parse`).
    case object([(String, JSValue)])

    public static func == (lhs: JSValue, rhs: JSValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// Member lookup; nil (JavaScript `undefined`) for a missing key or a non-object.
    public subscript(key: String) -> JSValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// ECMAScript ToBoolean: false, 0, -0, NaN, "" and null are falsy; every object and array is truthy.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object: true
        }
    }

    /// ECMAScript ToString, as `String(x)` and `${x}` apply it.
    public var jsString: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.jsNumberString(value)
        case .string(let value): value
        // Array.prototype.join(","): null and undefined elements become "".
        case .array(let items): items.map { $0 == .null ? "" : $0.jsString }.joined(separator: ",")
        case .object: "[object Object]"
        }
    }

    /// Number::toString for the values JSON can carry (finite doubles).
    static func jsNumberString(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == 0 { return "0" }  // also -0
        if value == value.rounded(), abs(value) < 1e21 {
            if abs(value) < 9e15 { return String(Int64(value)) }
            return String(format: "%.0f", value)
        }
        // Shortest round-trip digits; JavaScript writes exponents as e+N / e-N without leading zeros.
        var text = "\(value)"
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var mantissa = String(text[..<e])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponent = String(text[text.index(after: e)...])
            var sign = "+"
            if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() }
            if exponent.hasPrefix("+") { exponent.removeFirst() }
            while exponent.count > 1, exponent.hasPrefix("0") { exponent.removeFirst() }
            text = mantissa + "e" + sign + exponent
        }
        return text
    }

    /// `JSON.stringify(value)`.
    public var jsonText: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value): out += value.isFinite ? Self.jsNumberString(value) : "null"
        case .string(let value): Self.writeQuoted(value, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.writeQuoted(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    /// JSON.stringify's QuoteJSONString (ECMA-262 §25.5.2.3): short escapes for \b \t \n \f \r " \\,
    /// \u00XX for the other controls, everything else verbatim.
    static func writeQuoted(_ text: String, into out: inout String) {
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
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension JSValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}
