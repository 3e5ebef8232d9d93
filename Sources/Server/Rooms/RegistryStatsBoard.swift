import Foundation

/// The registry's counts as last published by the actor that owns them, readable from any thread without an
/// actor hop (the HTTP event loop answers `GET /api/v1/stats` from it). The owner publishes inside each change,
/// before the change's call returns, so a read that follows an acknowledged change sees it.
public final class RegistryStatsBoard: @unchecked Sendable {
    // Guards `current` (the only mutable state); held only for a copy of five integers.
    private let lock = NSLock()
    private var current = RegistryStats()

    public init() {}

    public var stats: RegistryStats { lock.withLock { current } }

    func publish(_ stats: RegistryStats) {
        lock.withLock { current = stats }
    }
}
