import Foundation

// The table of single-valued settings: every key that a file, an environment variable or a flag can set with one
// scalar (or one list of strings). Structured keys (users, stream keys, ICE servers, recording) are read
// by `FileReader+Structured.swift`.

/// A problem with one value, without its key or location; the caller adds both.
struct ValueProblem: Error {
    let kind: ConfigError.Kind
    /// E.g. `must be an integer, got "lots"`.
    let text: String

    static func wrongType(_ expected: String, got input: ScalarInput) -> ValueProblem {
        ValueProblem(kind: .wrongType, text: "must be \(expected), got \(input.shown)")
    }

    static func invalid(_ text: String) -> ValueProblem {
        ValueProblem(kind: .invalidValue, text: text)
    }
}

/// One scalar as it arrived: text from the environment or a flag, or a YAML scalar with its resolved type.
struct ScalarInput {
    var text: String
    var isNull = false
    /// Set when YAML resolved the scalar as an integer (so `1_000` and `0x10` work as YAML says).
    var yamlInteger: Int?
    /// Set when YAML resolved the scalar as a number (integer or float).
    var yamlNumber: Double?

    /// How the value is quoted back in messages.
    var shown: String { isNull ? "null" : quotedForMessage(text) }
}

/// How a text setting is checked; returns the problem, or nil when the value is fine.
typealias TextCheck = (String) -> String?

struct Setting {
    enum Kind {
        case bool(WritableKeyPath<ParleyConfig, Bool>)
        case integer(WritableKeyPath<ParleyConfig, Int>, range: ClosedRange<Int>)
        case text(WritableKeyPath<ParleyConfig, String>, check: TextCheck)
        /// Empty or null = nil = generated at first start.
        case secret(WritableKeyPath<ParleyConfig, String?>)
        /// A YAML list; a comma list in the environment and on flags.
        case textList(WritableKeyPath<ParleyConfig, [String]>, check: TextCheck)
        case listen
        case logLevel
        case duration
        /// A length of time in seconds or with a unit (`Interval`), within `range`.
        case interval(WritableKeyPath<ParleyConfig, Duration>, range: ClosedRange<Duration>)
    }

    let key: String
    let environment: String?
    let kind: Kind

    init(_ key: String, env environment: String? = nil, _ kind: Kind) {
        self.key = key
        self.environment = environment
        self.kind = kind
    }

    /// What the value must be, for messages.
    var expected: String {
        switch kind {
        case .bool: "a boolean"
        case .integer: "an integer"
        case .text, .secret, .listen, .logLevel: "a string"
        case .textList: "a list of strings"
        case .duration, .interval: "a duration"
        }
    }

    var isList: Bool { if case .textList = kind { true } else { false } }

    /// Sets this setting from one scalar.
    func apply(_ input: ScalarInput, to config: inout ParleyConfig) throws(ValueProblem) {
        switch kind {
        case .bool(let path):
            guard !input.isNull, let value = parseBool(input.text) else { throw .wrongType("a boolean", got: input) }
            config[keyPath: path] = value
        case .integer(let path, let range):
            guard !input.isNull, let value = input.yamlInteger ?? Int(input.text) else {
                throw .wrongType("an integer", got: input)
            }
            guard range.contains(value) else { throw .invalid(Self.rangeText(range, got: value)) }
            config[keyPath: path] = value
        case .text(let path, let check):
            guard !input.isNull else { throw .wrongType("a string", got: input) }
            if let problem = check(input.text) { throw .invalid(problem) }
            config[keyPath: path] = input.text
        case .secret(let path):
            config[keyPath: path] = input.isNull || input.text.isEmpty ? nil : input.text
        case .textList(let path, let check):
            guard !input.isNull else { throw .wrongType("a list of strings", got: input) }
            let items = input.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            for item in items { if let problem = check(item) { throw .invalid(problem) } }
            config[keyPath: path] = items
        case .listen:
            guard !input.isNull else { throw .wrongType("a string", got: input) }
            do {
                config.http.listen = try ListenAddress(parsing: input.text)
            } catch {
                throw .invalid("is not a listen address (\(error.reason)), got \(input.shown)")
            }
        case .logLevel:
            guard !input.isNull, let level = LogLevel(parsing: input.text) else {
                throw .invalid("must be one of trace, debug, info, warning, error, got \(input.shown)")
            }
            config.log.level = level
        case .duration:
            if let number = input.yamlNumber {
                guard number > 0, number.isFinite else { throw .invalid("must be a positive duration, got \(number)") }
                config.jwt.expire = MsDuration(seconds: number)
                return
            }
            guard !input.isNull, let duration = MsDuration(input.text) else {
                throw .invalid(
                    "must be a duration such as \"1h\", \"7d\", \"30m\" or a number of seconds, got "
                        + input.shown)
            }
            guard duration.seconds > 0 else { throw .invalid("must be a positive duration, got \(input.shown)") }
            config.jwt.expire = duration
        case .interval(let path, let range):
            try applyInterval(input, path: path, range: range, to: &config)
        }
    }

    private func applyInterval(
        _ input: ScalarInput, path: WritableKeyPath<ParleyConfig, Duration>, range: ClosedRange<Duration>,
        to config: inout ParleyConfig
    ) throws(ValueProblem) {
        let parsed: Duration?
        if let number = input.yamlNumber {
            parsed = number.isFinite && abs(number) < 1e12 ? .milliseconds(Int64((number * 1_000).rounded())) : nil
        } else {
            parsed = input.isNull ? nil : Interval.parse(input.text)
        }
        guard let parsed else {
            throw .invalid(
                "must be a duration such as \"10s\", \"1500ms\", \"2m\" or a number of seconds, got \(input.shown)")
        }
        guard range.contains(parsed) else {
            throw .invalid(
                "must be from \(Interval.render(range.lowerBound)) to \(Interval.render(range.upperBound)), got "
                    + input.shown)
        }
        config[keyPath: path] = parsed
    }

    /// Sets a list setting from a YAML sequence's items.
    func applyList(_ items: [String], to config: inout ParleyConfig) throws(ValueProblem) {
        guard case .textList(let path, let check) = kind else { return }
        for item in items { if let problem = check(item) { throw .invalid(problem) } }
        config[keyPath: path] = items
    }

    private static func rangeText(_ range: ClosedRange<Int>, got value: Int) -> String {
        if range.upperBound == Int.max { return "must be at least \(range.lowerBound), got \(value)" }
        return "must be from \(range.lowerBound) to \(range.upperBound), got \(value)"
    }
}

/// `true/false`, `yes/no`, `on/off`, `1/0`, in any letter case.
func parseBool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "yes", "on", "1": true
    case "false", "no", "off", "0": false
    default: nil
    }
}

/// A value in double quotes for error messages: the same escapes as the YAML writer, so a message shows a value
/// exactly as it would be written back into the file.
func quotedForMessage(_ text: String) -> String { YAMLWriter.quoted(text) }
