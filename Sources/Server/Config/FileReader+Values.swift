// Typed reads of YAML nodes inside structured keys, each error naming the dotted key and its line.

import Yams

extension FileReader {
    struct Field {
        let node: Node
        let line: Int?
    }

    /// The items of a YAML list with their index and line; null = no items.
    func listItems(_ value: Node, written: String, line: Int?) throws(ConfigError) -> [(Int, Node, Int?)] {
        if isNull(value) { return [] }
        guard case .sequence(let sequence) = value else {
            throw wrongType(written, expected: "a list", got: value, line: line)
        }
        return sequence.enumerated().map { ($0.offset, $0.element, $0.element.mark?.line ?? line) }
    }

    /// The entries of a mapping whose keys must be among `allowed`.
    func fields(
        of node: Node, written: String, line: Int?, allowed: Set<String>,
        nullIsEmpty: Bool = false
    ) throws(ConfigError) -> [String: Field] {
        if nullIsEmpty, isNull(node) { return [:] }
        guard case .mapping(let mapping) = node else {
            throw wrongType(written, expected: "a mapping", got: node, line: line)
        }
        var result: [String: Field] = [:]
        for (keyNode, valueNode) in mapping {
            let keyLine = keyNode.mark?.line ?? line
            guard case .scalar(let keyScalar) = keyNode else {
                throw wrongType(written, expected: "a mapping with plain keys", got: keyNode, line: keyLine)
            }
            guard allowed.contains(keyScalar.string) else {
                throw unknownKey(
                    "\(written).\(keyScalar.string)", line: keyLine,
                    known: allowed.sorted().map { "\(written).\($0)" })
            }
            result[keyScalar.string] = Field(node: valueNode, line: keyLine)
        }
        return result
    }

    /// A string scalar (numbers and booleans keep their text); null = nil; lists and mappings are wrong.
    func string(_ node: Node, written: String, line: Int?) throws(ConfigError) -> String? {
        guard case .scalar(let scalar) = node else {
            throw wrongType(written, expected: "a string", got: node, line: line)
        }
        return scalar.resolvedTagName == .null ? nil : scalar.string
    }

    /// Like `string`, but an empty string also means "not set".
    func secret(_ node: Node, written: String, line: Int?) throws(ConfigError) -> String? {
        guard let text = try string(node, written: written, line: line), !text.isEmpty else { return nil }
        return text
    }

    /// `recording:` — any mapping, kept as a value tree; null = empty (off).
    func freeFormSection(_ value: Node, written: String, line: Int?) throws(ConfigError) -> ConfigValue {
        if isNull(value) { return .map([:]) }
        guard case .mapping = value else {
            throw wrongType(written, expected: "a mapping", got: value, line: line)
        }
        return try configValue(value, written: written, line: line)
    }

    func configValue(_ node: Node, written: String, line: Int?) throws(ConfigError) -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            switch scalar.resolvedTagName {
            case .null: return .null
            case .bool: return Bool.construct(from: scalar).map(ConfigValue.bool) ?? .string(scalar.string)
            case .int:
                if let value = Int.construct(from: scalar) { return .int(value) }
                return Double.construct(from: scalar).map(ConfigValue.double) ?? .string(scalar.string)
            case .float: return Double.construct(from: scalar).map(ConfigValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try configValue(item, written: "\(written)[\(index)]", line: item.mark?.line ?? line))
            }
            return .list(items)
        case .mapping(let mapping):
            var entries: [String: ConfigValue] = [:]
            for (keyNode, valueNode) in mapping {
                let keyLine = keyNode.mark?.line ?? line
                guard case .scalar(let keyScalar) = keyNode else {
                    throw wrongType(written, expected: "a mapping with plain keys", got: keyNode, line: keyLine)
                }
                entries[keyScalar.string] = try configValue(
                    valueNode, written: "\(written).\(keyScalar.string)",
                    line: keyLine)
            }
            return .map(entries)
        case .alias:
            throw wrongType(written, expected: "a value", got: node, line: line)
        }
    }
}

extension Node.Scalar {
    /// The scalar's type after YAML 1.1 resolution (`!!int`, `!!null`, ...); an explicit tag wins.
    var resolvedTagName: Tag.Name { Tag.Name(rawValue: Node.scalar(self).tag.rawValue) }
}
