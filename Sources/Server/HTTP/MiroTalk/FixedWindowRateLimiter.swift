import Foundation

/// express-rate-limit's memory store as MiroTalk configures it for `/api/v1/activeRooms` (60 per minute per IP):
/// a fixed window per key that starts at the key's first hit; every hit counts, refused ones included.
actor FixedWindowRateLimiter {
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Whole seconds until the window resets (draft-6 `RateLimit-Reset`).
        var resetSeconds: Int
    }

    let limit: Int
    let window: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var windows: [String: (start: ContinuousClock.Instant, hits: Int)] = [:]
    /// Expired windows are swept once the table grows past this, so a scan of many source addresses stays bounded.
    private let sweepThreshold = 10_000

    init(limit: Int, window: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    func hit(_ key: String) -> Decision {
        let instant = now()
        if windows.count > sweepThreshold {
            windows = windows.filter { instant - $0.value.start < window }
        }
        var entry = windows[key] ?? (instant, 0)
        if instant - entry.start >= window { entry = (instant, 0) }
        entry.hits += 1
        windows[key] = entry
        let left = window - (instant - entry.start)
        let reset = Int((Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18).rounded(.up))
        return Decision(allowed: entry.hits <= limit, limit: limit, remaining: max(0, limit - entry.hits),
                        resetSeconds: max(0, reset))
    }
}
