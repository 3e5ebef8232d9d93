import Foundation

/// Counts failed logins per client address. After `maxFailures` failures within `window`, that address is refused
/// (429 + `Retry-After`) until its oldest counted failure leaves the window. A success clears the address.
/// At most `maxTrackedAddresses` addresses are remembered (the stalest is dropped), so a flood cannot grow memory.
public actor LoginThrottle {
    public let maxFailures: Int
    public let window: TimeInterval
    let maxTrackedAddresses: Int
    let clock: @Sendable () -> Date
    private var failures: [String: [Date]] = [:]

    public init(maxFailures: Int = 5, window: TimeInterval = 300, maxTrackedAddresses: Int = 10_000,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.maxFailures = maxFailures
        self.window = window
        self.maxTrackedAddresses = maxTrackedAddresses
        self.clock = clock
    }

    /// Whole seconds until `address` may try again, or nil when it may try now.
    public func retryAfter(_ address: String) -> Int? {
        let now = clock()
        let recent = prune(address, now: now)
        guard recent.count >= maxFailures, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    public func recordFailure(_ address: String) {
        let now = clock()
        var recent = prune(address, now: now)
        recent.append(now)
        if recent.count > maxFailures { recent.removeFirst(recent.count - maxFailures) }
        if failures[address] == nil, failures.count >= maxTrackedAddresses { evictStalest() }
        failures[address] = recent
    }

    public func recordSuccess(_ address: String) {
        failures[address] = nil
    }

    private func prune(_ address: String, now: Date) -> [Date] {
        guard let list = failures[address] else { return [] }
        let recent = list.filter { now.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
        return recent
    }

    private func evictStalest() {
        guard let stalest = failures.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) })
        else { return }
        failures[stalest.key] = nil
    }
}
