import Foundation

extension RateLimiter {
    /// How hits are counted.
    public enum Policy: Sendable, Equatable {
        /// At most `limit` hits per `window`, the window starting at a key's first hit: express-rate-limit's memory
        /// store, which MiroTalk's `/api/v1/activeRooms` uses (its `RateLimit-*` headers follow from this).
        case fixedWindow(limit: Int, window: Duration)
        /// A token bucket: `burst` hits at once, refilled continuously at `perSecond` (smooth limits on a
        /// connection's chat and actions).
        case tokenBucket(burst: Int, perSecond: Double)

        var limit: Int {
            switch self {
            case .fixedWindow(let limit, _): max(0, limit)
            case .tokenBucket(let burst, _): max(1, burst)
            }
        }

        /// What a hit now would get (before counting it).
        func decide(_ entry: Entry, at instant: Duration) -> Decision {
            switch self {
            case .fixedWindow(_, let window):
                let used = Int(entry.level)
                let resets = max(.zero, window - (instant - entry.start))
                let allowed = used + 1 <= limit
                return Decision(
                    allowed: allowed, limit: limit, remaining: max(0, limit - used - 1),
                    retryAfter: allowed ? .zero : resets, resetAfter: resets)
            case .tokenBucket(_, let perSecond):
                let tokens = refilled(entry, at: instant, perSecond: perSecond)
                let allowed = tokens >= 1
                let missing = allowed ? 0 : 1 - tokens
                let wait: Duration = perSecond > 0 ? .seconds(missing / perSecond) : .seconds(Int64.max / 2)
                let full: Duration = perSecond > 0 ? .seconds((Double(limit) - tokens) / perSecond) : .zero
                return Decision(
                    allowed: allowed, limit: limit, remaining: max(0, Int(tokens) - 1),
                    retryAfter: allowed ? .zero : wait, resetAfter: full)
            }
        }

        /// True when the key is as if never hit (its window ended, or its bucket is full): it may be forgotten.
        func hasRecovered(_ entry: Entry, at instant: Duration) -> Bool {
            switch self {
            case .fixedWindow(_, let window): instant - entry.start >= window
            case .tokenBucket(_, let perSecond): refilled(entry, at: instant, perSecond: perSecond) >= Double(limit)
            }
        }

        func refilled(_ entry: Entry, at instant: Duration, perSecond: Double) -> Double {
            min(Double(limit), entry.level + max(0, (instant - entry.lastHit).inSeconds) * max(0, perSecond))
        }
    }

    /// One key's state: a fixed window's hit count, or a bucket's tokens as of its last hit.
    struct Entry {
        /// When the fixed window started (unused by buckets).
        var start: Duration
        var lastHit: Duration
        /// Hits so far in the window, or tokens left in the bucket.
        var level: Double

        init(_ policy: Policy, at instant: Duration) {
            start = instant
            lastHit = instant
            switch policy {
            case .fixedWindow: level = 0
            case .tokenBucket: level = Double(policy.limit)
            }
        }

        mutating func record(_ policy: Policy, at instant: Duration) {
            switch policy {
            case .fixedWindow:
                level += 1
            case .tokenBucket(_, let perSecond):
                let tokens = policy.refilled(self, at: instant, perSecond: perSecond)
                level = tokens >= 1 ? tokens - 1 : tokens
            }
            lastHit = instant
        }
    }

    /// The answer to one hit (or peek).
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        public var limit: Int
        /// Hits still allowed after this one.
        public var remaining: Int
        /// How long until a refused key may try again; zero when allowed.
        public var retryAfter: Duration
        /// How long until the key's limit has fully recovered (a fixed window's reset).
        public var resetAfter: Duration

        public init(allowed: Bool, limit: Int, remaining: Int, retryAfter: Duration, resetAfter: Duration) {
            self.allowed = allowed
            self.limit = limit
            self.remaining = remaining
            self.retryAfter = retryAfter
            self.resetAfter = resetAfter
        }

        /// `retryAfter` in whole seconds, rounded up, at least 1 when refused (HTTP `Retry-After`, RFC 9110 §10.2.3).
        public var retryAfterSeconds: Int { allowed ? 0 : max(1, Self.wholeSeconds(retryAfter)) }
        /// `resetAfter` in whole seconds, rounded up (draft-6 `RateLimit-Reset`).
        public var resetSeconds: Int { Self.wholeSeconds(resetAfter) }

        static func wholeSeconds(_ duration: Duration) -> Int {
            let seconds = duration.inSeconds.rounded(.up)
            return seconds >= Double(Int32.max) ? Int(Int32.max) : max(0, Int(seconds))
        }
    }
}
