/// When each packet is due, from capture time (docs/replay.md "Timing"): cumulative from the first packet's
/// capture time and divided by the speed, never sleep-per-packet, so a late send does not delay the rest. A
/// capture timestamp that steps back (multi-interface captures) is due with its predecessor.
public struct ReplaySchedule: Sendable, Equatable {
    /// Nanoseconds after the start at which each packet is due, non-decreasing.
    public private(set) var dueOffsets: [UInt64]

    /// `capturedAt` in microseconds, in send order; `speed` > 0 (2 = twice as fast).
    public init(capturedAt: [Int64], speed: Double) {
        precondition(speed > 0)
        var offsets: [UInt64] = []
        offsets.reserveCapacity(capturedAt.count)
        guard let first = capturedAt.first else {
            dueOffsets = []
            return
        }
        var previous: UInt64 = 0
        for time in capturedAt {
            let elapsed = max(0, time - first)
            let due = max(previous, UInt64((Double(elapsed) * 1_000 / speed).rounded()))
            offsets.append(due)
            previous = due
        }
        dueOffsets = offsets
    }

    public var count: Int { dueOffsets.count }
    public var duration: UInt64 { dueOffsets.last ?? 0 }
}

/// Send-time error: actual send − scheduled time per packet, nanoseconds (early sends count as 0: the loop never
/// sends before the deadline).
public struct DriftStatistics: Sendable, Codable, Equatable {
    public var samples: Int
    public var p50Ms: Double
    public var p99Ms: Double
    public var maxMs: Double

    enum CodingKeys: String, CodingKey {
        case samples, p50Ms = "p50_ms", p99Ms = "p99_ms", maxMs = "max_ms"
    }

    public init(driftNanoseconds: [UInt64]) {
        samples = driftNanoseconds.count
        let sorted = driftNanoseconds.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            // Nearest-rank: the smallest sample with at least p of the samples at or below it.
            let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
            return Double(sorted[min(rank, sorted.count) - 1]) / 1e6
        }
        p50Ms = percentile(0.5)
        p99Ms = percentile(0.99)
        maxMs = Double(sorted.last ?? 0) / 1e6
    }
}
