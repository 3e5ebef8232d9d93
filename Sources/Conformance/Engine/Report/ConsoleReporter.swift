import Foundation

/// Live progress and the final summary on stdout. On a terminal each case overwrites a status line with counts
/// and elapsed time before its result line; otherwise plain lines only.
public final class ConsoleReporter: RunProgress, @unchecked Sendable {
    private let isTTY: Bool
    private let lock = NSLock()
    private var counts: [Verdict: Int] = [:]
    private var started = Date()
    private let write: @Sendable (String) -> Void

    public init(
        isTTY: Bool = isatty(STDOUT_FILENO) == 1,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
    ) {
        self.isTTY = isTTY
        self.write = write
    }

    public func started(total: Int, target: String) {
        lock.withLock { started = Date() }
        write("parley-conform: \(total) cases against \(target)\n")
    }

    public func finished(_ result: CaseResult, index: Int, total: Int) {
        let line: String = lock.withLock {
            counts[result.verdict, default: 0] += 1
            var text = isTTY ? "\r\u{1B}[K" : ""
            text +=
                String(
                    format: "%-10@ %@ (%.0f ms)", result.verdict.rawValue as NSString, result.id as NSString,
                    result.durationMs) + "\n"
            if result.verdict == .fail || result.verdict == .nonStrict {
                text +=
                    "           expected: \(result.expected ?? "-")\n           observed: \(result.observed ?? "-")\n"
                if let curl = result.curl { text += "           repro:    \(curl)\n" }
            } else if result.verdict == .broken || result.verdict == .skip || result.verdict == .flaky {
                text += "           \(result.reason ?? "")\n"
            }
            if isTTY {
                let summary = Verdict.allCases.compactMap { v in counts[v].map { "\(v.rawValue) \($0)" } }.joined(
                    separator: "  ")
                text += String(
                    format: "[%d/%d] %@  %.1fs", index, total, summary as NSString, Date().timeIntervalSince(started))
            }
            return text
        }
        write(line)
    }

    /// The summary table printed after the run.
    public static func summary(_ report: RunReport) -> String {
        var text = "\n"
        let profiles = Array(Set(report.cases.map(\.profile))).sorted()
        let columns = Verdict.allCases
        text += "profile".padding(toLength: 14, withPad: " ", startingAt: 0)
        text += columns.map { $0.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined() + "total\n"
        for profile in profiles + ["all"] {
            let cases = profile == "all" ? report.cases : report.cases.filter { $0.profile == profile }
            text += profile.padding(toLength: 14, withPad: " ", startingAt: 0)
            text += columns.map { v in
                String(cases.filter { $0.verdict == v }.count).padding(toLength: 11, withPad: " ", startingAt: 0)
            }.joined()
            text += "\(cases.count)\n"
        }
        if let error = report.runError { text += "run error: \(error)\n" }
        text += String(format: "exit code %d after %.1f s\n", report.exitCode, report.durationMs / 1000)
        return text
    }
}
