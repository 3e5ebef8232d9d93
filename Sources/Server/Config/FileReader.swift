// Reads a YAML configuration file onto a configuration, key by key, through Yams' node API so that every error can
// name the dotted key and its line.

import Yams

struct FileReader {
    let path: String
    var config: ParleyConfig
    /// Canonical key → (line, key as written) of its first setting in this file, to refuse setting it twice.
    private var claimed: [String: (line: Int?, written: String)] = [:]
    /// Canonical key → where its value came from, for checks that span keys.
    private(set) var origins: [String: ConfigError.Source] = [:]

    init(path: String, config: ParleyConfig) {
        self.path = path
        self.config = config
    }

    /// Applies the file's text; an empty document leaves everything as it was.
    mutating func read(yaml text: String) throws(ConfigError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error)
        }
        guard let root else { return }
        if case .scalar(let scalar) = root, scalar.resolvedTagName == .null { return }
        guard case .mapping(let mapping) = root else {
            throw ConfigError(
                kind: .wrongType, key: nil, source: source(root.mark?.line ?? 1),
                message: "the configuration must be a mapping of keys, got \(describe(root))")
        }
        try readSection(mapping, prefix: "")
    }

    // MARK: walking

    private mutating func readSection(_ mapping: Node.Mapping, prefix: String) throws(ConfigError) {
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? mapping.mark?.line
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(
                    kind: .wrongType, key: prefix.isEmpty ? nil : prefix, source: source(line),
                    message: "keys must be plain names, got \(describe(keyNode))")
            }
            let written = prefix.isEmpty ? keyScalar.string : prefix + "." + keyScalar.string
            let canonical = ConfigSchema.aliases[written] ?? written
            if let setting = ConfigSchema.settingsByKey[canonical] {
                try claim(canonical, written: written, line: line)
                try readSetting(setting, written: written, value: valueNode, line: line)
            } else if ConfigSchema.structuredKeys.contains(canonical)
                || canonical == ConfigSchema.globalPublishKey || canonical == ConfigSchema.globalSubscribeKey
            {
                try claim(canonical, written: written, line: line)
                try readStructured(canonical, written: written, value: valueNode, line: line)
            } else if ConfigSchema.sections.contains(written) {
                if isNull(valueNode) { continue }
                guard case .mapping(let inner) = valueNode else {
                    throw wrongType(written, expected: "a mapping", got: valueNode, line: line)
                }
                try readSection(inner, prefix: written)
            } else {
                throw unknownKey(written, line: line)
            }
        }
    }

    private mutating func readSetting(
        _ setting: Setting, written: String, value: Node,
        line: Int?
    ) throws(ConfigError) {
        if setting.isList, !isNull(value) {
            guard case .sequence(let sequence) = value else {
                throw wrongType(written, expected: setting.expected, got: value, line: line)
            }
            var items: [String] = []
            for (index, item) in sequence.enumerated() {
                let itemLine = item.mark?.line ?? line
                guard case .scalar(let scalar) = item, scalar.resolvedTagName != .null else {
                    throw wrongType("\(written)[\(index)]", expected: "a string", got: item, line: itemLine)
                }
                items.append(scalar.string)
            }
            do {
                try setting.applyList(items, to: &config)
            } catch {
                throw ConfigError(
                    kind: error.kind, key: written, source: source(line),
                    message: "'\(written)' \(error.text)")
            }
            return
        }
        guard let input = scalarInput(value) else {
            throw wrongType(written, expected: setting.expected, got: value, line: line)
        }
        do {
            try setting.apply(input, to: &config)
        } catch {
            throw ConfigError(
                kind: error.kind, key: written, source: source(line), message: "'\(written)' \(error.text)")
        }
    }

    /// Records that `canonical` is set here; a second setting in the same file (say under an alias) is an error.
    mutating func claim(_ canonical: String, written: String, line: Int?) throws(ConfigError) {
        if let first = claimed[canonical] {
            let firstPlace = first.line.map { "line \($0)" } ?? "earlier"
            let what = first.written == written ? "'\(written)'" : "'\(written)' (same as '\(first.written)')"
            throw ConfigError(
                kind: .conflict, key: written, source: source(line),
                message: "\(what) is set twice; first at \(firstPlace)")
        }
        claimed[canonical] = (line, written)
        origins[canonical] = source(line)
    }

    // MARK: node helpers

    func source(_ line: Int?) -> ConfigError.Source { .file(path: path, line: line) }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.resolvedTagName == .null }
        return false
    }

    /// A scalar with its YAML type; nil for mappings and sequences.
    func scalarInput(_ node: Node) -> ScalarInput? {
        guard case .scalar(let scalar) = node else { return nil }
        var input = ScalarInput(text: scalar.string)
        switch scalar.resolvedTagName {
        case .null: input.isNull = true
        case .int:
            input.yamlInteger = Int.construct(from: scalar)
            input.yamlNumber = input.yamlInteger.map(Double.init)
        case .float: input.yamlNumber = Double.construct(from: scalar)
        default: break
        }
        return input
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): scalar.resolvedTagName == .null ? "null" : quotedForMessage(scalar.string)
        }
    }

    func wrongType(_ written: String, expected: String, got node: Node, line: Int?) -> ConfigError {
        ConfigError(
            kind: .wrongType, key: written, source: source(line),
            message: "'\(written)' must be \(expected), got \(describe(node))")
    }

    func invalid(_ written: String, _ problem: String, line: Int?) -> ConfigError {
        ConfigError(kind: .invalidValue, key: written, source: source(line), message: "'\(written)' \(problem)")
    }

    func unknownKey(_ written: String, line: Int?, known: [String]? = nil) -> ConfigError {
        let candidates = known ?? ConfigSchema.siblings(of: written)
        let leaf = written.split(separator: ".").last.map(String.init) ?? written
        let best =
            candidates
            .map { ($0, editDistance(leaf, $0.split(separator: ".").last.map(String.init) ?? $0)) }
            .filter { $0.1 <= max(1, min(2, leaf.count / 3)) }
            .min { $0.1 < $1.1 }
        let hint = best.map { " (did you mean '\($0.0)'?)" } ?? ""
        return ConfigError(
            kind: .unknownKey, key: written, source: source(line),
            message: "unknown key '\(written)'\(hint)")
    }

    private func syntaxError(_ error: any Error) -> ConfigError {
        let (line, text): (Int?, String) =
            switch error as? YamlError {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                (
                    mark.line,
                    context.map { context in
                        let started = context.mark.line == mark.line ? "" : " (started at line \(context.mark.line))"
                        return "\(context.text)\(started): \(problem)"
                    } ?? problem
                )
            case .duplicatedKeysInMapping(let duplicates, let context):
                (context.mark.line, "duplicate key " + duplicates.map { "'\($0)'" }.joined(separator: ", "))
            case .reader(let problem, _, _, _):
                (nil, problem)
            default:
                (nil, String(describing: error))
            }
        return ConfigError(kind: .syntax, key: nil, source: source(line), message: "invalid YAML: \(text)")
    }
}
