import Foundation

/// Live progress for reporters (the console prints a line per case).
public protocol RunProgress: Sendable {
    func started(total: Int, target: String)
    func finished(_ result: CaseResult, index: Int, total: Int)
}

/// Runs selected cases one after another against one target. Nothing a case or the network does aborts the run.
public struct Runner: Sendable {
    public let options: RunOptions

    public init(options: RunOptions) { self.options = options }

    public func run(_ cases: [ConformanceCase], progress: (any RunProgress)? = nil) async -> RunReport {
        let started = Date()
        let target: Target
        do { target = try Target(url: options.target) } catch {
            return report(
                started: started, runError: error.description,
                results: cases.map { brokenResult($0, reason: error.description) })
        }
        progress?.started(total: cases.count, target: options.target)
        // One reachability probe first: an unreachable target makes every case BROKEN at once, quickly.
        if !options.offline, let unreachable = await probeReachability(target) {
            let reason = "target unreachable: \(unreachable)"
            var results: [CaseResult] = []
            for (i, c) in cases.enumerated() {
                let result = brokenResult(c, reason: reason)
                results.append(result)
                progress?.finished(result, index: i + 1, total: cases.count)
            }
            return report(started: started, runError: reason, results: results)
        }
        let memo = RunMemo()
        var results: [CaseResult] = []
        for (i, c) in cases.enumerated() {
            let result = await runWithRetries(c, target: target, memo: memo)
            results.append(result)
            progress?.finished(result, index: i + 1, total: cases.count)
        }
        return report(started: started, runError: nil, results: results)
    }

    private func report(started: Date, runError: String?, results: [CaseResult]) -> RunReport {
        RunReport(
            target: options.target, profiles: options.profiles, strict: options.strict, startedAt: started,
            durationMs: Date().timeIntervalSince(started) * 1000, runError: runError, cases: results)
    }

    private func probeReachability(_ target: Target) async -> String? {
        let client = HTTPClient(target: target, insecure: options.insecure, timeoutScale: options.timeoutScale)
        let (result, _) = await client.send(HTTPRequest(method: "GET", path: "/"))
        if case .failure(let error) = result, error.phase == "connect" { return error.description }
        return nil
    }

    private func runWithRetries(_ c: ConformanceCase, target: Target, memo: RunMemo) async -> CaseResult {
        var attempt = 1
        var result = await runOnce(c, target: target, memo: memo, attempt: attempt)
        while attempt <= options.retries, [.fail, .nonStrict, .broken].contains(result.verdict) {
            attempt += 1
            var retry = await runOnce(c, target: target, memo: memo, attempt: attempt)
            retry.durationMs += result.durationMs
            if retry.verdict == .pass {
                retry.verdict = .flaky
                retry.reason =
                    "passed on attempt \(attempt) after \(result.verdict.rawValue): \(result.observed ?? result.reason ?? "")"
                retry.wire = result.wire + retry.wire
            }
            result = retry
        }
        return result
    }

    private func runOnce(_ c: ConformanceCase, target: Target, memo: RunMemo, attempt: Int) async -> CaseResult {
        let context = CaseContext(options: options, target: target, memo: memo)
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: CaseOutcome
        do {
            outcome = try await c.run(context)
        } catch let stop as CaseStop {
            outcome = stop.outcome
        } catch {
            outcome = .broken(reason: "harness error: \(error)")
        }
        let elapsed = clock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var result = CaseResult(
            id: c.id, title: c.title, profile: c.profile, severity: c.severity,
            reference: c.reference.text, requirement: c.requirement, verdict: .pass,
            durationMs: ms, attempts: attempt, expected: nil, observed: nil, reason: nil,
            wire: context.wireLog)
        switch outcome {
        case .pass(let observed):
            result.verdict = c.severity == .info ? .info : .pass
            result.observed = observed
        case .violated(let expected, let observed):
            result.verdict = c.severity.violationVerdict
            result.expected = expected
            result.observed = observed
        case .observed(let observed):
            result.verdict = .info
            result.observed = observed
        case .skip(let reason):
            result.verdict = .skip
            result.reason = reason
        case .broken(let reason):
            result.verdict = .broken
            result.reason = reason
        }
        return result
    }

    private func brokenResult(_ c: ConformanceCase, reason: String) -> CaseResult {
        CaseResult(
            id: c.id, title: c.title, profile: c.profile, severity: c.severity, reference: c.reference.text,
            requirement: c.requirement, verdict: .broken, durationMs: 0, attempts: 1, expected: nil,
            observed: nil, reason: reason, wire: [])
    }
}
