import Yams

extension JSONValue {
    /// Converts a composed YAML node into JSON, keeping mapping order. Plain scalars are typed by the YAML 1.2
    /// core schema (null, bool, int, float); quoted scalars stay strings.
    public init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let _ = node.null { self = .null; return }
                if let b = node.bool { self = .bool(b); return }
                if let i = node.int { self = .integer(i); return }
                if let d = node.float, d.isFinite { self = .number(d, text: scalar.string); return }
            }
            self = .string(scalar.string)
        case .mapping(let mapping):
            self = .object(mapping.map { (key, value) in (key.string ?? "", JSONValue(yaml: value)) })
        case .sequence(let sequence):
            self = .array(sequence.map { JSONValue(yaml: $0) })
        case .alias:
            self = .null
        }
    }

    /// Parses YAML text (a whole document) into JSON.
    public static func parseYAML(_ text: String) throws -> JSONValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return JSONValue(yaml: node)
    }
}
