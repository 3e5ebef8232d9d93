import ParleyJSON

/// The two JavaScript conversions MiroTalk's handlers lean on, for values `JSON.parse` produced: truthiness
/// (`x || default`) and `String(x)` (template literals). MiroTalk's bodies are `JSON.stringify` output, which
/// ``ParleyJSON/JSONValue/serialized`` already reproduces byte for byte.
extension JSONValue {
    /// ECMAScript ToBoolean: false, 0, -0, NaN, "" and null are falsy; every object and array is truthy.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object: true
        }
    }

    /// ECMAScript ToString, as `String(x)` and `${x}` apply it.
    var jsString: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.numberText(value)
        case .string(let value): value
        // Array.prototype.join(","): null and undefined elements become "".
        case .array(let items): items.map { $0 == .null ? "" : $0.jsString }.joined(separator: ",")
        case .object: "[object Object]"
        }
    }
}
