import Foundation

/// Latency figures over a set of samples (microseconds in, milliseconds out), nearest-rank percentiles.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var samples: Int
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double
    public var maxMs: Double

    public init(microseconds: [UInt32]) {
        let sorted = microseconds.sorted()
        samples = sorted.count
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
            return Double(sorted[index]) / 1_000
        }
        p50Ms = rank(0.50)
        p95Ms = rank(0.95)
        p99Ms = rank(0.99)
        maxMs = Double(sorted.last ?? 0) / 1_000
    }
}

/// One player's outcome.
public struct PlayerResult: Sendable, Codable {
    public var player: Int
    public var error: String?
    public var latency: LatencySummary
    /// Frames sent in the measured window that never arrived.
    public var lost: Int
    public var lossPercent: Double
    public var duplicates: Int
    public var reordered: Int
    /// Arrivals outside the measured window (warm-up, drain).
    public var discarded: Int
    public var jitterMs: Double
    /// From the WHEP request to the first media packet.
    public var firstPacketMs: Double?
    public var srtpFailures: Int
}

/// What `parley-conform latency` measured.
public struct LatencyReport: Sendable, Codable {
    public var target: String
    public var streamPath: String
    public var method: String
    public var subscribers: Int
    public var connected: Int
    public var durationS: Double
    /// Frames the publisher sent in the measured window (every player should receive each once).
    public var sentInWindow: Int
    public var overall: LatencySummary
    public var lost: Int
    public var lossPercent: Double
    public var duplicates: Int
    public var reordered: Int
    /// Share of one core the runner used during the window (user + system): near 100 % means the numbers
    /// measure the runner, not the target.
    public var runnerCPUPercent: Double
    public var error: String?
    public var players: [PlayerResult]
    /// All measured samples binned, and latency over the window (LatencyReport+Charts.swift); nil when absent.
    public var histogram: LatencyHistogram?
    public var timeline: [LatencyTimelinePoint]?
    /// Per frame: the first player's latency and the spread to the last (LatencyReport+FanOut.swift).
    public var fanOut: LatencyFanOut?

    /// 0 all good; 1 a player failed or lost everything; 2 the runner could not measure (publisher refused...).
    public var exitCode: Int32 {
        if error != nil { return 2 }
        return players.contains { $0.error != nil || $0.latency.samples == 0 } ? 1 : 0
    }

    public var table: String {
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        var lines = [
            "latency: \(target) path \(streamPath), \(connected)/\(subscribers) players connected, "
                + "\(String(format: "%.1f", durationS)) s window, \(sentInWindow) frames sent, method: \(method)"
        ]
        if let error { lines.append("error: \(error)") }
        let header = ["", "samples", "p50", "p95", "p99", "max", "loss%", "dup", "reord", "jitter", "first"]
        var rows = [header]
        rows.append([
            "overall", "\(overall.samples)", f(overall.p50Ms), f(overall.p95Ms), f(overall.p99Ms), f(overall.maxMs),
            String(format: "%.3f", lossPercent), "\(duplicates)", "\(reordered)", "", "",
        ])
        // Every player when few; else the five with the worst p99, so a table stays readable at 500.
        let shown =
            players.count <= 10 ? players : Array(players.sorted { $0.latency.p99Ms > $1.latency.p99Ms }.prefix(5))
        for p in shown {
            rows.append([
                "player \(p.player)", "\(p.latency.samples)", f(p.latency.p50Ms), f(p.latency.p95Ms),
                f(p.latency.p99Ms), f(p.latency.maxMs), String(format: "%.3f", p.lossPercent), "\(p.duplicates)",
                "\(p.reordered)", f(p.jitterMs), p.firstPacketMs.map(f) ?? "-",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(
                row.enumerated().map { column, text in
                    column == 0
                        ? text.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[column] - text.count) + text
                }.joined(separator: "  "))
        }
        lines.append("(ms; worst players by p99 shown when more than 10)")
        if let fanOut {
            lines.append(
                "fan-out per frame (ms): first copy p50 \(f(fanOut.firstCopy.p50Ms)) p99 \(f(fanOut.firstCopy.p99Ms)); "
                    + "first to last player p50 \(f(fanOut.spread.p50Ms)) p99 \(f(fanOut.spread.p99Ms))")
        }
        for p in players where p.error != nil { lines.append("player \(p.player): \(p.error!)") }
        lines.append("runner CPU: \(String(format: "%.1f", runnerCPUPercent))% of one core")
        return lines.joined(separator: "\n") + "\n"
    }
}
