// A small generic value tree for sections whose keys later issues define (`recording:`).

/// Any YAML value: scalars keep their resolved YAML type, mappings are keyed by their key's text.
public enum ConfigValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    case map([String: ConfigValue])

    /// The value under `key` when this is a mapping.
    public subscript(key: String) -> ConfigValue? {
        guard case .map(let entries) = self else { return nil }
        return entries[key]
    }

    /// True for `null` and for an empty mapping or list: nothing was configured.
    public var isEmpty: Bool {
        switch self {
        case .null: true
        case .map(let entries): entries.isEmpty
        case .list(let items): items.isEmpty
        default: false
        }
    }

    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var intValue: Int? { if case .int(let value) = self { value } else { nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
}
