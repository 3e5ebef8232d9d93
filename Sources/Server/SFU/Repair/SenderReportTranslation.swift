import ParleyMedia

/// A publisher track's clock as its last Sender Report stated it (RFC 3550 §6.4.1: "the NTP timestamp ...
/// corresponds to the same time as the NTP timestamp"), and when that report arrived here.
///
/// A player's Sender Report for the same track must carry this same wallclock↔RTP mapping, moved into the
/// player's timestamp space, because the receiver lines up audio and video of one sender by comparing the NTP
/// time of each track's RTP timestamps (§6.4.1, "lip synchronization"). Reporting a mapping of the server's own
/// (the last forwarded timestamp against the server's clock) would tie each track to the moment its last packet
/// happened to be forwarded, and audio and video drift apart by their different forwarding jitter.
struct PublisherClockMapping: Hashable {
    /// 32.32 fixed-point NTP time from the publisher's SR.
    var ntpTimestamp: UInt64
    /// The publisher's RTP timestamp for that same instant.
    var rtpTimestamp: UInt32
    var arrival: MediaTime
    /// The track's RTP clock rate (48 kHz for Opus, 90 kHz for video, RFC 7587 §4.1, RFC 7741 §4.1).
    var clockRate: Int64

    /// The publisher's NTP time and RTP timestamp at `now`: both advanced by the time since the SR arrived
    /// (a report is sent later than the SR it translates; RFC 3550 §6.4.1 has the RTP timestamp of the
    /// report's own send time).
    func extrapolated(to now: MediaTime) -> (ntpTimestamp: UInt64, rtpTimestamp: UInt32) {
        let elapsedNanoseconds = max(0, now.nanoseconds &- arrival.nanoseconds)
        let seconds = elapsedNanoseconds / 1_000_000_000
        let remainder = elapsedNanoseconds % 1_000_000_000
        // NTP: whole seconds in the high word, the fraction as remainder / 10^9 × 2^32.
        let ntpElapsed = (UInt64(seconds) << 32) | ((UInt64(remainder) << 32) / 1_000_000_000)
        let ticks = seconds &* clockRate &+ remainder * clockRate / 1_000_000_000
        return (ntpTimestamp &+ ntpElapsed, rtpTimestamp &+ UInt32(truncatingIfNeeded: ticks))
    }

    /// What a player's SR says at `now` for this track, given the player's rewriter maps the publisher's
    /// timestamps by `playerTimestamp = publisherTimestamp + timestampOffset (mod 2^32)`.
    func translated(timestampOffset: UInt32, at now: MediaTime) -> (ntpTimestamp: UInt64, rtpTimestamp: UInt32) {
        let (ntp, rtp) = extrapolated(to: now)
        return (ntp, rtp &+ timestampOffset)
    }
}

/// Round-trip time of one leg from the Receiver Reports that answer our Sender Reports (RFC 3550 §6.4.1: RTT =
/// arrival − LSR − DLSR). The LSR field echoes the middle 32 bits of the NTP time our SR carried; since a
/// translated SR carries the publisher's NTP time, not ours, each SR sent is remembered with the local time it left,
/// and the RTT is measured on the local clock: arrival − sent − DLSR.
struct RoundTripEstimator {
    private var sent: [(middle: UInt32, at: MediaTime)] = []
    /// The last few SRs are enough: a receiver reports on the newest it has.
    static let remembered = 8
    /// Smoothed like TCP's SRTT (RFC 6298 §2.3, α = 1/8).
    private(set) var smoothed: Duration?

    mutating func senderReportSent(ntpTimestamp: UInt64, at now: MediaTime) {
        if sent.count == Self.remembered { sent.removeFirst() }
        sent.append((UInt32(truncatingIfNeeded: ntpTimestamp >> 16), now))
    }

    /// Feeds one report block about our stream; returns the RTT it measured, if it echoed an SR we sent.
    @discardableResult
    mutating func receiverReport(lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32, at now: MediaTime)
        -> Duration?
    {
        guard lastSenderReport != 0, let match = sent.last(where: { $0.middle == lastSenderReport }) else {
            return nil
        }
        // DLSR is in units of 1/65536 s.
        let delay = Duration.nanoseconds(Int64(delaySinceLastSenderReport) * 1_000_000_000 / 65_536)
        let sample = match.at.duration(to: now) - delay
        guard sample >= .zero else { return nil }
        smoothed = smoothed.map { ($0 * 7 + sample) / 8 } ?? sample
        return sample
    }
}
