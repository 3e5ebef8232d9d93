/// A point on the caller's monotonic clock, in nanoseconds since an origin the caller picks.
///
/// ParleyMedia reads no clock: every state machine takes `now: MediaTime` and answers with deadlines in the same
/// time base. Only differences matter, so tests run on virtual time (start at `.zero`, add durations) and the
/// server converts from `ContinuousClock.Instant` with `MediaTime(since:now:)`.
public struct MediaTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = MediaTime(nanoseconds: 0)

    /// `now` measured from `origin` on the continuous clock.
    public init(since origin: ContinuousClock.Instant, now: ContinuousClock.Instant) {
        self.init(nanoseconds: origin.duration(to: now).nanosecondsClamped)
    }

    public func advanced(by duration: Duration) -> MediaTime {
        MediaTime(nanoseconds: nanoseconds.addingReportingOverflow(duration.nanosecondsClamped).partialValue)
    }

    public func duration(to other: MediaTime) -> Duration {
        .nanoseconds(other.nanoseconds &- nanoseconds)
    }

    public static func + (lhs: MediaTime, rhs: Duration) -> MediaTime { lhs.advanced(by: rhs) }
    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
}

extension Duration {
    /// Whole nanoseconds, saturating at the Int64 range.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? (seconds < 0 ? .min : .max) : sum
    }
}
