import Foundation

/// Every measured sample of a latency run in equal-width bins from 0 up to a little above p99; the last bin also
/// holds everything beyond (`overflow`), so a long tail stays visible without flattening the body.
public struct LatencyHistogram: Sendable, Codable, Equatable {
    public var binWidthMs: Double
    public var counts: [Int]
    /// Samples at or above `binWidthMs * counts.count` (counted in the last bin too).
    public var overflow: Int

    public static let binCount = 40

    public init(binWidthMs: Double, counts: [Int], overflow: Int) {
        self.binWidthMs = binWidthMs
        self.counts = counts
        self.overflow = overflow
    }

    public init?(microseconds: [UInt32]) {
        guard !microseconds.isEmpty else { return nil }
        let summary = LatencySummary(microseconds: microseconds)
        // A round bin width (1, 2 or 5 × 10^n µs) covering 1.25 × p99, at least 1 µs.
        let span = max(summary.p99Ms * 1.25, 0.001)
        binWidthMs = Self.roundStep(span / Double(Self.binCount))
        var counts = [Int](repeating: 0, count: Self.binCount)
        var overflow = 0
        for sample in microseconds {
            let bin = Int(Double(sample) / 1_000 / binWidthMs)
            if bin >= Self.binCount { overflow += 1 }
            counts[min(bin, Self.binCount - 1)] += 1
        }
        self.counts = counts
        self.overflow = overflow
    }

    static func roundStep(_ raw: Double) -> Double {
        let magnitude = pow(10, floor(log10(max(raw, 0.001))))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }
}

/// Latency of the frames sent in one slice of the window, over every player: where in the run the slow ones were.
public struct LatencyTimelinePoint: Sendable, Codable, Equatable {
    /// Start of the slice, milliseconds after the window opened (by send time).
    public var atMs: Double
    public var samples: Int
    public var p50Ms: Double
    public var p99Ms: Double
    public var maxMs: Double

    public init(atMs: Double, samples: Int, p50Ms: Double, p99Ms: Double, maxMs: Double) {
        self.atMs = atMs
        self.samples = samples
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
        self.maxMs = maxMs
    }

    /// Slices of `sliceMs` (default 250 ms) from per-player (samples µs, frame index) pairs; `sentOffsetMs` maps a
    /// frame index to its send time in the window.
    static func series(
        _ players: [([UInt32], [Int32])], sliceMs: Double = 250, sentOffsetMs: (Int32) -> Double?
    ) -> [LatencyTimelinePoint] {
        var slices: [Int: [UInt32]] = [:]
        for (samples, frames) in players {
            for (sample, frame) in zip(samples, frames) {
                guard let offset = sentOffsetMs(frame), offset >= 0, offset.isFinite else { continue }
                slices[Int(offset / sliceMs), default: []].append(sample)
            }
        }
        return slices.keys.sorted().compactMap { key in
            guard let values = slices[key] else { return nil }
            let summary = LatencySummary(microseconds: values)
            return LatencyTimelinePoint(
                atMs: Double(key) * sliceMs, samples: summary.samples, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms,
                maxMs: summary.maxMs)
        }
    }
}
