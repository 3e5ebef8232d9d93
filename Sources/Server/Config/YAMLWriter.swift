// A small block-style YAML writer for `renderYAML`: every string double-quoted, so that no value can be re-read as
// another type (YAML 1.1 would turn an unquoted `no` into false) and the output always loads back unchanged.

struct YAMLWriter {
    private(set) var lines: [String] = []

    mutating func comment(_ text: String) { lines.append("# \(text)") }

    /// `key: value` where `value` is already YAML text.
    mutating func scalar(_ key: String, _ value: String, indent: Int) {
        lines.append(pad(indent) + Self.key(key) + ": " + value)
    }

    /// `key:` opening a nested block.
    mutating func open(_ key: String, indent: Int) { lines.append(pad(indent) + Self.key(key) + ":") }

    /// A list of strings, `[]` when empty.
    mutating func stringList(_ key: String, _ items: [String], indent: Int) {
        guard !items.isEmpty else { return scalar(key, "[]", indent: indent) }
        open(key, indent: indent)
        for item in items { lines.append(pad(indent + 2) + "- " + Self.quoted(item)) }
    }

    /// A list of mappings, each written by `body` at the item's indent; the first line gets the `- ` marker.
    mutating func mappingList<Item>(
        _ key: String, _ items: [Item], indent: Int,
        body: (inout YAMLWriter, Item, Int) -> Void
    ) {
        guard !items.isEmpty else { return scalar(key, "[]", indent: indent) }
        open(key, indent: indent)
        for item in items {
            var inner = YAMLWriter()
            body(&inner, item, indent + 4)
            appendAsListItem(inner.lines, indent: indent + 2)
        }
    }

    /// A free-form value under `key`.
    mutating func value(_ key: String, _ value: ConfigValue, indent: Int) {
        switch value {
        case .map(let entries) where !entries.isEmpty:
            open(key, indent: indent)
            for entryKey in entries.keys.sorted() {
                if let entry = entries[entryKey] { self.value(entryKey, entry, indent: indent + 2) }
            }
        case .list(let items) where !items.isEmpty:
            open(key, indent: indent)
            for item in items { listItem(item, indent: indent + 2) }
        default:
            scalar(key, Self.inline(value), indent: indent)
        }
    }

    private mutating func listItem(_ item: ConfigValue, indent: Int) {
        switch item {
        case .map(let entries) where !entries.isEmpty:
            var inner = YAMLWriter()
            for entryKey in entries.keys.sorted() {
                if let entry = entries[entryKey] { inner.value(entryKey, entry, indent: indent + 2) }
            }
            appendAsListItem(inner.lines, indent: indent)
        case .list(let items) where !items.isEmpty:
            var inner = YAMLWriter()
            for nested in items { inner.listItem(nested, indent: indent + 2) }
            appendAsListItem(inner.lines, indent: indent)
        default:
            lines.append(pad(indent) + "- " + Self.inline(item))
        }
    }

    /// Lines written at `indent + 2`; the first one's indentation becomes `indent` spaces and `- `.
    private mutating func appendAsListItem(_ inner: [String], indent: Int) {
        for (index, line) in inner.enumerated() {
            lines.append(index == 0 ? pad(indent) + "- " + String(line.dropFirst(indent + 2)) : line)
        }
    }

    /// Scalars and empty collections on one line.
    static func inline(_ value: ConfigValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): double(number)
        case .string(let text): quoted(text)
        case .list: "[]"
        case .map: "{}"
        }
    }

    /// A YAML float that reads back as the same Double.
    static func double(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        let text = "\(number)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// A double-quoted YAML scalar (YAML 1.1 §5.7 escapes); non-printable characters become `\u` escapes.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028
                    || value == 0x2029 || value == 0xFEFF
                {
                    let hex = String(value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A mapping key: plain when it cannot be misread, quoted otherwise.
    static func key(_ text: String) -> String {
        guard let first = text.unicodeScalars.first,
            first.properties.isAlphabetic || ("0"..."9").contains(first) || first == "_",
            text.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                        || $0 == "_" || $0 == "-" || $0 == ".")
            })
        else { return quoted(text) }
        return text
    }

    private func pad(_ indent: Int) -> String { String(repeating: " ", count: indent) }
}
