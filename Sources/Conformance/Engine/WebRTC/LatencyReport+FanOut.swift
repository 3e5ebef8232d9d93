/// How one sent frame spread over the players: when its first copy arrived and how long the server took to get
/// it to the last one. An SFU sends each player its own copy, one after another; the first copy is the server's
/// receive-and-forward cost, the spread its fan-out (and, through the order of players, why late players see
/// more latency). Kernel arrival stamps make both the server's, not the runner's.
public struct LatencyFanOut: Sendable, Codable, Equatable {
    /// Send to the first player's arrival, per frame that reached at least two players.
    public var firstCopy: LatencySummary
    /// First to last player's arrival of the same frame.
    public var spread: LatencySummary

    public init(firstCopy: LatencySummary, spread: LatencySummary) {
        self.firstCopy = firstCopy
        self.spread = spread
    }

    /// From per-player (samples µs, frame index) pairs as the trackers keep them; nil with fewer than two
    /// players on any frame.
    init?(_ players: [([UInt32], [Int32])]) {
        var earliest: [Int32: UInt32] = [:]
        var latest: [Int32: UInt32] = [:]
        var copies: [Int32: Int] = [:]
        for (samples, frames) in players {
            for (sample, frame) in zip(samples, frames) {
                earliest[frame] = min(earliest[frame] ?? .max, sample)
                latest[frame] = max(latest[frame] ?? 0, sample)
                copies[frame, default: 0] += 1
            }
        }
        let frames = copies.filter { $0.value >= 2 }.keys
        guard !frames.isEmpty else { return nil }
        firstCopy = LatencySummary(microseconds: frames.compactMap { earliest[$0] })
        spread = LatencySummary(
            microseconds: frames.compactMap { frame in
                latest[frame].flatMap { last in earliest[frame].map { last - $0 } }
            })
    }
}
