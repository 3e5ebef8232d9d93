import Foundation
import ParleyTime

/// A ``ServerClock`` that moves only when a test says so: `advance(by:)` moves calendar time and uptime together,
/// so window, timeout and timestamp checks are exact instead of racing the host's clock.
public final class ManualClock: ServerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var wall: Date
    private var elapsed: Duration = .zero

    /// Starts at `now` (a fixed instant by default, so timestamps in a test are checkable) with zero uptime.
    public init(now: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        wall = now
    }

    public var now: Date { lock.withLock { wall } }

    public var uptime: Duration { lock.withLock { elapsed } }

    public func advance(by duration: Duration) {
        lock.withLock {
            elapsed += duration
            wall = wall.addingTimeInterval(duration.inSeconds)
        }
    }

    /// Seconds, for tests that think in `TimeInterval`.
    public func advance(seconds: TimeInterval) {
        advance(by: .milliseconds(Int64((seconds * 1000).rounded())))
    }
}
