import Foundation

/// The result of one case: what it checks, its verdict, and the evidence.
public struct CaseResult: Sendable, Codable {
    public let id: String
    public let title: String
    public let profile: String
    public let severity: Severity
    public let reference: String
    public let requirement: String
    public var verdict: Verdict
    public var durationMs: Double
    public var attempts: Int
    public var expected: String?
    public var observed: String?
    /// Why a case was skipped or broken.
    public var reason: String?
    public var wire: [WireExchange]

    /// A `curl` line for the last request of a failing case, so a human can repeat it.
    public var curl: String? { wire.last?.curlLine }

    enum CodingKeys: String, CodingKey {
        case id, title, profile, severity, reference, requirement, verdict, durationMs = "duration_ms", attempts,
            expected, observed, reason, curl, wire
    }

    public init(
        id: String, title: String, profile: String, severity: Severity, reference: String,
        requirement: String, verdict: Verdict, durationMs: Double, attempts: Int, expected: String?,
        observed: String?, reason: String?, wire: [WireExchange]
    ) {
        self.id = id; self.title = title; self.profile = profile; self.severity = severity
        self.reference = reference; self.requirement = requirement; self.verdict = verdict
        self.durationMs = durationMs; self.attempts = attempts; self.expected = expected
        self.observed = observed; self.reason = reason; self.wire = wire
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        profile = try c.decode(String.self, forKey: .profile)
        severity = try c.decode(Severity.self, forKey: .severity)
        reference = try c.decode(String.self, forKey: .reference)
        requirement = try c.decode(String.self, forKey: .requirement)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        durationMs = try c.decode(Double.self, forKey: .durationMs)
        attempts = try c.decode(Int.self, forKey: .attempts)
        expected = try c.decodeIfPresent(String.self, forKey: .expected)
        observed = try c.decodeIfPresent(String.self, forKey: .observed)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        wire = try c.decode([WireExchange].self, forKey: .wire)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(profile, forKey: .profile)
        try c.encode(severity, forKey: .severity)
        try c.encode(reference, forKey: .reference)
        try c.encode(requirement, forKey: .requirement)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encode(attempts, forKey: .attempts)
        try c.encodeIfPresent(expected, forKey: .expected)
        try c.encodeIfPresent(observed, forKey: .observed)
        try c.encodeIfPresent(reason, forKey: .reason)
        if verdict == .fail || verdict == .nonStrict { try c.encodeIfPresent(curl, forKey: .curl) }
        try c.encode(wire, forKey: .wire)
    }
}

/// One run against one target: the document every report format is derived from.
public struct RunReport: Sendable, Codable {
    /// Bumped when a field changes meaning or disappears; additions keep the version.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int = currentSchemaVersion
    public var runner: String = "parley-conform"
    public var runnerVersion: String = ConformanceCatalogue.runnerVersion
    public var target: String
    public var profiles: [String]
    public var strict: Bool
    public var startedAt: Date
    public var durationMs: Double
    /// A run-level problem (unreachable target, bad arguments) that forces exit 2.
    public var runError: String?
    public var cases: [CaseResult]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", runner, runnerVersion = "runner_version", target, profiles, strict,
            startedAt = "started_at", durationMs = "duration_ms", runError = "run_error", cases, counts, exitCode =
            "exit_code"
    }

    public init(
        target: String, profiles: [String], strict: Bool, startedAt: Date, durationMs: Double,
        runError: String?, cases: [CaseResult]
    ) {
        self.target = target; self.profiles = profiles; self.strict = strict; self.startedAt = startedAt
        self.durationMs = durationMs; self.runError = runError; self.cases = cases
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        runner = try c.decode(String.self, forKey: .runner)
        runnerVersion = try c.decode(String.self, forKey: .runnerVersion)
        target = try c.decode(String.self, forKey: .target)
        profiles = try c.decode([String].self, forKey: .profiles)
        strict = try c.decode(Bool.self, forKey: .strict)
        startedAt = try c.decode(Date.self, forKey: .startedAt)
        durationMs = try c.decode(Double.self, forKey: .durationMs)
        runError = try c.decodeIfPresent(String.self, forKey: .runError)
        cases = try c.decode([CaseResult].self, forKey: .cases)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(runner, forKey: .runner)
        try c.encode(runnerVersion, forKey: .runnerVersion)
        try c.encode(target, forKey: .target)
        try c.encode(profiles, forKey: .profiles)
        try c.encode(strict, forKey: .strict)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encodeIfPresent(runError, forKey: .runError)
        try c.encode(counts, forKey: .counts)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(cases, forKey: .cases)
    }

    public var counts: [String: Int] {
        var out: [String: Int] = [:]
        for verdict in Verdict.allCases { out[verdict.rawValue] = cases.filter { $0.verdict == verdict }.count }
        return out
    }

    /// docs/contracts.md §parley-conform: 2 = the runner could not do its job (run error or any BROKEN) and wins over 1 = a FAIL
    /// (or NON-STRICT under `--strict`); otherwise 0.
    public var exitCode: Int32 {
        if runError != nil || cases.contains(where: { $0.verdict == .broken }) { return 2 }
        if cases.contains(where: { $0.verdict == .fail || (strict && $0.verdict == .nonStrict) }) { return 1 }
        return 0
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> RunReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(RunReport.self, from: data)
    }
}
