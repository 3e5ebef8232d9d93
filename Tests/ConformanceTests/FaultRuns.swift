import ParleyConformance

/// Runs one report per fault, several at a time: each run is one in-process server and mostly waits on loopback
/// round trips, so overlapping them keeps a fault sweep to seconds on a loaded machine.
enum FaultRuns {
    static func reports<F: Sendable & Hashable>(
        _ faults: [F], concurrency: Int = 8, run: @escaping @Sendable (F) async throws -> RunReport
    ) async throws -> [F: RunReport] {
        var results: [F: RunReport] = [:]
        var pending = faults[...]
        try await withThrowingTaskGroup(of: (F, RunReport).self) { group in
            for _ in 0..<concurrency {
                guard let fault = pending.popFirst() else { break }
                group.addTask { (fault, try await run(fault)) }
            }
            while let (fault, report) = try await group.next() {
                results[fault] = report
                if let next = pending.popFirst() { group.addTask { (next, try await run(next)) } }
            }
        }
        return results
    }
}
