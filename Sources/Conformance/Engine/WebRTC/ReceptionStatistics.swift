import ParleyWire

/// What a player counts for its receiver reports (RFC 3550 §6.4.1, Appendix A.1, A.3 and A.8).
public struct ReceptionStatistics: Sendable {
    var baseSequence: UInt32?
    var cycles: UInt32 = 0
    var maxSequence: UInt16 = 0
    public private(set) var received: UInt32 = 0
    var expectedPrior: UInt32 = 0
    var receivedPrior: UInt32 = 0
    var lastTransit: Int64?
    /// Interarrival jitter in RTP timestamp units, times 16 (the A.8 fixed-point form).
    var jitterScaled: Int64 = 0

    public init() {}

    /// One packet: its sequence number, RTP timestamp and arrival (monotonic nanoseconds); `clockRate` in Hz.
    public mutating func record(sequence: UInt16, rtpTimestamp: UInt32, arrival: UInt64, clockRate: UInt64 = 48_000) {
        received &+= 1
        if baseSequence == nil {
            baseSequence = UInt32(sequence)
            maxSequence = sequence
        } else {
            let delta = sequence &- maxSequence
            if delta < 0x8000 {
                if sequence < maxSequence { cycles &+= 1 << 16 }
                maxSequence = sequence
            }
        }
        // A.8: transit in timestamp units; only differences matter, so the arrival clock's epoch does not.
        let arrivalUnits = Int64(truncatingIfNeeded: arrival / 1_000 * clockRate / 1_000_000)
        let transit = arrivalUnits - Int64(rtpTimestamp)
        if let lastTransit {
            let d = abs(transit - lastTransit)
            jitterScaled += d - ((jitterScaled + 8) >> 4)
        }
        lastTransit = transit
    }

    public var extendedHighestSequence: UInt32 { cycles | UInt32(maxSequence) }

    /// A.3: packets expected from the first sequence number to the highest seen.
    public var expected: UInt32 {
        guard let baseSequence else { return 0 }
        return extendedHighestSequence &- baseSequence &+ 1
    }

    /// The report block for `ssrc`; moves the "since last report" interval forward.
    public mutating func reportBlock(for ssrc: UInt32) -> RTCPReportBlock {
        let expectedInterval = expected &- expectedPrior
        let receivedInterval = received &- receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction: UInt8 =
            expectedInterval == 0 || lostInterval <= 0
            ? 0 : UInt8(clamping: (lostInterval << 8) / Int64(expectedInterval))
        let cumulative = Int32(clamping: max(-0x80_0000, min(0x7F_FFFF, Int64(expected) - Int64(received))))
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulative,
            extendedHighestSequence: extendedHighestSequence, jitter: UInt32(clamping: jitterScaled >> 4))
    }
}
