import ParleyMedia
import ParleyWire

/// What a receiver tracks about one RTP source to fill a report block (RFC 3550 §6.4.1, Appendix A.1, A.3, A.8).
struct ReceiveStatistics {
    let ssrc: UInt32
    let clockRate: Int64
    private var baseSequence: UInt32
    private var maxSequence: UInt16
    private var cycles: UInt32 = 0
    private(set) var received: UInt32 = 1
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    /// Interarrival jitter in timestamp units, ×16 as Appendix A.8 keeps it.
    private var jitterQ4: Int64 = 0
    private var lastTransit: Int64?
    /// Middle 32 bits of the NTP time of the last SR and when it arrived (for LSR/DLSR).
    private var lastSenderReport: (middle: UInt32, arrival: MediaTime)?

    init(first packet: RTPHeaderView, arrival: MediaTime, clockRate: Int64 = 48_000) {
        ssrc = packet.ssrc
        self.clockRate = clockRate
        baseSequence = UInt32(packet.sequenceNumber)
        maxSequence = packet.sequenceNumber
        lastTransit = transit(packet.timestamp, arrival)
    }

    var extendedHighest: UInt32 { cycles &+ UInt32(maxSequence) }

    /// A.1 without probation: a forward step below 3000 advances (wrapping adds a cycle), anything else is a
    /// late or duplicate packet that still counts as received.
    mutating func record(_ packet: RTPHeaderView, arrival: MediaTime) {
        received &+= 1
        let delta = packet.sequenceNumber &- maxSequence
        if delta > 0, delta < 3000 {
            if packet.sequenceNumber < maxSequence { cycles &+= 1 << 16 }
            maxSequence = packet.sequenceNumber
        }
        // A.8: J += (|D| - J) / 16, with D the change in relative transit time.
        let current = transit(packet.timestamp, arrival)
        if let previous = lastTransit {
            let difference = abs(current - previous)
            jitterQ4 += difference - ((jitterQ4 + 8) >> 4)
        }
        lastTransit = current
    }

    mutating func senderReportArrived(ntpTimestamp: UInt64, at arrival: MediaTime) {
        lastSenderReport = (UInt32(truncatingIfNeeded: ntpTimestamp >> 16), arrival)
    }

    /// A.3: the block for an RR sent at `now`, and the interval counters reset for the next one.
    mutating func reportBlock(now: MediaTime) -> RTCPReportBlock {
        let expected = extendedHighest &- baseSequence &+ 1
        let lost = Int64(expected) - Int64(received)
        let expectedInterval = expected &- expectedPrior
        let receivedInterval = received &- receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction =
            expectedInterval == 0 || lostInterval <= 0
            ? 0 : UInt8(clamping: (lostInterval << 8) / Int64(expectedInterval))
        var lsr: UInt32 = 0, dlsr: UInt32 = 0
        if let last = lastSenderReport {
            lsr = last.middle
            // DLSR in units of 1/65536 s.
            let delay = last.arrival.duration(to: now)
            let (seconds, attoseconds) = delay.components
            dlsr = UInt32(clamping: seconds * 65_536 + attoseconds / 15_258_789_062_500)
        }
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction,
            cumulativeLost: Int32(clamping: max(min(lost, 0x7FFFFF), -0x800000)),
            extendedHighestSequence: extendedHighest, jitter: UInt32(clamping: jitterQ4 >> 4),
            lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
    }

    private func transit(_ timestamp: UInt32, _ arrival: MediaTime) -> Int64 {
        arrival.nanoseconds / 1000 * clockRate / 1_000_000 - Int64(timestamp)
    }
}
