// The one error type of configuration loading. `parley-server` maps it to exit code 2.

/// A configuration problem, naming the key and where the bad value came from (file and line, variable, or flag).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unknownKey
        case wrongType
        case invalidValue
        /// The same setting given twice in one file (for example under its name and an alias).
        case conflict
        /// The file is not valid YAML.
        case syntax
        /// The file could not be read.
        case unreadable
    }

    /// Where a value came from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case file(path: String, line: Int?)
        case environment(variable: String)
        case flag(name: String)
        case builtInDefault

        public var description: String {
            switch self {
            case .file(let path, let line?): "\(path):\(line)"
            case .file(let path, nil): path
            case .environment(let variable): "environment variable \(variable)"
            case .flag(let name): "flag \(name)"
            case .builtInDefault: "built-in default"
            }
        }
    }

    public let kind: Kind
    /// The dotted key as written (an alias stays an alias), or nil for whole-file problems.
    public let key: String?
    public let source: Source
    /// The problem without its location, e.g. `unknown key 'http.lissten'`.
    public let message: String

    public init(kind: Kind, key: String?, source: Source, message: String) {
        self.kind = kind
        self.key = key
        self.source = source
        self.message = message
    }

    /// The file line, when the problem is in a file.
    public var line: Int? {
        if case .file(_, let line) = source { return line }
        return nil
    }

    /// `config.yaml:7: unknown key 'http.lissten'`, `environment variable X: ...`, `flag --listen: ...`.
    public var description: String { "\(source): \(message)" }
}
