/// One player's view of the marked stream (`parley-conform latency`): which frames arrived, when, in what order.
public struct PlayerTracker: Sendable {
    /// Frame indices [windowStart, windowEnd) are the measured ones; the rest are warm-up or drain.
    var firstPacketAt: UInt64?
    var seen: [UInt64] = []
    var highestIndex = -1
    public private(set) var receivedInWindow = 0
    public private(set) var duplicates = 0
    public private(set) var reordered = 0
    public private(set) var discarded = 0
    /// One-way latencies of measured frames, microseconds.
    public private(set) var samples: [UInt32] = []
    /// The frame index of each sample (same order), so a report can place it on the send timeline.
    public private(set) var sampleFrames: [Int32] = []
    var lastTransit: Int64?
    /// RFC 3550 A.8 interarrival jitter over send/arrival times, nanoseconds (not scaled).
    public private(set) var jitter: Double = 0

    public init() {}

    /// A frame arrived: its index in the send order, when it was sent and when it arrived (monotonic ns).
    mutating func record(index: Int, sentAt: UInt64, arrival: UInt64, window: Range<Int>) {
        if firstPacketAt == nil { firstPacketAt = arrival }
        let word = index >> 6
        if word >= seen.count { seen += [UInt64](repeating: 0, count: word - seen.count + 64) }
        let bit = UInt64(1) << UInt64(index & 63)
        if seen[word] & bit != 0 {
            duplicates += 1
            return
        }
        seen[word] |= bit
        if index < highestIndex { reordered += 1 } else { highestIndex = index }
        let transit = Int64(bitPattern: arrival &- sentAt)
        if let lastTransit { jitter += (Double(abs(transit - lastTransit)) - jitter) / 16 }
        lastTransit = transit
        guard window.contains(index) else {
            discarded += 1
            return
        }
        receivedInWindow += 1
        samples.append(UInt32(clamping: max(0, transit) / 1_000))
        sampleFrames.append(Int32(clamping: index))
    }
}

extension PlayerTracker {
    /// A media payload that is none of the publisher's frames (another stream, or a server that re-encodes).
    mutating func markForeign() { discarded += 1 }
}
