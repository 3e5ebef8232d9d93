import Foundation

/// The one source of time for rooms, faces, limiters and stats. Injected everywhere time is read, so tests drive
/// it by hand (Fixtures' `ManualClock`) instead of sleeping.
///
/// Two readings, because they answer different questions: `now` is calendar time (what timestamps sent to clients
/// and stored rows carry; it may jump when the host's clock is set), `uptime` is monotonic (what intervals are
/// measured with: rate-limit windows, idle timeouts, the server's uptime).
public protocol ServerClock: Sendable {
    /// Calendar time.
    var now: Date { get }
    /// Monotonic time since this clock was made; never goes backwards.
    var uptime: Duration { get }
}

extension Duration {
    /// The duration in seconds as a `Double` (for rates and rounding to whole seconds).
    public var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
