import Foundation

/// The server's one rate limiter: counts hits per key (a client address, a connection's action, an address and
/// room) under one ``Policy``, with time from an injected ``ServerClock``.
///
/// Thread-safe and synchronous, so an HTTP handler, an actor or a WebSocket session can ask it without a hop.
/// Memory is bounded: at most `maxKeys` keys are tracked; past that, keys whose limit has fully recovered are
/// dropped first, then the least recently hit (a flood of new addresses costs old ones their history, never memory).
public final class RateLimiter: @unchecked Sendable {
    public let policy: Policy
    public let maxKeys: Int
    private let clock: any ServerClock
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    public init(_ policy: Policy, clock: any ServerClock, maxKeys: Int = 10_000) {
        self.policy = policy
        self.clock = clock
        self.maxKeys = max(1, maxKeys)
    }

    /// Counts one hit for `key` and says whether it is within the limit. A refused hit counts too (as
    /// express-rate-limit counts it), so hammering a limit keeps it shut.
    public func hit(_ key: String) -> Decision {
        let instant = clock.uptime
        return lock.withLock {
            var entry = current(key, at: instant)
            let decision = policy.decide(entry, at: instant)
            entry.record(policy, at: instant)
            store(entry, for: key)
            return decision
        }
    }

    /// Whether a hit now would be allowed, counting nothing: for limits on failures, checked before the work whose
    /// failure is what counts (a login's password check).
    public func peek(_ key: String) -> Decision {
        let instant = clock.uptime
        return lock.withLock { policy.decide(current(key, at: instant), at: instant) }
    }

    /// Forgets `key` (a successful login clears its failures).
    public func reset(_ key: String) {
        _ = lock.withLock { entries.removeValue(forKey: key) }
    }

    /// Keys tracked now (for tests and metrics).
    public var trackedKeys: Int { lock.withLock { entries.count } }

    /// The key's state, or a fresh one when it has none or its limit has fully recovered.
    private func current(_ key: String, at instant: Duration) -> Entry {
        if let entry = entries[key], !policy.hasRecovered(entry, at: instant) { return entry }
        return Entry(policy, at: instant)
    }

    private func store(_ entry: Entry, for key: String) {
        if entries[key] == nil, entries.count >= maxKeys { makeRoom(at: entry.lastHit) }
        entries[key] = entry
    }

    /// Drops recovered keys; if that frees less than a quarter of the table, drops the least recently hit down to
    /// half. Each sweep is O(n log n) and buys at least n/4 inserts, so a hit stays O(log n) amortized.
    private func makeRoom(at instant: Duration) {
        entries = entries.filter { !policy.hasRecovered($0.value, at: instant) }
        guard entries.count > maxKeys * 3 / 4 else { return }
        let keep = entries.sorted { $0.value.lastHit > $1.value.lastHit }.prefix(maxKeys / 2)
        entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
