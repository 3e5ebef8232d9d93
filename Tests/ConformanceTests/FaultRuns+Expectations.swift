import ParleyConformance
import Testing

/// The one comparison every fault sweep makes: a faulty target must turn exactly the cases about its rule, each to
/// the verdict its severity gives a violation, and together the faults must turn every judged case.
extension FaultRuns {
    /// The cases whose verdict differs from the reference run's; a case missing from `reference` counts as PASS.
    static func turned(_ report: RunReport, from reference: [String: Verdict] = [:]) -> [CaseResult] {
        report.cases.filter { $0.verdict != (reference[$0.id] ?? .pass) }
    }

    /// Records an issue naming the fault, the expected and the turned ids unless `report` turned exactly `expected`,
    /// each to FAIL (MUST) or NON-STRICT (SHOULD). Returns the cases it turned.
    @discardableResult
    static func expectTurned<F>(
        _ fault: F, _ report: RunReport?, exactly expected: Set<String>, from reference: [String: Verdict] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [CaseResult] {
        guard let report else {
            Issue.record("\(fault): no report", sourceLocation: sourceLocation)
            return []
        }
        let changed = turned(report, from: reference)
        let actual = Set(changed.map(\.id))
        if actual != expected {
            let unexpected = changed.filter { !expected.contains($0.id) }
                .map { "\($0.id)→\($0.verdict.rawValue) \($0.observed ?? $0.reason ?? "")" }.sorted()
            Issue.record(
                """
                \(fault): expected \(expected.sorted()), turned \(actual.sorted()); \
                missing \(expected.subtracting(actual).sorted()), unexpected \(unexpected)
                """, sourceLocation: sourceLocation)
        }
        for c in changed where c.verdict != c.severity.violationVerdict {
            Issue.record(
                "\(fault): \(c.id) became \(c.verdict.rawValue), not \(c.severity.violationVerdict.rawValue): \(c.reason ?? c.observed ?? "")",
                sourceLocation: sourceLocation)
        }
        return changed
    }

    /// Runs every fault of `expectations` (`concurrency` at a time), expects each to turn exactly its cases, and
    /// expects every case of `judged` to be turned by some fault. Returns the reports for suite-specific checks.
    @discardableResult
    static func expectEachTurnsExactly<F: Sendable & Hashable>(
        _ expectations: [(F, Set<String>)], judged: [String], concurrency: Int = 3,
        reference: (F) -> [String: Verdict] = { _ in [:] },
        sourceLocation: SourceLocation = #_sourceLocation,
        run: @escaping @Sendable (F) async throws -> RunReport
    ) async throws -> [F: RunReport] {
        let reports = try await Self.reports(expectations.map(\.0), concurrency: concurrency, run: run)
        var turned = Set<String>()
        for (fault, expected) in expectations {
            let changed = expectTurned(
                fault, reports[fault], exactly: expected, from: reference(fault), sourceLocation: sourceLocation)
            turned.formUnion(changed.map(\.id))
        }
        let untouched = Set(judged).subtracting(turned)
        #expect(untouched.isEmpty, "never turned red: \(untouched.sorted())", sourceLocation: sourceLocation)
        return reports
    }
}
