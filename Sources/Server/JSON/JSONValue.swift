/// A JSON value (RFC 8259 §3), strict: `true` is never the number 1, numbers are IEEE doubles as JavaScript and
/// most JSON peers read them, and objects keep their key order (``JSONObject``).
///
/// The server's one JSON value type: every face parses request bodies and frames into it with
/// ``JSONValue/parse(_:limits:)-([UInt8],_)``; the MiroTalk face adds JavaScript's conversions on top.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Member lookup; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    public var stringValue: String? { if case .string(let text) = self { text } else { nil } }
    public var boolValue: Bool? { if case .bool(let flag) = self { flag } else { nil } }
    public var numberValue: Double? { if case .number(let number) = self { number } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    public var objectValue: JSONObject? { if case .object(let object) = self { object } else { nil } }

    /// A whole number within ±2^53 (exactly representable), else nil. JSON Schema's "integer" (a number with a zero
    /// fractional part), so `2.0` counts and `2.5` or `1e300` do not.
    public var integerValue: Int64? {
        guard case .number(let number) = self, number.isFinite, number.rounded() == number,
            abs(number) <= 9_007_199_254_740_992
        else { return nil }
        return Int64(number)
    }

    /// JSON's own name for the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(nilLiteral: ()) { self = .null }
}
