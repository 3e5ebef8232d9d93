/// A JSON object's members in the order they were first written, with constant-time lookup.
///
/// A repeated key keeps its first position and takes its last value, as JavaScript's `JSON.parse` does
/// (RFC 8259 §4 leaves duplicates to the implementation).
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    public init() {}

    public init(_ members: some Sequence<(String, JSONValue)>) {
        for (key, value) in members { self[key] = value }
    }

    public subscript(key: String) -> JSONValue? {
        get { values[key] }
        set {
            guard let newValue else {
                if values.removeValue(forKey: key) != nil { keys.removeAll { $0 == key } }
                return
            }
            if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Members in order.
    public var members: [(key: String, value: JSONValue)] {
        keys.map { ($0, values[$0] ?? .null) }
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }
}

extension JSONObject: ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// `[("a", 1), ("b", 2)]`: members in order.
    public init(arrayLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// `["a": 1, "b": 2]`: members in source order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
