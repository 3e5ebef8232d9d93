import Foundation

/// The host's clocks: `Date()` for calendar time, `ContinuousClock` (which keeps counting while the host sleeps)
/// for intervals. Made once at start-up, so `uptime` is the server's uptime.
public struct SystemClock: ServerClock {
    private let origin: ContinuousClock.Instant

    public init() {
        origin = .now
    }

    public var now: Date { Date() }

    public var uptime: Duration { .now - origin }
}
