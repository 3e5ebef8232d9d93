/// A JSON value that keeps object key order, because key order is one of the things MiroTalk clients depend on
/// and `JSONSerialization` forgets it.
public indirect enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    /// `text` is the number as it appeared on the wire, so `1` and `1.0` stay distinguishable (integer checks).
    case number(Double, text: String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a, _), .number(b, _)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            // Semantic equality ignores order; key order has its own assertion.
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b.first(where: { $0.0 == key }), other.1 == value else { return false }
            }
            return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let d, _): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o): hasher.combine(o.count)
        }
    }

    public static func integer(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first(where: { $0.0 == key })?.1 }
        return nil
    }

    public var objectKeys: [String]? {
        if case .object(let members) = self { return members.map(\.0) }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var doubleValue: Double? { if case .number(let d, _) = self { return d }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// True for a number written without fraction or exponent, or one whose value is whole (JSON Schema "integer").
    public var isInteger: Bool {
        if case .number(let d, _) = self { return d.isFinite && d.rounded() == d }
        return false
    }

    /// The JSON Schema type name of this value.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Follows a dotted path such as `meetings.0.roomId`; an empty path is the value itself.
    public func value(at path: String) -> JSONValue? {
        guard !path.isEmpty, path != "$" else { return self }
        var current: JSONValue? = self
        for part in path.split(separator: ".", omittingEmptySubsequences: true) {
            guard let node = current else { return nil }
            switch node {
            case .object: current = node[String(part)]
            case .array(let items):
                guard let index = Int(part), index >= 0, index < items.count else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }
}
