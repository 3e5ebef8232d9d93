/// The outcome of one case (docs/contracts.md §parley-conform).
public enum Verdict: String, Sendable, Codable, CaseIterable, Comparable {
    case pass = "PASS"
    case fail = "FAIL"
    case nonStrict = "NON-STRICT"
    case info = "INFO"
    case skip = "SKIP"
    case broken = "BROKEN"
    case flaky = "FLAKY"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

/// How binding the checked requirement is; it decides what a violation becomes.
public enum Severity: String, Sendable, Codable {
    /// MUST: a violation is FAIL.
    case must = "MUST"
    /// SHOULD: a violation is NON-STRICT (FAIL for the exit code under `--strict`).
    case should = "SHOULD"
    /// The spec leaves it open (or the target deliberately differs): the case records what it saw as INFO.
    case info = "INFO"

    public var violationVerdict: Verdict {
        switch self {
        case .must: .fail
        case .should: .nonStrict
        case .info: .info
        }
    }
}

/// What a case body concludes; the runner turns it into a `Verdict` using the case's severity.
public enum CaseOutcome: Sendable {
    case pass(observed: String)
    case violated(expected: String, observed: String)
    case observed(String)
    case skip(reason: String)
    case broken(reason: String)
}

/// Thrown inside case bodies to stop early with an outcome (a precondition is missing, the network failed).
public struct CaseStop: Error, Sendable {
    public let outcome: CaseOutcome
    public init(_ outcome: CaseOutcome) { self.outcome = outcome }
    public static func skip(_ reason: String) -> CaseStop { CaseStop(.skip(reason: reason)) }
    public static func broken(_ reason: String) -> CaseStop { CaseStop(.broken(reason: reason)) }
    public static func violated(expected: String, observed: String) -> CaseStop {
        CaseStop(.violated(expected: expected, observed: observed))
    }
}
