/// `log.level`: the five levels of the command line contract, least to most severe.
public enum LogLevel: String, Sendable, Equatable, CaseIterable, Comparable {
    case trace, debug, info, warning, error

    /// Accepts the five names in any letter case, and `warn` (the spelling Go and Rust loggers use).
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if lowered == "warn" {
            self = .warning
            return
        }
        guard let level = LogLevel(rawValue: lowered) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        guard let left = allCases.firstIndex(of: lhs), let right = allCases.firstIndex(of: rhs) else { return false }
        return left < right
    }
}
